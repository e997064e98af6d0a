package sqlite_test

import (
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
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
	if err := s.SetPIN(ctx, "admin", "zhangli", "12ab"); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("letters in a PIN: %v", err)
	}
	if err := s.SetPIN(ctx, "admin", "zhangli", "246810"); err != nil {
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
