package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// The report's daily totals (migration 0003). A bundle changes some cases:
// their contribution is taken out of the totals as they were (a snapshot
// of the old rows, read once by the key) and put in as they are (the
// staged rows), one grouped statement per table that reads only those few
// rows, so the totals always equal what the cases add up to (Verify
// checks). Groups that come to zero stay as rows of zeros until the
// totals are rebuilt; nothing reads them as anything but zero.

// totalsTable is one table of daily totals: its keys, its sums, the SQL
// of each over one case a, and which cases count.
type totalsTable struct {
	name       string
	keys, sums []string // column names
	keySQL     []string // over a
	rowSQL     []string // each case's contribution, over a
	when       string   // over a
	money      bool     // reads the cases' fee lines and waivers too
}

var groupKeySQL = []string{"a.item", "a.site_code || '/' || a.window_code", "a.site_code || '/' || a.clerk", "a.site_code"}
var groupKeyCols = []string{"item", "win", "clerk", "site"}

func withDay(day string) ([]string, []string) {
	return append(append([]string{}, groupKeyCols...), "day"), append(append([]string{}, groupKeySQL...), day)
}

var totalsTables = func() []totalsTable {
	received, receivedSQL := withDay("a.received_date")
	accepted, acceptedSQL := withDay("a.accepted_date")
	rated, ratedSQL := withDay("a.rated_date")
	return []totalsTable{
		{name: "report_received", keys: received, keySQL: receivedSQL,
			sums: []string{"cases", "supplemented"}, rowSQL: []string{"1", "coalesce(a.supplemented, 0)"}, when: "TRUE"},
		{name: "report_accepted", keys: accepted, keySQL: acceptedSQL,
			sums: []string{"cases"}, rowSQL: []string{"1"}, when: "a.accepted_date IS NOT NULL"},
		{name: "report_closed", keys: append(append([]string{}, groupKeyCols...), "status", "used", "day"),
			keySQL: append(append([]string{}, groupKeySQL...), "a.status", "coalesce(a.used_days, -1)", "a.closed_date"),
			sums:   []string{"cases", "ontime_promised", "ontime_statutory", "extended", "paused", "pause_days", "same_day"},
			rowSQL: []string{"1", "coalesce(a.ontime_promised, 0)", "coalesce(a.ontime_statutory, 0)", "(coalesce(a.extra_days, 0) > 0)::int",
				"(coalesce(a.pause_days, 0) > 0)::int", "coalesce(a.pause_days, 0)", "(a.closed_date = a.received_date)::int"},
			when: "a.closed_date IS NOT NULL"},
		{name: "report_rated", keys: rated, keySQL: ratedSQL,
			sums: []string{"cases", "bad", "level_sum"}, rowSQL: []string{"1", "(coalesce(a.rating_level, 99) <= 2)::int", "coalesce(a.rating_level, 0)"},
			when: "a.rated_date IS NOT NULL"},
		{name: "report_done", keys: []string{"day", "used"}, keySQL: []string{"a.closed_date", "coalesce(a.used_days, -1)"},
			sums: []string{"cases"}, rowSQL: []string{"1"}, when: "a.closed_date IS NOT NULL AND a.status IN ('completed', 'delivered')"},
		// The open cases by their warning dates (a date never reached when
		// a track has none): the report counts yellow and red against its
		// day.
		{name: "report_open", keys: append(append([]string{}, groupKeyCols...), "yellow_promised", "yellow_statutory", "red_promised", "red_statutory"),
			keySQL: append(append([]string{}, groupKeySQL...), "coalesce(a.yellow_promised, 'infinity')", "coalesce(a.yellow_statutory, 'infinity')",
				"coalesce(a.red_promised, 'infinity')", "coalesce(a.red_statutory, 'infinity')"),
			sums: []string{"cases"}, rowSQL: []string{"1"}, when: "a.status IN ('received','supplement','supplied','accepted','paused')"},
		// Fees due, by the day of acceptance: read from the case's fee
		// lines and approved waivers, so put in only after the bundle's
		// records are written (money).
		{name: "report_money", keys: accepted, keySQL: acceptedSQL,
			sums: []string{"cases", "due_fen"}, rowSQL: []string{"1", `(SELECT coalesce(sum(greatest(0, f.amount_fen - coalesce((SELECT sum(w.amount_fen) FROM waivers w
				WHERE w.number = f.number AND w.fee_code = f.fee_code AND w.status = 'approved'), 0))), 0) FROM case_fees f WHERE f.number = a.number)`},
			when: "a.accepted_date IS NOT NULL AND EXISTS (SELECT 1 FROM case_fees f WHERE f.number = a.number)", money: true},
	}
}()

// selectSQL is the grouped contribution of the cases `from` gives (alias
// a, with a column s: +1 to put a case in, -1 to take it out).
func (t totalsTable) selectSQL(from string) string {
	sel := append([]string{}, t.keySQL...)
	for _, r := range t.rowSQL {
		sel = append(sel, fmt.Sprintf("sum(a.s * (%s))", r))
	}
	groups := make([]string, len(t.keySQL))
	for i := range groups {
		groups[i] = fmt.Sprint(i + 1)
	}
	return fmt.Sprintf("SELECT %s FROM %s WHERE %s GROUP BY %s", strings.Join(sel, ", "), from, t.when, strings.Join(groups, ", "))
}

// addSQL adds the contribution of the cases `from` gives to the totals.
func (t totalsTable) addSQL(from string) string {
	var set []string
	for _, c := range t.sums {
		set = append(set, fmt.Sprintf("%s = %s.%s + excluded.%s", c, t.name, c, c))
	}
	order := make([]string, len(t.keys))
	for i := range order {
		order[i] = fmt.Sprint(i + 1)
	}
	// In the order of the keys, as every importer writes, so that two do
	// not deadlock.
	return fmt.Sprintf("INSERT INTO %s (%s) %s ORDER BY %s ON CONFLICT (%s) DO UPDATE SET %s",
		t.name, strings.Join(append(append([]string{}, t.keys...), t.sums...), ", "), t.selectSQL(from),
		strings.Join(order, ", "), strings.Join(t.keys, ", "), strings.Join(set, ", "))
}

// snapshotCases copies the staged cases' rows as they are before the merge
// writes them (old_applications, emptied at commit).
func snapshotCases(ctx context.Context, tx pgx.Tx) error {
	var missing bool
	if err := tx.QueryRow(ctx, "SELECT to_regclass('pg_temp.old_applications') IS NULL").Scan(&missing); err != nil {
		return err
	}
	if missing {
		if _, err := tx.Exec(ctx, "CREATE TEMP TABLE old_applications (LIKE applications) ON COMMIT DELETE ROWS"); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO old_applications SELECT a.* FROM applications a
		JOIN stage_applications s ON s.received_date = a.received_date AND s.number = a.number`)
	return err
}

// adjustTotals puts the staged cases into the tables of totals that read
// the cases alone (money false) or their fee lines and waivers too (money
// true); with old, it also takes out the same cases as they were (the
// snapshot): for money, that is done before the records change, with
// old only.
func adjustTotals(ctx context.Context, tx pgx.Tx, money, old, staged bool) error {
	var parts []string
	if old {
		parts = append(parts, "SELECT -1 AS s, o.* FROM old_applications o")
	}
	if staged {
		parts = append(parts, "SELECT 1 AS s, n.* FROM stage_applications n")
	}
	from := "(" + strings.Join(parts, " UNION ALL ") + ") a"
	for _, t := range totalsTables {
		if t.money != money {
			continue
		}
		if _, err := tx.Exec(ctx, t.addSQL(from)); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	return nil
}

// totalsDiffer names the tables of totals that differ from the cases
// (Verify); groups at zero count as absent.
func totalsDiffer(ctx context.Context, tx pgx.Tx) ([]string, error) {
	var out []string
	for _, t := range totalsTables {
		cols := strings.Join(append(append([]string{}, t.keys...), t.sums...), ", ")
		fromCases := t.selectSQL("(SELECT 1 AS s, a.* FROM applications a) a")
		var n int
		q := fmt.Sprintf("SELECT count(*) FROM ((SELECT %s FROM %s WHERE cases <> 0 EXCEPT %s) UNION ALL (%s EXCEPT SELECT %s FROM %s)) d", cols, t.name, fromCases, fromCases, cols, t.name)
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
			if _, err := tx.Exec(ctx, t.addSQL("(SELECT 1 AS s, a.* FROM applications a) a")); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
		return s.audit(ctx, tx, "system", "report.rebuild", "totals", "{}")
	})
}
