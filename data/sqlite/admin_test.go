package sqlite_test

import (
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/internal/testkit"
)

func TestAdminSettings(t *testing.T) {
	s, _ := testkit.Open(t)
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
	u, err := s.AddUser(ctx, admin.ID, data.User{Login: "sunli", Name: "孙丽", Role: data.RoleClerk, WindowID: w.ID}, "567890")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Login(ctx, "sunli", "567890"); err != nil || got.ID != u.ID || got.WindowID != w.ID {
		t.Errorf("new user's login: %+v %v", got, err)
	}
	if _, err := s.AddUser(ctx, admin.ID, data.User{Login: "x", Name: "某", Role: data.RoleClerk}, "12"); !strings.Contains(data.ErrorMessage(err), "PIN") {
		t.Errorf("short PIN: %v", err)
	}
	if _, err := s.AddUser(ctx, f.super.ID, data.User{Login: "y", Name: "某", Role: data.RoleAdmin}, "123456"); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a supervisor adding an admin: %v", err)
	}
	if r, _ := s.Verify(ctx); !r.OK() || count(t, testkit.RawDB(t, s.Path()), "SELECT count(*) FROM audit WHERE action IN ('window.save','department.save','user.add')") != 4 {
		t.Errorf("audit after the changes: %+v", r)
	}
}

func TestSaveItem(t *testing.T) {
	s, c := testkit.Open(t)
	f := load(t, s)
	admin, _ := s.UserByLogin(ctx, "admin")
	deps, err := s.Departments(ctx)
	if err != nil || len(deps) == 0 {
		t.Fatal(err)
	}
	it, err := s.SaveItem(ctx, admin.ID, data.ServiceItem{Code: "SWJ-001", Name: "税务登记", DepartmentID: deps[0].ID,
		Kind: data.KindPromised, Statutory: 10, Promised: 3, Materials: []string{"登记表", "营业执照"}})
	if err != nil || it.ID == 0 {
		t.Fatalf("add item: %v", err)
	}
	items, _ := s.Items(ctx)
	if !containsItem(items, "税务登记") {
		t.Error("new item not listed")
	}
	if _, err := s.SaveItem(ctx, admin.ID, data.ServiceItem{Code: "X", Name: "x", DepartmentID: deps[0].ID, Kind: data.KindPromised, Statutory: 5, Promised: 6}); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("promised over statutory: %v", err)
	}
	if _, err := s.SaveItem(ctx, f.clerk.ID, it); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk changing the catalogue: %v", err)
	}
	// A changed promise applies to new applications; a case received before
	// keeps the promise it was given (and printed on its receipt).
	c.Set("2026-03-02 09:00")
	in := f.intake("个体工商户登记", data.DecideAccept)
	in.ItemID, in.Materials = it.ID, it.Materials
	app, err := s.Register(ctx, f.clerk.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	it.Promised = 5
	if _, err := s.SaveItem(ctx, admin.ID, it); err != nil {
		t.Fatal(err)
	}
	old, _ := s.Case(ctx, app.Number)
	r, _ := s.Clock(ctx, &old, calendar.NewDate(2026, 3, 2))
	if old.Limits().Promised != 3 || r.Promised.Due.String() != "2026-03-05" {
		t.Errorf("the earlier case: limits %+v, due %s; want 3 days, 2026-03-05", old.Limits(), r.Promised.Due)
	}
	fresh, err := s.Register(ctx, f.clerk.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Limits().Promised != 5 {
		t.Errorf("a new case: %+v", fresh.Limits())
	}
}

func containsItem(items []data.ServiceItem, name string) bool {
	for _, it := range items {
		if it.Name == name {
			return true
		}
	}
	return false
}

func TestSaveSite(t *testing.T) {
	s, _ := testkit.Open(t)
	f := load(t, s)
	admin, _ := s.UserByLogin(ctx, "admin")
	if err := s.SaveSite(ctx, admin.ID, data.Site{Code: "330106001", Name: "西湖区行政服务中心", Kind: data.SiteCentre}); err != nil {
		t.Fatal(err)
	}
	if site, _ := s.Site(ctx); site.Code != "330106001" || site.Name != "西湖区行政服务中心" {
		t.Errorf("site %+v", site)
	}
	if err := s.SaveSite(ctx, f.clerk.ID, data.Site{Code: "330106001", Name: "x", Kind: data.SiteCentre}); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk: %v", err)
	}
	app, err := s.Register(ctx, f.clerk.ID, f.intake("个体工商户登记", data.DecideAccept))
	if err != nil || !strings.HasPrefix(app.Number, "330106001") {
		t.Fatalf("number under the new code: %s %v", app.Number, err)
	}
	if err := s.SaveSite(ctx, admin.ID, data.Site{Code: "330106002", Name: "x", Kind: data.SiteCentre}); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("changing the code after a case: %v", err)
	}
	if err := s.SaveSite(ctx, admin.ID, data.Site{Code: "330106001", Name: "西湖区政务服务中心", Kind: data.SiteCentre}); err != nil {
		t.Errorf("renaming after a case: %v", err)
	}
}
