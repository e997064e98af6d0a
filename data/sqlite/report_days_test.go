package sqlite_test

import (
	"fmt"
	"testing"

	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

func mustVerify(t *testing.T, s *sqlite.Store, what string) sqlite.VerifyReport {
	t.Helper()
	r, err := s.Verify(ctx)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !r.OK() {
		t.Fatalf("%s: %+v", what, r)
	}
	return r
}

// The report's daily totals equal the cases they add up after the demo's
// large run (which adds them up in Go, batch by batch, instead of through
// the triggers),
// after a second run on top of it, after a case is deleted behind the
// program's back (the delete triggers), and the report over them equals the
// brute-force recomputation. Verify names a table that was edited, and
// RebuildDayTotals mends it; a trigger dropped is put back, and the totals
// rebuilt, when the database is opened.
func TestDayTotals(t *testing.T) {
	s, c := testkit.Open(t)
	c.Set("2026-11-20 18:00")
	if _, err := demo.Run(ctx, s, demo.Options{Cases: 2500, Seed: 5, BulkAt: 100, Batch: 700}); err != nil { // four batches: their totals meet in write
		t.Fatal(err)
	}
	mustVerify(t, s, "after a bulk demo")
	db := testkit.RawDB(t, s.Path())
	if n := count(t, db, "SELECT count(*) FROM report_closed"); n < 500 {
		t.Fatalf("report_closed has %d rows", n)
	}
	if n := count(t, db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'report\\_%' ESCAPE '\\'"); n != 15 {
		t.Fatalf("%d report triggers after a bulk demo", n)
	}
	if _, err := demo.Run(ctx, s, demo.Options{Cases: 400, Seed: 6, BulkAt: 100}); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, s, "after a second bulk demo")
	spec := report.Spec{From: date("2025-11-21"), To: date("2026-11-20"), Today: date("2026-11-20")}
	checkReports(t, s, []report.Spec{spec}, []report.By{report.ByItem, report.BySite})

	// A completed, rated case deleted with a plain connection.
	if _, err := db.Exec(`PRAGMA foreign_keys = OFF;
		DELETE FROM applications WHERE id = (SELECT min(id) FROM applications WHERE status = 'completed' AND rated_date IS NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, s, "after a deletion")

	if _, err := db.Exec("UPDATE report_received SET supplemented = supplemented + 1 WHERE day = (SELECT max(day) FROM report_received)"); err != nil {
		t.Fatal(err)
	}
	r, err := s.Verify(ctx)
	if err != nil || r.OK() || r.Totals != "report_received" {
		t.Fatalf("edited totals: %+v %v", r, err)
	}
	if err := s.RebuildDayTotals(ctx); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, s, "after the rebuild")

	if _, err := db.Exec("DROP TRIGGER report_closed_update; DELETE FROM report_done"); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	s, err = sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustVerify(t, s, "reopened after a trigger was dropped")
	if n := count(t, db, "SELECT count(*) FROM report_done"); n == 0 {
		t.Fatal("report_done not rebuilt")
	}

	// A table an older definition had goes at the next rebuild; once the
	// totals are as defined, opening leaves them alone (an edit stays for
	// verify to find).
	if _, err := db.Exec("CREATE TABLE report_old (x); DROP TRIGGER report_rated_insert"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = sqlite.Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := count(t, db, "SELECT count(*) FROM sqlite_master WHERE name = 'report_old'"); n != 0 {
		t.Fatal("report_old left behind")
	}
	if _, err := db.Exec("UPDATE report_accepted SET cases = cases + 1 WHERE day = (SELECT max(day) FROM report_accepted)"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = sqlite.Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r, err := s.Verify(ctx); err != nil || r.Totals != "report_accepted" {
		t.Fatalf("opening rebuilt totals that were in place: %+v %v", r, err)
	}
}

// A bulk import at the centre (the triggers dropped, the totals rebuilt at
// the end) and a plain one leave totals equal to the merged cases, and the
// centre's report of each site equals the site's own report.
func TestDayTotalsImport(t *testing.T) {
	c := newCounty(t, 2)
	for i, s := range c.sites {
		if _, err := demo.Run(ctx, s, demo.Options{Cases: 300 + 100*i, Seed: uint64(10 + i)}); err != nil {
			t.Fatal(err)
		}
	}
	old := *sqlite.ImportBulkAt
	*sqlite.ImportBulkAt = 100
	defer func() { *sqlite.ImportBulkAt = old }()
	for i, s := range c.sites {
		dir := t.TempDir()
		if _, err := s.Export(ctx, dir, "test", nil); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			*sqlite.ImportBulkAt = 1 << 30 // the second site merges case by case
		}
		rs, err := c.central.ImportDir(ctx, c.admin.ID, dir, nil)
		if err != nil || len(rs) != 1 || rs[0].Outcome != exchange.ImportApplied {
			t.Fatalf("import %+v %v", rs, err)
		}
		mustVerify(t, c.central, fmt.Sprintf("centre after site %d", i+1))
	}
	today := date("2026-03-02")
	spec := report.Spec{From: today - 400, To: today, Today: today, By: report.BySite}
	central, err := c.central.Report(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range c.sites {
		own, err := s.Report(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		site, _ := s.Site(ctx)
		got := central.Row(site.Code)
		if got == nil || own.Total.Received == 0 {
			t.Fatalf("site %s: centre row %v, site received %d", site.Code, got, own.Total.Received)
		}
		want := own.Total
		want.Key, want.Name = got.Key, got.Name
		compareRows(t, "centre's row of "+site.Code, got, &want)
	}
}
