// Package problem is the ledger of the problems enterprises raise (企业反映问题,
// the seed's §五): a problem is registered, put on one of three tracks —
// 立即解决 (closed the same working day), 尽快解决 (closed within a few working
// days) or 说明情况、逐步解决 (a written explanation within a few working
// days, then progress notes and a promised date until it is closed) —
// assigned to a lead department, urged (督办) by supervisors, closed with a
// result and revisited (回访); an unsatisfied revisit reopens it.
//
// Like a case, a problem is its log of events: its status and its clock are
// replayed from the events alone (Replay, Compute), so that the store, a
// report and verify agree. Nothing here reads a database or the system
// time.
package problem

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// Track is one of the seed's three tracks.
type Track string

// The tracks.
const (
	Immediate Track = "immediate" // 能够解决的，立即解决
	Soon      Track = "soon"      // 容易解决的，尽快解决
	Explain   Track = "explain"   // 一时解决有困难的，及时说明情况、逐步解决
)

// Tracks lists the tracks in the seed's order.
var Tracks = []Track{Immediate, Soon, Explain}

// Label is the track's Chinese name.
func (t Track) Label() string {
	switch t {
	case Immediate:
		return "立即解决"
	case Soon:
		return "尽快解决"
	case Explain:
		return "说明情况、逐步解决"
	}
	return "待分流"
}

// Valid says whether t is one of the tracks.
func (t Track) Valid() bool { return t == Immediate || t == Soon || t == Explain }

// Status is where a problem stands.
type Status string

// The statuses.
const (
	Received Status = "received" // 待分流: registered, no track yet
	Open     Status = "open"     // 办理中: on a track
	Closed   Status = "closed"   // 已办结: closed with a result, not yet revisited
	Done     Status = "done"     // 已回访: revisited, the enterprise content
)

// Statuses lists them in order.
var Statuses = []Status{Received, Open, Closed, Done}

// Label is the status's Chinese name.
func (s Status) Label() string {
	switch s {
	case Received:
		return "待分流"
	case Open:
		return "办理中"
	case Closed:
		return "已办结"
	case Done:
		return "已回访"
	}
	return string(s)
}

// Pending says whether the problem still waits for its department: the
// clock runs and it can be overdue.
func (s Status) Pending() bool { return s == Received || s == Open }

// Kind names an event in a problem's log.
type Kind string

// The event kinds.
const (
	Registered   Kind = "registered"    // 登记
	Triaged      Kind = "triaged"       // 分流: the first track
	TrackChanged Kind = "track_changed" // 改变处理方式 (with a reason)
	Assigned     Kind = "assigned"      // 交办: lead and helping departments
	Answered     Kind = "answered"      // 部门答复
	Explained    Kind = "explained"     // 情况说明 (explain track): the text and a promised date
	Progressed   Kind = "progress"      // 进展 (explain track), maybe a new promised date
	Urged        Kind = "urged"         // 督办 (supervisors)
	ClosedKind   Kind = "closed"        // 办结 (with a result)
	Revisited    Kind = "revisited"     // 回访 (the enterprise's verdict)
	Escalated    Kind = "escalated"     // 上报: to a department of the county (the centre), whose answer comes back in a publication
)

// Label is the kind's Chinese name.
func (k Kind) Label() string {
	return map[Kind]string{Registered: "登记", Triaged: "分流", TrackChanged: "改变处理方式", Assigned: "交办", Answered: "部门答复",
		Explained: "情况说明", Progressed: "进展", Urged: "督办", ClosedKind: "办结", Revisited: "回访", Escalated: "上报"}[k]
}

// Verdict is the enterprise's word at the revisit.
type Verdict string

// The verdicts.
const (
	Satisfied   Verdict = "satisfied"   // 满意
	Fair        Verdict = "fair"        // 基本满意
	Unsatisfied Verdict = "unsatisfied" // 不满意: reopens the problem
)

// Label is the verdict's Chinese name.
func (v Verdict) Label() string {
	switch v {
	case Satisfied:
		return "满意"
	case Fair:
		return "基本满意"
	case Unsatisfied:
		return "不满意"
	}
	return string(v)
}

// Sources are where a problem may come from.
var Sources = []string{"窗口", "走访", "电话", "座谈会", "网上", "其他"}

// DefaultCategories are the categories a new database starts with; an
// administrator maintains the list.
var DefaultCategories = []string{"审批", "政策兑现", "用地", "用工", "融资", "水电路网", "其他"}

// Days are the working days the tracks allow; a database keeps its own
// (设置), and every triage records the ones it used.
type Days struct {
	Soon     int `json:"soon"`     // 尽快解决: closed within
	Explain  int `json:"explain"`  // 说明情况: the explanation within
	Progress int `json:"progress"` // then a progress note at least every
}

// DefaultDays are the seed's: 5, 3 and 10 working days.
var DefaultDays = Days{Soon: 5, Explain: 3, Progress: 10}

// Validate refuses days a clock cannot run on.
func (d Days) Validate() error {
	for _, f := range []struct {
		n      int
		field  string
		label  string
		lo, hi int
	}{{d.Soon, "soon_days", "尽快解决的期限", 1, 60}, {d.Explain, "explain_days", "情况说明的期限", 1, 30}, {d.Progress, "progress_days", "进展报告的间隔", 1, 60}} {
		if f.n < f.lo || f.n > f.hi {
			return data.FieldError(f.field, f.label, "应为 %d 到 %d 个工作日", f.lo, f.hi)
		}
	}
	return nil
}

// EventData holds what an event records beyond its kind, time and actor.
type EventData struct {
	// registered
	EnterpriseCode string `json:"enterprise_code,omitempty"`
	EnterpriseName string `json:"enterprise_name,omitempty"`
	Contact        string `json:"contact,omitempty"`
	Phone          string `json:"phone,omitempty"`
	Category       string `json:"category,omitempty"`
	Source         string `json:"source,omitempty"`
	Text           string `json:"text,omitempty"` // the problem; an answer, explanation, note or result
	Case           string `json:"case,omitempty"` // the case it concerns
	// triaged, track_changed
	Track      Track  `json:"track,omitempty"`
	Days       *Days  `json:"days,omitempty"`        // the days in force then
	Due        string `json:"due,omitempty"`         // the closing due date it gives
	ExplainDue string `json:"explain_due,omitempty"` // explain: the explanation's
	Reason     string `json:"reason,omitempty"`      // track_changed: why
	// assigned
	Department string   `json:"department,omitempty"` // lead department's code
	Helpers    []string `json:"helpers,omitempty"`    // helping departments' codes
	// explained, progress: the date promised to the enterprise
	Promised string `json:"promised,omitempty"`
	// revisited
	Verdict Verdict `json:"verdict,omitempty"`
	// answered, explained, progress: an answer from the centre (to a
	// problem reported up) — the department's name and who recorded it
	// there, and the publication that brought it
	From        string `json:"from,omitempty"`
	Publication string `json:"publication,omitempty"`
}

// Event is one entry of a problem's log.
type Event struct {
	Seq   int
	Kind  Kind
	At    time.Time // UTC
	Actor string    // login
	Data  EventData
}

// Problem is a problem with its log and what the log makes of it.
type Problem struct {
	ID             int64
	Number         string // site code + "-" + year + "-WT" + 6-digit sequence
	SiteCode       string
	EnterpriseCode string
	EnterpriseName string
	Category       string
	Department     string // the lead department's code ("" until assigned)
	DepartmentName string
	ReceivedAt     time.Time
	Events         []Event
	State          State // replayed from Events
}

// NumberRE is a problem number's form.
var NumberRE = regexp.MustCompile(`^[0-9]{9}-[0-9]{4}-WT[0-9]{6}$`)

// Number makes the number of a site's seq-th problem of a year.
func Number(site string, year, seq int) string { return fmt.Sprintf("%s-%04d-WT%06d", site, year, seq) }

// Intake is what is typed to register a problem.
type Intake struct {
	EnterpriseCode string // 统一社会信用代码
	EnterpriseName string
	Contact, Phone string
	Category       string
	Source         string
	Text           string
	Case           string // optional: the case it concerns
}

// Validate checks an intake and normalises its code; each error names
// its field in Chinese.
func (in *Intake) Validate() error {
	code, err := data.ValidateCreditCode(in.EnterpriseCode)
	if err != nil {
		return data.FieldError("enterprise_code", "统一社会信用代码", "%s", data.ErrorMessage(err))
	}
	in.EnterpriseCode = code
	in.EnterpriseName = strings.TrimSpace(in.EnterpriseName)
	in.Text = strings.TrimSpace(in.Text)
	in.Text = strings.ReplaceAll(in.Text, "\r\n", "\n")
	if err := data.CheckParagraphs("text", "问题内容", in.Text, 5, 2000); err != nil {
		return err
	}
	for _, c := range []struct {
		field, label, v string
		lo, hi          int
	}{
		{"enterprise_name", "企业名称", in.EnterpriseName, 1, 100},
		{"contact", "联系人", in.Contact, 0, 30},
		{"category", "问题类别", in.Category, 1, 20},
	} {
		if err := data.CheckText(c.field, c.label, c.v, c.lo, c.hi); err != nil {
			return err
		}
	}
	if in.Phone != "" && !rePhone.MatchString(in.Phone) {
		return data.FieldError("phone", "联系电话", "只能含数字、空格和 +-()，5 到 20 位")
	}
	ok := false
	for _, s := range Sources {
		ok = ok || s == in.Source
	}
	if !ok {
		return data.FieldError("source", "问题来源", "应为 %s 之一", strings.Join(Sources, "、"))
	}
	return nil
}

var rePhone = regexp.MustCompile(`^[0-9+\-() ]{5,20}$`)

// DateOf is the civil date of a moment in Asia/Shanghai.
func DateOf(t time.Time) calendar.Date { return calendar.DateOf(t) }

// Reply is a county department's answer, recorded at the centre, to a
// problem a township reported up (上报); a publication carries it back,
// and the township's program writes it into the problem's log as an
// answer, an explanation or a progress note.
type Reply struct {
	Problem        string `json:"problem"`
	Department     string `json:"department"` // code
	DepartmentName string `json:"department_name"`
	Kind           Kind   `json:"kind"` // answered | explained | progress
	Text           string `json:"text"`
	Promised       string `json:"promised"` // explained, progress: YYYY-MM-DD or ""
	At             string `json:"at"`       // UTC
	By             string `json:"by"`       // who recorded it at the centre
}

// Validate checks a reply as recorded or as read from a publication.
func (r *Reply) Validate() error {
	if !NumberRE.MatchString(r.Problem) {
		return data.FieldError("problem", "问题编号", "%q 不是问题编号", r.Problem)
	}
	switch r.Kind {
	case Answered, Explained, Progressed:
	default:
		return data.FieldError("kind", "答复种类", "应为 answered（答复）、explained（情况说明）或 progress（进展）")
	}
	r.Text = strings.TrimSpace(strings.ReplaceAll(r.Text, "\r\n", "\n"))
	if err := data.CheckParagraphs("text", "答复内容", r.Text, 2, 2000); err != nil {
		return err
	}
	if r.Kind == Explained && r.Promised == "" {
		return data.FieldError("promised", "承诺解决日期", "情况说明须写明承诺解决日期（YYYY-MM-DD）")
	}
	if r.Promised != "" {
		if _, err := calendar.ParseDate(r.Promised); err != nil {
			return data.FieldError("promised", "承诺解决日期", "应为 YYYY-MM-DD")
		}
	}
	for _, f := range []struct{ field, label, v string }{{"department", "答复部门", r.Department}, {"department_name", "答复部门名称", r.DepartmentName}, {"by", "答复人", r.By}} {
		if err := data.CheckText(f.field, f.label, f.v, 1, 60); err != nil {
			return err
		}
	}
	if _, err := data.ParseTime(r.At); err != nil {
		return data.FieldError("at", "答复时间", "%q 不是时间", r.At)
	}
	return nil
}

// Event is the reply as an entry of the township's log; who received the
// publication records it, and From says whose words they are.
func (r Reply) Event(publication string) Event {
	return Event{Kind: r.Kind, Data: EventData{Text: r.Text, Promised: r.Promised, Department: r.Department,
		From: r.DepartmentName + " " + r.By, Publication: publication}}
}
