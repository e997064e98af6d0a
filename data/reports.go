package data

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/report"
)

// The report's figures are sets of cases, each defined once here as a SQL
// condition on applications a (parameters :from, :to, :today as dates,
// :fromT and :toT as UTC timestamps bounding the period). The report sums
// them per group; ReportCases lists the cases behind a figure with the
// very same condition, so every number can be opened.
const (
	condOpen      = "a.status IN ('received','supplement','supplied','accepted','paused')"
	condCompleted = "a.status IN ('completed','delivered') AND a.closed_date BETWEEN :from AND :to"
	condRedNow    = "(a.red_promised <= :today OR a.red_statutory <= :today)"
	condReceived  = "a.received_date BETWEEN :from AND :to"
	condAccepted  = "a.accepted_date BETWEEN :from AND :to"
	condImmediate = condCompleted + " AND a.item_id IN (SELECT id FROM items WHERE kind = 'immediate')"
)

var metricCond = map[report.Metric]string{
	report.Received:        condReceived,
	report.Accepted:        condAccepted,
	report.Refused:         "a.status = 'refused' AND a.closed_date BETWEEN :from AND :to",
	report.Withdrawn:       "a.status = 'withdrawn' AND a.closed_date BETWEEN :from AND :to",
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
	report.Rated:           "a.id IN (SELECT app_id FROM ratings WHERE at >= :fromT AND at < :toT)",
	report.BadRated:        "a.id IN (SELECT app_id FROM ratings WHERE at >= :fromT AND at < :toT AND level <= 2)",
	report.RectDue:         "a.id IN (SELECT x.app_id FROM rectifications x WHERE " + rectDue + ")",
	report.RectOnTime:      "a.id IN (SELECT x.app_id FROM rectifications x WHERE " + rectDue + " AND " + rectOnTime + ")",
}

// rectDue: rectifications x due in the period whose outcome is known —
// done, or past their due date — not counting 差评 ruled invalid.
const (
	rectDue    = "x.due_date BETWEEN :from AND :to AND x.status != 'invalid' AND (x.done_date IS NOT NULL OR x.due_date < :today)"
	rectOnTime = "x.done_date IS NOT NULL AND x.done_date <= x.due_date"
)

// scanned are the metrics summed in the one scan of applications.
var scanned = []report.Metric{report.Received, report.Accepted, report.Refused, report.Withdrawn, report.Completed,
	report.OnTimePromised, report.OnTimeStatutory, report.Extended, report.Paused, report.Supplemented,
	report.ImmediateDone, report.ImmediateSame, report.Yellow, report.Red}

func checkSpec(spec report.Spec) error {
	if spec.From == 0 || spec.To == 0 {
		return fieldError("from", "统计期间", "起止日期不能为空")
	}
	if spec.To < spec.From {
		return fieldError("to", "截止日期", "不能早于起始日期 %s", spec.From)
	}
	if spec.To-spec.From > 3700 {
		return fieldError("to", "统计期间", "不能超过十年")
	}
	for _, b := range report.Bys {
		if spec.By == b {
			return nil
		}
	}
	return fieldError("by", "分组方式", "应为 department、window、item、clerk 或 site")
}

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
		q = "SELECT DISTINCT a.site_code, a.site_code, coalesce(s.name, a.site_code) FROM applications a LEFT JOIN site s ON s.code = a.site_code"
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
	args := specArgs(spec)
	names, err := s.groupNames(ctx, spec.By)
	if err != nil {
		return nil, err
	}
	rows := map[string]*report.Row{}
	row := func(col string) *report.Row {
		key, ok := names.key[col]
		if !ok {
			key = col
		}
		r := rows[key]
		if r == nil {
			r = &report.Row{Key: key, Name: names.name[key]}
			if r.Name == "" {
				r.Name = key
			}
			rows[key] = r
		}
		return r
	}
	key := keyColumn(spec.By)

	// 1. One scan of applications for everything kept on the case row.
	var sums []string
	for _, m := range scanned {
		sums = append(sums, "coalesce(SUM(CASE WHEN "+metricCond[m]+" THEN 1 END), 0)")
	}
	sums = append(sums, "coalesce(SUM(CASE WHEN "+condCompleted+" THEN a.pause_days END), 0)")
	q := "SELECT " + key + ", " + strings.Join(sums, ", ") + " FROM applications a WHERE " + condReceived + " OR " + condAccepted +
		" OR a.closed_date BETWEEN :from AND :to OR " + condOpen + " GROUP BY 1"
	err = s.eachRow(ctx, q, args, func(sc func(...any) error) error {
		var col string
		vals := make([]int, len(scanned)+1)
		ptrs := []any{&col}
		for i := range vals {
			ptrs = append(ptrs, &vals[i])
		}
		if err := sc(ptrs...); err != nil {
			return err
		}
		// Several items make one department: add, never assign.
		row(col).Add(&report.Row{Received: vals[0], Accepted: vals[1], Refused: vals[2], Withdrawn: vals[3], Completed: vals[4],
			OnTimePromised: vals[5], OnTimeStatutory: vals[6], Extended: vals[7], Paused: vals[8], Supplemented: vals[9],
			ImmediateDone: vals[10], ImmediateSame: vals[11], Yellow: vals[12], Red: vals[13], PauseDays: vals[14]})
		return nil
	})
	if err != nil {
		return nil, err
	}
	// 2. Working days used by the completed cases, as histograms per group
	// and per completion day (for the weekly chart).
	perDay := map[calendar.Date]map[int]int{}
	q = "SELECT " + key + ", a.closed_date, a.used_days, count(*) FROM applications a WHERE " + condCompleted + " GROUP BY 1, 2, 3"
	err = s.eachRow(ctx, q, args, func(sc func(...any) error) error {
		var col, day string
		var used, n int
		if err := sc(&col, &day, &used, &n); err != nil {
			return err
		}
		r := row(col)
		if r.Days == nil {
			r.Days = map[int]int{}
		}
		r.Days[used] += n
		d, err := calendar.ParseDate(day)
		if err != nil {
			return err
		}
		if perDay[d] == nil {
			perDay[d] = map[int]int{}
		}
		perDay[d][used] += n
		return nil
	})
	if err != nil {
		return nil, err
	}
	// 3. Fees, waivers, ratings and rectifications: their own tables.
	err = s.eachRow(ctx, `SELECT `+key+`, count(*), coalesce(SUM(d.due), 0) FROM applications a JOIN (
			SELECT f.app_id, SUM(max(0, f.amount_fen - coalesce((SELECT SUM(w.amount_fen) FROM waivers w WHERE w.fee_id = f.id AND w.status = 'approved'), 0))) AS due
			FROM case_fees f GROUP BY f.app_id) d ON d.app_id = a.id
		WHERE `+condAccepted+` GROUP BY 1`, args, func(sc func(...any) error) error {
		var col string
		var n int
		var due int64
		if err := sc(&col, &n, &due); err != nil {
			return err
		}
		row(col).Add(&report.Row{FeeCases: n, FeesDueFen: due})
		return nil
	})
	if err != nil {
		return nil, err
	}
	var waivers []report.WaiverLine
	err = s.eachRow(ctx, `SELECT `+key+`, p.name, p.basis, count(DISTINCT w.app_id), count(*), SUM(w.amount_fen) FROM waivers w
		JOIN applications a ON a.id = w.app_id JOIN waiver_policies p ON p.id = w.policy_id
		WHERE w.status = 'approved' AND w.decided_at >= :fromT AND w.decided_at < :toT GROUP BY 1, 2, 3`, args, func(sc func(...any) error) error {
		var col string
		var l report.WaiverLine
		var cases int
		if err := sc(&col, &l.Policy, &l.Basis, &cases, &l.Count, &l.Fen); err != nil {
			return err
		}
		r := row(col)
		r.WaiverFen += l.Fen
		l.Group = r.Name
		waivers = append(waivers, l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT `+key+`, count(DISTINCT w.app_id) FROM waivers w JOIN applications a ON a.id = w.app_id
		WHERE w.status = 'approved' AND w.decided_at >= :fromT AND w.decided_at < :toT GROUP BY 1`, args, func(sc func(...any) error) error {
		var col string
		var n int
		if err := sc(&col, &n); err != nil {
			return err
		}
		row(col).Waived += n
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT `+key+`, count(*), SUM(g.level), SUM(g.level <= 2) FROM ratings g JOIN applications a ON a.id = g.app_id
		WHERE g.at >= :fromT AND g.at < :toT GROUP BY 1`, args, func(sc func(...any) error) error {
		var col string
		var n, sum, bad int
		if err := sc(&col, &n, &sum, &bad); err != nil {
			return err
		}
		row(col).Add(&report.Row{Rated: n, RatingSum: sum, BadRated: bad})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT `+key+`, count(*), SUM(`+rectOnTime+`) FROM rectifications x
		JOIN applications a ON a.id = x.app_id WHERE `+rectDue+` GROUP BY 1`, args, func(sc func(...any) error) error {
		var col string
		var n, ok int
		if err := sc(&col, &n, &ok); err != nil {
			return err
		}
		row(col).Add(&report.Row{RectDue: n, RectOnTime: ok})
		return nil
	})
	if err != nil {
		return nil, err
	}
	// 4. Received per day, for the weekly chart.
	received := map[calendar.Date]int{}
	err = s.eachRow(ctx, "SELECT a.received_date, count(*) FROM applications a WHERE "+condReceived+" GROUP BY 1", args, func(sc func(...any) error) error {
		var day string
		var n int
		if err := sc(&day, &n); err != nil {
			return err
		}
		d, err := calendar.ParseDate(day)
		received[d] = n
		return err
	})
	if err != nil {
		return nil, err
	}

	rep := &report.Report{Spec: spec, Waivers: waivers}
	for _, r := range rows {
		rep.Rows = append(rep.Rows, *r)
	}
	sort.Slice(rep.Rows, func(i, j int) bool { return rep.Rows[i].Name < rep.Rows[j].Name })
	rep.Total = report.Row{Name: "合计"}
	for i := range rep.Rows {
		rep.Total.Add(&rep.Rows[i])
	}
	sort.Slice(rep.Waivers, func(i, j int) bool {
		a, b := rep.Waivers[i], rep.Waivers[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.Basis < b.Basis
	})
	rep.Weeks = weeks(spec, received, perDay)
	if spec.By == report.ByDepartment || spec.By == report.ByWindow {
		rep.Ranking = report.RankRows(rep.Rows)
	}
	return rep, nil
}

// weeks folds the daily counts into Monday-to-Sunday weeks of the period.
func weeks(spec report.Spec, received map[calendar.Date]int, done map[calendar.Date]map[int]int) []report.Week {
	monday := func(d calendar.Date) calendar.Date { return d - calendar.Date((int(d.Weekday())+6)%7) }
	var out []report.Week
	for m := monday(spec.From); m <= spec.To; m += 7 {
		w := report.Week{Monday: m}
		h := map[int]int{}
		for d := max(m, spec.From); d < m+7 && d <= spec.To; d++ {
			w.Received += received[d]
			for used, n := range done[d] {
				h[used] += n
				w.Completed += n
			}
		}
		w.MedianDays = report.Quantile(h, 0.5)
		out = append(out, w)
	}
	return out
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
		return nil, fieldError("metric", "统计项", "%q 不能展开", string(m))
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
				return nil, fieldError("key", "分组", "%q 不是有效的编号", key)
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
