package sqlite_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// Every released schema version upgrades: testdata/schema/vN.db was made by
// the program as it was at schema version N (`onewindow demo --cases 40`,
// and a 受理通知书 from version 6 on). Each opens, migrates in one go, keeps
// its cases, events, fees, ratings and documents, passes the integrity
// check and the audit chain, and works: the list, the clock, the report, a
// new registration and an export.
func TestUpgradeFromEachSchema(t *testing.T) {
	for v := 1; v < sqlite.SchemaVersion(); v++ {
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "schema", fmt.Sprintf("v%d.db", v)))
			if err != nil {
				t.Fatalf("no database of schema %d in testdata: %v", v, err)
			}
			path := filepath.Join(t.TempDir(), "old.db")
			os.WriteFile(path, raw, 0o600)
			before := testkit.RawDB(t, path)
			var version, cases, events, docs int
			before.QueryRow("PRAGMA user_version").Scan(&version)
			before.QueryRow("SELECT count(*) FROM applications").Scan(&cases)
			before.QueryRow("SELECT count(*) FROM events").Scan(&events)
			if v >= 6 {
				before.QueryRow("SELECT count(*) FROM documents").Scan(&docs)
			}
			before.Close()
			if version != v || cases != 40 {
				t.Fatalf("testdata v%d.db: schema %d, %d cases", v, version, cases)
			}
			s, err := sqlite.OpenDefault(ctx, path, testkit.Defaults(t))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			db := testkit.RawDB(t, s.Path())
			if got := count(t, db, "PRAGMA user_version"); got != sqlite.SchemaVersion() {
				t.Fatalf("schema %d after opening", got)
			}
			if r, err := s.Verify(ctx); err != nil || !r.OK() {
				t.Fatalf("verify %+v %v", r, err)
			}
			if count(t, db, "SELECT count(*) FROM applications") != cases || count(t, db, "SELECT count(*) FROM events") != events ||
				count(t, db, "SELECT count(*) FROM documents") != docs {
				t.Fatal("cases, events or documents lost in the upgrade")
			}
			if v >= 6 && docs == 0 {
				t.Fatal("no document in a version 6+ testdata database")
			}
			// 0018: the proofs recorded before it are found without the events.
			if got, want := count(t, db, "SELECT count(*) FROM case_proofs"), count(t, db, "SELECT count(*) FROM events WHERE seq = 1 AND json_type(data, '$.proofs') = 'array'"); got != want || v >= 17 && want == 0 {
				t.Fatalf("case_proofs: %d rows, %d first events with proofs", got, want)
			}
			if count(t, db, "SELECT count(*) FROM documents WHERE site_code = substr(number, 1, 9)") != docs {
				t.Fatal("documents without their site code after the upgrade")
			}
			apps, err := s.Cases(ctx, data.CaseFilter{Limit: 100})
			if err != nil || len(apps) != cases {
				t.Fatalf("list %d %v", len(apps), err)
			}
			today := calendar.DateOf(s.Now())
			for _, a := range apps {
				if _, err := s.Clock(ctx, &a, today); err != nil {
					t.Fatalf("clock of %s: %v", a.Number, err)
				}
			}
			rep, err := s.Report(ctx, report.Spec{From: today.AddDays(-800), To: today, By: report.ByItem, Today: today})
			if err != nil || rep.Total.Received != cases {
				t.Fatalf("report: %+v %v", rep.Total, err)
			}
			f := load(t, s)
			mustRegister(t, s, f)
			if n, err := s.PendingExport(ctx); err != nil || n != cases+1 {
				t.Fatalf("pending export %d %v", n, err)
			}
		})
	}
}

// A database made by a newer program is not opened (nor restored from):
// this program does not know its schema.
func TestNewerSchemaRefused(t *testing.T) {
	s, _ := testkit.Open(t)
	path := s.Path()
	backup := filepath.Join(t.TempDir(), "b.db")
	if err := s.Backup(ctx, backup, ""); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, p := range []string{path, backup} {
		db := testkit.RawDB(t, p)
		if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	if _, err := sqlite.Open(path); err == nil || !strings.Contains(data.ErrorMessage(err), "较新版本") {
		t.Fatalf("opening a newer database: %v", err)
	}
	if _, err := sqlite.CheckBackup(ctx, backup); err == nil || !strings.Contains(data.ErrorMessage(err), "较新版本") {
		t.Fatalf("restoring from a newer database: %v", err)
	}
}
