package sqlite_test

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// county is a simulated county: a central office and n sites, each its own
// database, all registered at the centre.
type county struct {
	dir     string
	central *sqlite.Store
	admin   data.User
	sites   []*sqlite.Store
}

func newCounty(t testing.TB, n int) *county {
	t.Helper()
	d := testkit.Defaults(t)
	c := &county{dir: t.TempDir()}
	var err error
	c.central, err = sqlite.CreateSite(ctx, filepath.Join(c.dir, "central.db"), data.Site{Code: "330100000", Name: "示例县行政服务中心", Kind: data.SiteCentre}, d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.central.Close() })
	// A centre made for trials: the sites' demo bundles are welcome.
	if err := c.central.MarkSample(ctx); err != nil {
		t.Fatal(err)
	}
	if c.admin, err = c.central.UserByLogin(ctx, "admin"); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		s, err := sqlite.CreateSite(ctx, filepath.Join(c.dir, fmt.Sprintf("site%d.db", i)),
			data.Site{Code: fmt.Sprintf("33010210%d", i+1), Name: fmt.Sprintf("示例第%d民事服务站", i+1), Kind: data.SiteVillage}, d)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		reg, err := s.Registration(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.central.RegisterSite(ctx, c.admin.ID, reg); err != nil {
			t.Fatal(err)
		}
		c.sites = append(c.sites, s)
	}
	return c
}

// work is a round of a site's work: new cases, ratings of completed cases
// and documents, so that later bundles carry both new and changed cases.
func work(t testing.TB, s *sqlite.Store, cases int, seed uint64) {
	t.Helper()
	if _, err := demo.Run(ctx, s, demo.Options{Cases: cases, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	clerk, err := s.UserByLogin(ctx, "zhangli")
	if err != nil {
		t.Fatal(err)
	}
	done, err := s.Cases(ctx, data.CaseFilter{Statuses: []data.Status{data.StatusCompleted}, Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	rated := 0
	for _, a := range done {
		if a.Rating != nil || rated == 3 {
			continue
		}
		if _, err := s.Rate(ctx, a.Number, clerk.ID, 1+rated, "测试评价"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IssueDocument(ctx, a.Number, data.DocComplete, clerk.ID); err != nil {
			t.Fatal(err)
		}
		rated++
	}
}

// digest is a hash of every row of every table of the database behind s:
// equal digests mean nothing changed.
func digest(t testing.TB, s *sqlite.Store) string {
	t.Helper()
	db := testkit.RawDB(t, s.Path())
	var tables []string
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	h := sha256.New()
	for _, table := range tables {
		rows, err := db.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Fprintf(h, "%s%v\n", table, vals)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

// caseFacts describes each case of site in db by what a report reads of it
// and everything recorded about it, in terms that do not depend on the
// database's row ids.
func caseFacts(t testing.TB, db *sql.DB, site string) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT a.number, a.status, i.code, p.id_code, w.name, u.name, a.received_at, coalesce(a.start_date, ''), coalesce(a.due_promised, ''),
		coalesce(a.closed_date, ''), coalesce(a.used_days, -1), coalesce(a.ontime_promised, -1), coalesce(a.ontime_statutory, -1), coalesce(a.red_promised, ''),
		coalesce(a.rating_level, 0),
		(SELECT group_concat(e.seq || e.kind || e.at || e.data, '|') FROM (SELECT * FROM events WHERE app_id = a.id ORDER BY seq) e),
		(SELECT group_concat(f.fee_code || ':' || f.amount_fen, '|') FROM (SELECT * FROM case_fees WHERE app_id = a.id ORDER BY fee_code) f),
		(SELECT group_concat(x.amount_fen || x.status, '|') FROM (SELECT * FROM waivers WHERE app_id = a.id ORDER BY requested_at, amount_fen) x),
		(SELECT group_concat(x.days || x.status, '|') FROM (SELECT * FROM extension_requests WHERE app_id = a.id ORDER BY requested_at) x),
		coalesce((SELECT r.level || r.comment FROM ratings r WHERE r.app_id = a.id), ''),
		coalesce((SELECT r.status || r.due_date FROM rectifications r WHERE r.app_id = a.id), ''),
		coalesce((SELECT group_concat(d.number || d.hash || d.reprints, '|') FROM (SELECT * FROM documents WHERE app_id = a.id ORDER BY number) d), '')
		FROM applications a JOIN items i ON i.id = a.item_id JOIN applicants p ON p.id = a.applicant_id
		JOIN windows w ON w.id = a.window_id JOIN users u ON u.id = a.clerk_id WHERE a.site_code = ?`, site)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		vals := make([]any, 22)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		// The central office names a site's windows "<site name> <window>".
		vals[4] = strings.TrimPrefix(fmt.Sprint(vals[4]), siteNamePrefix(fmt.Sprint(vals[0])))
		out[fmt.Sprint(vals[0])] = fmt.Sprint(vals[1:]...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func siteNamePrefix(number string) string {
	return fmt.Sprintf("示例第%s民事服务站 ", number[8:9])
}

func results(t testing.TB, rs []exchange.ImportResult) map[string]exchange.ImportOutcome {
	t.Helper()
	out := map[string]exchange.ImportOutcome{}
	for _, r := range rs {
		out[filepath.Base(r.File)] = r.Outcome
		t.Logf("%s: %s %s", filepath.Base(r.File), r.Outcome.Label(), r.Message)
	}
	return out
}

// The simulated county of the issue: five sites work and export three
// bundles each over time; the bundles reach the centre shuffled, one
// duplicated, one truncated, one with a flipped byte. The centre applies
// what is valid, rejects the damaged ones with zero changes, reports the
// gaps, and once the good copies arrive its data equal the sites' exactly,
// case by case and in the reports; importing everything again changes
// nothing.
func TestCountyMerge(t *testing.T) {
	c := newCounty(t, 5)
	usb := filepath.Join(c.dir, "usb")
	os.Mkdir(usb, 0o755)
	bundles := map[string][]byte{} // file name → content
	for round := range 3 {
		for i, s := range c.sites {
			work(t, s, 60+20*i, uint64(100*round+i))
			res, err := s.Export(ctx, usb, "test", nil)
			if err != nil || len(res) != 1 || res[0].Seq != int64(round+1) || res[0].Cases == 0 {
				t.Fatalf("site %d round %d: export %+v %v", i, round, res, err)
			}
			raw, err := os.ReadFile(res[0].Path)
			if err != nil {
				t.Fatal(err)
			}
			bundles[filepath.Base(res[0].Path)] = raw
			// Exporting the same sequence again gives the same bytes.
			again, err := s.ExportAgain(ctx, res[0].Seq, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(again.Path); string(b) != string(raw) {
				t.Fatalf("site %d: bundle %d exported again differs", i, res[0].Seq)
			}
			// Nothing new: no bundle.
			if res, err := s.Export(ctx, usb, "test", nil); err != nil || len(res) != 0 {
				t.Fatalf("export without changes: %+v %v", res, err)
			}
		}
	}

	// The folder the central office receives: names shuffled, so the order
	// of the files says nothing.
	in := filepath.Join(c.dir, "in")
	os.Mkdir(in, 0o755)
	names := make([]string, 0, len(bundles))
	for n := range bundles {
		names = append(names, n)
	}
	sort.Strings(names)
	rng := rand.New(rand.NewPCG(7, 7))
	perm := rng.Perm(len(names))
	file := map[string]string{} // bundle name → the name it has in the folder
	for i, n := range names {
		file[n] = fmt.Sprintf("%02d-%s", perm[i], n)
	}
	put := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(in, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	truncated, flipped, duplicated := "330102101-000002.owb", "330102102-000001.owb", "330102103-000003.owb"
	for _, n := range names {
		switch n {
		case truncated:
			put(file[n], bundles[n][:len(bundles[n])/2])
		case flipped:
			b := append([]byte(nil), bundles[n]...)
			b[len(b)/3] ^= 0x20
			put(file[n], b)
		default:
			put(file[n], bundles[n])
		}
	}
	put("copy-"+duplicated, bundles[duplicated])

	// The damaged files alone change nothing at all.
	bad := filepath.Join(c.dir, "bad")
	os.Mkdir(bad, 0o755)
	for _, n := range []string{truncated, flipped} {
		b, _ := os.ReadFile(filepath.Join(in, file[n]))
		os.WriteFile(filepath.Join(bad, n), b, 0o644)
	}
	before := digest(t, c.central)
	rs, err := c.central.ImportDir(ctx, c.admin.ID, bad, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Outcome != exchange.ImportRejected {
			t.Errorf("damaged %s: %s", r.File, r.Outcome)
		}
	}
	if digest(t, c.central) != before {
		t.Fatal("rejected bundles changed the central database")
	}

	var progress []int
	rs, err = c.central.ImportDir(ctx, c.admin.ID, in, func(done, total int, _ exchange.ImportResult) { progress = append(progress, done) })
	if err != nil {
		t.Fatal(err)
	}
	got := results(t, rs)
	want := map[string]exchange.ImportOutcome{}
	for _, n := range names {
		want[file[n]] = exchange.ImportApplied
	}
	want[file[truncated]] = exchange.ImportRejected
	want[file[flipped]] = exchange.ImportRejected
	want[file["330102101-000003.owb"]] = exchange.ImportHeld
	want[file["330102102-000002.owb"]] = exchange.ImportHeld
	want[file["330102102-000003.owb"]] = exchange.ImportHeld
	want["copy-"+duplicated] = exchange.ImportAlready
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("first import:\n got %v\nwant %v", got, want)
	}
	if len(progress) != len(names)+1 || progress[len(progress)-1] != len(names)+1 {
		t.Errorf("progress %v", progress)
	}
	gaps := map[string]bool{}
	for _, r := range rs {
		if r.Outcome == exchange.ImportHeld {
			gaps[r.Message[:strings.Index(r.Message, "，")]] = true
		}
	}
	if !gaps["站点 330102101 缺少第 2 号数据包"] || !gaps["站点 330102102 缺少第 1 号数据包"] || len(gaps) != 2 {
		t.Fatalf("gaps %v", gaps)
	}
	if n := count(t, testkit.RawDB(t, c.central.Path()), "SELECT count(*) FROM applications WHERE site_code = '330102102'"); n != 0 {
		t.Fatalf("%d cases of the site whose first bundle was damaged", n)
	}

	// The damaged files were moved aside with a note of why, so the next
	// scheduled run does not read them again.
	for _, n := range []string{truncated, flipped} {
		note, err := os.ReadFile(filepath.Join(in, "rejected", file[n]+".txt"))
		if err != nil || !strings.Contains(string(note), "拒收原因：数据包") {
			t.Errorf("%s: no note in rejected/ (%v) %q", file[n], err, note)
		}
		if _, err := os.Stat(filepath.Join(in, file[n])); err == nil {
			t.Errorf("%s is still in the folder", file[n])
		}
	}

	// The good copies arrive.
	put("good-"+truncated, bundles[truncated])
	put("good-"+flipped, bundles[flipped])
	rs, err = c.central.ImportDir(ctx, c.admin.ID, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]exchange.ImportOutcome{}
	for name := range got {
		want[name] = exchange.ImportAlready
	}
	delete(want, file[truncated])
	delete(want, file[flipped])
	for _, n := range []string{"good-" + truncated, "good-" + flipped, file["330102101-000003.owb"], file["330102102-000002.owb"], file["330102102-000003.owb"]} {
		want[n] = exchange.ImportApplied
	}
	if got := results(t, rs); !reflect.DeepEqual(got, want) {
		t.Fatalf("second import:\n got %v\nwant %v", got, want)
	}

	// Theme by theme (一件事), the centre holds what the sites hold: the
	// same items' cases and the same state of the whole thing.
	themes := 0
	centreThemes, err := c.central.ThemeCases(ctx, 0, 0, calendar.DateOf(c.central.Now()))
	if err != nil {
		t.Fatal(err)
	}
	atCentre := map[string]string{}
	for _, tc := range centreThemes {
		atCentre[tc.Number] = fmt.Sprint(tc.Status, tc.Numbers(), tc.Clock.Start, tc.Clock.End, tc.Theme.Limit)
	}
	for _, s := range c.sites {
		list, err := s.ThemeCases(ctx, 0, 0, calendar.DateOf(s.Now()))
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range list {
			themes++
			if want := fmt.Sprint(tc.Status, tc.Numbers(), tc.Clock.Start, tc.Clock.End, tc.Theme.Limit); atCentre[tc.Number] != want {
				t.Errorf("theme %s: centre %q, site %q", tc.Number, atCentre[tc.Number], want)
			}
		}
	}
	if themes == 0 || len(centreThemes) != themes {
		t.Errorf("%d theme cases at the sites, %d at the centre", themes, len(centreThemes))
	}

	// Case by case, the centre holds what the sites hold.
	db := testkit.RawDB(t, c.central.Path())
	total := 0
	for _, s := range c.sites {
		site, _ := s.Site(ctx)
		mine, theirs := caseFacts(t, testkit.RawDB(t, s.Path()), site.Code), caseFacts(t, db, site.Code)
		if len(mine) == 0 || !reflect.DeepEqual(mine, theirs) {
			for n, f := range mine {
				if theirs[n] != f {
					t.Fatalf("site %s case %s:\n site    %s\n central %s", site.Code, n, f, theirs[n])
				}
			}
			t.Fatalf("site %s: %d cases, central %d", site.Code, len(mine), len(theirs))
		}
		total += len(mine)
	}
	if n := count(t, db, "SELECT count(*) FROM applications"); n != total {
		t.Fatalf("central holds %d cases, the sites %d", n, total)
	}

	// And in the reports: the centre's row for each site is the site's own.
	today := calendar.DateOf(c.central.Now())
	spec := report.Spec{From: today.AddDays(-400), To: today, By: report.BySite, Today: today}
	all, err := c.central.Report(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]report.Row{}
	for _, r := range all.Rows {
		rows[r.Key] = r
	}
	sum := 0
	for _, s := range c.sites {
		own, err := s.Report(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		if len(own.Rows) != 1 {
			t.Fatalf("site report rows %d", len(own.Rows))
		}
		if !reflect.DeepEqual(own.Rows[0], rows[own.Rows[0].Key]) {
			t.Fatalf("report row for %s:\n site    %+v\n central %+v", own.Rows[0].Key, own.Rows[0], rows[own.Rows[0].Key])
		}
		sum += own.Total.Received
	}
	if all.Total.Received != sum || sum == 0 {
		t.Fatalf("central received %d, sites %d", all.Total.Received, sum)
	}

	// Everything again: nothing changes.
	before = digest(t, c.central)
	rs, err = c.central.ImportDir(ctx, c.admin.ID, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Outcome == exchange.ImportApplied || r.Outcome == exchange.ImportHeld {
			t.Errorf("third import %s: %s", r.File, r.Outcome)
		}
	}
	if digest(t, c.central) != before {
		t.Fatal("importing the same bundles again changed the central database")
	}

	// The centre reports on the sites' cases; it does not change them.
	var number string
	db.QueryRow("SELECT number FROM applications WHERE status = 'accepted' LIMIT 1").Scan(&number)
	super, _ := c.central.UserByLogin(ctx, "wangjg")
	if _, err := c.central.Record(ctx, number, super.ID, data.Event{Kind: "completed", Data: data.EventData{Result: "granted"}}); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Fatalf("the centre changing a site's case %s: %v", number, err)
	}
	// The sites' catalogue is the centre's: nothing new to offer at its counter.
	if n := count(t, db, "SELECT count(*) FROM items WHERE active"); n != count(t, testkit.RawDB(t, c.sites[0].Path()), "SELECT count(*) FROM items WHERE active") {
		t.Fatalf("%d active items at the centre", n)
	}

	// The centre checks a receipt of a site's document merged here, against
	// the site's registered key.
	var docNumber string
	db.QueryRow("SELECT number FROM documents WHERE site_code = '330102103' LIMIT 1").Scan(&docNumber)
	var caseNumber string
	db.QueryRow("SELECT a.number FROM documents d JOIN applications a ON a.id = d.app_id WHERE d.number = ?", docNumber).Scan(&caseNumber)
	siteDocs, err := c.sites[2].Documents(ctx, caseNumber)
	if err != nil || len(siteDocs) == 0 {
		t.Fatalf("documents of %s at its site: %v", caseNumber, err)
	}
	clerk, _ := c.sites[2].UserByLogin(ctx, "zhangli")
	again, err := c.sites[2].IssueDocument(ctx, caseNumber, siteDocs[0].Kind, clerk.ID) // a reprint: same number, a token
	if err != nil || again.Number != docNumber {
		t.Fatalf("reprint %s: %+v %v", docNumber, again.Number, err)
	}
	if got, err := c.central.VerifyReceipt(ctx, again.Token); err != nil || got.Number != docNumber {
		t.Fatalf("the centre verifying %s: %v", docNumber, err)
	}
	statuses, err := c.central.SiteStatuses(ctx)
	if err != nil || len(statuses) != 5 || statuses[0].LastSeq != 3 || statuses[0].Cases == 0 {
		t.Fatalf("site statuses %+v %v", statuses, err)
	}
}

// A bundle from a site the centre has not registered, one signed with
// another key in a registered site's name, and one a clerk tries to import
// are refused, and none changes anything.
func TestImportRefuses(t *testing.T) {
	c := newCounty(t, 1)
	d := testkit.Defaults(t)
	stranger, err := sqlite.CreateSite(ctx, filepath.Join(c.dir, "stranger.db"), data.Site{Code: "330102199", Name: "未登记站", Kind: data.SiteVillage}, d)
	if err != nil {
		t.Fatal(err)
	}
	defer stranger.Close()
	forger, err := sqlite.CreateSite(ctx, filepath.Join(c.dir, "forger.db"), data.Site{Code: "330102101", Name: "示例第1民事服务站", Kind: data.SiteVillage}, d)
	if err != nil {
		t.Fatal(err)
	}
	defer forger.Close()
	in := filepath.Join(c.dir, "in")
	os.Mkdir(in, 0o755)
	for _, s := range []*sqlite.Store{stranger, forger} {
		work(t, s, 30, 1)
		if _, err := s.Export(ctx, in, "test", nil); err != nil {
			t.Fatal(err)
		}
	}
	os.Rename(filepath.Join(in, "330102101-000001.owb"), filepath.Join(in, "forged.owb"))
	// The centre's own bundle, dropped into its import folder.
	work(t, c.central, 10, 3)
	if _, err := c.central.Export(ctx, in, "test", nil); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(in, "empty.owb"), nil, 0o644)
	before := digest(t, c.central)
	clerk, _ := c.central.UserByLogin(ctx, "zhangli")
	if _, err := c.central.ImportDir(ctx, clerk.ID, in, nil); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Fatalf("a clerk importing: %v", err)
	}
	rs, err := c.central.ImportDir(ctx, c.admin.ID, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs := map[string]string{}
	for _, r := range rs {
		if r.Outcome != exchange.ImportRejected {
			t.Errorf("%s: %s", r.File, r.Outcome)
		}
		msgs[filepath.Base(r.File)] = r.Message
	}
	for file, want := range map[string]string{"330102199-000001.owb": "站点 330102199 尚未在本中心登记", "forged.owb": "签名与站点 330102101 登记的公钥不符",
		"empty.owb": "文件不完整或已损坏", "330100000-000001.owb": "不能导入自身"} {
		if !strings.Contains(msgs[file], want) {
			t.Errorf("%s: %q, want %q", file, msgs[file], want)
		}
	}
	if digest(t, c.central) != before {
		t.Fatal("refused bundles changed the central database")
	}
	if _, err := c.central.ImportDir(ctx, c.admin.ID, filepath.Join(c.dir, "missing"), nil); data.ErrorCode(err) != data.EINVALID {
		t.Fatalf("a missing folder: %v", err)
	}
}

// FuzzReadBundle: whatever the bytes, the bundle reader returns a bundle
// or an error, never a panic; what it accepts hangs together.
func FuzzReadBundle(f *testing.F) {
	c := newCounty(f, 1)
	work(f, c.sites[0], 5, 1)
	// A problem with its log and its paper, so the seed carries those
	// members too.
	clerk, _ := c.sites[0].UserByLogin(ctx, "zhangli")
	p, err := c.sites[0].RegisterProblem(ctx, clerk.ID, problem.Intake{EnterpriseCode: "913301023333005192", EnterpriseName: "西湖嘉禾食品有限公司",
		Category: "用地", Source: "窗口", Text: "用地预审退回了三次"})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := c.sites[0].RecordProblem(ctx, p.Number, clerk.ID, problem.Event{Kind: problem.Triaged, Data: problem.EventData{Track: problem.Soon}}); err != nil {
		f.Fatal(err)
	}
	if _, err := c.sites[0].IssueProblemDocument(ctx, p.Number, problem.DocReceipt, clerk.ID); err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	res, err := c.sites[0].Export(ctx, dir, "fuzz", nil)
	if err != nil || len(res) != 1 {
		f.Fatal(res, err)
	}
	raw, _ := os.ReadFile(res[0].Path)
	f.Add(raw)
	f.Add(raw[:len(raw)-10])
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	reg, _ := c.sites[0].Registration(ctx)
	pub, _ := base64.StdEncoding.DecodeString(reg.PublicKey)
	keyOf := func(site string) (ed25519.PublicKey, bool) { return pub, site == reg.Code }
	f.Fuzz(func(t *testing.T, b []byte) {
		// The importer's reader: the signature and the limits before any
		// member; whatever it accepts is signed and within the limits.
		if v, err := exchange.ReadVerified(b, keyOf); err == nil {
			if v.Verify(pub) != nil || len(v.Cases) > exchange.MaxBundleCases || len(v.Audit) > exchange.MaxBundleAudit {
				t.Fatalf("accepted a bundle that is not signed or too large: %+v", v.Manifest)
			}
		} else if data.ErrorCode(err) != data.EINVALID {
			t.Fatalf("error without a code: %v", err)
		}
		bundle, err := exchange.ReadBundle(b)
		if err != nil {
			if data.ErrorCode(err) != data.EINVALID {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		if bundle.Manifest.Format != exchange.BundleFormat || bundle.Manifest.Count("cases.jsonl") != len(bundle.Cases) {
			t.Fatalf("accepted a bundle that does not hang together: %+v", bundle.Manifest)
		}
	})
}

// A large demo run writes without the export triggers but marks its cases
// itself, and leaves the triggers in place: every case is exported, and a
// registration after it is tracked again.
func TestDemoBulkMarksForExport(t *testing.T) {
	s, _ := testkit.Open(t)
	if _, err := demo.Run(ctx, s, demo.Options{Cases: 300, Seed: 2, BulkAt: 100}); err != nil {
		t.Fatal(err)
	}
	db := testkit.RawDB(t, s.Path())
	if n := count(t, db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'export_%'"); n != 20 {
		t.Fatalf("%d export triggers after a bulk demo", n)
	}
	problems := count(t, db, "SELECT count(*) FROM problems")
	if n, err := s.PendingExport(ctx); err != nil || n != 300 {
		t.Fatalf("pending %d %v", n, err)
	}
	if n, err := s.PendingProblems(ctx); err != nil || n != problems || problems == 0 {
		t.Fatalf("pending problems %d %v (%d problems)", n, err, problems)
	}
	res, err := s.Export(ctx, t.TempDir(), "test", nil)
	if err != nil || len(res) != 1 || res[0].Cases != 300 || res[0].Problems != problems {
		t.Fatalf("export %+v %v", res, err)
	}
	f := load(t, s)
	if _, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept)); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.PendingExport(ctx); n != 1 {
		t.Fatalf("a registration after the demo: %d pending", n)
	}
}

// A bundle the site signed but whose records this database cannot take
// (here: a service item of an unknown kind) is rejected with nothing
// changed, and the import goes on with the other sites.
func TestImportRejectsUnwritableBundle(t *testing.T) {
	c := newCounty(t, 2)
	db := testkit.RawDB(t, c.sites[0].Path())
	if _, err := db.Exec("PRAGMA ignore_check_constraints = 1"); err != nil {
		t.Fatal(err)
	}
	// A plain connection edits the site's catalogue behind the program.
	if _, err := db.Exec("UPDATE items SET kind = 'mystery' WHERE id = (SELECT min(id) FROM items)"); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(c.dir, "in")
	os.Mkdir(in, 0o755)
	for _, s := range c.sites {
		work(t, s, 20, 9)
		if _, err := s.Export(ctx, in, "test", nil); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := c.central.ImportDir(ctx, c.admin.ID, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := results(t, rs)
	if got["330102101-000001.owb"] != exchange.ImportRejected || got["330102102-000001.owb"] != exchange.ImportApplied {
		t.Fatalf("outcomes %v", got)
	}
	if n := count(t, testkit.RawDB(t, c.central.Path()), "SELECT count(*) FROM applications WHERE site_code = '330102101'"); n != 0 {
		t.Fatalf("%d cases of the rejected bundle", n)
	}
}

// A service item a site added itself reaches the centre with the site's
// cases: the centre's report names it, and the centre's own counter does
// not offer it.
func TestImportSiteItem(t *testing.T) {
	c := newCounty(t, 1)
	s := c.sites[0]
	admin, _ := s.UserByLogin(ctx, "admin")
	clerk, _ := s.UserByLogin(ctx, "zhangli")
	items, _ := s.Items(ctx)
	it, err := s.SaveItem(ctx, admin.ID, data.ServiceItem{Code: "VILLAGE-001", Name: "村级代办事项", DepartmentID: items[0].DepartmentID,
		Kind: data.KindPromised, Statutory: 10, Promised: 5, Materials: []string{"申请书"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Register(ctx, clerk.ID, data.Intake{ItemID: it.ID, WindowID: clerk.WindowID, Materials: it.Materials, Decision: data.DecideAccept,
		Applicant: enterprise()}); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(c.dir, "in")
	os.Mkdir(in, 0o755)
	if _, err := s.Export(ctx, in, "test", nil); err != nil {
		t.Fatal(err)
	}
	if rs, err := c.central.ImportDir(ctx, c.admin.ID, in, nil); err != nil || rs[0].Outcome != exchange.ImportApplied {
		t.Fatalf("%+v %v", rs, err)
	}
	offered, _ := c.central.Items(ctx)
	for _, x := range offered {
		if x.Code == "VILLAGE-001" {
			t.Fatal("the centre's counter offers the site's own item")
		}
	}
	today := calendar.DateOf(c.central.Now())
	rep, err := c.central.Report(ctx, report.Spec{From: today.AddDays(-3), To: today, By: report.ByItem, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rep.Rows {
		found = found || (strings.HasSuffix(r.Name, "村级代办事项") && r.Received == 1)
	}
	if !found {
		t.Fatalf("the site's item is not in the centre's report: %+v", rep.Rows)
	}
}

// A forged bundle is refused on its manifest's signature before any member
// is decompressed, and a bundle whose members claim to decompress past the
// limit is refused from the zip's directory: neither costs the importer
// memory. (Before, a 197 KiB forged file added 477 MiB of heap.) Both are
// moved aside, so the next scheduled run does not pay again.
func TestForgedBundleCostsNothing(t *testing.T) {
	c := newCounty(t, 1)
	work(t, c.sites[0], 5, 1)
	out := t.TempDir()
	res, err := c.sites[0].Export(ctx, out, "test", nil)
	if err != nil || len(res) != 1 {
		t.Fatal(res, err)
	}
	real, err := os.ReadFile(res[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(real), int64(len(real)))
	if err != nil {
		t.Fatal(err)
	}
	// forge writes a bundle with the real manifest changed by edit and
	// the real signature, every member as it was except events.jsonl,
	// which becomes size bytes that deflate to almost nothing; with lie
	// the zip's directory claims size without the bytes being there.
	forge := func(name string, edit func(string) string, size int64, lie bool) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, f := range zr.File {
			rc, _ := f.Open()
			body, _ := io.ReadAll(rc)
			rc.Close()
			switch f.Name {
			case "manifest.json":
				body = []byte(edit(string(body)))
			case "events.jsonl":
				if lie {
					w, _ := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, UncompressedSize64: uint64(size), CompressedSize64: 2})
					w.Write([]byte{3, 0})
					continue
				}
				w, _ := zw.Create(f.Name)
				zero := make([]byte, 1<<20)
				for n := int64(0); n < size; n += int64(len(zero)) {
					w.Write(zero)
				}
				continue
			}
			w, _ := zw.Create(f.Name)
			w.Write(body)
		}
		zw.Close()
		if err := os.WriteFile(filepath.Join(out, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Remove(res[0].Path)
	// The manifest changed (another program named): the signature no
	// longer fits. 150 MB of zeros would be read before the fix.
	forge("forged.owb", func(m string) string {
		return regexp.MustCompile(`"program":\s*"test"`).ReplaceAllString(m, `"program": "forged"`)
	}, 150<<20, false)
	// The genuine manifest and signature, one member swapped: refused on
	// the member's hash as it streams, never held.
	forge("swapped.owb", func(m string) string { return m }, 150<<20, false)
	// The real manifest, but a member claiming 2 GB.
	forge("bomb.owb", func(m string) string { return m }, 2<<30, true)
	before := digest(t, c.central)
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	rs, err := c.central.ImportDir(ctx, c.admin.ID, out, nil)
	runtime.ReadMemStats(&m1)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Outcome != exchange.ImportRejected {
			t.Errorf("%s: %s %s", filepath.Base(r.File), r.Outcome, r.Message)
		}
	}
	msgs := results(t, rs)
	if len(msgs) != 3 {
		t.Fatalf("results %v", msgs)
	}
	if got := rs[0].Message + rs[1].Message + rs[2].Message; !strings.Contains(got, "签名") || !strings.Contains(got, "过大") || !strings.Contains(got, "校验和不符") {
		t.Errorf("the reasons: %q", got)
	}
	if grew := m1.TotalAlloc - m0.TotalAlloc; grew > 32<<20 {
		t.Errorf("refusing three forged bundles allocated %d MB", grew>>20)
	}
	if digest(t, c.central) != before {
		t.Error("the forged bundles changed the central database")
	}
	for _, n := range []string{"forged.owb", "swapped.owb", "bomb.owb"} {
		if _, err := os.Stat(filepath.Join(out, "rejected", n+".txt")); err != nil {
			t.Errorf("%s was not moved aside: %v", n, err)
		}
	}
}

// A site cannot overwrite a shared applicant at the centre for good: a time
// after the bundle was made (the year 9999 wins every "newest" comparison)
// and a field longer than the intake form allows are refused, with nothing
// changed.
func TestImportRefusesFutureAndOverlong(t *testing.T) {
	for _, c := range []struct{ name, edit, want string }{
		{"year 9999", "UPDATE applicants SET updated_at = '9999-12-31T00:00:00Z'", "晚于数据包的生成时间"},
		{"a long name", "UPDATE applicants SET name = name || '" + strings.Repeat("名", 300) + "'", "申请人名称"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cty := newCounty(t, 1)
			work(t, cty.sites[0], 5, 1)
			db := testkit.RawDB(t, cty.sites[0].Path())
			if _, err := db.Exec(c.edit); err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			if _, err := cty.sites[0].Export(ctx, out, "test", nil); err != nil {
				t.Fatal(err)
			}
			before := digest(t, cty.central)
			rs, err := cty.central.ImportDir(ctx, cty.admin.ID, out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 || rs[0].Outcome != exchange.ImportRejected || !strings.Contains(rs[0].Message, c.want) {
				t.Fatalf("%+v", rs)
			}
			if digest(t, cty.central) != before {
				t.Error("the refused bundle changed the centre")
			}
		})
	}
}

// Demo data never passes for real: the demo refuses a database with real
// cases; a database holding demo data marks every document it prints and
// every bundle it exports; a centre not made for trials refuses those.
func TestSampleData(t *testing.T) {
	real, _ := testkit.Open(t)
	testkit.Register(t, real, "zhangli", "BDC-001", data.DecideAccept)
	if _, err := demo.Run(ctx, real, demo.Options{Cases: 10, Seed: 1}); data.ErrorCode(err) != data.ECONFLICT || !strings.Contains(data.ErrorMessage(err), "真实办件") {
		t.Fatalf("demo on a database with a real case: %v", err)
	}
	if sample, _ := real.SampleData(ctx); sample {
		t.Fatal("the real database was marked as sample data")
	}
	doc, err := real.IssueDocument(ctx, firstNumber(t, real), data.DocAccept, f0(t, real))
	if err != nil || doc.Notice.Sample || strings.Contains(doc.Summary(), data.SampleMark) {
		t.Fatalf("a real document: %+v %v", doc.Notice.Sample, err)
	}

	c := newCounty(t, 1)
	work(t, c.sites[0], 5, 1)
	trial := c.sites[0]
	if sample, _ := trial.SampleData(ctx); !sample {
		t.Fatal("a database with demo cases is not marked")
	}
	doc, err = trial.IssueDocument(ctx, firstNumber(t, trial), data.DocAccept, f0(t, trial))
	if err != nil || !doc.Notice.Sample || !strings.Contains(doc.Summary(), data.SampleMark) {
		t.Fatalf("a demo document is not marked: %v %v", doc.Notice.Sample, err)
	}
	out := t.TempDir()
	if _, err := trial.Export(ctx, out, "test", nil); err != nil {
		t.Fatal(err)
	}
	// A centre not made for trials.
	central, err := sqlite.CreateSite(ctx, filepath.Join(t.TempDir(), "real-centre.db"), data.Site{Code: "330100000", Name: "县中心", Kind: data.SiteCentre}, testkit.Defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	defer central.Close()
	admin := adminID(t, central)
	reg, _ := trial.Registration(ctx)
	if _, err := central.RegisterSite(ctx, admin, reg); err != nil {
		t.Fatal(err)
	}
	rs, err := central.ImportDir(ctx, admin, out, nil)
	if err != nil || len(rs) != 1 || rs[0].Outcome != exchange.ImportRejected || !strings.Contains(rs[0].Message, data.SampleMark) {
		t.Fatalf("a demo bundle at a real centre: %+v %v", rs, err)
	}
	if n := count(t, testkit.RawDB(t, central.Path()), "SELECT count(*) FROM applications"); n != 0 {
		t.Errorf("%d demo cases reached a real centre", n)
	}
}

func firstNumber(t *testing.T, s *sqlite.Store) string {
	t.Helper()
	apps, err := s.Cases(ctx, data.CaseFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apps {
		for _, e := range a.Events {
			if e.Kind == clock.Accepted {
				return a.Number
			}
		}
	}
	t.Fatal("no accepted case")
	return ""
}

// f0 is the sample clerk's id.
func f0(t *testing.T, s *sqlite.Store) int64 {
	t.Helper()
	u, err := s.UserByLogin(ctx, "zhangli")
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
