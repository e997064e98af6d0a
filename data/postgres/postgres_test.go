package postgres_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/postgres"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/pgtest"
	"github.com/onewindow/onewindow/internal/testkit"
)

var ctx = context.Background()

func TestMain(m *testing.M) { pgtest.Main(m) }

// openCentre makes a PostgreSQL centre for trials with its administrator
// (PIN 123456) signed in.
func openCentre(t testing.TB) (*postgres.Store, data.User, string) { return pgtest.Open(t) }

// sites makes n village sites with demo work and exports their bundles
// into one folder.
func sites(t testing.TB, n, cases int) (string, []exchange.Registration) {
	return pgtest.Sites(t, n, cases)
}

// pgRows lists a query's rows as text, one line each.
func pgRows(t testing.TB, url, q string) []string {
	t.Helper()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		v, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, line(v))
	}
	return out
}

func sqliteRows(t testing.TB, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		v := make([]any, len(cols))
		p := make([]any, len(cols))
		for i := range v {
			p[i] = &v[i]
		}
		if err := rows.Scan(p...); err != nil {
			t.Fatal(err)
		}
		out = append(out, line(v))
	}
	return out
}

// line writes values alike whichever driver read them.
func line(v []any) string {
	parts := make([]string, len(v))
	for i, x := range v {
		switch y := x.(type) {
		case nil:
			parts[i] = "∅"
		case []byte:
			parts[i] = string(y)
		case interface{ Format(string) string }:
			parts[i] = y.Format("2006-01-02")
		default:
			parts[i] = fmt.Sprint(y)
		}
	}
	return strings.Join(parts, "|")
}

func digest(lines []string) string {
	h := sha256.New()
	for _, l := range lines {
		fmt.Fprintln(h, l)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

const pgCases = `SELECT number, status, received_date, start_date, due_promised, due_statutory, closed_date, accepted_date, used_days,
	ontime_promised, ontime_statutory, pause_days, extra_days, red_promised, red_statutory FROM applications ORDER BY number`
const sqliteCases = `SELECT number, status, received_date, start_date, due_promised, due_statutory, closed_date, accepted_date, used_days,
	ontime_promised, ontime_statutory, pause_days, extra_days, red_promised, red_statutory FROM applications ORDER BY number`
const pgEvents = `SELECT number, seq, kind, at, actor, data FROM events ORDER BY number, seq`
const sqliteEvents = `SELECT a.number, e.seq, e.kind, e.at, substr(u.login, instr(u.login, '/') + 1), e.data
	FROM events e JOIN applications a ON a.id = e.app_id JOIN users u ON u.id = e.actor_id ORDER BY a.number, e.seq`

// The same bundles make the same cases and events (with their clocks as
// the sites computed them) in a SQLite centre and a PostgreSQL centre;
// importing them again changes nothing; a forged bundle is refused with
// nothing changed.
func TestParityWithSQLiteCentre(t *testing.T) {
	dir, regs := sites(t, 2, 400)
	pg, admin, url := openCentre(t)
	lite, err := sqlite.CreateSite(ctx, filepath.Join(t.TempDir(), "central.db"), data.Site{Code: "330100000", Name: "示例市政务服务中心", Kind: data.SiteCentre}, testkit.Defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	if err := lite.MarkSample(ctx); err != nil {
		t.Fatal(err)
	}
	liteAdmin, _ := lite.UserByLogin(ctx, "admin")
	for _, r := range regs {
		if _, err := pg.RegisterSite(ctx, admin.ID, r); err != nil {
			t.Fatal(err)
		}
		if _, err := lite.RegisterSite(ctx, liteAdmin.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	pgRes, err := pg.ImportDir(ctx, admin.ID, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	liteRes, err := lite.ImportDir(ctx, liteAdmin.ID, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pgRes) != len(liteRes) || len(pgRes) < 2 {
		t.Fatalf("results: %d on PostgreSQL, %d on SQLite", len(pgRes), len(liteRes))
	}
	for i := range pgRes {
		if pgRes[i].Outcome != exchange.ImportApplied || liteRes[i].Outcome != pgRes[i].Outcome {
			t.Errorf("%s: %s %s / SQLite %s", filepath.Base(pgRes[i].File), pgRes[i].Outcome, pgRes[i].Message, liteRes[i].Outcome)
		}
	}
	db := testkit.RawDB(t, lite.Path())
	pc, lc := pgRows(t, url, pgCases), sqliteRows(t, db, sqliteCases)
	if len(pc) != 800 || digest(pc) != digest(lc) {
		t.Errorf("cases differ: %d on PostgreSQL, %d on SQLite\n%s\n%s", len(pc), len(lc), first(pc), first(lc))
	}
	pe, le := pgRows(t, url, pgEvents), sqliteRows(t, db, sqliteEvents)
	if len(pe) < 800 || digest(pe) != digest(le) {
		t.Errorf("events differ: %d on PostgreSQL, %d on SQLite\n%s\n%s", len(pe), len(le), first(pe), first(le))
	}
	for _, q := range []struct{ what, pg, lite string }{
		{"fee lines", "SELECT number, fee_code, name, amount_fen, unit, basis FROM case_fees ORDER BY number, fee_code",
			"SELECT a.number, f.fee_code, f.name, f.amount_fen, f.unit, f.basis FROM case_fees f JOIN applications a ON a.id = f.app_id ORDER BY a.number, f.fee_code"},
		{"waivers", "SELECT number, fee_code, kind, amount_fen, status, requested_at FROM waivers ORDER BY number, requested_at",
			"SELECT a.number, f.fee_code, w.kind, w.amount_fen, w.status, w.requested_at FROM waivers w JOIN applications a ON a.id = w.app_id JOIN case_fees f ON f.id = w.fee_id ORDER BY a.number, w.requested_at"},
		{"ratings", "SELECT number, level, comment, at FROM ratings ORDER BY number",
			"SELECT a.number, r.level, r.comment, r.at FROM ratings r JOIN applications a ON a.id = r.app_id ORDER BY a.number"},
		{"documents", "SELECT doc_number, kind, number, hash FROM documents ORDER BY doc_number",
			"SELECT d.number, d.kind, a.number, d.hash FROM documents d JOIN applications a ON a.id = d.app_id ORDER BY d.number"},
		// 企业反映问题: the state each centre replays from the logs.
		{"problems", `SELECT number, site_code, enterprise_code, status, track, department, helpers, coalesce(closed_on::text, ''), urges, reopened, verdict
			FROM problems ORDER BY number`,
			"SELECT number, site_code, enterprise_code, status, track, department, helpers, closed_on, urges, reopened, verdict FROM problems ORDER BY number"},
		{"problem events", "SELECT number, seq, kind, at, data FROM problem_events ORDER BY number, seq",
			"SELECT p.number, e.seq, e.kind, e.at, e.data FROM problem_events e JOIN problems p ON p.id = e.problem_id ORDER BY p.number, e.seq"},
	} {
		p, l := pgRows(t, url, q.pg), sqliteRows(t, db, q.lite)
		if digest(p) != digest(l) {
			t.Errorf("%s differ: %d on PostgreSQL, %d on SQLite\n%s\n%s", q.what, len(p), len(l), first(p), first(l))
		}
		t.Logf("%s: %d rows alike", q.what, len(p))
	}
	// The report, every grouping: the same rows (by name; the keys are
	// each store's own), total, weeks, waiver lines and ranking.
	today := calendar.DateOf(time.Now())
	for _, by := range report.Bys {
		spec := report.Spec{From: today - 400, To: today, Today: today, By: by}
		want, err := lite.Report(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := pg.Report(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := reportText(got), reportText(want); a != b {
			t.Errorf("report by %s differs:\nPostgreSQL %s\nSQLite     %s", by, a, b)
		}
		t.Logf("by %s: %d rows, total received %d completed %d on time %d waived %d fees due %d, %d weeks, %d ranked", by, len(got.Rows), got.Total.Received, got.Total.Completed, got.Total.OnTimePromised, got.Total.Waived, got.Total.FeesDueFen, len(got.Weeks), len(got.Ranking))
		if by == report.ByDepartment && (got.Total.Received != 800 || got.Total.Completed == 0) {
			t.Errorf("report total %+v", got.Total)
		}
	}
	compareReads(t, pg, lite, today)
	// The 督查 board of problems: the same lines and overdue list.
	pb, po, err := pg.ProblemBoard(ctx, today-400, today, today)
	if err != nil {
		t.Fatal(err)
	}
	lb, lo, err := lite.ProblemBoard(ctx, today-400, today, today)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := fmt.Sprint(pb, po), fmt.Sprint(lb, lo); a != b || len(pb) < 2 {
		t.Errorf("problem boards differ:\nPostgreSQL %s\nSQLite     %s", a, b)
	}
	years, err := pg.Years(ctx)
	if err != nil || len(years) == 0 {
		t.Errorf("partitions %v %v", years, err)
	}

	// Again: every bundle was merged before; nothing changes.
	before := digest(append(pgRows(t, url, pgCases), pgRows(t, url, pgEvents)...))
	again, err := pg.ImportDir(ctx, admin.ID, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range again {
		if r.Outcome != exchange.ImportAlready {
			t.Errorf("again: %s %s", r.Outcome, r.Message)
		}
	}
	if after := digest(append(pgRows(t, url, pgCases), pgRows(t, url, pgEvents)...)); after != before {
		t.Error("importing the same bundles again changed the cases")
	}
}

// A forged bundle (a byte flipped) and one of an unregistered site are
// refused with nothing changed; two importers running at once apply each
// bundle exactly once.
func TestRefusalsAndConcurrentImporters(t *testing.T) {
	dir, regs := sites(t, 3, 150)
	pg, admin, url := openCentre(t)
	for _, r := range regs[:2] {
		if _, err := pg.RegisterSite(ctx, admin.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	// Forge site 1's bundle.
	paths, _ := filepath.Glob(filepath.Join(dir, regs[0].Code+"-*"+exchange.BundleExt))
	if len(paths) == 0 {
		t.Fatal("no bundle of site 1")
	}
	raw, _ := os.ReadFile(paths[0])
	forged := append([]byte{}, raw...)
	// The byte flipped lies in the events' compressed data: a byte of a
	// zip header that no reader looks at (a local header's version) would
	// leave every member as it was.
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "events.jsonl" {
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			forged[off+int64(f.CompressedSize64)/2] ^= 0xFF
		}
	}
	os.WriteFile(paths[0], forged, 0o644)

	var wg sync.WaitGroup
	results := make([][]exchange.ImportResult, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = pg.ImportDir(ctx, admin.ID, dir, nil)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("importer %d: %v", i, err)
		}
	}
	applied := 0
	for _, res := range results {
		for _, r := range res {
			switch {
			case r.Site == regs[1].Code && r.Outcome == exchange.ImportApplied:
				applied++
			case r.Site == regs[0].Code && r.Outcome == exchange.ImportApplied:
				t.Errorf("the forged bundle was applied: %s", r.Message)
			case r.Site == regs[2].Code && (r.Outcome != exchange.ImportRejected || !r.Kept):
				t.Errorf("a bundle of an unregistered site: %s %s", r.Outcome, r.Message)
			}
		}
	}
	bundles := pgRows(t, url, "SELECT site_code, seq FROM bundles ORDER BY site_code, seq")
	if len(bundles) != applied || applied == 0 {
		t.Errorf("bundles recorded %v, applied %d times", bundles, applied)
	}
	for _, l := range pgRows(t, url, "SELECT DISTINCT site_code FROM applications") {
		if l != regs[1].Code {
			t.Errorf("cases of site %s are here", l)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "rejected", filepath.Base(paths[0]))); err != nil {
		t.Errorf("the forged bundle was not set aside: %v", err)
	}
	if n := pgRows(t, url, "SELECT count(*) FROM audit WHERE action = 'bundle.import'"); n[0] != fmt.Sprint(applied) {
		t.Errorf("audit entries for imports: %v", n)
	}
}

// reportText writes a report without the stores' own keys.
func reportText(r *report.Report) string {
	var b strings.Builder
	rows := append([]report.Row{}, r.Rows...)
	for i := range rows {
		rows[i].Key = ""
	}
	sort.Slice(rows, func(i, j int) bool { return fmt.Sprint(rows[i]) < fmt.Sprint(rows[j]) })
	fmt.Fprintf(&b, "rows %v\ntotal %v\nweeks %v\nwaivers %v\n", rows, r.Total, r.Weeks, r.Waivers)
	for _, k := range r.Ranking {
		fmt.Fprintf(&b, "rank %s %.6f %d %t %t\n", k.Name, k.Score, k.Place, k.Best, k.Worst)
	}
	return b.String()
}

func first(l []string) string {
	if len(l) == 0 {
		return "(none)"
	}
	return l[0]
}

// verify holds the centre's chain, each site's chain as received and its
// signed checkpoints, and the numbering of every case's events; an entry
// edited behind the program's back, or an event deleted, is named.
func TestVerify(t *testing.T) {
	dir, regs := sites(t, 1, 80)
	pg, admin, url := openCentre(t)
	if _, err := pg.RegisterSite(ctx, admin.ID, regs[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := pg.ImportDir(ctx, admin.ID, dir, nil); err != nil {
		t.Fatal(err)
	}
	r, err := pg.Verify(ctx)
	if err != nil || !r.OK() || r.Entries < 3 || r.Sites != 1 || r.SiteEntries == 0 {
		t.Fatalf("a sound centre: %+v %v", r, err)
	}
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "UPDATE site_audit SET detail = '{}' WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	var number string
	if err := c.QueryRow(ctx, "SELECT number FROM events WHERE seq = 2 ORDER BY number LIMIT 1").Scan(&number); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "DELETE FROM events WHERE number = $1 AND seq = 1", number); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "UPDATE report_received SET cases = cases + 1 WHERE ctid = (SELECT ctid FROM report_received LIMIT 1)"); err != nil {
		t.Fatal(err)
	}
	r, err = pg.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(r.Problems, "\n")
	for _, want := range []string{"站点 " + regs[0].Code + " 的审计链：审计记录第 2 条的内容已被改动", "办件 " + number + " 的事件编号不连续",
		"统计报表的每日汇总（report_received）与办件不一致"} {
		if !strings.Contains(text, want) {
			t.Errorf("verify lacks %q:\n%s", want, text)
		}
	}
}

// A second bundle changes cases the centre holds (ratings, a new case):
// the daily totals follow, and the report still equals the SQLite
// centre's fed the same bundles.
func TestTotalsFollowChangedCases(t *testing.T) {
	d := testkit.Defaults(t)
	site, err := sqlite.CreateSite(ctx, filepath.Join(t.TempDir(), "site.db"), data.Site{Code: "330102101", Name: "示例民事服务站", Kind: data.SiteVillage}, d)
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	if _, err := demo.Run(ctx, site, demo.Options{Cases: 150, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	reg, _ := site.Registration(ctx)
	pg, admin, _ := openCentre(t)
	lite, err := sqlite.CreateSite(ctx, filepath.Join(t.TempDir(), "central.db"), data.Site{Code: "330100000", Name: "示例市政务服务中心", Kind: data.SiteCentre}, d)
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	lite.MarkSample(ctx)
	liteAdmin, _ := lite.UserByLogin(ctx, "admin")
	pg.RegisterSite(ctx, admin.ID, reg)
	lite.RegisterSite(ctx, liteAdmin.ID, reg)
	round := func() {
		t.Helper()
		dir := t.TempDir()
		if _, err := site.Export(ctx, dir, "test", nil); err != nil {
			t.Fatal(err)
		}
		for _, c := range []interface {
			ImportDir(context.Context, int64, string, func(int, int, exchange.ImportResult)) ([]exchange.ImportResult, error)
		}{pg, lite} {
			id := admin.ID
			if c == any(lite) {
				id = liteAdmin.ID
			}
			res, err := c.ImportDir(ctx, id, dir, nil)
			if err != nil || len(res) == 0 || res[0].Outcome != exchange.ImportApplied {
				t.Fatalf("import: %v %v", res, err)
			}
		}
	}
	round()
	clerk, _ := site.UserByLogin(ctx, "zhangli")
	done, err := site.Cases(ctx, data.CaseFilter{Statuses: []data.Status{data.StatusCompleted}, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	rated := 0
	for _, a := range done {
		if a.Rating == nil && rated < 4 {
			if _, err := site.Rate(ctx, a.Number, clerk.ID, 1+rated, "测试"); err != nil {
				t.Fatal(err)
			}
			rated++
		}
	}
	testkit.Register(t, site, "zhangli", "SCJG-005", data.DecideAccept)
	round()
	r, err := pg.Verify(ctx)
	if err != nil || !r.OK() {
		t.Fatalf("verify after changed cases: %v %v", r.Problems, err)
	}
	today := calendar.DateOf(time.Now())
	for _, by := range []report.By{report.ByDepartment, report.ByClerk} {
		spec := report.Spec{From: today - 400, To: today + 1, Today: today, By: by}
		want, _ := lite.Report(ctx, spec)
		got, err := pg.Report(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := reportText(got), reportText(want); a != b {
			t.Errorf("report by %s differs after changed cases:\n%s\n%s", by, a, b)
		}
		if got.Total.Rated == 0 || got.Total.Received != 151 {
			t.Errorf("totals %+v", got.Total)
		}
	}
}

// reader is what the supervisors' screens and `cases` read from either
// centre.
type reader interface {
	Items(ctx context.Context) ([]data.ServiceItem, error)
	Cases(ctx context.Context, f data.CaseFilter) ([]data.Application, error)
	CountCases(ctx context.Context, f data.CaseFilter) (int, error)
	Case(ctx context.Context, number string) (data.Application, error)
	Clock(ctx context.Context, app *data.Application, today calendar.Date) (clock.Result, error)
	ReportCases(ctx context.Context, spec report.Spec, key string, m report.Metric) ([]string, error)
	Report(ctx context.Context, spec report.Spec) (*report.Report, error)
}

// caseText is a case as the screens show it, without the ids that are
// each store's own.
func caseText(t testing.TB, s reader, a data.Application, today calendar.Date) string {
	t.Helper()
	r, err := s.Clock(ctx, &a, today)
	if err != nil {
		t.Fatal(err)
	}
	a.ID, a.WindowID, a.ClerkID, a.Item.ID, a.Item.DepartmentID, a.Applicant.ID, a.Clock = 0, 0, 0, 0, 0, 0, clock.Result{}
	for i := range a.Events {
		a.Events[i].ActorID = 0
	}
	due := a.AmountDue() // ties waivers to fee lines by their ids
	for i := range a.Fees {
		a.Fees[i].ID = 0
	}
	for i := range a.Waivers {
		w := &a.Waivers[i]
		w.ID, w.AppID, w.FeeID, w.PolicyID = 0, 0, 0, 0
	}
	if a.Rating != nil && a.Rating.Rectification != nil {
		a.Rating.Rectification.AppID = 0
	}
	b, err := json.Marshal(struct {
		App   data.Application
		Clock clock.Result
		Due   int64
	}{a, r, due})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// allCases pages through every case in the order they arrived.
func allCases(t testing.TB, s reader, f data.CaseFilter, today calendar.Date) []string {
	t.Helper()
	f.Order, f.Limit = "id", 97
	var out []string
	for {
		apps, err := s.Cases(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range apps {
			out = append(out, caseText(t, s, a, today))
		}
		if len(apps) < f.Limit {
			sort.Strings(out)
			return out
		}
		f.AfterID = apps[len(apps)-1].ID
	}
}

var metrics = []report.Metric{report.Received, report.Accepted, report.Refused, report.Withdrawn, report.Completed, report.OnTimePromised,
	report.OnTimeStatutory, report.Extended, report.Paused, report.Supplemented, report.ImmediateDone, report.ImmediateSame, report.Yellow,
	report.Red, report.FeeCases, report.Waived, report.Rated, report.BadRated, report.RectDue, report.RectOnTime}

// compareReads holds the PostgreSQL centre's reading to the SQLite
// centre's: every case with its records and clock, the filters of the case
// list and the warning board, and the cases behind every figure of the
// report.
func compareReads(t *testing.T, pg *postgres.Store, lite *sqlite.Store, today calendar.Date) {
	t.Helper()
	p, l := allCases(t, pg, data.CaseFilter{}, today), allCases(t, lite, data.CaseFilter{}, today)
	if len(p) != 800 || digest(p) != digest(l) {
		for i := range min(len(p), len(l)) {
			if p[i] != l[i] {
				t.Fatalf("cases read differently:\nPostgreSQL %s\nSQLite     %s", p[i], l[i])
			}
		}
		t.Fatalf("cases read: %d on PostgreSQL, %d on SQLite", len(p), len(l))
	}
	one, err := pg.Cases(ctx, data.CaseFilter{Limit: 1})
	if err != nil || len(one) != 1 {
		t.Fatal(one, err)
	}
	app := one[0]
	got, err := pg.Case(ctx, app.Number)
	if err != nil || got.Number != app.Number || len(got.Events) == 0 {
		t.Fatalf("Case(%s): %+v %v", app.Number, got, err)
	}
	if _, err := pg.Case(ctx, "330102101202001019999"); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("a missing case: %v", err)
	}
	items := map[string]int64{}
	pgItems, err := pg.Items(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range pgItems {
		items[it.Code] = it.ID
	}
	liteItems, err := lite.Items(ctx)
	if err != nil {
		t.Fatal(err)
	}
	name := app.Applicant.Name
	filters := []struct {
		what     string
		pg, lite data.CaseFilter
	}{
		{"open", data.CaseFilter{Statuses: []data.Status{data.StatusAccepted, data.StatusPaused}}, data.CaseFilter{Statuses: []data.Status{data.StatusAccepted, data.StatusPaused}}},
		{"warned", data.CaseFilter{WarningsAt: today}, data.CaseFilter{WarningsAt: today}},
		{"received this month", data.CaseFilter{From: today - 30, To: today}, data.CaseFilter{From: today - 30, To: today}},
		{"number prefix", data.CaseFilter{Search: app.Number[:15]}, data.CaseFilter{Search: app.Number[:15]}},
		{"applicant name", data.CaseFilter{Search: name}, data.CaseFilter{Search: name}},
		{"part of a name", data.CaseFilter{Search: string([]rune(name)[1:])}, data.CaseFilter{Search: string([]rune(name)[1:])}},
		{"credit code", data.CaseFilter{Search: strings.ToLower(app.Applicant.IDCode[:2])}, data.CaseFilter{Search: strings.ToLower(app.Applicant.IDCode[:2])}},
	}
	for _, it := range liteItems {
		if items[it.Code] != 0 {
			filters = append(filters, struct {
				what     string
				pg, lite data.CaseFilter
			}{"item " + it.Code, data.CaseFilter{ItemID: items[it.Code]}, data.CaseFilter{ItemID: it.ID}})
			break
		}
	}
	// Counted from the daily totals: all, and by the dates received.
	for _, f := range []data.CaseFilter{{}, {From: today - 30}, {To: today - 30}} {
		n, err := pg.CountCases(ctx, f)
		m, _ := lite.CountCases(ctx, f)
		if err != nil || n != m || n == 0 {
			t.Errorf("count %+v: %d (%v) on PostgreSQL, %d on SQLite", f, n, err, m)
		}
	}
	for _, f := range filters {
		p, l := allCases(t, pg, f.pg, today), allCases(t, lite, f.lite, today)
		n, err := pg.CountCases(ctx, f.pg)
		if err != nil || n != len(p) || len(p) == 0 || digest(p) != digest(l) {
			t.Errorf("%s: %d cases (counted %d, %v) on PostgreSQL, %d on SQLite", f.what, len(p), n, err, len(l))
		}
	}
	// Due order, as the warning board and the case list sort.
	due := func(s reader) []string {
		apps, err := s.Cases(ctx, data.CaseFilter{Order: "due", Statuses: []data.Status{data.StatusAccepted}, Limit: 30})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range apps {
			r, _ := s.Clock(ctx, &a, today)
			out = append(out, r.Promised.Due.String())
		}
		return out
	}
	if p, l := due(pg), due(lite); strings.Join(p, " ") != strings.Join(l, " ") || len(p) == 0 {
		t.Errorf("due order:\nPostgreSQL %v\nSQLite     %v", p, l)
	}
	// The cases behind each figure: every metric, the total and each
	// group, by department and by site (keys differ by store, so groups
	// are matched by name).
	for _, by := range []report.By{report.ByDepartment, report.BySite} {
		spec := report.Spec{From: today - 400, To: today, Today: today, By: by}
		pr, err := pg.Report(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		lr, err := lite.Report(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		keys := map[string]string{}
		for _, row := range lr.Rows {
			keys[row.Name] = row.Key
		}
		for _, m := range metrics {
			for _, row := range append([]report.Row{{}}, pr.Rows...) {
				lk := keys[row.Name]
				p, err := pg.ReportCases(ctx, spec, row.Key, m)
				if err != nil {
					t.Fatal(err)
				}
				l, err := lite.ReportCases(ctx, spec, lk, m)
				if err != nil {
					t.Fatal(err)
				}
				sort.Strings(p)
				sort.Strings(l)
				count := pr.Total.Count(m)
				if row.Key != "" {
					count = row.Count(m)
				}
				if strings.Join(p, " ") != strings.Join(l, " ") || len(p) != count {
					t.Errorf("by %s, %q, %s: %d cases on PostgreSQL (the report counts %d), %d on SQLite", by, row.Name, m, len(p), count, len(l))
				}
			}
		}
	}
}
