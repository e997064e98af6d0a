package data

// Decision is what the clerk decides at the counter when registering.
type Decision string

// Decisions at intake.
const (
	DecideNone       Decision = ""           // only receive the materials
	DecideAccept     Decision = "accept"     // 受理
	DecideSupplement Decision = "supplement" // 一次性告知补正
	DecideRefuse     Decision = "refuse"     // 不予受理
)

// Intake is a registration at the counter.
type Intake struct {
	ItemID    int64
	Applicant Applicant
	WindowID  int64
	Materials []string // materials handed in
	Decision  Decision
	Missing   []string // DecideSupplement: every missing material
	Reason    string   // DecideRefuse: the reason
}

// MaxDailySequence is the largest 4-digit daily sequence number.
const MaxDailySequence = 9999
