package problem

import (
	"math"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// State is what a problem's log makes of it.
type State struct {
	Status       Status
	Track        Track
	Days         Days // the days of the track's last triage
	Received     calendar.Date
	Department   string
	Helpers      []string
	Explained    calendar.Date // the first explanation (explain track)
	LastNote     calendar.Date // the explanation or the last progress note
	Promised     calendar.Date // the date promised to the enterprise (explain track)
	ClosedOn     calendar.Date // the last closing
	Urges        int           // 督办 counted
	TrackChanges int
	Reopened     int     // times an unsatisfied revisit reopened it
	Verdict      Verdict // the last revisit's
	EscalatedTo  string  // the county department it was reported up to (上报), "" if none
	Replies      int     // answers from the centre written into the log
}

// Replay runs the log from the start.
func Replay(events []Event) State {
	var s State
	for _, e := range events {
		s.apply(e)
	}
	return s
}

func (s *State) apply(e Event) {
	d := DateOf(e.At)
	if e.Data.From != "" {
		s.Replies++
	}
	switch e.Kind {
	case Registered:
		s.Status, s.Received = Received, d
	case Triaged, TrackChanged:
		s.Status, s.Track = Open, e.Data.Track
		if e.Data.Days != nil {
			s.Days = *e.Data.Days
		}
		if e.Kind == TrackChanged {
			s.TrackChanges++
		}
	case Assigned:
		s.Department, s.Helpers = e.Data.Department, e.Data.Helpers
	case Explained, Progressed:
		if e.Kind == Explained && s.Explained == 0 {
			s.Explained = d
		}
		s.LastNote = d
		if p, err := calendar.ParseDate(e.Data.Promised); err == nil {
			s.Promised = p
		}
	case Urged:
		s.Urges++
	case Escalated:
		s.EscalatedTo = e.Data.Department
	case ClosedKind:
		s.Status, s.ClosedOn = Closed, d
	case Revisited:
		s.Verdict = e.Data.Verdict
		if e.Data.Verdict == Unsatisfied {
			s.Status = Open
			s.Reopened++
		} else {
			s.Status = Done
		}
	}
}

// Check says whether event e may follow the log that made s, by a user of
// role, and normalises its data; the error names the field in Chinese.
// Whether a department's user may record for this problem is
// CheckDepartment's.
func Check(s State, e *Event, role data.Role) error {
	d := &e.Data
	d.Text, d.Reason = strings.TrimSpace(d.Text), strings.TrimSpace(d.Reason)
	needText := func(label string, lo int) error { return data.CheckParagraphs("text", label, d.Text, lo, 2000) }
	switch e.Kind {
	case Triaged:
		if s.Status != Received {
			return data.Errorf(data.ECONFLICT, "问题已分流（%s），改变处理方式须说明理由", s.Track.Label())
		}
		if !d.Track.Valid() {
			return data.FieldError("track", "处理方式", "应为立即解决、尽快解决或说明情况、逐步解决")
		}
	case TrackChanged:
		if s.Status != Open {
			return data.Errorf(data.ECONFLICT, "%s的问题不能改变处理方式", s.Status.Label())
		}
		if !d.Track.Valid() || d.Track == s.Track {
			return data.FieldError("track", "处理方式", "应为与现在（%s）不同的一种", s.Track.Label())
		}
		if err := data.CheckText("reason", "改变理由", d.Reason, 2, 500); err != nil {
			return err
		}
	case Assigned:
		if !s.Status.Pending() {
			return data.Errorf(data.ECONFLICT, "%s的问题不能交办", s.Status.Label())
		}
		if err := data.CheckText("department", "牵头部门", d.Department, 1, 20); err != nil {
			return err
		}
		for _, h := range d.Helpers {
			if h == d.Department {
				return data.FieldError("helpers", "协办部门", "牵头部门不必再列为协办")
			}
		}
	case Answered:
		if s.Status != Open {
			return data.Errorf(data.ECONFLICT, "%s的问题不能答复", s.Status.Label())
		}
		return needText("答复内容", 2)
	case Explained, Progressed:
		if s.Status != Open || s.Track != Explain {
			return data.Errorf(data.ECONFLICT, "只有“说明情况、逐步解决”的办理中问题记录情况说明和进展")
		}
		if e.Kind == Progressed && s.Explained == 0 {
			return data.Errorf(data.ECONFLICT, "先向企业作出情况说明，再记录进展")
		}
		label := "情况说明"
		if e.Kind == Progressed {
			label = "进展情况"
		}
		if err := needText(label, 5); err != nil {
			return err
		}
		if e.Kind == Explained || d.Promised != "" {
			p, err := calendar.ParseDate(d.Promised)
			if err != nil || p < DateOf(e.At) {
				return data.FieldError("promised", "承诺解决日期", "应为今天或以后的日期（YYYY-MM-DD）")
			}
		}
	case Urged:
		if role != data.RoleSupervisor && role != data.RoleAdmin {
			return data.Errorf(data.EFORBIDDEN, "只有督查人员可以督办")
		}
		if !s.Status.Pending() {
			return data.Errorf(data.ECONFLICT, "%s的问题不用督办", s.Status.Label())
		}
		return data.CheckText("text", "督办意见", d.Text, 2, 500)
	case ClosedKind:
		if s.Status != Open {
			return data.Errorf(data.ECONFLICT, "%s的问题不能办结", s.Status.Label())
		}
		if s.Department == "" {
			return data.Errorf(data.ECONFLICT, "问题尚未交办给牵头部门，不能办结")
		}
		return needText("办结结果", 5)
	case Escalated:
		if s.Status != Open {
			return data.Errorf(data.ECONFLICT, "只有已分流、办理中的问题可以上报（现在：%s）", s.Status.Label())
		}
		if s.EscalatedTo != "" {
			return data.Errorf(data.ECONFLICT, "问题已上报 %s，等待答复", s.EscalatedTo)
		}
		if err := data.CheckText("department", "上报部门", d.Department, 1, 20); err != nil {
			return err
		}
		return needText("上报理由", 5)
	case Revisited:
		if s.Status != Closed {
			return data.Errorf(data.ECONFLICT, "只有已办结的问题可以回访")
		}
		if d.Verdict != Satisfied && d.Verdict != Fair && d.Verdict != Unsatisfied {
			return data.FieldError("verdict", "回访评价", "应为满意、基本满意或不满意")
		}
		if d.Verdict == Unsatisfied {
			return data.CheckText("text", "不满意的原因", d.Text, 2, 500)
		}
	default:
		return data.FieldError("kind", "操作", "%q 不是问题的操作", string(e.Kind))
	}
	return nil
}

// Clock is a problem's deadlines on a day.
type Clock struct {
	Track       Track
	Due         calendar.Date // closing: the track's day, or the promised date (explain); 0 when none yet
	ExplainDue  calendar.Date // explain: the explanation's
	ProgressDue calendar.Date // explain, once explained: the next progress note's
	Next        calendar.Date // the deadline that applies now (pending only)
	Used        int           // working days since it was received, to today or its closing
	Remaining   int           // working days to Next; negative when overdue
	Warning     clock.Warning // pending only
	OnTime      *bool         // closed or revisited: closed (and explained) in time
}

// Dues are the deadlines a track gives a problem received on a day.
func Dues(track Track, days Days, received calendar.Date, cal *calendar.Calendar) (due, explainDue calendar.Date) {
	switch track {
	case Immediate:
		if cal.IsWorkday(received) {
			return received, 0
		}
		return cal.AddWorkdays(received, 1), 0
	case Soon:
		return cal.AddWorkdays(received, days.Soon), 0
	case Explain:
		return 0, cal.AddWorkdays(received, days.Explain)
	}
	return 0, 0
}

// Compute reads the problem's clock on today. An untriaged problem is due
// to be triaged on the working day it was received. threshold <= 0 means
// clock.DefaultThreshold.
func Compute(s State, cal *calendar.Calendar, today calendar.Date, threshold float64) Clock {
	if threshold <= 0 {
		threshold = clock.DefaultThreshold
	}
	c := Clock{Track: s.Track}
	c.Due, c.ExplainDue = Dues(s.Track, s.Days, s.Received, cal)
	limit := 0
	switch s.Track {
	case Soon:
		limit = s.Days.Soon
	case Explain:
		c.Due = s.Promised
		if s.LastNote != 0 {
			c.ProgressDue = cal.AddWorkdays(s.LastNote, s.Days.Progress)
		}
	}
	end := today
	if !s.Status.Pending() {
		end = s.ClosedOn
	}
	c.Used = cal.CountWorkdays(s.Received, end)
	if !s.Status.Pending() {
		ok := c.Due == 0 || s.ClosedOn <= c.Due
		if s.Track == Explain {
			explained := s.Explained
			if explained == 0 {
				explained = s.ClosedOn
			}
			ok = ok && explained <= c.ExplainDue
		}
		c.OnTime = &ok
		return c
	}
	switch {
	case s.Status == Received:
		c.Next, _ = Dues(Immediate, s.Days, s.Received, cal)
	case s.Track == Explain && s.Explained == 0:
		c.Next = c.ExplainDue
	case s.Track == Explain:
		c.Next = c.ProgressDue
		if c.Due != 0 && c.Due < c.Next {
			c.Next = c.Due
		}
	default:
		c.Next = c.Due
	}
	if c.Next >= today {
		c.Remaining = cal.CountWorkdays(today, c.Next)
	} else {
		c.Remaining = -cal.CountWorkdays(c.Next, today)
		if c.Remaining == 0 { // overdue since a day off
			c.Remaining = -1
		}
	}
	switch {
	case today > c.Next:
		c.Warning = clock.Red
	case c.Remaining <= 1 || (limit > 0 && float64(c.Used) >= math.Ceil(threshold*float64(limit)-1e-9)):
		c.Warning = clock.Yellow
	default:
		c.Warning = clock.Green
	}
	return c
}

// CheckDepartment says whether a user who answers for department (部门进驻
// 人员; "" for the window's own staff, who record for any department) may
// record an event of kind: the lead department's users answer, explain,
// report progress and close its problems; a helping department's users
// may answer only; neither triages, reassigns, urges or revisits — the
// window and the supervisors do.
func CheckDepartment(s State, kind Kind, department string) error {
	if department == "" {
		return nil
	}
	helper := false
	for _, h := range s.Helpers {
		helper = helper || h == department
	}
	switch kind {
	case Answered:
		if s.Department == department || helper {
			return nil
		}
	case Explained, Progressed, ClosedKind:
		if s.Department == department {
			return nil
		}
		if helper {
			return data.Errorf(data.EFORBIDDEN, "协办部门只能答复；%s只能由牵头部门记录", kind.Label())
		}
	default:
		return data.Errorf(data.EFORBIDDEN, "部门人员不能%s，请由窗口或督查人员办理", kind.Label())
	}
	return data.Errorf(data.EFORBIDDEN, "该问题不由本部门（%s）牵头或协办，不能记录%s", department, kind.Label())
}
