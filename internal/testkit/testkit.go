// Package testkit holds what the tests of every package need: the national
// calendar, a store on a real SQLite file in the test's temporary folder
// with a settable clock, a registered case, and a plain connection to the
// file for the tests that play someone editing it behind the program's
// back. Test code only: nothing outside _test.go files imports it.
package testkit

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/onewindow/onewindow/assets"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/sqlite"
)

// Schedule is the national holiday schedule the program ships.
func Schedule(tb testing.TB) calendar.Schedule {
	tb.Helper()
	s, err := calendar.ParseText(assets.NationalCalendar)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// National is the national working-day calendar.
func National(tb testing.TB) *calendar.Calendar {
	tb.Helper()
	s := Schedule(tb)
	return calendar.New(s.Years, s.Days)
}

// Defaults are what a new database starts with: the sample catalogue and
// the national calendar.
func Defaults(tb testing.TB) sqlite.Defaults {
	tb.Helper()
	return sqlite.Defaults{Catalogue: assets.SampleCatalogue, National: Schedule(tb)}
}

// Clock is a settable wall clock for a store.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now is the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set sets the clock to "YYYY-MM-DD HH:MM" Shanghai time.
func (c *Clock) Set(s string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Shanghai)
	if err != nil {
		panic(err)
	}
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Open opens a new sample database in the test's temporary folder, closed
// when the test ends, with its clock at 2026-03-02 09:30 Shanghai time.
func Open(tb testing.TB) (*sqlite.Store, *Clock) {
	tb.Helper()
	s := OpenAt(tb, filepath.Join(tb.TempDir(), "onewindow.db"))
	c := &Clock{}
	c.Set("2026-03-02 09:30")
	s.Now = c.Now
	return s, c
}

// OpenTemp opens a new sample database in the test's temporary folder on
// the real clock, closed when the test ends.
func OpenTemp(tb testing.TB) *sqlite.Store {
	tb.Helper()
	return OpenAt(tb, filepath.Join(tb.TempDir(), "onewindow.db"))
}

// OpenAt opens (creating if need be) the database at path on the real
// clock, closed when the test ends.
func OpenAt(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.OpenDefault(context.Background(), path, Defaults(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// RawDB opens a second, plain connection to a database file, as someone
// editing it behind the program's back would.
func RawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Register registers a case of the catalogue item itemCode at the window
// of the clerk login, for an enterprise, with every material handed in and
// the decision given (受理 needs nothing more).
func Register(tb testing.TB, s *sqlite.Store, login, itemCode string, decision data.Decision) data.Application {
	tb.Helper()
	ctx := context.Background()
	clerk, err := s.UserByLogin(ctx, login)
	if err != nil {
		tb.Fatal(err)
	}
	items, err := s.Items(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	for _, it := range items {
		if it.Code != itemCode {
			continue
		}
		in := data.Intake{ItemID: it.ID, WindowID: clerk.WindowID, Decision: decision, Materials: it.Materials,
			Applicant: data.Applicant{Kind: data.ApplicantEnterprise, Name: "杭州示例食品有限公司", IDCode: "91350100M000100Y43"}}
		if decision == data.DecideSupplement && len(it.Materials) > 0 {
			in.Materials, in.Missing = it.Materials[1:], it.Materials[:1]
		}
		if decision == data.DecideRefuse {
			in.Reason = "不属于本机关职权范围"
		}
		app, err := s.Register(ctx, clerk.ID, in)
		if err != nil {
			tb.Fatal(err)
		}
		return app
	}
	tb.Fatalf("no item %s in the catalogue", itemCode)
	return data.Application{}
}

// NeedTools skips the test when a program it runs is missing, except in
// CI, where make test-deps installs them and a skip would hide a failure.
func NeedTools(tb testing.TB, names ...string) {
	tb.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("CI") != "" {
				tb.Fatalf("%s is not installed (make test-deps installs it)", n)
			}
			tb.Skipf("%s is not installed (make test-deps installs it)", n)
		}
	}
}
