package problem_test

import (
	"strings"
	"testing"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/internal/testkit"
)

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// at is 10:00 in Shanghai on a date.
func at(s string) time.Time { return day(s).Time().Add(2 * time.Hour) }

// log builds a problem's log received on a date and triaged on a track.
func log(received string, track problem.Track, more ...problem.Event) []problem.Event {
	days := problem.DefaultDays
	ev := []problem.Event{{Kind: problem.Registered, At: at(received)}}
	if track != "" {
		ev = append(ev, problem.Event{Kind: problem.Triaged, At: at(received), Data: problem.EventData{Track: track, Days: &days}})
	}
	return append(ev, more...)
}

// The deadlines of each track, counted on the national calendar with its
// holidays and make-up working days (调休): 立即解决 the day it was received
// or the next working day, 尽快解决 and the explanation from the working day
// after.
func TestDues(t *testing.T) {
	cal := testkit.National(t)
	for _, c := range []struct {
		track           problem.Track
		received        string
		due, explainDue string
		what            string
	}{
		{problem.Immediate, "2026-11-25", "2026-11-25", "", "a Wednesday: that day"},
		{problem.Immediate, "2026-10-03", "2026-10-08", "", "in the National Day holiday: the first working day after"},
		{problem.Soon, "2026-02-13", "2026-02-27", "", "before the Spring Festival: the make-up Saturday counts, the holiday not"},
		{problem.Soon, "2026-11-27", "2026-12-04", "", "a Friday: five working days from Monday"},
		{problem.Explain, "2026-09-18", "", "2026-09-22", "before the make-up Sunday of 国庆: it counts"},
	} {
		due, explainDue := problem.Dues(c.track, problem.DefaultDays, day(c.received), cal)
		want, wantExplain := calendar.Date(0), calendar.Date(0)
		if c.due != "" {
			want = day(c.due)
		}
		if c.explainDue != "" {
			wantExplain = day(c.explainDue)
		}
		if due != want || explainDue != wantExplain {
			t.Errorf("%s, %s (%s): due %s explain %s", c.track, c.received, c.what, due, explainDue)
		}
	}
}

// The traffic light of each track as the days pass, on time or not when
// closed, and an unsatisfied revisit reopening a problem.
func TestClock(t *testing.T) {
	cal := testkit.National(t)
	// 尽快解决 received Friday 2026-11-27: due Friday 2026-12-04.
	s := problem.Replay(log("2026-11-27", problem.Soon))
	for _, c := range []struct {
		today     string
		warning   clock.Warning
		remaining int
	}{
		{"2026-11-27", clock.Green, 5},
		{"2026-12-02", clock.Green, 2},
		{"2026-12-03", clock.Yellow, 1},
		{"2026-12-04", clock.Yellow, 0},
		{"2026-12-07", clock.Red, -1},
	} {
		got := problem.Compute(s, cal, day(c.today), 0)
		if got.Warning != c.warning || got.Remaining != c.remaining || got.Due != day("2026-12-04") {
			t.Errorf("soon on %s: %s %d (due %s), want %s %d", c.today, got.Warning, got.Remaining, got.Due, c.warning, c.remaining)
		}
	}
	// Untriaged: to be triaged the day it arrived.
	untriaged := problem.Replay(log("2026-11-27", ""))
	if c := problem.Compute(untriaged, cal, day("2026-11-30"), 0); c.Warning != clock.Red || c.Next != day("2026-11-27") {
		t.Errorf("untriaged: %+v", c)
	}
	// 立即解决: yellow the day it arrived, red the next working day.
	imm := problem.Replay(log("2026-11-27", problem.Immediate))
	if c := problem.Compute(imm, cal, day("2026-11-27"), 0); c.Warning != clock.Yellow {
		t.Errorf("immediate that day: %+v", c)
	}
	if c := problem.Compute(imm, cal, day("2026-11-30"), 0); c.Warning != clock.Red || c.Remaining != -1 {
		t.Errorf("immediate next working day: %+v", c)
	}
	// 说明情况: the explanation by 2026-12-02, then progress every 10
	// working days until the promised date.
	exp := log("2026-11-27", problem.Explain)
	if c := problem.Compute(problem.Replay(exp), cal, day("2026-12-03"), 0); c.Warning != clock.Red || c.ExplainDue != day("2026-12-02") {
		t.Errorf("explanation overdue: %+v", c)
	}
	exp = append(exp, problem.Event{Kind: problem.Explained, At: at("2026-12-01"), Data: problem.EventData{Text: "需协调用地指标", Promised: "2027-03-31"}})
	c := problem.Compute(problem.Replay(exp), cal, day("2026-12-03"), 0)
	if c.Warning != clock.Green || c.ProgressDue != day("2026-12-15") || c.Next != c.ProgressDue || c.Due != day("2027-03-31") {
		t.Errorf("explained: %+v", c)
	}
	if c := problem.Compute(problem.Replay(exp), cal, day("2026-12-16"), 0); c.Warning != clock.Red {
		t.Errorf("no progress note for 10 working days: %+v", c)
	}
	exp = append(exp, problem.Event{Kind: problem.Progressed, At: at("2026-12-14"), Data: problem.EventData{Text: "已报市自然资源局"}})
	if c := problem.Compute(problem.Replay(exp), cal, day("2026-12-16"), 0); c.Warning != clock.Green || c.ProgressDue != day("2026-12-28") {
		t.Errorf("after a progress note: %+v", c)
	}
	// Closed in time, then an unsatisfied revisit reopens it.
	done := append(log("2026-11-27", problem.Soon,
		problem.Event{Kind: problem.Assigned, At: at("2026-11-27"), Data: problem.EventData{Department: "ZRGH"}}),
		problem.Event{Kind: problem.ClosedKind, At: at("2026-12-03"), Data: problem.EventData{Text: "已办理用地预审"}})
	st := problem.Replay(done)
	if c := problem.Compute(st, cal, day("2026-12-10"), 0); st.Status != problem.Closed || c.OnTime == nil || !*c.OnTime || c.Warning != "" || c.Used != 4 {
		t.Errorf("closed in time: %+v %+v", st, c)
	}
	done = append(done, problem.Event{Kind: problem.Revisited, At: at("2026-12-08"), Data: problem.EventData{Verdict: problem.Unsatisfied, Text: "仍未拿到证"}})
	st = problem.Replay(done)
	if st.Status != problem.Open || st.Reopened != 1 || problem.Compute(st, cal, day("2026-12-08"), 0).Warning != clock.Red {
		t.Errorf("reopened: %+v", st)
	}
}

// What may follow what, and who may do it.
func TestCheck(t *testing.T) {
	received := problem.Replay(log("2026-11-27", ""))
	open := problem.Replay(log("2026-11-27", problem.Soon))
	for _, c := range []struct {
		what  string
		s     problem.State
		e     problem.Event
		role  data.Role
		code  string
		field string
	}{
		{"a triage without a track", received, problem.Event{Kind: problem.Triaged}, data.RoleClerk, data.EINVALID, "track"},
		{"a second triage", open, problem.Event{Kind: problem.Triaged, Data: problem.EventData{Track: problem.Immediate}}, data.RoleClerk, data.ECONFLICT, ""},
		{"a track changed without a reason", open, problem.Event{Kind: problem.TrackChanged, Data: problem.EventData{Track: problem.Explain}}, data.RoleClerk, data.EINVALID, "reason"},
		{"the same track", open, problem.Event{Kind: problem.TrackChanged, Data: problem.EventData{Track: problem.Soon, Reason: "因故"}}, data.RoleClerk, data.EINVALID, "track"},
		{"a clerk urging", open, problem.Event{Kind: problem.Urged, Data: problem.EventData{Text: "请加快"}}, data.RoleClerk, data.EFORBIDDEN, ""},
		{"closing unassigned", open, problem.Event{Kind: problem.ClosedKind, Data: problem.EventData{Text: "已经解决了"}}, data.RoleClerk, data.ECONFLICT, ""},
		{"an explanation on the soon track", open, problem.Event{Kind: problem.Explained, Data: problem.EventData{Text: "正在协调中", Promised: "2027-01-01"}}, data.RoleClerk, data.ECONFLICT, ""},
		{"a revisit of an open problem", open, problem.Event{Kind: problem.Revisited, Data: problem.EventData{Verdict: problem.Satisfied}}, data.RoleClerk, data.ECONFLICT, ""},
	} {
		e := c.e
		e.At = at("2026-11-30")
		err := problem.Check(c.s, &e, c.role)
		if data.ErrorCode(err) != c.code || data.ErrorField(err) != c.field {
			t.Errorf("%s: %v", c.what, err)
		}
	}
	e := problem.Event{Kind: problem.TrackChanged, At: at("2026-11-30"), Data: problem.EventData{Track: problem.Explain, Reason: "  涉及跨部门用地审批  "}}
	if err := problem.Check(open, &e, data.RoleClerk); err != nil || e.Data.Reason != "涉及跨部门用地审批" {
		t.Errorf("a track changed with a reason: %v %q", err, e.Data.Reason)
	}
	e = problem.Event{Kind: problem.Urged, At: at("2026-11-30"), Data: problem.EventData{Text: "请本周内答复"}}
	if err := problem.Check(open, &e, data.RoleSupervisor); err != nil {
		t.Errorf("a supervisor urging: %v", err)
	}
	in := problem.Intake{EnterpriseCode: "913301023333005193", EnterpriseName: "杭州某某科技有限公司", Category: "用地", Source: "电话", Text: "厂区道路无法接通"}
	if err := in.Validate(); data.ErrorField(err) != "enterprise_code" || !strings.Contains(err.Error(), "统一社会信用代码") {
		t.Errorf("a wrong check digit: %v", err)
	}
	in.EnterpriseCode = " 913301023333005192 "
	if err := in.Validate(); err != nil || in.EnterpriseCode != "913301023333005192" {
		t.Errorf("a good intake: %v %q", err, in.EnterpriseCode)
	}
	in.Text = "厂房不足"
	if err := in.Validate(); data.ErrorField(err) != "text" || !strings.Contains(err.Error(), "至少 5 个字（现有 4 个）") {
		t.Errorf("a text too short: %v", err)
	}
	in.Text = "厂区道路无法接通\r\n货车无法进出"
	if err := in.Validate(); err != nil || in.Text != "厂区道路无法接通\n货车无法进出" {
		t.Errorf("a text of two lines: %v %q", err, in.Text)
	}
	in.Source = "微信"
	if err := in.Validate(); data.ErrorField(err) != "source" {
		t.Errorf("an unknown source: %v", err)
	}
}
