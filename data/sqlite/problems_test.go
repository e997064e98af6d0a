package sqlite_test

import (
	"math"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// A problem from registration to revisit at a site: the number, the
// category list, triage on a track with the days in force, assignment to
// existing departments, 督办 by a supervisor only, a track changed with its
// reason and the new due date in the event, closing, an unsatisfied
// revisit reopening it — every write audited, the cached state equal to
// the log's.
func TestProblemLedger(t *testing.T) {
	s, clk := testkit.Open(t)
	clk.Set("2026-11-27 10:00") // a Friday
	clerk, _ := s.UserByLogin(ctx, "zhangli")
	super, _ := s.UserByLogin(ctx, "wangjg")
	admin := adminID(t, s)
	in := problem.Intake{EnterpriseCode: "913301023333005192", EnterpriseName: "西湖嘉禾食品有限公司", Contact: "赵洋", Phone: "18157805396",
		Category: "用地", Source: "窗口", Text: "新厂区的用地预审在两个部门之间退回了三次"}
	bad := in
	bad.Category = "绿化"
	if _, err := s.RegisterProblem(ctx, clerk.ID, bad); data.ErrorField(err) != "category" {
		t.Errorf("an unknown category: %v", err)
	}
	if err := s.SetProblemCategory(ctx, clerk.ID, "绿化", true); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk adds a category: %v", err)
	}
	if err := s.SetProblemCategory(ctx, admin, "绿化", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RegisterProblem(ctx, clerk.ID, bad); err != nil {
		t.Errorf("the new category: %v", err)
	}
	p, err := s.RegisterProblem(ctx, clerk.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if p.Number != "330102001-2026-WT000002" || p.State.Status != problem.Received || len(p.Events) != 1 || p.Events[0].Actor != "zhangli" {
		t.Fatalf("registered: %+v", p)
	}
	// The days in force when it is triaged stay with it.
	if err := s.SetProblemDays(ctx, admin, problem.Days{Soon: 4, Explain: 3, Progress: 10}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetProblemDays(ctx, admin, problem.Days{Soon: 0, Explain: 3, Progress: 10}); data.ErrorField(err) != "soon_days" {
		t.Errorf("zero days: %v", err)
	}
	rec := func(actor int64, e problem.Event) (problem.Problem, error) {
		return s.RecordProblem(ctx, p.Number, actor, e)
	}
	if p, err = rec(clerk.ID, problem.Event{Kind: problem.Triaged, Data: problem.EventData{Track: problem.Soon}}); err != nil {
		t.Fatal(err)
	}
	if d := p.Events[1].Data; d.Days == nil || d.Days.Soon != 4 || d.Due != "2026-12-03" {
		t.Errorf("triaged: %+v", d)
	}
	if _, err = rec(clerk.ID, problem.Event{Kind: problem.Assigned, Data: problem.EventData{Department: "NOPE"}}); data.ErrorField(err) != "department" {
		t.Errorf("an unknown department: %v", err)
	}
	if p, err = rec(clerk.ID, problem.Event{Kind: problem.Assigned, Data: problem.EventData{Department: "ZRGH", Helpers: []string{"SCJG"}}}); err != nil {
		t.Fatal(err)
	}
	if p.DepartmentName == "" || p.State.Department != "ZRGH" {
		t.Errorf("assigned: %+v", p)
	}
	if _, err = rec(clerk.ID, problem.Event{Kind: problem.Urged, Data: problem.EventData{Text: "请尽快"}}); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk urges: %v", err)
	}
	clk.Set("2026-12-02 09:00")
	if p, err = rec(super.ID, problem.Event{Kind: problem.Urged, Data: problem.EventData{Text: "请本周内答复企业"}}); err != nil || p.State.Urges != 1 {
		t.Fatalf("urged: %v", err)
	}
	c, err := s.ProblemClock(ctx, p.State, date("2026-12-02"))
	if err != nil || c.Warning != clock.Yellow || c.Due != date("2026-12-03") {
		t.Errorf("clock on day 3 of 4: %+v %v", c, err)
	}
	if p, err = rec(clerk.ID, problem.Event{Kind: problem.TrackChanged, Data: problem.EventData{Track: problem.Explain, Reason: "需市级部门调整用地指标"}}); err != nil {
		t.Fatal(err)
	}
	if d := p.Events[len(p.Events)-1].Data; d.ExplainDue != "2026-12-02" || d.Reason == "" {
		t.Errorf("track changed: %+v", d)
	}
	if p, err = rec(clerk.ID, problem.Event{Kind: problem.Explained, Data: problem.EventData{Text: "用地指标需市里调整，预计三个月", Promised: "2027-03-01"}}); err != nil {
		t.Fatal(err)
	}
	if p, err = rec(clerk.ID, problem.Event{Kind: problem.ClosedKind, Data: problem.EventData{Text: "用地指标已调整，预审通过"}}); err != nil {
		t.Fatal(err)
	}
	if p, err = rec(clerk.ID, problem.Event{Kind: problem.Revisited, Data: problem.EventData{Verdict: problem.Unsatisfied, Text: "证还没拿到"}}); err != nil {
		t.Fatal(err)
	}
	if p.State.Status != problem.Open || p.State.Reopened != 1 || len(p.Events) != 8 {
		t.Errorf("reopened: %+v", p.State)
	}
	// The cache equals the log; every write is audited.
	db := testkit.RawDB(t, s.Path())
	var status, track string
	var urges, reopened int
	db.QueryRow("SELECT status, track, urges, reopened FROM problems WHERE number = ?", p.Number).Scan(&status, &track, &urges, &reopened)
	if status != "open" || track != "explain" || urges != 1 || reopened != 1 {
		t.Errorf("cached %s %s %d %d", status, track, urges, reopened)
	}
	if n := count(t, db, "SELECT count(*) FROM audit WHERE entity = '"+p.Number+"'"); n != 8 {
		t.Errorf("%d audit entries for the problem", n)
	}
	if r, err := s.Verify(ctx); err != nil || !r.OK() {
		t.Fatalf("verify: %+v %v", r, err)
	}
	if _, err := db.Exec("UPDATE problems SET urges = 0 WHERE number = ?", p.Number); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Verify(ctx); err != nil || r.OK() || len(r.Records) != 1 || r.Records[0] != "问题 "+p.Number+" 的状态与其办理记录不符" {
		t.Errorf("a tampered cache: %+v %v", r, err)
	}
	db.Exec("UPDATE problems SET urges = 1 WHERE number = ?", p.Number)
	list, err := s.Problems(ctx, sqlite.ProblemFilter{Statuses: []problem.Status{problem.Open}})
	if err != nil || len(list) != 1 || list[0].Number != p.Number {
		t.Errorf("open problems: %d %v", len(list), err)
	}
	list, err = s.Problems(ctx, sqlite.ProblemFilter{Statuses: []problem.Status{problem.Received}})
	if err != nil || len(list) != 1 || list[0].Category != "绿化" {
		t.Errorf("problems to triage: %d %v", len(list), err)
	}
}

// The board from the cached state agrees with the problems' logs read one
// by one: received, closed and in time per track, overdue now, verdicts.
func TestProblemBoard(t *testing.T) {
	s, clk := testkit.Open(t)
	clk.Set("2026-11-30 10:00")
	if err := s.MarkSample(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Run(ctx, s, demo.Options{Cases: 3000, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	from, to, today := date("2025-12-01"), date("2026-11-30"), date("2026-11-30")
	rows, overdue, err := s.ProblemBoard(ctx, from, to, today)
	if err != nil {
		t.Fatal(err)
	}
	var received, closed, onTime, red, fair int
	for _, r := range rows {
		received, closed, onTime, red, fair = received+r.Received, closed+r.ClosedTotal(), onTime+r.OnTimeTotal(), red+r.Overdue, fair+r.Fair
	}
	var wReceived, wClosed, wOnTime, wRed, wFair int
	for f := (sqlite.ProblemFilter{Limit: 1000}); ; {
		ps, err := s.Problems(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			c, _ := s.ProblemClock(ctx, p.State, today)
			if d := p.State.Received; d >= from && d <= to {
				wReceived++
			}
			if !p.State.Status.Pending() && p.State.ClosedOn >= from && p.State.ClosedOn <= to {
				wClosed++
				if *c.OnTime {
					wOnTime++
				}
				if p.State.Verdict == problem.Fair {
					wFair++
				}
			}
			if c.Warning == clock.Red {
				wRed++
			}
		}
		if len(ps) < f.Limit {
			break
		}
		f.AfterID = ps[len(ps)-1].ID
	}
	if received != wReceived || closed != wClosed || onTime != wOnTime || red != wRed || fair != wFair || len(overdue) != red || received < 80 || closed == 0 || red == 0 {
		t.Errorf("board: received %d/%d closed %d/%d on time %d/%d overdue %d/%d (%d listed) fair %d/%d",
			received, wReceived, closed, wClosed, onTime, wOnTime, red, wRed, len(overdue), fair, wFair)
	}
	for i := 1; i < len(overdue); i++ {
		if overdue[i].DaysOver > overdue[i-1].DaysOver {
			t.Error("the overdue problems are not longest first")
		}
	}

	// The report by department carries the board's figures on each lead
	// department's row, its table beside the cases' figures, and the
	// ranking scores them with the weights set here.
	rep, err := s.Report(ctx, report.Spec{From: from, To: to, Today: today, By: report.ByDepartment})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.Problems != received-boardUnassigned(rows, func(r problem.BoardRow) int { return r.Received }) ||
		rep.Total.ProblemsClosed != closed-boardUnassigned(rows, func(r problem.BoardRow) int { return r.ClosedTotal() }) {
		t.Errorf("report: %d problems, %d closed; board %d, %d", rep.Total.Problems, rep.Total.ProblemsClosed, received, closed)
	}
	if _, ok := report.Find(rep.Tables(), "企业反映问题"); !ok {
		t.Error("no problem table in the report by department")
	}
	admin := adminID(t, s)
	clerk, _ := s.UserByLogin(ctx, "zhangli")
	if err := s.SetRankWeights(ctx, clerk.ID, map[string]int{"on_time": 52, "problems_on_time": 0, "problems_satisfied": 0}); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk sets the weights: %v", err)
	}
	if err := s.SetRankWeights(ctx, admin, map[string]int{"on_time": 50}); data.ErrorField(err) != "weights" || !strings.Contains(data.ErrorMessage(err), "100") {
		t.Errorf("weights adding up to 98: %v", err)
	}
	if err := s.SetRankWeights(ctx, admin, map[string]int{"on_time": 52, "problems_on_time": 0, "problems_satisfied": 0}); err != nil {
		t.Fatal(err)
	}
	rep2, err := s.Report(ctx, report.Spec{From: from, To: to, Today: today, By: report.ByDepartment})
	if err != nil {
		t.Fatal(err)
	}
	if report.Percents(rep2.Weights)["problems_on_time"] != 0 || len(rep2.Ranking) != len(rep.Ranking) {
		t.Errorf("weights in the report: %v", report.Percents(rep2.Weights))
	}
	// A department that closed problems late scores otherwise without the
	// problem parts; one without problems scores the same.
	without := map[string]float64{}
	for _, r := range rep2.Ranking {
		without[r.Name] = r.Score
	}
	changed := 0
	for _, r := range rep.Ranking {
		onTime, content := r.Parts[5], r.Parts[6]
		switch {
		case math.IsNaN(onTime) && math.IsNaN(content):
			// Weights 52/16/16/8/8 keep the case parts' proportions
			// only for on_time's share; compare nothing.
		case math.Abs(without[r.Name]-r.Score) > 1e-9:
			changed++
		}
	}
	if changed == 0 {
		t.Error("the problem parts changed no department's score")
	}
}

// boardUnassigned is a figure of the board's 未交办 line.
func boardUnassigned(rows []problem.BoardRow, f func(problem.BoardRow) int) int {
	for _, r := range rows {
		if r.Department == "" {
			return f(r)
		}
	}
	return 0
}

// A user who answers for a department (部门进驻人员) records the answers,
// explanation, progress and closing of the problems that department leads,
// answers only for those it helps, and nothing else; setting who does is
// an administrator's, audited; the window's own staff record for any
// department.
func TestProblemDepartmentUsers(t *testing.T) {
	s, clk := testkit.Open(t)
	clk.Set("2026-11-27 10:00")
	clerk, _ := s.UserByLogin(ctx, "zhangli")
	admin := adminID(t, s)
	if err := s.SetUserDepartment(ctx, clerk.ID, "liqiang", "ZRGH"); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk sets a department: %v", err)
	}
	if err := s.SetUserDepartment(ctx, admin, "liqiang", "NOPE"); data.ErrorField(err) != "department" {
		t.Errorf("an unknown department: %v", err)
	}
	if err := s.SetUserDepartment(ctx, admin, "liqiang", "ZRGH"); err != nil {
		t.Fatal(err)
	}
	lead, _ := s.UserByLogin(ctx, "liqiang")
	if lead.Department != "ZRGH" {
		t.Fatalf("liqiang: %+v", lead)
	}
	helper, err := s.AddUser(ctx, admin, data.User{Login: "fgj1", Name: "周敏", Role: data.RoleClerk, Department: "FGJ"}, "246810")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.AddUser(ctx, admin, data.User{Login: "rsj1", Name: "吴刚", Role: data.RoleClerk, Department: "RSJ"}, "246810")
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.RegisterProblem(ctx, clerk.ID, problem.Intake{EnterpriseCode: "913301023333005192", EnterpriseName: "西湖嘉禾食品有限公司",
		Category: "用地", Source: "走访", Text: "新厂区的用地预审在两个部门之间退回了三次"})
	if err != nil {
		t.Fatal(err)
	}
	rec := func(actor int64, e problem.Event) error {
		_, err := s.RecordProblem(ctx, p.Number, actor, e)
		return err
	}
	if err := rec(lead.ID, problem.Event{Kind: problem.Triaged, Data: problem.EventData{Track: problem.Soon}}); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a department's user triages: %v", err)
	}
	if err := rec(clerk.ID, problem.Event{Kind: problem.Triaged, Data: problem.EventData{Track: problem.Explain}}); err != nil {
		t.Fatal(err)
	}
	if err := rec(clerk.ID, problem.Event{Kind: problem.Assigned, Data: problem.EventData{Department: "ZRGH", Helpers: []string{"FGJ"}}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		who  int64
		e    problem.Event
		code string
	}{
		{other.ID, problem.Event{Kind: problem.Answered, Data: problem.EventData{Text: "人社局无关"}}, data.EFORBIDDEN},
		{helper.ID, problem.Event{Kind: problem.Answered, Data: problem.EventData{Text: "发改局已出具项目备案意见"}}, ""},
		{helper.ID, problem.Event{Kind: problem.Explained, Data: problem.EventData{Text: "需调整规划", Promised: "2027-03-31"}}, data.EFORBIDDEN},
		{lead.ID, problem.Event{Kind: problem.Explained, Data: problem.EventData{Text: "用地预审需先调整村庄规划", Promised: "2027-03-31"}}, ""},
		{lead.ID, problem.Event{Kind: problem.Assigned, Data: problem.EventData{Department: "FGJ"}}, data.EFORBIDDEN},
		{lead.ID, problem.Event{Kind: problem.ClosedKind, Data: problem.EventData{Text: "规划调整已批准，预审通过"}}, ""},
		{lead.ID, problem.Event{Kind: problem.Revisited, Data: problem.EventData{Verdict: problem.Satisfied}}, data.EFORBIDDEN},
		{clerk.ID, problem.Event{Kind: problem.Revisited, Data: problem.EventData{Verdict: problem.Satisfied}}, ""},
	} {
		if err := rec(c.who, c.e); data.ErrorCode(err) != c.code {
			t.Errorf("%s by %d: %v, want %q", c.e.Kind, c.who, err, c.code)
		}
	}
	if n := count(t, testkit.RawDB(t, s.Path()), "SELECT count(*) FROM audit WHERE action = 'user.department'"); n != 1 {
		t.Errorf("department changes audited: %d", n)
	}
}
