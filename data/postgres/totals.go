package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// The report's daily totals (migration 0003). A bundle changes some cases:
// their contribution is taken out of the totals before they are written
// and put back after, each as one grouped statement per table, so the
// totals always equal what the cases add up to (Verify checks).

// totalsTable is one table of daily totals: its keys, its sums, the SQL
// of each over the cases a, and which cases count.
type totalsTable struct {
	name       string
	keys, sums []string // column names
	keySQL     []string // over a
	sumSQL     []string // over a
	when       string   // over a
	money      bool     // reads the cases' fee lines and waivers too
}

var groupKeySQL = []string{"a.item", "a.site_code || '/' || a.window_code", "a.site_code || '/' || a.clerk", "a.site_code"}
var groupKeyCols = []string{"item", "win", "clerk", "site"}

var totalsTables = []totalsTable{
	{name: "report_received", keys: append(append([]string{}, groupKeyCols...), "day"), keySQL: append(append([]string{}, groupKeySQL...), "a.received_date"),
		sums: []string{"cases", "supplemented"}, sumSQL: []string{"count(*)", "sum(coalesce(a.supplemented, 0))"}, when: "TRUE"},
	{name: "report_accepted", keys: append(append([]string{}, groupKeyCols...), "day"), keySQL: append(append([]string{}, groupKeySQL...), "a.accepted_date"),
		sums: []string{"cases"}, sumSQL: []string{"count(*)"}, when: "a.accepted_date IS NOT NULL"},
	{name: "report_closed", keys: append(append([]string{}, groupKeyCols...), "status", "used", "day"),
		keySQL: append(append([]string{}, groupKeySQL...), "a.status", "coalesce(a.used_days, -1)", "a.closed_date"),
		sums:   []string{"cases", "ontime_promised", "ontime_statutory", "extended", "paused", "pause_days", "same_day"},
		sumSQL: []string{"count(*)", "sum(coalesce(a.ontime_promised, 0))", "sum(coalesce(a.ontime_statutory, 0))", "sum((coalesce(a.extra_days, 0) > 0)::int)",
			"sum((coalesce(a.pause_days, 0) > 0)::int)", "sum(coalesce(a.pause_days, 0))", "sum((a.closed_date = a.received_date)::int)"},
		when: "a.closed_date IS NOT NULL"},
	{name: "report_rated", keys: append(append([]string{}, groupKeyCols...), "day"), keySQL: append(append([]string{}, groupKeySQL...), "a.rated_date"),
		sums: []string{"cases", "bad", "level_sum"}, sumSQL: []string{"count(*)", "sum((coalesce(a.rating_level, 99) <= 2)::int)", "sum(coalesce(a.rating_level, 0))"},
		when: "a.rated_date IS NOT NULL"},
	{name: "report_done", keys: []string{"day", "used"}, keySQL: []string{"a.closed_date", "coalesce(a.used_days, -1)"},
		sums: []string{"cases"}, sumSQL: []string{"count(*)"}, when: "a.closed_date IS NOT NULL AND a.status IN ('completed', 'delivered')"},
	// The open cases by their warning dates (a date never reached when a
	// track has none): the report counts yellow and red against its day.
	{name: "report_open", keys: append(append([]string{}, groupKeyCols...), "yellow_promised", "yellow_statutory", "red_promised", "red_statutory"),
		keySQL: append(append([]string{}, groupKeySQL...), "coalesce(a.yellow_promised, 'infinity')", "coalesce(a.yellow_statutory, 'infinity')",
			"coalesce(a.red_promised, 'infinity')", "coalesce(a.red_statutory, 'infinity')"),
		sums: []string{"cases"}, sumSQL: []string{"count(*)"}, when: "a.status IN ('received','supplement','supplied','accepted','paused')"},
	// Fees due, by the day of acceptance: read from the case's fee lines
	// and approved waivers, so added back only after the bundle's records
	// are written (money).
	{name: "report_money", keys: append(append([]string{}, groupKeyCols...), "day"), keySQL: append(append([]string{}, groupKeySQL...), "a.accepted_date"),
		sums: []string{"cases", "due_fen"}, sumSQL: []string{"count(*)", `sum((SELECT coalesce(sum(greatest(0, f.amount_fen - coalesce((SELECT sum(w.amount_fen) FROM waivers w
			WHERE w.number = f.number AND w.fee_code = f.fee_code AND w.status = 'approved'), 0))), 0) FROM case_fees f WHERE f.number = a.number))`},
		when: "a.accepted_date IS NOT NULL AND EXISTS (SELECT 1 FROM case_fees f WHERE f.number = a.number)", money: true},
}

// addSQL adds (sign +1) or takes out (sign -1) the contribution of the
// cases a that `from` selects.
func (t totalsTable) addSQL(from string, sign int) string {
	var sel, set []string
	sel = append(sel, t.keySQL...)
	for i, s := range t.sumSQL {
		sel = append(sel, fmt.Sprintf("%d * %s", sign, s))
		set = append(set, fmt.Sprintf("%s = %s.%s + excluded.%s", t.sums[i], t.name, t.sums[i], t.sums[i]))
	}
	groups := make([]string, len(t.keySQL))
	for i := range groups {
		groups[i] = fmt.Sprint(i + 1)
	}
	return fmt.Sprintf("INSERT INTO %s (%s) SELECT %s %s AND %s GROUP BY %s ORDER BY %s ON CONFLICT (%s) DO UPDATE SET %s",
		t.name, strings.Join(append(append([]string{}, t.keys...), t.sums...), ", "), strings.Join(sel, ", "), from, t.when,
		strings.Join(groups, ", "), strings.Join(groups, ", "), strings.Join(t.keys, ", "), strings.Join(set, ", "))
}

// bundleCases selects the cases of the bundle being merged (staged).
const bundleCases = "FROM applications a WHERE a.number IN (SELECT number FROM stage_applications)"

// adjustTotals adds (sign +1) or takes out (sign -1) the staged cases'
// contribution to the tables of totals that read the cases alone (money
// false) or their fee lines and waivers too (money true), then drops the
// groups left at 0.
func adjustTotals(ctx context.Context, tx pgx.Tx, sign int, money bool) error {
	for _, t := range totalsTables {
		if t.money != money {
			continue
		}
		if _, err := tx.Exec(ctx, t.addSQL(bundleCases, sign)); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		if sign > 0 {
			if _, err := tx.Exec(ctx, "DELETE FROM "+t.name+" WHERE cases = 0"); err != nil {
				return err
			}
		}
	}
	return nil
}

// totalsDiffer names the tables of totals that differ from the cases
// (Verify).
func totalsDiffer(ctx context.Context, tx pgx.Tx) ([]string, error) {
	var out []string
	for _, t := range totalsTables {
		cols := strings.Join(append(append([]string{}, t.keys...), t.sums...), ", ")
		var sel []string
		sel = append(sel, t.keySQL...)
		sel = append(sel, t.sumSQL...)
		groups := make([]string, len(t.keySQL))
		for i := range groups {
			groups[i] = fmt.Sprint(i + 1)
		}
		fromCases := fmt.Sprintf("SELECT %s FROM applications a WHERE %s GROUP BY %s", strings.Join(sel, ", "), t.when, strings.Join(groups, ", "))
		var n int
		q := fmt.Sprintf("SELECT count(*) FROM ((SELECT %s FROM %s EXCEPT %s) UNION ALL (%s EXCEPT SELECT %s FROM %s)) d", cols, t.name, fromCases, fromCases, cols, t.name)
		if err := tx.QueryRow(ctx, q).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(out, t.name)
		}
	}
	return out, nil
}

// RebuildTotals makes the report's daily totals again from the cases (the
// cases themselves are not touched): after cases were loaded by other
// means, or when Verify finds the totals differ.
func (s *Store) RebuildTotals(ctx context.Context) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		for _, t := range totalsTables {
			if _, err := tx.Exec(ctx, "TRUNCATE "+t.name); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, t.addSQL("FROM applications a WHERE TRUE", +1)); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
		return s.audit(ctx, tx, "system", "report.rebuild", "totals", "{}")
	})
}
