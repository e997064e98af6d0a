package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/report"
)

// The processing-time report on the central store: the same figures as
// the SQLite store's (data/sqlite/reports.go defines each as a set of
// cases), added up from the daily totals the merge keeps (totals.go) and,
// for what is not per day (open cases' colours, money, rectifications),
// from the cases' clock cache; put together by report.Assemble.

// allParams names every parameter with its type, so that each query may
// use the ones it needs (the server insists on knowing them all).
const allParams = "WITH params AS (SELECT $1::date, $2::date, $3::date, $4::text, $5::text, $6::text, $7::text, $8::text) "

// reportKeys are the four keys every query groups by: the item, the window
// and the clerk (each a site's own, so prefixed with its code), the site.
const reportKeys = "a.item, a.site_code || '/' || a.window_code, a.site_code || '/' || a.clerk, a.site_code"

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// Report computes the processing-time report.
func (s *Store) Report(ctx context.Context, spec report.Spec) (*report.Report, error) {
	if err := spec.Check(); err != nil {
		return nil, err
	}
	args := reportArgs(spec)
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return nil, classify(err)
	}
	defer tx.Rollback(ctx)
	r := &pgReport{spec: spec, parts: report.NewParts()}
	if err := r.names(ctx, tx); err != nil {
		return nil, classify(err)
	}
	for _, q := range r.queries() {
		if err := eachRow(ctx, tx, allParams+q.sql, args, q.row); err != nil {
			return nil, classify(err)
		}
	}
	if spec.By == report.ByDepartment {
		if err := s.addProblemFigures(ctx, spec, r.parts, r.deptName); err != nil {
			return nil, err
		}
	}
	rep := report.Assemble(spec, r.parts)
	if rep.Policies, err = s.policyReview(ctx, spec); err != nil {
		return nil, err
	}
	return rep, nil
}

// reportArgs are the parameters every report query may use: $1 $2 $3 the
// period's first and last day and today as dates; $4 $5 the period's
// bounds as UTC times; $6 $7 $8 from, to and today as text (rectification
// dates).
func reportArgs(spec report.Spec) []any {
	today := spec.Today
	if today == 0 {
		today = spec.To
	}
	utc := func(d calendar.Date) string {
		return d.Time().Add(-8 * time.Hour).UTC().Format(time.RFC3339) // Shanghai midnight
	}
	return []any{spec.From.Time(), spec.To.Time(), today.Time(), utc(spec.From), utc(spec.To + 1), spec.From.String(), spec.To.String(), today.String()}
}

// MaxReportCases is the most cases ReportCases lists, as at a site.
const MaxReportCases = 5000

// The figures as sets of cases, for ReportCases: the conditions the daily
// totals were added up under (totals.go), over applications a.
const (
	condClosed    = "a.closed_date BETWEEN $1 AND $2"
	condCompleted = "a.status IN ('completed','delivered') AND " + condClosed
	condReceived  = "a.received_date BETWEEN $1 AND $2"
	condAccepted  = "a.accepted_date BETWEEN $1 AND $2"
	condRated     = "a.rated_date BETWEEN $1 AND $2"
	condImmediate = condCompleted + " AND a.item IN (SELECT code FROM items WHERE kind = 'immediate')"
	condWaived    = "EXISTS (SELECT 1 FROM waivers w WHERE w.number = a.number AND w.status = 'approved' AND w.decided_at >= $4 AND w.decided_at < $5)"
	condRectDue   = "EXISTS (SELECT 1 FROM rectifications x WHERE x.number = a.number AND " + rectDue
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
	report.Red:             openStatuses + " AND " + redNow,
	report.Yellow:          openStatuses + " AND " + yellowNow,
	report.FeeCases:        condAccepted + " AND EXISTS (SELECT 1 FROM case_fees f WHERE f.number = a.number)",
	report.Waived:          condWaived,
	report.Rated:           condRated,
	report.BadRated:        condRated + " AND a.rating_level <= 2",
	report.RectDue:         condRectDue + ")",
	report.RectOnTime:      condRectDue + " AND " + rectOnTime + ")",
}

// ReportCases lists the numbers of the cases behind one figure of a report:
// metric m of the group with key (the total when key is empty), oldest
// first, at most MaxReportCases.
func (s *Store) ReportCases(ctx context.Context, spec report.Spec, key string, m report.Metric) ([]string, error) {
	if err := spec.Check(); err != nil {
		return nil, err
	}
	cond, ok := metricCond[m]
	if !ok {
		return nil, data.FieldError("metric", "统计项", "%q 不能展开", string(m))
	}
	args := reportArgs(spec)
	if key != "" {
		args = append(args, key)
		switch spec.By {
		case report.ByDepartment:
			cond += " AND a.item IN (SELECT code FROM items WHERE department = $9)"
		case report.ByItem:
			cond += " AND a.item = $9"
		case report.ByWindow:
			cond += " AND a.site_code || '/' || a.window_code = $9"
		case report.ByClerk:
			cond += " AND a.site_code || '/' || a.clerk = $9"
		default:
			cond += " AND a.site_code = $9"
		}
	}
	params := allParams
	if key != "" {
		params = strings.Replace(allParams, "$8::text", "$8::text, $9::text", 1)
	}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, classify(err)
	}
	defer tx.Rollback(ctx)
	var out []string
	err = eachRow(ctx, tx, fmt.Sprintf("%sSELECT a.number FROM applications a WHERE %s ORDER BY a.id LIMIT %d", params, cond, MaxReportCases), args,
		func(sc func(...any) error) error {
			var n string
			if err := sc(&n); err != nil {
				return err
			}
			out = append(out, n)
			return nil
		})
	return out, classify(err)
}

type pgReport struct {
	spec                   report.Spec
	parts                  *report.Parts
	item, win, clerk, site string
	// What the groups are called, and which items are 即办件.
	itemDept, deptName, itemName, winName, userName, siteName map[string]string
	immediate                                                 map[string]bool
}

type pgQuery struct {
	sql string
	row func(scan func(...any) error) error
}

func eachRow(ctx context.Context, tx pgx.Tx, q string, args []any, fn func(func(...any) error) error) error {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(func(dest ...any) error { return rows.Scan(dest...) }); err != nil {
			return err
		}
	}
	return rows.Err()
}

// names reads the catalogue's names once (a few thousand rows at most).
func (r *pgReport) names(ctx context.Context, tx pgx.Tx) error {
	r.itemDept, r.deptName, r.itemName, r.winName, r.userName, r.siteName = map[string]string{}, map[string]string{}, map[string]string{}, map[string]string{}, map[string]string{}, map[string]string{}
	r.immediate = map[string]bool{}
	for _, q := range []struct {
		sql  string
		into func(k, v, x string)
	}{
		{"SELECT code, department, kind FROM items", func(k, v, x string) { r.itemDept[k], r.immediate[k] = v, x == string(data.KindImmediate) }},
		{"SELECT code, code || ' ' || name, '' FROM items", func(k, v, _ string) { r.itemName[k] = v }},
		{"SELECT code, name, '' FROM departments", func(k, v, _ string) { r.deptName[k] = v }},
		{"SELECT site_code || '/' || code, site_code || '/' || code || ' ' || name, '' FROM windows", func(k, v, _ string) { r.winName[k] = v }},
		{"SELECT site_code || '/' || login, name, '' FROM site_users", func(k, v, _ string) { r.userName[k] = v }},
		{"SELECT code, name, '' FROM site UNION SELECT code, name, '' FROM sites", func(k, v, _ string) { r.siteName[k] = v }},
	} {
		if err := eachRow(ctx, tx, q.sql, nil, func(sc func(...any) error) error {
			var k, v, x string
			if err := sc(&k, &v, &x); err != nil {
				return err
			}
			q.into(k, v, x)
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

func (r *pgReport) keys() []any { return []any{&r.item, &r.win, &r.clerk, &r.site} }

// row is the group of the row just read.
func (r *pgReport) row() *report.Row {
	switch r.spec.By {
	case report.ByDepartment:
		d := r.itemDept[r.item]
		return r.parts.Group(d, r.deptName[d])
	case report.ByItem:
		return r.parts.Group(r.item, r.itemName[r.item])
	case report.ByWindow:
		return r.parts.Group(r.win, r.winName[r.win])
	case report.ByClerk:
		return r.parts.Group(r.clerk, r.userName[r.clerk])
	}
	return r.parts.Group(r.site, r.siteName[r.site])
}

const (
	openStatuses = "a.status IN ('received','supplement','supplied','accepted','paused')"
	redNow       = "coalesce(a.red_promised <= $3 OR a.red_statutory <= $3, false)"
	yellowNow    = "NOT " + redNow + " AND coalesce(a.yellow_promised <= $3 OR a.yellow_statutory <= $3, false)"
	rectDue      = "x.due_date BETWEEN $6 AND $7 AND x.status <> 'invalid' AND (x.done_date IS NOT NULL OR x.due_date < $8)"
	rectOnTime   = "x.done_date IS NOT NULL AND x.done_date <= x.due_date"
)

func (r *pgReport) queries() []pgQuery {
	add := func(fn func(x *report.Row, sc func(...any) error) error) func(func(...any) error) error {
		return func(sc func(...any) error) error {
			var x report.Row
			if err := fn(&x, sc); err != nil {
				return err
			}
			r.row().Add(&x)
			return nil
		}
	}
	keyed := func(dest ...any) []any { return append(r.keys(), dest...) }
	return []pgQuery{
		{`SELECT item, win, clerk, site, status, used, sum(cases), sum(ontime_promised), sum(ontime_statutory), sum(extended), sum(paused), sum(pause_days), sum(same_day)
			FROM report_closed WHERE day BETWEEN $1 AND $2 GROUP BY 1, 2, 3, 4, 5, 6`, r.closed},
		{`SELECT item, win, clerk, site, sum(cases), sum(supplemented) FROM report_received WHERE day BETWEEN $1 AND $2 GROUP BY 1, 2, 3, 4`,
			add(func(x *report.Row, sc func(...any) error) error { return sc(keyed(&x.Received, &x.Supplemented)...) })},
		{`SELECT item, win, clerk, site, sum(cases) FROM report_accepted WHERE day BETWEEN $1 AND $2 GROUP BY 1, 2, 3, 4`,
			add(func(x *report.Row, sc func(...any) error) error { return sc(keyed(&x.Accepted)...) })},
		{`SELECT item, win, clerk, site, sum(cases), sum(bad), sum(level_sum) FROM report_rated WHERE day BETWEEN $1 AND $2 GROUP BY 1, 2, 3, 4`,
			add(func(x *report.Row, sc func(...any) error) error {
				return sc(keyed(&x.Rated, &x.BadRated, &x.RatingSum)...)
			})},
		{`SELECT item, win, clerk, site, sum(cases) FILTER (WHERE ` + yellowNow + `), sum(cases) FILTER (WHERE ` + redNow + `) FROM report_open a GROUP BY 1, 2, 3, 4`,
			add(func(x *report.Row, sc func(...any) error) error {
				var yellow, red *int
				err := sc(keyed(&yellow, &red)...)
				x.Yellow, x.Red = deref(yellow), deref(red)
				return err
			})},
		{`SELECT day, used, cases FROM report_done WHERE day BETWEEN $1 AND $2`, r.done},
		{`SELECT item, win, clerk, site, sum(cases), sum(due_fen) FROM report_money WHERE day BETWEEN $1 AND $2 GROUP BY 1, 2, 3, 4`,
			add(func(x *report.Row, sc func(...any) error) error { return sc(keyed(&x.FeeCases, &x.FeesDueFen)...) })},
		// The waivers approved in the period, in one pass: per group and
		// policy (the waiver lines), and per group (the cases waived).
		{`SELECT w.item, w.site_code || '/' || w.window_code, w.site_code || '/' || w.clerk, w.site_code, coalesce(p.name, ''), coalesce(p.basis, ''),
				grouping(p.name, p.basis), count(DISTINCT w.number), count(*), sum(w.amount_fen)
			FROM waivers w JOIN waiver_policies p ON p.code = w.policy
			WHERE w.status = 'approved' AND w.decided_at >= $4 AND w.decided_at < $5 AND w.item IS NOT NULL
			GROUP BY GROUPING SETS ((w.item, w.site_code, w.window_code, w.clerk, p.name, p.basis), (w.item, w.site_code, w.window_code, w.clerk))`, r.waivers},
		{`SELECT ` + reportKeys + `, count(*), sum((` + rectOnTime + `)::int) FROM rectifications x JOIN applications a ON a.number = x.number
			WHERE ` + rectDue + ` GROUP BY 1, 2, 3, 4`,
			add(func(x *report.Row, sc func(...any) error) error { return sc(keyed(&x.RectDue, &x.RectOnTime)...) })},
		{`SELECT day, sum(cases) FROM report_received WHERE day BETWEEN $1 AND $2 GROUP BY 1`, r.receivedDay},
	}
}

// closed adds a group's closed cases of one status and days used.
func (r *pgReport) closed(sc func(...any) error) error {
	var c report.Closed
	if err := sc(append(r.keys(), &c.Status, &c.Used, &c.Cases, &c.OnTimePromised, &c.OnTimeStatutory, &c.Extended, &c.Paused, &c.PauseDays, &c.SameDay)...); err != nil {
		return err
	}
	c.Immediate = r.immediate[r.item]
	r.row().AddClosed(c)
	return nil
}

func (r *pgReport) done(sc func(...any) error) error {
	var day time.Time
	var used, n int
	if err := sc(&day, &used, &n); err != nil {
		return err
	}
	r.parts.AddDone(calendar.NewDate(day.Year(), day.Month(), day.Day()), used, n)
	return nil
}

func (r *pgReport) receivedDay(sc func(...any) error) error {
	var day time.Time
	var n int
	if err := sc(&day, &n); err != nil {
		return err
	}
	r.parts.Received[calendar.NewDate(day.Year(), day.Month(), day.Day())] = n
	return nil
}

// waivers adds a waiver line (a group's waivers under one policy), or a
// group's count of cases waived (the grouping set without the policy).
func (r *pgReport) waivers(sc func(...any) error) error {
	var l report.WaiverLine
	var perGroup, cases int
	if err := sc(append(r.keys(), &l.Policy, &l.Basis, &perGroup, &cases, &l.Count, &l.Fen)...); err != nil {
		return err
	}
	g := r.row()
	if perGroup != 0 {
		g.Add(&report.Row{Waived: cases})
		return nil
	}
	g.WaiverFen += l.Fen
	l.Group = g.Name
	r.parts.AddWaiver(l)
	return nil
}
