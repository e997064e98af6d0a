package cli

import (
	"fmt"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/clock"
)

// caseView is the JSON shape of one case for `onewindow cases --json`:
// stable field names that scripts and reviewers can rely on.
type caseView struct {
	Number        string      `json:"number"`
	ItemCode      string      `json:"item_code"`
	ItemName      string      `json:"item_name"`
	ItemKind      string      `json:"item_kind"`
	Department    string      `json:"department"`
	ApplicantName string      `json:"applicant_name"`
	ApplicantKind string      `json:"applicant_kind"`
	ApplicantCode string      `json:"applicant_code"`
	SiteCode      string      `json:"site_code"`
	Window        string      `json:"window"`
	Clerk         string      `json:"clerk"`
	Status        string      `json:"status"`
	ReceivedAt    string      `json:"received_at"`
	Events        []eventView `json:"events"`
	Clock         clockView   `json:"clock"`
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

func newCaseView(a *data.Application, r clock.Result) caseView {
	v := caseView{
		Number: a.Number, ItemCode: a.Item.Code, ItemName: a.Item.Name, ItemKind: string(a.Item.Kind), Department: a.Item.Department,
		ApplicantName: a.Applicant.Name, ApplicantKind: string(a.Applicant.Kind), ApplicantCode: a.Applicant.IDCode,
		SiteCode: a.SiteCode, Window: a.Window, Clerk: a.Clerk, Status: string(a.Status),
		ReceivedAt: a.ReceivedAt.UTC().Format(time.RFC3339),
	}
	for _, e := range a.Events {
		v.Events = append(v.Events, eventView{Kind: string(e.Kind), At: e.At.UTC().Format(time.RFC3339), Actor: e.Actor, Data: e.Data})
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
