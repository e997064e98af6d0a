package sqlite_test

import (
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

func TestLogin(t *testing.T) {
	s, c := testkit.Open(t)
	u, err := s.Login(ctx, "zhangli", "1234")
	if err != nil || u.Name != "张丽" || u.Role != data.RoleClerk || u.WindowID == 0 {
		t.Fatalf("sample PIN: %+v %v", u, err)
	}
	if _, err := s.Login(ctx, "nobody", "1234"); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("unknown user: %v", err)
	}
	for i := 1; i < sqlite.MaxPINFailures; i++ {
		_, err := s.Login(ctx, "zhangli", "0000")
		if data.ErrorCode(err) != data.EFORBIDDEN || !strings.Contains(data.ErrorMessage(err), "还可再试") {
			t.Fatalf("wrong PIN %d: %v", i, err)
		}
	}
	if _, err := s.Login(ctx, "zhangli", "0000"); !strings.Contains(data.ErrorMessage(err), "已锁定") {
		t.Fatalf("fifth wrong PIN: %v", err)
	}
	// Even the right PIN is refused while locked …
	c.Set("2026-03-02 09:39")
	if _, err := s.Login(ctx, "zhangli", "1234"); !strings.Contains(data.ErrorMessage(err), "已锁定至 09:40") {
		t.Errorf("locked: %v", err)
	}
	// … and accepted ten minutes later.
	c.Set("2026-03-02 09:41")
	if _, err := s.Login(ctx, "zhangli", "1234"); err != nil {
		t.Errorf("after the lock: %v", err)
	}
	if err := s.SetPIN(ctx, adminID(t, s), "zhangli", "12ab"); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("letters in a PIN: %v", err)
	}
	if err := s.SetPIN(ctx, adminID(t, s), "zhangli", "246810"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, "zhangli", "1234"); err == nil {
		t.Error("old PIN still works")
	}
	if _, err := s.Login(ctx, "zhangli", "246810"); err != nil {
		t.Errorf("new PIN: %v", err)
	}
	var stored string
	testkit.RawDB(t, s.Path()).QueryRow("SELECT pin_hash FROM users WHERE login = 'zhangli'").Scan(&stored)
	if !strings.HasPrefix(stored, "$2a$") || strings.Contains(stored, "246810") {
		t.Errorf("PIN not stored as a bcrypt hash: %q", stored)
	}
	if n := count(t, testkit.RawDB(t, s.Path()), "SELECT count(*) FROM audit WHERE action LIKE 'user.login%'"); n < 8 {
		t.Errorf("%d login audit entries", n)
	}
	if r, _ := s.Verify(ctx); !r.OK() {
		t.Errorf("verify: %+v", r)
	}
}

// Who may change users, PINs, the calendar and the numbering is decided in
// the store: a clerk (or a supervisor) who calls it directly is refused,
// and nothing changes. A clerk who could set a supervisor's PIN could log
// in as him and approve their own waiver.
func TestRolesInTheStore(t *testing.T) {
	s, _ := testkit.Open(t)
	clerk, _ := s.UserByLogin(ctx, "zhangli")
	super, _ := s.UserByLogin(ctx, "wangjg")
	before := count(t, testkit.RawDB(t, s.Path()), "SELECT count(*) FROM audit")
	for _, actor := range []data.User{clerk, super} {
		if err := s.SetPIN(ctx, actor.ID, "wangjg", "975310"); data.ErrorCode(err) != data.EFORBIDDEN {
			t.Errorf("%s set a PIN: %v", actor.Login, err)
		}
		sched := testkit.Schedule(t)
		if _, err := s.ImportCalendar(ctx, actor.ID, sched); data.ErrorCode(err) != data.EFORBIDDEN {
			t.Errorf("%s imported a calendar: %v", actor.Login, err)
		}
		if _, err := s.SetSiteDay(ctx, actor.ID, calendar.Day{Date: calendar.NewDate(2026, 3, 4), Name: "停电"}, false); data.ErrorCode(err) != data.EFORBIDDEN {
			t.Errorf("%s marked a day off: %v", actor.Login, err)
		}
		if err := s.SeedSequence(ctx, actor.ID, calendar.NewDate(2026, 3, 4), 500); data.ErrorCode(err) != data.EFORBIDDEN {
			t.Errorf("%s seeded the numbering: %v", actor.Login, err)
		}
	}
	if _, err := s.Login(ctx, "wangjg", "1234"); err != nil {
		t.Errorf("the supervisor's PIN changed: %v", err)
	}
	if after := count(t, testkit.RawDB(t, s.Path()), "SELECT count(*) FROM audit WHERE action NOT LIKE 'user.login%'"); after != before {
		t.Errorf("refused changes left %d audit entries", after-before)
	}
}

// A user changes their own PIN with the old one; a wrong old PIN counts
// towards the lock like a wrong login.
func TestChangePIN(t *testing.T) {
	s, _ := testkit.Open(t)
	if err := s.ChangePIN(ctx, "zhangli", "0000", "864209"); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Fatalf("wrong old PIN: %v", err)
	}
	var failed int
	testkit.RawDB(t, s.Path()).QueryRow("SELECT failed_pins FROM users WHERE login = 'zhangli'").Scan(&failed)
	if failed != 1 {
		t.Errorf("the wrong old PIN counted %d times", failed)
	}
	if err := s.ChangePIN(ctx, "zhangli", "1234", "864209"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, "zhangli", "864209"); err != nil {
		t.Errorf("new PIN: %v", err)
	}
	if n := count(t, testkit.RawDB(t, s.Path()), "SELECT count(*) FROM audit WHERE action = 'user.change_pin' AND actor = 'zhangli'"); n != 1 {
		t.Errorf("%d audit entries for the change", n)
	}
}

// A real site starts with the administrator's own PIN; every other sample
// user logs in with 1234 once, told to choose their own, and new PINs have
// at least 6 digits.
func TestClaimSite(t *testing.T) {
	s, _ := testkit.Open(t)
	if err := s.ClaimSite(ctx, "1234"); data.ErrorField(err) != "pin" {
		t.Fatalf("a 4-digit administrator PIN: %v", err)
	}
	if err := s.ClaimSite(ctx, "135790"); err != nil {
		t.Fatal(err)
	}
	if err := s.ClaimSite(ctx, "246802"); data.ErrorCode(err) != data.ECONFLICT {
		t.Fatalf("claiming a site twice resets the administrator's PIN: %v", err)
	}
	if _, err := s.Login(ctx, "admin", "1234"); err == nil {
		t.Error("the sample administrator PIN still works")
	}
	if u, err := s.Login(ctx, "admin", "135790"); err != nil || u.MustChange {
		t.Errorf("the administrator: %+v %v", u, err)
	}
	u, err := s.Login(ctx, "zhangli", "1234")
	if err != nil || !u.MustChange {
		t.Fatalf("a sample clerk: %+v %v", u, err)
	}
	if err := s.ChangePIN(ctx, "zhangli", "1234", "12345"); data.ErrorField(err) != "pin" {
		t.Errorf("a 5-digit PIN: %v", err)
	}
	if err := s.ChangePIN(ctx, "zhangli", "1234", "864209"); err != nil {
		t.Fatal(err)
	}
	if u, err := s.Login(ctx, "zhangli", "864209"); err != nil || u.MustChange {
		t.Errorf("after choosing: %+v %v", u, err)
	}
}
