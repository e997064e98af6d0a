package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/report"
)

// The report's figures are sets of cases, each defined once here as a SQL
// condition on applications a (parameters :from, :to, :today as dates,
// :fromT and :toT as UTC timestamps bounding the period). ReportCases lists
// the cases behind a figure with these conditions; the report adds up the
// daily totals (report_days.go) of the days these period conditions name
// (received, accepted, closed, rated) and decides the status part per
// group, and a test checks that every count equals its list.
const (
	condOpen      = "a.status IN ('received','supplement','supplied','accepted','paused')"
	condClosed    = "a.closed_date BETWEEN :from AND :to"
	condCompleted = "a.status IN ('completed','delivered') AND " + condClosed
	condRedNow    = "(a.red_promised <= :today OR a.red_statutory <= :today)"
	condReceived  = "a.received_date BETWEEN :from AND :to"
	condAccepted  = "a.accepted_date BETWEEN :from AND :to"
	condRated     = "a.rated_date BETWEEN :from AND :to"
	condImmediate = condCompleted + " AND a.item_id IN (SELECT id FROM items WHERE kind = 'immediate')"
)

var metricCond = map[report.Metric]string{
	report.Received:        condReceived,
	report.Accepted:        condAccepted,
	report.Refused:         "a.status = 'refused' AND " + condClosed,
	report.Withdrawn:       "a.status = 'withdrawn' AND " + condClosed,
	report.Completed:       condCompleted,
	report.OnTimePromised:  condCompleted + " AND a.ontime_promised = 1",
	report.OnTimeStatutory: condCompleted + " AND a.ontime_statutory = 1",
	report.Extended:        condCompleted + " AND a.extra_days > 0",
	report.Paused:          condCompleted + " AND a.pause_days > 0",
	report.Supplemented:    condReceived + " AND a.supplemented = 1",
	report.ImmediateDone:   condImmediate,
	report.ImmediateSame:   condImmediate + " AND a.closed_date = a.received_date",
	report.Red:             condOpen + " AND " + condRedNow,
	report.Yellow:          condOpen + " AND NOT coalesce(" + condRedNow + ", 0) AND (a.yellow_promised <= :today OR a.yellow_statutory <= :today)",
	report.FeeCases:        condAccepted + " AND a.id IN (SELECT app_id FROM case_fees)",
	report.Waived:          "a.id IN (SELECT app_id FROM waivers WHERE status = 'approved' AND decided_at >= :fromT AND decided_at < :toT)",
	report.Rated:           condRated,
	report.BadRated:        condRated + " AND a.rating_level <= 2",
	report.RectDue:         "a.id IN (SELECT x.app_id FROM rectifications x WHERE " + rectDue + ")",
	report.RectOnTime:      "a.id IN (SELECT x.app_id FROM rectifications x WHERE " + rectDue + " AND " + rectOnTime + ")",
}

// rectDue: rectifications x due in the period whose outcome is known —
// done, or past their due date — not counting 差评 ruled invalid.
const (
	rectDue    = "x.due_date BETWEEN :from AND :to AND x.status != 'invalid' AND (x.done_date IS NOT NULL OR x.due_date < :today)"
	rectOnTime = "x.done_date IS NOT NULL AND x.done_date <= x.due_date"
)

// immediateItems are the ids of the 即办件 items.
func (s *Store) immediateItems(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	err := s.eachRow(ctx, "SELECT id FROM items WHERE kind = 'immediate'", nil, func(sc func(...any) error) error {
		var id string
		if err := sc(&id); err != nil {
			return err
		}
		out[id] = true
		return nil
	})
	return out, err
}

func checkSpec(spec report.Spec) error { return spec.Check() }

func specArgs(spec report.Spec) []any {
	today := spec.Today
	if today == 0 {
		today = spec.To
	}
	utc := func(d calendar.Date) string {
		return d.Time().Add(-8 * time.Hour).UTC().Format(time.RFC3339) // Shanghai midnight
	}
	return []any{sql.Named("from", spec.From.String()), sql.Named("to", spec.To.String()), sql.Named("today", today.String()),
		sql.Named("fromT", utc(spec.From)), sql.Named("toT", utc(spec.To+1))}
}

// keyColumn is the applications column a report groups by: departments are
// summed from their items in Go.
func keyColumn(by report.By) string {
	switch by {
	case report.ByWindow:
		return "a.window_id"
	case report.ByClerk:
		return "a.clerk_id"
	case report.BySite:
		return "a.site_code"
	}
	return "a.item_id"
}

// groupNames maps the key column's values to the group's key and name.
type groupNames struct {
	key  map[string]string // key column value → group key
	name map[string]string // group key → name
}

func (s *Store) groupNames(ctx context.Context, by report.By) (groupNames, error) {
	g := groupNames{key: map[string]string{}, name: map[string]string{}}
	var q string
	switch by {
	case report.ByDepartment:
		q = "SELECT i.id, d.id, d.name FROM items i JOIN departments d ON d.id = i.department_id"
	case report.ByItem:
		q = "SELECT id, id, code || ' ' || name FROM items"
	case report.ByWindow:
		q = "SELECT id, id, code || ' ' || name FROM windows"
	case report.ByClerk:
		q = "SELECT id, id, name FROM users"
	case report.BySite:
		// Names of the sites this database knows; a case of another site
		// is shown under its code (no scan of applications here).
		q = "SELECT code, code, name FROM site UNION SELECT code, code, name FROM sites"
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return g, err
	}
	defer rows.Close()
	for rows.Next() {
		var col, key, name string
		if err := rows.Scan(&col, &key, &name); err != nil {
			return g, err
		}
		g.key[col], g.name[key] = key, name
	}
	return g, rows.Err()
}

// Report computes the processing-time report. Working days, on-time
// flags and colours come from the clock cache every event writes with
// clock.Compute (see cachedClock), so a figure here and the case view agree.
func (s *Store) Report(ctx context.Context, spec report.Spec) (*report.Report, error) {
	if err := checkSpec(spec); err != nil {
		return nil, err
	}
	r := &reportRun{spec: spec, parts: report.NewParts()}
	// The 政策落实督查 reads its cases beside the report's totals.
	type policyRows struct {
		rows []report.PolicyRow
		err  error
	}
	// The goroutines get their own copy of the spec: Report fills in
	// its weights below.
	period := spec
	policies := make(chan policyRows, 1)
	go func() {
		rows, err := s.policyReview(ctx, period)
		policies <- policyRows{rows, err}
	}()
	// And the 一件事 report, from the themes' items' cached clocks.
	type themeRows struct {
		rows []report.ThemeRow
		err  error
	}
	themes := make(chan themeRows, 1)
	go func() {
		rows, err := s.themeReview(ctx, period)
		themes <- themeRows{rows, err}
	}()
	var err error
	if r.names, err = s.groupNames(ctx, spec.By); err != nil {
		return nil, err
	}
	if r.immediate, err = s.immediateItems(ctx); err != nil {
		return nil, err
	}
	r.closedTotals()
	r.periodTotals()
	r.openColours()
	r.completedPerDay()
	r.money()
	r.rectifications()
	r.receivedPerDay()
	if err := s.runReport(ctx, r.jobs, specArgs(spec)); err != nil {
		return nil, err
	}
	if spec.By == report.ByDepartment {
		if err := s.addProblemFigures(ctx, r); err != nil {
			return nil, err
		}
	}
	if spec.Weights == nil {
		if spec.Weights, err = s.RankWeights(ctx); err != nil {
			return nil, err
		}
	}
	rep := report.Assemble(spec, r.parts)
	p := <-policies
	if p.err != nil {
		return nil, p.err
	}
	rep.Policies = p.rows
	th := <-themes
	if th.err != nil {
		return nil, th.err
	}
	rep.Themes = th.rows
	return rep, nil
}

// reportRun is one report being computed: the queries that make it and
// the groups they add up into. Every query groups by the four possible
// keys at once (item, window, clerk, site); the rows are summed into the
// requested grouping here. All figures are counts and sums, so this is
// exact, and one set of daily totals serves every grouping.
type reportRun struct {
	spec      report.Spec
	names     groupNames
	immediate map[string]bool // items handled on the spot
	jobs      []reportJob

	// Written by the queries' callbacks, one at a time (reportJob's lock).
	mu                     sync.Mutex
	item, win, clerk, site string // the key columns of the row being read
	parts                  *report.Parts
}

// reportJob is one query of a report and what to do with each of its rows.
type reportJob struct {
	q  string
	fn func(scan func(...any) error) error
}

// The key columns as the queries select them, and as the daily totals hold them.
const (
	reportKey = "a.item_id, a.window_id, a.clerk_id, a.site_code"
	dayGroup  = "item_id, window_id, clerk_id, site_code"
	inPeriod  = " WHERE day BETWEEN :from AND :to GROUP BY item_id, window_id, clerk_id, site_code"
)

func (r *reportRun) locked(q string, fn func(func(...any) error) error) reportJob {
	return reportJob{q, func(sc func(...any) error) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		return fn(sc)
	}}
}

// add queues a query; first puts it at the head (the longest go first,
// one on each core).
func (r *reportRun) add(q string, fn func(func(...any) error) error) {
	r.jobs = append(r.jobs, r.locked(q, fn))
}
func (r *reportRun) first(q string, fn func(func(...any) error) error) {
	r.jobs = append([]reportJob{r.locked(q, fn)}, r.jobs...)
}

// keys are the scan targets of the key columns.
func (r *reportRun) keys() []any { return []any{&r.item, &r.win, &r.clerk, &r.site} }

// row is the group of the row just read.
func (r *reportRun) row() *report.Row {
	col := r.item
	switch r.spec.By {
	case report.ByWindow:
		col = r.win
	case report.ByClerk:
		col = r.clerk
	case report.BySite:
		col = r.site
	}
	key, ok := r.names.key[col]
	if !ok {
		key = col
	}
	return r.parts.Group(key, r.names.name[key])
}

// closedTotals: the daily totals of closed cases (report_days.go), one row
// per group, day, status and working days used, summed over the period's
// days. They group by the tables' leading columns, so SQLite streams
// without sorting; the status conditions are decided per group here.
func (r *reportRun) closedTotals() {
	r.first("SELECT "+dayGroup+", status, used_days, SUM(cases), SUM(ontime_promised), SUM(ontime_statutory), SUM(extended), SUM(paused),"+
		" SUM(pause_days), SUM(same_day) FROM report_closed"+inPeriod+", status, used_days", func(sc func(...any) error) error {
		var c report.Closed
		if err := sc(append(append([]any{}, r.keys()...), &c.Status, &c.Used, &c.Cases, &c.OnTimePromised, &c.OnTimeStatutory,
			&c.Extended, &c.Paused, &c.PauseDays, &c.SameDay)...); err != nil {
			return err
		}
		c.Immediate = r.immediate[r.item]
		r.row().AddClosed(c)
		return nil
	})
}

// periodTotals: received, accepted and rated in the period.
func (r *reportRun) periodTotals() {
	r.add("SELECT "+dayGroup+", SUM(cases), SUM(supplemented) FROM report_received"+inPeriod, func(sc func(...any) error) error {
		var x report.Row
		if err := sc(append(append([]any{}, r.keys()...), &x.Received, &x.Supplemented)...); err != nil {
			return err
		}
		r.row().Add(&x)
		return nil
	})
	r.add("SELECT "+dayGroup+", SUM(cases) FROM report_accepted"+inPeriod, func(sc func(...any) error) error {
		var x report.Row
		if err := sc(append(append([]any{}, r.keys()...), &x.Accepted)...); err != nil {
			return err
		}
		r.row().Add(&x)
		return nil
	})
	r.add("SELECT "+dayGroup+", SUM(cases), SUM(bad), SUM(level_sum) FROM report_rated"+inPeriod, func(sc func(...any) error) error {
		var x report.Row
		if err := sc(append(append([]any{}, r.keys()...), &x.Rated, &x.BadRated, &x.RatingSum)...); err != nil {
			return err
		}
		r.row().Add(&x)
		return nil
	})
}

// openColours: the open cases' colours now; few rows, by the status index.
func (r *reportRun) openColours() {
	q := "SELECT " + reportKey + ", coalesce(SUM(" + metricCond[report.Yellow] + "), 0), coalesce(SUM(" + metricCond[report.Red] + "), 0)" +
		" FROM applications a WHERE " + condOpen + " GROUP BY 1, 2, 3, 4"
	r.add(q, func(sc func(...any) error) error {
		var yellow, red int
		if err := sc(append(append([]any{}, r.keys()...), &yellow, &red)...); err != nil {
			return err
		}
		r.row().Add(&report.Row{Yellow: yellow, Red: red})
		return nil
	})
}

// completedPerDay: working days used per completion day, for the weekly chart.
func (r *reportRun) completedPerDay() {
	r.add("SELECT day, used_days, cases FROM report_done WHERE day BETWEEN :from AND :to", func(sc func(...any) error) error {
		var day string
		var used, n int
		if err := sc(&day, &used, &n); err != nil {
			return err
		}
		d, err := calendar.ParseDate(day)
		if err != nil {
			return err
		}
		r.parts.AddDone(d, used, n)
		return nil
	})
}

// money: fees due and waivers granted, from their own tables. Driven from
// the (few) fee lines to their cases by rowid: CROSS JOIN keeps SQLite from
// walking every accepted case instead.
func (r *reportRun) money() {
	r.first(`SELECT `+reportKey+`, count(DISTINCT a.id), coalesce(SUM(max(0, f.amount_fen - coalesce(w.s, 0))), 0)
		FROM case_fees f CROSS JOIN applications a ON a.id = f.app_id
		LEFT JOIN (SELECT fee_id, SUM(amount_fen) AS s FROM waivers WHERE status = 'approved' GROUP BY fee_id) w ON w.fee_id = f.id
		WHERE `+condAccepted+` GROUP BY 1, 2, 3, 4`, func(sc func(...any) error) error {
		var n int
		var due int64
		if err := sc(append(r.keys(), &n, &due)...); err != nil {
			return err
		}
		r.row().Add(&report.Row{FeeCases: n, FeesDueFen: due})
		return nil
	})
	r.add(`SELECT `+reportKey+`, p.name, p.basis, count(DISTINCT w.app_id), count(*), SUM(w.amount_fen) FROM waivers w
		CROSS JOIN applications a ON a.id = w.app_id JOIN waiver_policies p ON p.id = w.policy_id
		WHERE w.status = 'approved' AND w.decided_at >= :fromT AND w.decided_at < :toT GROUP BY 1, 2, 3, 4, 5, 6`, func(sc func(...any) error) error {
		var l report.WaiverLine
		var cases int
		if err := sc(append(r.keys(), &l.Policy, &l.Basis, &cases, &l.Count, &l.Fen)...); err != nil {
			return err
		}
		g := r.row()
		g.WaiverFen += l.Fen
		l.Group = g.Name
		r.parts.AddWaiver(l) // several keys make one group
		return nil
	})
	r.add(`SELECT `+reportKey+`, count(DISTINCT w.app_id) FROM waivers w CROSS JOIN applications a ON a.id = w.app_id
		WHERE w.status = 'approved' AND w.decided_at >= :fromT AND w.decided_at < :toT GROUP BY 1, 2, 3, 4`, func(sc func(...any) error) error {
		var n int
		if err := sc(append(r.keys(), &n)...); err != nil {
			return err
		}
		r.row().Waived += n
		return nil
	})
}

// rectifications: 差评 due for rectification in the period, and on time.
func (r *reportRun) rectifications() {
	r.add(`SELECT `+reportKey+`, count(*), SUM(`+rectOnTime+`) FROM rectifications x
		CROSS JOIN applications a ON a.id = x.app_id WHERE `+rectDue+` GROUP BY 1, 2, 3, 4`, func(sc func(...any) error) error {
		var n, ok int
		if err := sc(append(r.keys(), &n, &ok)...); err != nil {
			return err
		}
		r.row().Add(&report.Row{RectDue: n, RectOnTime: ok})
		return nil
	})
}

// receivedPerDay: cases received per day, for the weekly chart.
func (r *reportRun) receivedPerDay() {
	r.add("SELECT day, SUM(cases) FROM report_received WHERE day BETWEEN :from AND :to GROUP BY day", func(sc func(...any) error) error {
		var day string
		var n int
		if err := sc(&day, &n); err != nil {
			return err
		}
		d, err := calendar.ParseDate(day)
		r.parts.Received[d] = n
		return err
	})
}

// runReport runs a report's queries two at a time (these PCs have two
// cores), each on its own connection (WAL lets readers share the file), in
// the order queued.
func (s *Store) runReport(ctx context.Context, jobs []reportJob, args []any) error {
	errs := make([]error, len(jobs))
	next := make(chan int, len(jobs))
	for i := range jobs {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = s.eachRow(ctx, jobs[i].q, args, jobs[i].fn)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// eachRow runs q and calls fn with a scanner for each row.
func (s *Store) eachRow(ctx context.Context, q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// MaxReportCases is the most cases ReportCases lists.
const MaxReportCases = 5000

// ReportCases lists the numbers of the cases behind one figure of a report:
// metric m of the group with key (the total when key is empty), with the
// same condition the report counted, oldest first, at most MaxReportCases.
func (s *Store) ReportCases(ctx context.Context, spec report.Spec, key string, m report.Metric) ([]string, error) {
	if err := checkSpec(spec); err != nil {
		return nil, err
	}
	cond, ok := metricCond[m]
	if !ok {
		return nil, data.FieldError("metric", "统计项", "%q 不能展开", string(m))
	}
	args := specArgs(spec)
	if key != "" {
		switch spec.By {
		case report.ByDepartment:
			cond += " AND a.item_id IN (SELECT id FROM items WHERE department_id = :key)"
		default:
			cond += " AND " + keyColumn(spec.By) + " = :key"
		}
		var k any = key
		if spec.By != report.BySite {
			id, err := strconv.ParseInt(key, 10, 64)
			if err != nil {
				return nil, data.FieldError("key", "分组", "%q 不是有效的编号", key)
			}
			k = id
		}
		args = append(args, sql.Named("key", k))
	}
	var out []string
	err := s.eachRow(ctx, fmt.Sprintf("SELECT a.number FROM applications a WHERE %s ORDER BY a.id LIMIT %d", cond, MaxReportCases), args,
		func(sc func(...any) error) error {
			var n string
			if err := sc(&n); err != nil {
				return err
			}
			out = append(out, n)
			return nil
		})
	return out, err
}
