package data_test

import (
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
)

func TestAdminSettings(t *testing.T) {
	s, _ := MustOpen(t)
	f := load(t, s)
	admin, err := s.UserByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.SaveWindow(ctx, admin.ID, data.Window{Code: "D01", Name: "税务综合窗口"})
	if err != nil || w.ID == 0 {
		t.Fatalf("add window: %+v %v", w, err)
	}
	w.Name = "税务综合服务窗口"
	if _, err := s.SaveWindow(ctx, admin.ID, w); err != nil {
		t.Fatal(err)
	}
	wins, _ := s.Windows(ctx)
	found := false
	for _, x := range wins {
		found = found || (x.Code == "D01" && x.Name == "税务综合服务窗口")
	}
	if !found {
		t.Errorf("renamed window not found in %v", wins)
	}
	if _, err := s.SaveWindow(ctx, admin.ID, data.Window{Code: "D01", Name: "重复"}); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("duplicate window code: %v", err)
	}
	if _, err := s.SaveWindow(ctx, f.clerk.ID, data.Window{Code: "D02", Name: "x"}); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk adding a window: %v", err)
	}
	if _, err := s.SaveWindow(ctx, admin.ID, data.Window{ID: 999, Code: "D03", Name: "x"}); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("renaming a missing window: %v", err)
	}
	d, err := s.SaveDepartment(ctx, admin.ID, data.Department{Code: "SWJ", Name: "税务局"})
	if err != nil || d.ID == 0 {
		t.Fatalf("add department: %v", err)
	}
	u, err := s.AddUser(ctx, admin.ID, data.User{Login: "sunli", Name: "孙丽", Role: data.RoleClerk, WindowID: w.ID}, "5678")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Login(ctx, "sunli", "5678"); err != nil || got.ID != u.ID || got.WindowID != w.ID {
		t.Errorf("new user's login: %+v %v", got, err)
	}
	if _, err := s.AddUser(ctx, admin.ID, data.User{Login: "x", Name: "某", Role: data.RoleClerk}, "12"); !strings.Contains(data.ErrorMessage(err), "PIN") {
		t.Errorf("short PIN: %v", err)
	}
	if _, err := s.AddUser(ctx, f.super.ID, data.User{Login: "y", Name: "某", Role: data.RoleAdmin}, "1234"); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a supervisor adding an admin: %v", err)
	}
	if r, _ := s.Verify(ctx); !r.OK() || count(t, rawDB(t, s), "SELECT count(*) FROM audit WHERE action IN ('window.save','department.save','user.add')") != 4 {
		t.Errorf("audit after the changes: %+v", r)
	}
}
