package theme

import (
	"regexp"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// NumberRE matches a 主题件 number: the site code, ZT, the day, a
// four-digit daily sequence.
var NumberRE = regexp.MustCompile(`^[0-9]{9}ZT[0-9]{12}$`)

// Case is one registered 主题件: the theme as it was at registration, the
// applicant, and one member per step.
type Case struct {
	ID          int64
	Number      string // 主题件编号: site code + "ZT" + yyyymmdd + 4-digit daily sequence
	SiteCode    string
	Theme       Theme // code, name, limit, together and steps as registered
	Applicant   data.Applicant
	Proofs      []data.Proof // recorded at intake, given to every member case
	Materials   []string     // handed in at intake (the merged checklist's)
	WindowID    int64
	ClerkID     int64
	ReceivedAt  time.Time
	DeliveredAt time.Time // 统一出件; zero until then
	Members     []Member
	// Clock and Status as of the day the store read the case (Compute).
	Clock  clock.Result
	Status Status
}

// Intake is a theme taken in at the counter: one applicant, the materials
// handed in (the merged checklist's), the proofs for waiver policies.
type Intake struct {
	ThemeID   int64
	Applicant data.Applicant
	WindowID  int64
	Materials []string
	Proofs    []data.Proof
}

// Member is one step of a registered theme and its case.
type Member struct {
	Step Step
	App  *data.Application // nil while the step waits for another
	// Clock is the member case's clock on the day the theme was computed.
	Clock clock.Result
}

// Status is where a theme case stands.
type Status string

// The statuses of a theme case.
const (
	StatusSupplement Status = "supplement" // no item accepted yet (补正 for every one)
	StatusAccepted   Status = "accepted"   // 办理中: the theme's clock runs
	StatusCompleted  Status = "completed"  // every item closed; results not yet handed over together
	StatusDelivered  Status = "delivered"  // 已出件: handed over (together, or each item's)
	StatusClosed     Status = "closed"     // every item refused or withdrawn: nothing to hand over
)

// Label is the status in Chinese.
func (s Status) Label() string {
	switch s {
	case StatusSupplement:
		return "待补正"
	case StatusAccepted:
		return "办理中"
	case StatusCompleted:
		return "已办结待出件"
	case StatusDelivered:
		return "已出件"
	case StatusClosed:
		return "已终止"
	}
	return string(s)
}

// Compute reads every member's clock on today and from them the theme's:
// it starts the first day an item's clock starts (the theme's
// acceptance), ends when the last item closes, and is measured against
// the theme's limit as a case's clock is against its promise (the same
// working days, the same traffic light); an item's pause or 补正 does not
// stop it, as the applicant's wait goes on.
func (c *Case) Compute(cal *calendar.Calendar, today calendar.Date, threshold float64) {
	var start, end calendar.Date
	started, allClosed, anyDone, allDelivered := false, true, false, true
	for i := range c.Members {
		m := &c.Members[i]
		if m.App == nil {
			m.Clock = clock.Result{}
			if !c.Blocked(m.Step) {
				allClosed, allDelivered = false, false
			}
			continue
		}
		m.Clock = clock.Compute(m.App.ClockEvents(), m.App.Limits(), cal, today, threshold)
		if m.Clock.Started && (!started || m.Clock.Start < start) {
			start, started = m.Clock.Start, true
		}
		switch m.App.Status {
		case data.StatusCompleted, data.StatusDelivered:
			anyDone = anyDone || !Denied(m.App)
		case data.StatusRefused, data.StatusWithdrawn:
		default:
			allClosed = false
		}
		if m.App.Status != data.StatusDelivered && m.App.Status != data.StatusRefused && m.App.Status != data.StatusWithdrawn {
			allDelivered = false
		}
		if !m.App.Status.Open() && m.Clock.End > end {
			end = m.Clock.End
		}
	}
	c.Clock = clock.Result{}
	if started {
		events := []clock.Event{{Kind: clock.Accepted, At: start.Time()}}
		if allClosed {
			kind := clock.Withdrawn
			if anyDone {
				kind = clock.Completed
			}
			events = append(events, clock.Event{Kind: kind, At: max(end, start).Time()})
		}
		lim := clock.Limits{Promised: c.Theme.Limit, Statutory: c.Theme.Limit}
		c.Clock = clock.Compute(events, lim, cal, today, threshold)
	}
	switch {
	case allClosed && !anyDone:
		c.Status = StatusClosed
	case allClosed && (allDelivered || !c.DeliveredAt.IsZero()):
		c.Status = StatusDelivered
	case allClosed:
		c.Status = StatusCompleted
	case started:
		c.Status = StatusAccepted
	default:
		c.Status = StatusSupplement
	}
}

// Track is the theme's clock against its limit.
func (c *Case) Track() clock.Track { return c.Clock.Promised }

// HeldUp is the code of the item that held the theme up: of a closed
// theme, the item that closed last; of an open one, the open item with
// the fewest working days left on its promise (a waiting item counts as
// having none started). "" when nothing is registered.
func (c *Case) HeldUp() string {
	best, code := 0, ""
	for _, m := range c.Members {
		var score int
		switch {
		case m.App == nil:
			score = -1 << 20 // waiting: only after every open item
			if c.Status != StatusAccepted && c.Status != StatusSupplement {
				continue
			}
		case !m.App.Status.Open():
			if c.Status == StatusAccepted || c.Status == StatusSupplement {
				continue
			}
			score = int(m.Clock.End)
		default:
			score = -m.Clock.Promised.Remaining
		}
		if code == "" || score > best {
			best, code = score, m.Step.Item.Code
		}
	}
	return code
}

// Blocked says whether step st waits for a step that was refused,
// withdrawn or completed with 不予许可 (or itself waits for one): it will
// never start.
func (c *Case) Blocked(st Step) bool {
	for hops := 0; st.After != "" && hops <= len(c.Members); hops++ {
		var prev *Member
		for i := range c.Members {
			if c.Members[i].Step.Item.Code == st.After {
				prev = &c.Members[i]
			}
		}
		if prev == nil {
			return false
		}
		if prev.App != nil {
			return prev.App.Status == data.StatusRefused || prev.App.Status == data.StatusWithdrawn || Denied(prev.App)
		}
		st = prev.Step
	}
	return false
}

// Numbers are the member cases' numbers, in the theme's order (waiting
// steps have none yet).
func (c *Case) Numbers() []string {
	var out []string
	for _, m := range c.Members {
		if m.App != nil {
			out = append(out, m.App.Number)
		}
	}
	return out
}

// Denied says whether app was completed with 不予许可.
func Denied(app *data.Application) bool {
	for _, e := range app.Events {
		if e.Kind == clock.Completed {
			return e.Data.Result == data.ResultDenied
		}
	}
	return false
}
