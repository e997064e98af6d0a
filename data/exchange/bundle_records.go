package exchange

import "reflect"

// The records of a bundle. Each lists its fields in the order of the SQL
// columns it is read from and written to (fields), so that the export's
// SELECT and the import's INSERT cannot drift apart from the JSON.

type Department struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type Item struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Department string `json:"department"`
	Kind       string `json:"kind"`
	Statutory  int64  `json:"statutory"`
	Promised   int64  `json:"promised"`
	Materials  string `json:"materials"`
	Active     int64  `json:"active"`
}

type Window struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type User struct {
	Login  string  `json:"login"`
	Name   string  `json:"name"`
	Role   string  `json:"role"`
	Window *string `json:"window"`
	Active int64   `json:"active"`
}

type Policy struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	Basis     string  `json:"basis"`
	ValidFrom string  `json:"valid_from"`
	ValidTo   *string `json:"valid_to"`
	// Rule is who the policy covers (policy.Rule as text; "" for none),
	// so that a centre judges every site's cases by it. Bundles made
	// before it have none.
	Rule string `json:"rule,omitempty"`
}

type CalendarDay struct {
	Layer   string `json:"layer"`
	Date    string `json:"date"`
	Working int64  `json:"working"`
	Name    string `json:"name"`
}

type Applicant struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	IDCode    string `json:"id_code"`
	Contact   string `json:"contact"`
	Phone     string `json:"phone"`
	Address   string `json:"address"`
	UpdatedAt string `json:"updated_at"`
}

// Case is a case's row: who and what, its status, and the clock cache as
// its site computed it on its own calendar.
type Case struct {
	Number          string  `json:"number"`
	Item            string  `json:"item"`
	Applicant       string  `json:"applicant"`
	Window          string  `json:"window"`
	Clerk           string  `json:"clerk"`
	ReceivedAt      string  `json:"received_at"`
	ReceivedDate    string  `json:"received_date"`
	Status          string  `json:"status"`
	StartDate       *string `json:"start_date"`
	DuePromised     *string `json:"due_promised"`
	DueStatutory    *string `json:"due_statutory"`
	ClosedDate      *string `json:"closed_date"`
	YellowPromised  *string `json:"yellow_promised"`
	YellowStatutory *string `json:"yellow_statutory"`
	AcceptedDate    *string `json:"accepted_date"`
	UsedDays        *int64  `json:"used_days"`
	OntimePromised  *int64  `json:"ontime_promised"`
	OntimeStatutory *int64  `json:"ontime_statutory"`
	PauseDays       *int64  `json:"pause_days"`
	ExtraDays       *int64  `json:"extra_days"`
	Supplemented    *int64  `json:"supplemented"`
	RedPromised     *string `json:"red_promised"`
	RedStatutory    *string `json:"red_statutory"`
	RatedDate       *string `json:"rated_date"`
	RatingLevel     *int64  `json:"rating_level"`
}

type Event struct {
	Case  string `json:"case"`
	Seq   int64  `json:"seq"`
	Kind  string `json:"kind"`
	At    string `json:"at"`
	Actor string `json:"actor"`
	Data  string `json:"data"`
}

type Fee struct {
	Case   string `json:"case"`
	Code   string `json:"fee_code"`
	Name   string `json:"name"`
	Amount int64  `json:"amount_fen"`
	Unit   string `json:"unit"`
	Basis  string `json:"basis"`
}

type Waiver struct {
	ID          int64   `json:"id"` // the site's row id: waivers have no other key
	Case        string  `json:"case"`
	Fee         string  `json:"fee_code"`
	Kind        string  `json:"kind"`
	Amount      int64   `json:"amount_fen"`
	Policy      string  `json:"policy"`
	Reason      string  `json:"reason"`
	Status      string  `json:"status"`
	RequestedBy string  `json:"requested_by"`
	RequestedAt string  `json:"requested_at"`
	DecidedBy   *string `json:"decided_by"`
	DecidedAt   *string `json:"decided_at"`
	Note        string  `json:"note"`
}

type Extension struct {
	ID          int64   `json:"id"`
	Case        string  `json:"case"`
	Days        int64   `json:"days"`
	Reason      string  `json:"reason"`
	Status      string  `json:"status"`
	RequestedBy string  `json:"requested_by"`
	RequestedAt string  `json:"requested_at"`
	DecidedBy   *string `json:"decided_by"`
	DecidedAt   *string `json:"decided_at"`
	Note        string  `json:"note"`
}

type Rating struct {
	Case    string `json:"case"`
	Level   int64  `json:"level"`
	Comment string `json:"comment"`
	At      string `json:"at"`
	Clerk   string `json:"clerk"`
}

type Rectification struct {
	Case      string  `json:"case"`
	Status    string  `json:"status"`
	DueDate   string  `json:"due_date"`
	OpenedAt  string  `json:"opened_at"`
	DoneDate  *string `json:"done_date"`
	Measures  string  `json:"measures"`
	Revisit   string  `json:"revisit"`
	Appeal    string  `json:"appeal"`
	Decision  string  `json:"decision"`
	UpdatedAt string  `json:"updated_at"`
}

type Document struct {
	Number   string `json:"number"`
	Kind     string `json:"kind"`
	Year     int64  `json:"year"`
	Seq      int64  `json:"seq"`
	Case     string `json:"case"`
	IssuedAt string `json:"issued_at"`
	IssuedBy string `json:"issued_by"`
	Content  string `json:"content"`
	Hash     string `json:"hash"`
	Reprints int64  `json:"reprints"`
}

// Problem is an enterprise's problem (企业反映问题) and the state its log
// replays to, as its site cached it; the centre replays the log again.
type Problem struct {
	Number         string `json:"number"`
	EnterpriseCode string `json:"enterprise_code"`
	EnterpriseName string `json:"enterprise_name"`
	Category       string `json:"category"`
	CaseNumber     string `json:"case_number"`
	ReceivedAt     string `json:"received_at"`
	ReceivedDate   string `json:"received_date"`
	Status         string `json:"status"`
	Track          string `json:"track"`
	Days           string `json:"days"`
	Department     string `json:"department"`
	Helpers        string `json:"helpers"`
	Explained      string `json:"explained"`
	LastNote       string `json:"last_note"`
	Promised       string `json:"promised"`
	ClosedOn       string `json:"closed_on"`
	Urges          int64  `json:"urges"`
	TrackChanges   int64  `json:"track_changes"`
	Reopened       int64  `json:"reopened"`
	Verdict        string `json:"verdict"`
}

// ProblemEvent is one entry of a problem's log (the whole log travels with
// every change of the problem).
type ProblemEvent struct {
	Problem string `json:"problem"`
	Seq     int64  `json:"seq"`
	Kind    string `json:"kind"`
	At      string `json:"at"`
	Actor   string `json:"actor"`
	Data    string `json:"data"`
}

// ProblemDocument is a paper issued for a problem (问题受理回执, 情况说明函).
type ProblemDocument struct {
	Number   string `json:"number"`
	Kind     string `json:"kind"`
	Year     int64  `json:"year"`
	Seq      int64  `json:"seq"`
	Problem  string `json:"problem"`
	IssuedAt string `json:"issued_at"`
	IssuedBy string `json:"issued_by"`
	Content  string `json:"content"`
	Hash     string `json:"hash"`
	Reprints int64  `json:"reprints"`
}

// Fields returns pointers to the fields of a record struct, in order: the
// destinations of a row scan, and (through Values) the arguments of an
// INSERT.
func Fields(rec any) []any {
	v := reflect.ValueOf(rec).Elem()
	out := make([]any, v.NumField())
	for i := range out {
		out[i] = v.Field(i).Addr().Interface()
	}
	return out
}

// Values returns the field values of a record struct, in order.
func Values(rec any) []any {
	v := reflect.ValueOf(rec).Elem()
	out := make([]any, v.NumField())
	for i := range out {
		out[i] = v.Field(i).Interface()
	}
	return out
}
