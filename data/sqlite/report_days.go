package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/onewindow/onewindow/data"
)

// The report's daily totals. A supervisor's report adds up a year of cases;
// reading every case row (a million at a county centre) took over a second,
// so the figures kept on the case row are also kept added up per day and
// per item, window, clerk and site, in the report_* tables below, and the
// report reads those (about half a million rows for a million cases, most
// of them in report_closed, whose days used make the median).
//
// Each table is defined once, as SQL over the case row, and from that one
// definition come the table, the triggers that keep it equal to the sum of
// applications in the same transaction as any write to a case (insert,
// delete, or an update of a column it reads: an event, a calendar refresh,
// a merge at the centre), the statement that rebuilds it, and the check
// Verify runs. Nothing in Go writes them except the demo generator, which
// adds up its own cases in Go (goHas, goDay, the key fields and goSum, side
// by side with the SQL) because firing the triggers for a million cases
// would add a quarter to its run; a test holds the two equal.
//
// They are derived data, like an index: rebuilding them writes no audit
// entry. Open rebuilds them when a table or trigger is missing or differs
// from the definition here (a new program, an interrupted bulk run).

// dayFacts is what the daily totals read of a case row, NULL already
// replaced as the SQL does (coalesce): text "", used_days -1, numbers 0.
type dayFacts struct {
	item, window, clerk                  int64
	site, status                         string
	received, accepted, closed, rated    string
	used                                 int64
	ontimeP, ontimeS, pause, extra, supp int64
	level                                int64
}

// dayCol is a column of a daily-totals table: a key (typ set, and field:
// which part of a totalKey holds it in Go) or a sum (goSum set), with its
// value as SQL over the case row ($ stands for the row: NEW, OLD or a).
type dayCol struct {
	name, typ, sql string
	field          keyField
	goSum          func(*dayFacts) int64
}

type dayTable struct {
	name  string
	when  string // which case rows count, SQL over $
	goHas func(*dayFacts) bool
	goDay func(*dayFacts) string // the day the "day" key holds
	keys  []dayCol               // the primary key, in order
	sums  []dayCol
}

// keyField names a key column's place in a totalKey.
type keyField int

const (
	fItem keyField = iota
	fWindow
	fClerk
	fSite
	fStatus
	fUsed
	fDay
)

// groupKeys lead every per-group table, in the order the report groups by.
var groupKeys = []dayCol{
	{name: "item_id", typ: "INTEGER", sql: "$.item_id", field: fItem},
	{name: "window_id", typ: "INTEGER", sql: "$.window_id", field: fWindow},
	{name: "clerk_id", typ: "INTEGER", sql: "$.clerk_id", field: fClerk},
	{name: "site_code", typ: "TEXT", sql: "$.site_code", field: fSite},
}

func dayKey(sql string) dayCol { return dayCol{name: "day", typ: "TEXT", sql: sql, field: fDay} }

var (
	usedKey  = dayCol{name: "used_days", typ: "INTEGER", sql: "coalesce($.used_days, -1)", field: fUsed}
	casesSum = dayCol{name: "cases", sql: "1", goSum: func(*dayFacts) int64 { return 1 }}
)

// dayTables: received, accepted, closed (with status and working days
// used), rated — each per group and day —, and completed per day and days
// used for the weekly chart. The report's period tests are on these days.
var dayTables = []dayTable{
	{
		name: "report_received", when: "$.received_date IS NOT NULL",
		goHas: func(f *dayFacts) bool { return f.received != "" }, goDay: func(f *dayFacts) string { return f.received },
		keys: append(slices.Clone(groupKeys), dayKey("$.received_date")),
		sums: []dayCol{casesSum,
			{name: "supplemented", sql: "coalesce($.supplemented, 0)", goSum: func(f *dayFacts) int64 { return f.supp }}},
	},
	{
		name: "report_accepted", when: "$.accepted_date IS NOT NULL",
		goHas: func(f *dayFacts) bool { return f.accepted != "" }, goDay: func(f *dayFacts) string { return f.accepted },
		keys: append(slices.Clone(groupKeys), dayKey("$.accepted_date")),
		sums: []dayCol{casesSum},
	},
	{
		name: "report_closed", when: "$.closed_date IS NOT NULL",
		goHas: func(f *dayFacts) bool { return f.closed != "" }, goDay: func(f *dayFacts) string { return f.closed },
		keys: append(slices.Clone(groupKeys),
			dayCol{name: "status", typ: "TEXT", sql: "$.status", field: fStatus},
			usedKey,
			dayKey("$.closed_date")),
		sums: []dayCol{casesSum,
			{name: "ontime_promised", sql: "coalesce($.ontime_promised, 0)", goSum: func(f *dayFacts) int64 { return f.ontimeP }},
			{name: "ontime_statutory", sql: "coalesce($.ontime_statutory, 0)", goSum: func(f *dayFacts) int64 { return f.ontimeS }},
			{name: "extended", sql: "coalesce($.extra_days > 0, 0)", goSum: func(f *dayFacts) int64 { return int64(boolInt(f.extra > 0)) }},
			{name: "paused", sql: "coalesce($.pause_days > 0, 0)", goSum: func(f *dayFacts) int64 { return int64(boolInt(f.pause > 0)) }},
			{name: "pause_days", sql: "coalesce($.pause_days, 0)", goSum: func(f *dayFacts) int64 { return f.pause }},
			{name: "same_day", sql: "($.closed_date = $.received_date)", goSum: func(f *dayFacts) int64 { return int64(boolInt(f.closed == f.received)) }}},
	},
	{
		name: "report_rated", when: "$.rated_date IS NOT NULL",
		goHas: func(f *dayFacts) bool { return f.rated != "" }, goDay: func(f *dayFacts) string { return f.rated },
		keys: append(slices.Clone(groupKeys), dayKey("$.rated_date")),
		sums: []dayCol{casesSum,
			{name: "bad", sql: "coalesce($.rating_level <= 2, 0)", goSum: func(f *dayFacts) int64 { return int64(boolInt(f.level != 0 && f.level <= 2)) }},
			{name: "level_sum", sql: "coalesce($.rating_level, 0)", goSum: func(f *dayFacts) int64 { return f.level }}},
	},
	{
		name: "report_done", when: "$.closed_date IS NOT NULL AND $.status IN ('completed', 'delivered')",
		goHas: func(f *dayFacts) bool {
			return f.closed != "" && (f.status == string(data.StatusCompleted) || f.status == string(data.StatusDelivered))
		},
		goDay: func(f *dayFacts) string { return f.closed },
		keys:  []dayCol{dayKey("$.closed_date"), usedKey},
		sums:  []dayCol{casesSum},
	},
}

func (t dayTable) cols() []dayCol { return append(slices.Clone(t.keys), t.sums...) }

func names(cols []dayCol) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.name
	}
	return out
}

// on writes SQL over the case row as SQL over row (NEW, OLD or a).
func on(sql, row string) string { return strings.ReplaceAll(sql, "$.", row+".") }

func (t dayTable) create() string {
	var b strings.Builder
	b.WriteString("CREATE TABLE " + t.name + " (")
	for _, c := range t.keys {
		b.WriteString(c.name + " " + c.typ + " NOT NULL, ")
	}
	for _, c := range t.sums {
		b.WriteString(c.name + " INTEGER NOT NULL, ")
	}
	b.WriteString("PRIMARY KEY (" + strings.Join(names(t.keys), ", ") + ")) WITHOUT ROWID")
	return b.String()
}

// upsertTail adds a row's sums to the row with the same key.
func (t dayTable) upsertTail() string {
	set := make([]string, len(t.sums))
	for i, c := range t.sums {
		set[i] = c.name + " = " + c.name + " + excluded." + c.name
	}
	return " ON CONFLICT (" + strings.Join(names(t.keys), ", ") + ") DO UPDATE SET " + strings.Join(set, ", ")
}

// add adds row's contribution, if it counts.
func (t dayTable) add(row string) string {
	vals := make([]string, 0, len(t.keys)+len(t.sums))
	for _, c := range t.cols() {
		vals = append(vals, on(c.sql, row))
	}
	return "INSERT INTO " + t.name + " (" + strings.Join(names(t.cols()), ", ") + ") SELECT " + strings.Join(vals, ", ") +
		" WHERE " + on(t.when, row) + t.upsertTail() + ";"
}

// sub takes row's contribution away, if it counted, and drops a total
// that comes to no case.
func (t dayTable) sub(row string) string {
	match := make([]string, len(t.keys))
	for i, c := range t.keys {
		match[i] = c.name + " = " + on(c.sql, row)
	}
	set := make([]string, len(t.sums))
	for i, c := range t.sums {
		set[i] = c.name + " = " + c.name + " - " + on(c.sql, row)
	}
	where := strings.Join(match, " AND ")
	return "UPDATE " + t.name + " SET " + strings.Join(set, ", ") + " WHERE " + where + " AND " + on(t.when, row) + "; " +
		"DELETE FROM " + t.name + " WHERE " + where + " AND cases = 0;"
}

var rowColumn = regexp.MustCompile(`\$\.(\w+)`)

// reads are the case row's columns the table reads.
func (t dayTable) reads() []string {
	seen := map[string]bool{}
	var out []string
	exprs := []string{t.when}
	for _, c := range t.cols() {
		exprs = append(exprs, c.sql)
	}
	for _, e := range exprs {
		for _, m := range rowColumn.FindAllStringSubmatch(e, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
	}
	return out
}

// triggers are the table's three triggers on applications, by name.
func (t dayTable) triggers() map[string]string {
	cols := t.reads()
	changed := make([]string, len(cols))
	for i, c := range cols {
		changed[i] = "OLD." + c + " IS NOT NEW." + c
	}
	return map[string]string{
		t.name + "_insert": "CREATE TRIGGER " + t.name + "_insert AFTER INSERT ON applications WHEN " + on(t.when, "NEW") +
			" BEGIN " + t.add("NEW") + " END",
		t.name + "_delete": "CREATE TRIGGER " + t.name + "_delete AFTER DELETE ON applications WHEN " + on(t.when, "OLD") +
			" BEGIN " + t.sub("OLD") + " END",
		t.name + "_update": "CREATE TRIGGER " + t.name + "_update AFTER UPDATE OF " + strings.Join(cols, ", ") + " ON applications WHEN " +
			strings.Join(changed, " OR ") + " BEGIN " + t.sub("OLD") + " " + t.add("NEW") + " END",
	}
}

// sumsOf is the table's content computed from the case rows in from
// (applications, or temp.day_facts: the columns the tables read).
func (t dayTable) sumsOf(from string) string {
	vals := make([]string, 0, len(t.keys)+len(t.sums))
	for _, c := range t.keys {
		vals = append(vals, on(c.sql, "a"))
	}
	for _, c := range t.sums {
		vals = append(vals, "SUM("+on(c.sql, "a")+")")
	}
	group := make([]string, len(t.keys))
	for i := range t.keys {
		group[i] = fmt.Sprint(i + 1)
	}
	return "SELECT " + strings.Join(vals, ", ") + " FROM " + from + " a WHERE " + on(t.when, "a") + " GROUP BY " + strings.Join(group, ", ")
}

// factsTable copies the columns of applications the tables read into
// temp.day_facts, in the rebuild's transaction (which drops it, or rolls its
// creation back): the tables are then added up from one read of the case
// rows (a case row is several times wider) instead of one per table.
func factsTable(ctx context.Context, db execer) error {
	seen := map[string]bool{}
	var cols []string
	for _, t := range dayTables {
		for _, c := range t.reads() {
			if !seen[c] {
				seen[c] = true
				cols = append(cols, c)
			}
		}
	}
	if _, err := db.ExecContext(ctx, "CREATE TEMP TABLE day_facts AS SELECT "+strings.Join(cols, ", ")+" FROM applications"); err != nil {
		return classify(fmt.Errorf("read cases for the report totals: %w", err))
	}
	return nil
}

// dayObjects are the tables' and triggers' CREATE statements, by name.
func dayObjects() map[string]string {
	out := map[string]string{}
	for _, t := range dayTables {
		out[t.name] = t.create()
		for name, sql := range t.triggers() {
			out[name] = sql
		}
	}
	return out
}

// ensureDayTotals rebuilds the daily totals, in one transaction, unless
// every table and trigger is in place as defined here (and force is false).
func ensureDayTotals(ctx context.Context, conn *sql.Conn, force bool) error {
	want := dayObjects()
	have := map[string]string{}     // name → CREATE statement
	haveType := map[string]string{} // name → table or trigger
	rows, err := conn.QueryContext(ctx, "SELECT name, type, sql FROM sqlite_master WHERE name LIKE 'report\\_%' ESCAPE '\\' AND type IN ('table', 'trigger')")
	if err != nil {
		return classify(err)
	}
	for rows.Next() {
		var name, typ, sql string
		if err := rows.Scan(&name, &typ, &sql); err != nil {
			rows.Close()
			return err
		}
		have[name], haveType[name] = sql, typ
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return classify(err)
	}
	same := len(have) == len(want)
	for name, sql := range want {
		same = same && have[name] == sql
	}
	if same && !force {
		return nil
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	defer tx.Rollback()
	// Everything named report_… goes, the triggers first (they name the
	// tables), and a table an older definition had with it.
	for _, typ := range []string{"trigger", "table"} {
		for name := range have {
			if haveType[name] == typ {
				if _, err := tx.ExecContext(ctx, "DROP "+strings.ToUpper(typ)+" "+name); err != nil {
					return classify(err)
				}
			}
		}
	}
	if err := factsTable(ctx, tx); err != nil {
		return err
	}
	for _, t := range dayTables {
		if _, err := tx.ExecContext(ctx, t.create()); err != nil {
			return classify(fmt.Errorf("create %s: %w", t.name, err))
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+t.name+" ("+strings.Join(names(t.cols()), ", ")+") "+t.sumsOf("temp.day_facts")); err != nil {
			return classify(fmt.Errorf("fill %s: %w", t.name, err))
		}
	}
	if _, err := tx.ExecContext(ctx, "DROP TABLE temp.day_facts"); err != nil {
		return classify(err)
	}
	if err := createDayTriggers(ctx, tx); err != nil {
		return err
	}
	return classify(tx.Commit())
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func createDayTriggers(ctx context.Context, db execer) error {
	for _, t := range dayTables {
		for name, sql := range t.triggers() {
			if _, err := db.ExecContext(ctx, sql); err != nil {
				return classify(fmt.Errorf("create trigger %s: %w", name, err))
			}
		}
	}
	return nil
}

// dropDayTriggers drops the triggers keeping the daily totals, for a bulk
// run that adds up its cases itself (the demo) or has Open rebuild them.
func (s *Store) dropDayTriggers() error {
	for _, t := range dayTables {
		for name := range t.triggers() {
			if _, err := s.db.Exec("DROP TRIGGER IF EXISTS " + name); err != nil {
				return classify(fmt.Errorf("drop trigger %s: %w", name, err))
			}
		}
	}
	return nil
}

// checkDayTotals names the daily-totals tables that differ from the sum of
// applications ("" when all agree). A database from before them has none
// to check (Open builds them). It reads in one transaction, so a program
// writing meanwhile cannot make the two differ; what it adds up goes into
// temporary tables, gone with the transaction.
func checkDayTotals(ctx context.Context, db *sql.DB) (string, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return "", classify(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN DEFERRED"); err != nil { // a reader: writers go on
		return "", classify(err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")
	var have int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'report\\_%' ESCAPE '\\'").Scan(&have); err != nil {
		return "", classify(err)
	}
	if have == 0 {
		return "", nil
	}
	if err := factsTable(ctx, conn); err != nil {
		return "", err
	}
	var bad []string
	for _, t := range dayTables {
		check := "check_" + t.name
		if _, err := conn.ExecContext(ctx, strings.Replace(t.create(), "CREATE TABLE "+t.name, "CREATE TEMP TABLE "+check, 1)); err != nil {
			return "", classify(err)
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO temp."+check+" ("+strings.Join(names(t.cols()), ", ")+") "+t.sumsOf("temp.day_facts")); err != nil {
			return "", classify(fmt.Errorf("check %s: %w", t.name, err))
		}
		same := make([]string, 0, len(t.keys)+len(t.sums))
		for _, c := range t.cols() {
			same = append(same, "s."+c.name+" = c."+c.name)
		}
		var stored, computed, equal int
		q := "SELECT (SELECT count(*) FROM main." + t.name + "), (SELECT count(*) FROM temp." + check + "), (SELECT count(*) FROM main." + t.name +
			" s JOIN temp." + check + " c ON " + strings.Join(same, " AND ") + ")"
		if err := conn.QueryRowContext(ctx, q).Scan(&stored, &computed, &equal); err != nil {
			return "", classify(fmt.Errorf("check %s: %w", t.name, err))
		}
		if stored != equal || computed != equal {
			bad = append(bad, t.name)
		}
	}
	return strings.Join(bad, "、"), nil
}
