package sqlite_test

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// brute recomputes a report from every case's events through the clock,
// case by case, without the cache or SQL aggregation.
type brute struct {
	rows  map[string]*report.Row
	cases map[string]map[report.Metric][]string // group → metric → case numbers
	// For the weekly chart: cases received per day, and completed per day
	// by working days used.
	received map[calendar.Date]int
	done     map[calendar.Date]map[int]int
}

func bruteForce(t *testing.T, s *sqlite.Store, spec report.Spec) brute {
	t.Helper()
	apps, err := s.Cases(ctx, data.CaseFilter{Order: "id", Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	items, _ := s.Items(ctx)
	dept := map[int64]int64{}
	for _, it := range items {
		dept[it.ID] = it.DepartmentID
	}
	in := func(d calendar.Date) bool { return d >= spec.From && d <= spec.To }
	b := brute{rows: map[string]*report.Row{}, cases: map[string]map[report.Metric][]string{},
		received: map[calendar.Date]int{}, done: map[calendar.Date]map[int]int{}}
	for i := range apps {
		a := &apps[i]
		var key string
		switch spec.By {
		case report.ByDepartment:
			key = strconv.FormatInt(dept[a.Item.ID], 10)
		case report.ByItem:
			key = strconv.FormatInt(a.Item.ID, 10)
		case report.ByWindow:
			key = strconv.FormatInt(a.WindowID, 10)
		case report.ByClerk:
			key = strconv.FormatInt(a.ClerkID, 10)
		case report.BySite:
			key = a.SiteCode
		}
		r := b.rows[key]
		if r == nil {
			r = &report.Row{Key: key, Days: map[int]int{}}
			b.rows[key] = r
			b.cases[key] = map[report.Metric][]string{}
		}
		mark := func(m report.Metric, ok bool) bool {
			if ok {
				b.cases[key][m] = append(b.cases[key][m], a.Number)
			}
			return ok
		}
		day := map[clock.Kind]calendar.Date{}
		for _, e := range a.Events {
			if _, seen := day[e.Kind]; !seen {
				day[e.Kind] = calendar.DateOf(e.At)
			}
		}
		has := func(k clock.Kind) bool { _, ok := day[k]; return ok }
		c := clock.Compute(a.ClockEvents(), a.Limits(), cal, spec.Today, s.Threshold(ctx))
		received := mark(report.Received, in(calendar.DateOf(a.ReceivedAt)))
		if mark(report.Accepted, has(clock.Accepted) && in(day[clock.Accepted])) {
			r.Accepted++
			if mark(report.FeeCases, len(a.Fees) > 0) {
				r.FeeCases++
				r.FeesDueFen += a.AmountDue()
			}
		}
		if received {
			b.received[calendar.DateOf(a.ReceivedAt)]++
			r.Received++
			if mark(report.Supplemented, has(clock.SupplementRequested)) {
				r.Supplemented++
			}
		}
		if mark(report.Refused, a.Status == data.StatusRefused && in(day[clock.Refused])) {
			r.Refused++
		}
		if mark(report.Withdrawn, a.Status == data.StatusWithdrawn && in(day[clock.Withdrawn])) {
			r.Withdrawn++
		}
		if mark(report.Completed, has(clock.Completed) && in(day[clock.Completed])) {
			r.Completed++
			r.Days[c.Promised.Used]++
			if d := day[clock.Completed]; b.done[d] == nil {
				b.done[d] = map[int]int{}
			}
			b.done[day[clock.Completed]][c.Promised.Used]++
			if mark(report.OnTimePromised, *c.Promised.OnTime) {
				r.OnTimePromised++
			}
			if mark(report.OnTimeStatutory, *c.Statutory.OnTime) {
				r.OnTimeStatutory++
			}
			if mark(report.Extended, c.ExtraDays > 0) {
				r.Extended++
			}
			if mark(report.Paused, c.PauseDays > 0) {
				r.Paused++
			}
			r.PauseDays += c.PauseDays
			if mark(report.ImmediateDone, a.Item.Kind == data.KindImmediate) {
				r.ImmediateDone++
				if mark(report.ImmediateSame, day[clock.Completed] == calendar.DateOf(a.ReceivedAt)) {
					r.ImmediateSame++
				}
			}
		}
		if a.Status.Open() {
			red := c.Promised.Warning == clock.Red || c.Statutory.Warning == clock.Red
			yellow := !red && (c.Promised.Warning == clock.Yellow || c.Statutory.Warning == clock.Yellow)
			if mark(report.Red, red) {
				r.Red++
			}
			if mark(report.Yellow, yellow) {
				r.Yellow++
			}
		}
		waived := false
		for _, w := range a.Waivers {
			if w.Status == data.ApprovalApproved && in(calendar.DateOf(w.DecidedAt)) {
				waived = true
				r.WaiverFen += w.AmountFen
			}
		}
		if mark(report.Waived, waived) {
			r.Waived++
		}
		if g := a.Rating; g != nil && mark(report.Rated, in(calendar.DateOf(g.At))) {
			r.Rated++
			r.RatingSum += g.Level
			if mark(report.BadRated, g.Level <= 2) {
				r.BadRated++
			}
		}
		if g := a.Rating; g != nil && g.Rectification != nil {
			x := g.Rectification
			if mark(report.RectDue, in(x.Due) && x.Status != data.RectInvalid && (x.Done != 0 || x.Due < spec.Today)) {
				r.RectDue++
				if mark(report.RectOnTime, x.Done != 0 && x.Done <= x.Due) {
					r.RectOnTime++
				}
			}
		}
	}
	return b
}

// Every figure of the report equals the brute-force recomputation from the
// cases' events through the clock, for every grouping, and every figure's
// drill-down lists exactly the cases counted.
func TestReportMatchesBruteForce(t *testing.T) {
	s, c := testkit.Open(t)
	c.Set("2026-11-20 18:00")
	if _, err := demo.Run(ctx, s, demo.Options{Cases: 4000, Seed: 21}); err != nil {
		t.Fatal(err)
	}
	specs := []report.Spec{
		{From: date("2026-03-01"), To: date("2026-10-31"), Today: date("2026-11-20")},
		{From: date("2025-11-01"), To: date("2026-11-20"), Today: date("2026-11-20")},
		{From: date("2026-11-02"), To: date("2026-11-08"), Today: date("2026-11-20")},
	}
	checkReports(t, s, specs, report.Bys)
	// A past working day becomes a day off for this site (a power cut):
	// the closed cases that counted it are refreshed, and the report still
	// equals the recomputation with the new calendar.
	ch, err := s.SetSiteDay(ctx, adminID(t, s), calendar.Day{Date: date("2026-06-10"), Working: false, Name: "停电闭厅"}, false)
	if err != nil || ch.CasesChanged == 0 {
		t.Fatalf("site day: %+v %v", ch, err)
	}
	checkReports(t, s, specs[:1], []report.By{report.ByItem})
	// A rating given at the window now counts like the generated ones.
	done, err := s.Cases(ctx, data.CaseFilter{Statuses: []data.Status{data.StatusCompleted}, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	clerk, _ := s.UserByLogin(ctx, "zhangli")
	rated := 0
	for _, a := range done {
		if a.Rating == nil && rated < 3 {
			if _, err := s.Rate(ctx, a.Number, clerk.ID, 1+rated, "窗口评价"); err != nil {
				t.Fatal(err)
			}
			rated++
		}
	}
	if rated == 0 {
		t.Fatal("no unrated completed case")
	}
	checkReports(t, s, specs[1:2], []report.By{report.ByClerk})
	// Cases registered at the window (their row is written once, with the
	// clock cache read beforehand) count like the others.
	f := load(t, s)
	for _, d := range []data.Decision{data.DecideAccept, data.DecideSupplement, data.DecideNone} {
		in := f.intake("食品经营许可", d)
		if d == data.DecideSupplement {
			in.Materials = in.Materials[:len(in.Materials)-1]
		}
		if _, err := s.Register(ctx, f.clerk.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	checkReports(t, s, specs[1:2], []report.By{report.ByWindow})
}

func checkReports(t *testing.T, s *sqlite.Store, specs []report.Spec, bys []report.By) {
	t.Helper()
	for _, spec := range specs {
		for _, by := range bys {
			spec.By = by
			rep, err := s.Report(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			b := bruteForce(t, s, spec)
			for _, r := range rep.Rows {
				want := b.rows[r.Key]
				if want == nil {
					want = &report.Row{Key: r.Key}
				}
				// The problem figures are the board's (TestProblemBoard).
				r.Problems, r.ProblemsClosed, r.ProblemsOnTime, r.ProblemsOverdue = 0, 0, 0, 0
				r.ProblemsSatisfied, r.ProblemsFair, r.ProblemsUnsatisfied = 0, 0, 0
				compareRows(t, fmt.Sprintf("%s %s–%s %s", by, spec.From, spec.To, r.Name), &r, want)
			}
			// No group the brute force counted is missing from the report.
			for key, want := range b.rows {
				if rep.Row(key) == nil && (want.Received+want.Completed+want.Red+want.Yellow+want.Accepted) > 0 {
					t.Errorf("%s: group %s missing", by, key)
				}
			}
			// The weekly chart: every week of the period, Monday to Sunday,
			// cut at the period's ends.
			want := spec.From - calendar.Date((int(spec.From.Weekday())+6)%7)
			for _, w := range rep.Weeks {
				if w.Monday != want {
					t.Fatalf("%s: week of %s, want %s", by, w.Monday, want)
				}
				recv, hist := 0, map[int]int{}
				for d := max(w.Monday, spec.From); d < w.Monday+7 && d <= spec.To; d++ {
					recv += b.received[d]
					for used, n := range b.done[d] {
						hist[used] += n
					}
				}
				done := 0
				for _, n := range hist {
					done += n
				}
				median := report.Quantile(hist, 0.5)
				if w.Received != recv || w.Completed != done || !(w.MedianDays == median || math.IsNaN(w.MedianDays) && math.IsNaN(median)) {
					t.Errorf("%s week of %s: received %d completed %d median %v; brute force %d %d %v",
						by, w.Monday, w.Received, w.Completed, w.MedianDays, recv, done, report.Quantile(hist, 0.5))
				}
				want += 7
			}
			if want <= spec.To {
				t.Errorf("%s: weeks end before %s", by, spec.To)
			}
			// The waiver lines by policy add up to each group's waived amount.
			for _, r := range rep.Rows {
				var fen int64
				for _, l := range rep.Waivers {
					if l.Group == r.Name {
						fen += l.Fen
					}
				}
				if fen != r.WaiverFen {
					t.Errorf("%s %s: waiver lines %d fen, row %d", by, r.Name, fen, r.WaiverFen)
				}
			}
			// Drill-down: the same cases.
			for _, r := range rep.Rows {
				for _, m := range []report.Metric{report.Received, report.Completed, report.OnTimePromised, report.Red, report.Yellow,
					report.Supplemented, report.Waived, report.BadRated, report.RectDue, report.ImmediateSame} {
					got, err := s.ReportCases(ctx, spec, r.Key, m)
					if err != nil {
						t.Fatal(err)
					}
					want := b.cases[r.Key][m]
					sort.Strings(got)
					sort.Strings(want)
					if fmt.Sprint(got) != fmt.Sprint(want) || len(got) != r.Count(m) {
						t.Fatalf("%s %s %s: drill-down %d cases, figure %d, brute force %d", by, r.Name, m, len(got), r.Count(m), len(want))
					}
				}
			}
		}
	}
}

func compareRows(t *testing.T, what string, got, want *report.Row) {
	t.Helper()
	g, w := *got, *want
	gd, wd := g.Days, w.Days
	g.Days, w.Days, g.Name, w.Name = nil, nil, "", ""
	if fmt.Sprintf("%+v", g) != fmt.Sprintf("%+v", w) {
		t.Errorf("%s:\n report %+v\n brute  %+v", what, g, w)
	}
	for d, n := range wd {
		if gd[d] != n {
			t.Errorf("%s: %d cases used %d days, report says %d", what, n, d, gd[d])
		}
	}
	for d, n := range gd {
		if wd[d] != n {
			t.Errorf("%s: report has %d cases at %d days, brute force %d", what, n, d, wd[d])
		}
	}
}

func TestReportSpecErrors(t *testing.T) {
	s, _ := testkit.Open(t)
	for _, c := range []struct {
		spec  report.Spec
		field string
	}{
		{report.Spec{By: report.ByItem}, "from"},
		{report.Spec{From: date("2026-03-02"), To: date("2026-03-01"), By: report.ByItem}, "to"},
		{report.Spec{From: date("2026-03-01"), To: date("2026-03-02"), By: "town"}, "by"},
	} {
		if _, err := s.Report(ctx, c.spec); data.ErrorField(err) != c.field {
			t.Errorf("%+v: %v", c.spec, err)
		}
	}
	if _, err := s.ReportCases(ctx, report.Spec{From: date("2026-03-01"), To: date("2026-03-02"), By: report.ByItem}, "x", report.Received); data.ErrorField(err) != "key" {
		t.Errorf("bad key: %v", err)
	}
}
