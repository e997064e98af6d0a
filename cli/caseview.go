package cli

import (
	"fmt"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/policy"
)

// caseView is the JSON shape of one case for `onewindow cases --json`:
// stable field names that scripts and reviewers can rely on.
type caseView struct {
	Number        string       `json:"number"`
	ItemCode      string       `json:"item_code"`
	ItemName      string       `json:"item_name"`
	ItemKind      string       `json:"item_kind"`
	Department    string       `json:"department"`
	ApplicantName string       `json:"applicant_name"`
	ApplicantKind string       `json:"applicant_kind"`
	ApplicantCode string       `json:"applicant_code"`
	SiteCode      string       `json:"site_code"`
	Window        string       `json:"window"`
	Clerk         string       `json:"clerk"`
	Status        string       `json:"status"`
	ReceivedAt    string       `json:"received_at"`
	Events        []eventView  `json:"events"`
	Clock         clockView    `json:"clock"`
	Fees          []feeView    `json:"fees"`
	Waivers       []waiverView `json:"waivers"`
	AmountDueFen  int64        `json:"amount_due_fen"`
	Rating        *ratingView  `json:"rating"`       // null until rated
	ThemeNumber   *string      `json:"theme_number"` // the 主题件 (一件事) the case belongs to; null for none
	// The waiver policies whose rules the case's facts meet, per fee line,
	// and what was done: applied (a waiver asked for) or not, with the
	// clerk's reason when declined.
	Eligible []eligibleView `json:"eligible"`
}

type eligibleView struct {
	Policy    string `json:"policy"` // code
	Fee       string `json:"fee"`    // fee code
	Kind      string `json:"kind"`   // full | partial
	AmountFen int64  `json:"amount_fen"`
	Applied   bool   `json:"applied"`
	Status    string `json:"status"`  // the waiver's: pending | approved; "" when none
	Covered   bool   `json:"covered"` // another policy's waiver is on the fee line
	Reason    string `json:"reason"`
}

// eligible fills in the policies the case qualified for.
func (v *caseView) eligible(a *data.Application, policies []data.WaiverPolicy) {
	v.Eligible = []eligibleView{}
	found, _ := policy.Evaluate(a, policies)
	for _, e := range found {
		v.Eligible = append(v.Eligible, eligibleView{Policy: e.Policy, Fee: e.Fee, Kind: string(e.Kind), AmountFen: e.AmountFen,
			Applied: e.Applied, Status: e.Status, Covered: e.Covered, Reason: e.Reason})
	}
}

type feeView struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	AmountFen int64  `json:"amount_fen"`
	Unit      string `json:"unit"`
	Basis     string `json:"basis"`
}

type waiverView struct {
	FeeCode     string  `json:"fee_code"`
	Kind        string  `json:"kind"` // full | partial
	AmountFen   int64   `json:"amount_fen"`
	Basis       string  `json:"basis"`  // the policy's 文号
	Policy      string  `json:"policy"` // the policy's name
	Reason      string  `json:"reason"`
	Status      string  `json:"status"` // pending | approved | rejected
	RequestedBy string  `json:"requested_by"`
	RequestedAt string  `json:"requested_at"`
	DecidedBy   *string `json:"decided_by"`
	DecidedAt   *string `json:"decided_at"`
}

type ratingView struct {
	Level         int                `json:"level"` // 5 非常满意 … 1 非常不满意
	Comment       string             `json:"comment"`
	At            string             `json:"at"`
	Rectification *rectificationView `json:"rectification"` // 差评 only
}

type rectificationView struct {
	Status   string  `json:"status"` // open | in_progress | done | appealed | invalid
	DueDate  string  `json:"due_date"`
	DoneDate *string `json:"done_date"`
	Overdue  bool    `json:"overdue"`
}

type eventView struct {
	Kind  string         `json:"kind"`
	At    string         `json:"at"`
	Actor string         `json:"actor"`
	Data  data.EventData `json:"data"`
}

type clockView struct {
	StartDate  *string   `json:"start_date"` // null until accepted (or deemed accepted)
	DeemedLate bool      `json:"deemed_accepted_at_receipt"`
	Open       bool      `json:"open"`
	Paused     bool      `json:"paused"`
	PauseDays  int       `json:"pause_days"`
	EndDate    *string   `json:"end_date"`
	Promised   trackView `json:"promised"`
	Statutory  trackView `json:"statutory"`
}

type trackView struct {
	LimitDays     int     `json:"limit_days"`
	DueDate       *string `json:"due_date"`
	UsedDays      int     `json:"used_days"`
	RemainingDays int     `json:"remaining_days"`
	OnTime        *bool   `json:"on_time"` // completed cases only
	Warning       *string `json:"warning"` // open cases only: green, yellow, red
}

func newCaseView(a *data.Application, r clock.Result, today calendar.Date) caseView {
	v := caseView{
		Number: a.Number, ItemCode: a.Item.Code, ItemName: a.Item.Name, ItemKind: string(a.Item.Kind), Department: a.Item.Department,
		ApplicantName: a.Applicant.Name, ApplicantKind: string(a.Applicant.Kind), ApplicantCode: a.Applicant.IDCode,
		SiteCode: a.SiteCode, Window: a.Window, Clerk: a.Clerk, Status: string(a.Status),
		ReceivedAt: a.ReceivedAt.UTC().Format(time.RFC3339),
	}
	if a.ThemeNumber != "" {
		n := a.ThemeNumber
		v.ThemeNumber = &n
	}
	for _, e := range a.Events {
		v.Events = append(v.Events, eventView{Kind: string(e.Kind), At: e.At.UTC().Format(time.RFC3339), Actor: e.Actor, Data: e.Data})
	}
	v.Fees, v.Waivers, v.AmountDueFen = []feeView{}, []waiverView{}, a.AmountDue()
	for _, f := range a.Fees {
		v.Fees = append(v.Fees, feeView{Code: f.Code, Name: f.Name, AmountFen: f.AmountFen, Unit: f.Unit, Basis: f.Basis})
	}
	for _, w := range a.Waivers {
		wv := waiverView{FeeCode: w.FeeCode, Kind: string(w.Kind), AmountFen: w.AmountFen, Basis: w.Basis, Policy: w.Policy, Reason: w.Reason,
			Status: string(w.Status), RequestedBy: w.RequestedBy, RequestedAt: w.RequestedAt.UTC().Format(time.RFC3339)}
		if w.Status != data.ApprovalPending {
			by, at := w.DecidedBy, w.DecidedAt.UTC().Format(time.RFC3339)
			wv.DecidedBy, wv.DecidedAt = &by, &at
		}
		v.Waivers = append(v.Waivers, wv)
	}
	if g := a.Rating; g != nil {
		v.Rating = &ratingView{Level: g.Level, Comment: g.Comment, At: g.At.UTC().Format(time.RFC3339)}
		if x := g.Rectification; x != nil {
			rv := &rectificationView{Status: string(x.Status), DueDate: x.Due.String(), Overdue: x.Overdue(today)}
			if x.Done != 0 {
				d := x.Done.String()
				rv.DoneDate = &d
			}
			v.Rating.Rectification = rv
		}
	}
	lim := a.Limits()
	v.Clock = clockView{DeemedLate: r.DeemedLate, Open: r.Open, Paused: r.Paused, PauseDays: r.PauseDays,
		Promised:  trackView{LimitDays: lim.Promised + r.ExtraDays, RemainingDays: lim.Promised + r.ExtraDays},
		Statutory: trackView{LimitDays: lim.Statutory + r.ExtraDays, RemainingDays: lim.Statutory + r.ExtraDays}}
	if !a.Status.Open() {
		end := r.End.String()
		v.Clock.EndDate = &end
	}
	if r.Started {
		start := r.Start.String()
		v.Clock.StartDate = &start
		v.Clock.Promised = newTrackView(r.Promised)
		v.Clock.Statutory = newTrackView(r.Statutory)
	}
	return v
}

func newTrackView(t clock.Track) trackView {
	due := t.Due.String()
	v := trackView{LimitDays: t.Limit, DueDate: &due, UsedDays: t.Used, RemainingDays: t.Remaining, OnTime: t.OnTime}
	if t.Warning != "" {
		w := string(t.Warning)
		v.Warning = &w
	}
	return v
}

// line is the plain-text form: one case per line for a person.
func (v caseView) line() string {
	due, warn, left := "-", "-", "-"
	if v.Clock.Promised.DueDate != nil {
		due = *v.Clock.Promised.DueDate
	}
	if v.Clock.Promised.Warning != nil {
		warn = *v.Clock.Promised.Warning
		left = fmt.Sprint(v.Clock.Promised.RemainingDays)
	}
	return fmt.Sprintf("%s  %s  %-6s 到期 %-10s 剩余 %3s  %s  %s  %s", v.Number, data.Status(v.Status).Label(), warn, due,
		left, v.Window, v.ItemName, v.ApplicantName)
}
