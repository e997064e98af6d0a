package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/assets"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

func hostileStore(t *testing.T) (*Store, data.User, data.Intake) {
	t.Helper()
	sched, err := calendar.ParseText(assets.NationalCalendar)
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenDefault(context.Background(), filepath.Join(t.TempDir(), "h.db"), Defaults{Catalogue: assets.SampleCatalogue, National: sched})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	// One connection, so that the pragmas below hold for every statement.
	s.db.SetMaxOpenConns(1)
	clerk, err := s.UserByLogin(context.Background(), "zhangli")
	if err != nil {
		t.Fatal(err)
	}
	items, _ := s.Items(context.Background())
	in := data.Intake{ItemID: items[0].ID, WindowID: clerk.WindowID, Materials: items[0].Materials, Decision: data.DecideAccept,
		Applicant: data.Applicant{Kind: data.ApplicantEnterprise, Name: "杭州示例食品有限公司", IDCode: "91350100M000100Y43"}}
	return s, clerk, in
}

// consistent checks that every case has its events and its audit entry:
// nothing was half written.
func consistent(t *testing.T, s *Store, wantCases int) {
	t.Helper()
	var cases, withoutEvents, audited int
	s.db.QueryRow("SELECT count(*) FROM applications").Scan(&cases)
	s.db.QueryRow("SELECT count(*) FROM applications a WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.app_id = a.id)").Scan(&withoutEvents)
	s.db.QueryRow("SELECT count(*) FROM audit WHERE action = 'case.register'").Scan(&audited)
	if cases != wantCases || withoutEvents != 0 || audited != cases {
		t.Fatalf("%d cases (want %d), %d without events, %d registrations audited", cases, wantCases, withoutEvents, audited)
	}
	r, err := s.Verify(context.Background())
	if err != nil || !r.OK() {
		t.Fatalf("verify %+v %v", r, err)
	}
}

// A full disk (SQLite told the file may not grow) gives a clear message and
// no partial record; once there is room again, work goes on.
func TestDiskFull(t *testing.T) {
	s, clerk, in := hostileStore(t)
	ctx := context.Background()
	var pages int
	s.db.QueryRow("PRAGMA page_count").Scan(&pages)
	if _, err := s.db.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages+3)); err != nil {
		t.Fatal(err)
	}
	ok := 0
	var err error
	for range 2000 {
		if _, err = s.Register(ctx, clerk.ID, in); err != nil {
			break
		}
		ok++
	}
	if err == nil || !strings.Contains(data.ErrorMessage(err), "磁盘已满") {
		t.Fatalf("after %d registrations: %v", ok, err)
	}
	consistent(t, s, ok)
	if _, err := s.db.Exec("PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Register(ctx, clerk.ID, in); err != nil {
		t.Fatalf("with room again: %v", err)
	}
	consistent(t, s, ok+1)
}

// A database that cannot be written (here: the connection made read-only;
// as root a file's permissions would not stop the test) gives a clear
// message and no partial record.
func TestReadOnlyDatabase(t *testing.T) {
	s, clerk, in := hostileStore(t)
	ctx := context.Background()
	if _, err := s.Register(ctx, clerk.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec("PRAGMA query_only = 1"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Register(ctx, clerk.ID, in)
	if !strings.Contains(data.ErrorMessage(err), "数据库文件不可写") {
		t.Fatalf("registering into a read-only database: %v", err)
	}
	if _, err := s.db.Exec("PRAGMA query_only = 0"); err != nil {
		t.Fatal(err)
	}
	consistent(t, s, 1)
}
