package app

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/internal/testkit"
)

// monthTexts returns the day cells of month m (1–12) as drawn.
func monthTexts(st *settingsScreen, m int) []*canvas.Text {
	box := st.months.Objects[m-1].(*fyne.Container)
	grid := box.Objects[1].(*fyne.Container)
	var out []*canvas.Text
	for _, o := range grid.Objects[7:] {
		if t := o.(*canvas.Text); t.Text != "" {
			out = append(out, t)
		}
	}
	return out
}

func TestSettingsCalendar(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "admin")
	st := ui.sets
	st.year.SetSelected("2026")
	if len(st.months.Objects) != 12 {
		t.Fatalf("%d months drawn", len(st.months.Objects))
	}
	feb := monthTexts(st, 2)
	if len(feb) != 28 {
		t.Fatalf("February 2026 has %d days drawn", len(feb))
	}
	if feb[13].Color != makeupColour || feb[27].Color != makeupColour || feb[15].Color != holidayColour {
		t.Errorf("2026-02-14 and 02-28 should be make-up working days, 02-16 a holiday: %v %v %v", feb[13].Color, feb[27].Color, feb[15].Color)
	}
	if !strings.Contains(st.calNote.Text, "已载入") {
		t.Errorf("note %q", st.calNote.Text)
	}
	st.importSchedule([]byte(`{"year":2027,"papers":["x"],"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true},{"name":"春节","date":"2027-02-07","isOffDay":false}]}`))
	if st.year.Selected != "2027" || !strings.Contains(st.calNote.Text, "已导入 2027") {
		t.Errorf("after import: year %s, note %q", st.year.Selected, st.calNote.Text)
	}
	jan := monthTexts(st, 1)
	if jan[0].Color != holidayColour || monthTexts(st, 2)[6].Color != makeupColour {
		t.Error("the imported year is not drawn")
	}
	st.importSchedule([]byte(`{"year":2027,"days":[{"date":"2031-01-01","isOffDay":true}]}`))
	if !strings.Contains(st.calNote.Text, "2031-01-01") {
		t.Errorf("a bad file: %q", st.calNote.Text)
	}
	// An administrator may set PINs.
	for _, o := range st.userBox.Objects {
		if row, ok := o.(*fyne.Container); ok {
			if b := row.Objects[1].(*widget.Button); b.Disabled() {
				t.Error("an administrator cannot set a PIN")
			}
		}
	}
}

func TestSettingsForAClerk(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "zhangli")
	rows := 0
	for _, o := range ui.sets.userBox.Objects {
		if row, ok := o.(*fyne.Container); ok {
			rows++
			if b := row.Objects[1].(*widget.Button); !b.Disabled() {
				t.Error("a clerk is offered to set PINs")
			}
		}
	}
	if rows != 9 {
		t.Errorf("%d users listed", rows)
	}
}

func TestSettingsAddWindowAndUser(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "admin")
	o := ui.sets.org
	o.saveWindow("D01", "税务综合窗口")
	if !strings.Contains(o.winList.Text, "D01　税务综合窗口") || o.msg.Text != "已保存。" {
		t.Fatalf("window list %q, message %q", o.winList.Text, o.msg.Text)
	}
	o.saveDepartment("SWJ", "税务局")
	if !strings.Contains(o.depList.Text, "SWJ　税务局") {
		t.Errorf("department list %q", o.depList.Text)
	}
	o.saveWindow("", "无编码")
	if !strings.Contains(o.msg.Text, "窗口编号") {
		t.Errorf("a window without a code: %q", o.msg.Text)
	}
	o.save(func(ctx context.Context, actor int64) error {
		_, err := s.AddUser(ctx, actor, data.User{Login: "sunli", Name: "孙丽", Role: data.RoleClerk}, "567890")
		return err
	})
	if _, err := s.Login(context.Background(), "sunli", "567890"); err != nil {
		t.Errorf("the new user cannot log in: %v", err)
	}
	// A clerk's attempt is refused by the store, whatever the screen shows.
	clerkUI := loggedIn(t, s, "zhangli")
	clerkUI.sets.org.saveWindow("D02", "某窗口")
	if !strings.Contains(clerkUI.sets.org.msg.Text, "只有管理员") {
		t.Errorf("a clerk adding a window: %q", clerkUI.sets.org.msg.Text)
	}
}

func TestSettingsItems(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "admin")
	is := ui.sets.items
	if len(is.items) < 30 || len(is.deps) == 0 {
		t.Fatalf("%d items, %d departments", len(is.items), len(is.deps))
	}
	it := is.items[0].item
	it.Promised = 1
	is.save(it)
	if !strings.Contains(is.msg.Text, "已保存") {
		t.Fatalf("save: %q", is.msg.Text)
	}
	items, _ := s.Items(context.Background())
	if items[0].Promised != 1 {
		t.Errorf("stored promise %d", items[0].Promised)
	}
	it.Promised = it.Statutory + 1
	is.save(it)
	if !strings.Contains(is.msg.Text, "承诺时限") {
		t.Errorf("promise over the statutory limit: %q", is.msg.Text)
	}
}

func TestSettingsSite(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "admin")
	st := ui.sets
	if st.siteCode.Text != "330102001" || st.siteKind.SelectedIndex() != 0 {
		t.Fatalf("site form %q %d", st.siteCode.Text, st.siteKind.SelectedIndex())
	}
	st.siteName.SetText("示例县政务服务中心")
	st.saveSite()
	if st.siteMsg.Text != "已保存。" || !strings.Contains(ui.win.Title(), "示例县政务服务中心") {
		t.Errorf("saved: %q, title %q", st.siteMsg.Text, ui.win.Title())
	}
	st.siteCode.SetText("12")
	st.saveSite()
	if !strings.Contains(st.siteMsg.Text, "站点编码") {
		t.Errorf("bad code: %q", st.siteMsg.Text)
	}
}

func TestSettingsFees(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "admin")
	fs := ui.sets.fees
	ctx := context.Background()
	if len(fs.fees) < 4 || len(fs.policies) < 4 || fs.days.Text != "5" {
		t.Fatalf("%d fees, %d policies, rectification days %q", len(fs.fees), len(fs.policies), fs.days.Text)
	}
	// A new schedule that overlaps the one in force is refused by the store
	// with the field named; ending the old one first lets it in.
	old := fs.fees[0]
	fs.saveFee(data.FeeItem{Code: old.Code, Name: old.Name, Unit: old.Unit, Basis: "示例价〔2027〕1号"}, "95.5", "2027-01-01", "")
	if !strings.Contains(fs.msg.Text, "生效日期") || !strings.Contains(fs.msg.Text, "重叠") {
		t.Fatalf("overlapping schedule: %q", fs.msg.Text)
	}
	old.ValidTo = 0
	fs.saveFee(old, strings.TrimSuffix(data.Yuan(old.AmountFen), " 元"), old.ValidFrom.String(), "2026-12-31")
	fs.saveFee(data.FeeItem{Code: old.Code, Name: old.Name, Unit: old.Unit, Basis: "示例价〔2027〕1号"}, "95.5", "2027-01-01", "")
	if !strings.Contains(fs.msg.Text, "已保存") {
		t.Fatalf("new schedule: %q", fs.msg.Text)
	}
	fees, _ := s.FeeItems(ctx)
	found := false
	for _, f := range fees {
		if f.Code == old.Code && f.AmountFen == 9550 && f.ValidFrom.String() == "2027-01-01" {
			found = true
		}
	}
	if !found || len(fs.fees) != len(fees) {
		t.Errorf("the new schedule is not stored or not listed: %+v", fees)
	}
	for _, bad := range []struct{ amount, from, to, want string }{
		{"-1", "2028-01-01", "", "收费标准"},
		{"1.234", "2028-01-01", "", "收费标准"},
		{"10", "2028-02-30", "", "生效日期"},
		{"10", "2028-01-01", "明年", "失效日期"},
	} {
		fs.saveFee(data.FeeItem{Code: "X-1", Name: "某费", Unit: "件", Basis: "某文"}, bad.amount, bad.from, bad.to)
		if !strings.Contains(fs.msg.Text, bad.want) {
			t.Errorf("%+v: %q", bad, fs.msg.Text)
		}
	}
	// Policies.
	fs.savePolicy(data.WaiverPolicy{Code: "LSJR", Name: "烈属免收证照工本费", Basis: "示例〔2026〕9号"}, "2026-01-01", "2026-12-31")
	ps, _ := s.WaiverPolicies(ctx)
	if len(ps) != len(fs.policies) || !strings.Contains(fs.msg.Text, "LSJR") {
		t.Errorf("policy not saved or listed: %q", fs.msg.Text)
	}
	fs.savePolicy(data.WaiverPolicy{Code: "LSJR2", Name: "", Basis: "x"}, "2026-01-01", "")
	if !strings.Contains(fs.msg.Text, "减免政策名称") {
		t.Errorf("policy without a name: %q", fs.msg.Text)
	}
	// Which fees an item charges.
	fs.item.SetSelectedIndex(0)
	fs.itemFees.Selected = fs.itemFees.Options[:2]
	fs.saveItemFees()
	links, _ := s.ItemFees(ctx)
	if got := links[fs.items[0].ID]; len(got) != 2 || !strings.Contains(fs.msg.Text, "2 项费用") {
		t.Errorf("item fees %v, message %q", got, fs.msg.Text)
	}
	fs.showItemFees()
	if len(fs.itemFees.Selected) != 2 {
		t.Errorf("ticked after reload: %v", fs.itemFees.Selected)
	}
	// The rectification deadline.
	fs.days.SetText("7")
	fs.saveDays()
	if s.RectifyDays(ctx) != 7 {
		t.Errorf("rectification days %d: %q", s.RectifyDays(ctx), fs.msg.Text)
	}
	fs.days.SetText("40")
	fs.saveDays()
	if !strings.Contains(fs.msg.Text, "整改期限") || s.RectifyDays(ctx) != 7 {
		t.Errorf("40 days: %q", fs.msg.Text)
	}
	// A clerk's screen offers nothing, and the store refuses anyway.
	clerk := loggedIn(t, s, "zhangli").sets.fees
	clerk.days.SetText("3")
	clerk.saveDays()
	if !strings.Contains(clerk.msg.Text, "只有管理员") || s.RectifyDays(ctx) != 7 {
		t.Errorf("a clerk setting the deadline: %q", clerk.msg.Text)
	}
}

type bufCloser struct{ *bytes.Buffer }

func (bufCloser) Close() error { return nil }

// 设置 → 服务事项 → 从电子表格导入: a file with problems shows each with its
// sheet, row and column and changes nothing; a clean one shows what will
// change, imports on 导入 with the new user's PIN slip, and the counter's
// item search offers the new item.
func TestSettingsCatalogueImport(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "admin")
	ui.win.Resize(fyne.NewSize(1100, 720))
	ci := ui.sets.items.io
	const head = "事项编码,事项名称,部门编码,办件类型,法定时限（工作日）,承诺时限（工作日）,申请材料\n"
	ci.check("事项.csv", io.NopCloser(strings.NewReader(head+"SLJ-9,取水许可,SLJ,加急件,20,5,申请书\nSLJ-10,河道审批,SLJ,承诺件,10,12,申请书\nSLJ-11,取水许可,,承诺件,20,5,\n")))
	waitFor(t, "the check", func() bool { return ci.dlg != nil })
	if ci.pending != nil || !strings.Contains(ci.title, "3 处问题") || ci.msg.Importance != widget.DangerImportance {
		t.Fatalf("a bad file: %q pending %v", ci.title, ci.pending != nil)
	}
	for _, want := range []string{"工作表“事项”第 2 行 D 列（办件类型）：不认识的办件类型“加急件”", "工作表“事项”第 3 行 F 列（承诺时限）：不能超过法定时限（10 个工作日）", "工作表“事项”第 4 行 C 列（部门编码）：不能为空"} {
		found := false
		for _, l := range ci.lines {
			found = found || strings.Contains(l, want)
		}
		if !found {
			t.Errorf("the dialog lacks %q: %q", want, ci.lines)
		}
	}
	snap(t, ui.win, "catalogue-import-problems")
	ci.dlg.Hide()
	items, _ := s.Items(context.Background())

	good := "部门编码,部门名称\nSLJ,水利局\n"
	ci.check("部门.csv", io.NopCloser(strings.NewReader(good)))
	waitFor(t, "the second check", func() bool { return ci.pending != nil })
	if !strings.Contains(ci.title, "部门：新增 1、修改 0、不变 0") {
		t.Errorf("summary %q", ci.title)
	}
	ci.dlg.Hide()
	users := "登录名,姓名,角色,窗口编号\nwangwu,王五,窗口人员,A01\n"
	ci.check("人员.csv", io.NopCloser(strings.NewReader(users)))
	waitFor(t, "the third check", func() bool { return ci.pending != nil && ci.newUser == 1 })
	snap(t, ui.win, "catalogue-import-check")
	ci.dlg.Hide()
	var pdf bytes.Buffer
	ci.apply(ci.pending, ci.files, bufCloser{&pdf})
	waitFor(t, "the import", func() bool { return strings.HasPrefix(ci.msg.Text, "已导入") })
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF")) || !strings.Contains(ci.msg.Text, "1 名新用户") {
		t.Errorf("slips %d bytes, message %q", pdf.Len(), ci.msg.Text)
	}
	if u, err := s.UserByLogin(context.Background(), "wangwu"); err != nil || u.Name != "王五" {
		t.Errorf("new user: %+v %v", u, err)
	}
	// An item added from a sheet reaches the counter's search.
	ci.check("事项.csv", io.NopCloser(strings.NewReader(head+"ZJJ-900,城镇污水排入排水管网许可,ZJJ,承诺件,20,5,申请书\n")))
	waitFor(t, "the item check", func() bool { return ci.pending != nil })
	ci.dlg.Hide()
	ci.apply(ci.pending, ci.files, nil)
	waitFor(t, "the item import", func() bool { return strings.HasPrefix(ci.msg.Text, "已导入 1 项") })
	waitFor(t, "the counter's catalogue", func() bool {
		n := 0
		for _, e := range ui.intake.items {
			if e.theme == nil { // the themes (一件事) are listed too
				n++
			}
		}
		return n == len(items)+1
	})
	if m := matchItems(ui.intake.items, "czws"); len(m) != 1 || ui.intake.items[m[0]].item.Code != "ZJJ-900" {
		t.Errorf("the counter finds %v for czws", m)
	}
	// The settings list filters as the counter does.
	is := ui.sets.items
	waitFor(t, "the settings list", func() bool { return len(is.items) == len(items)+1 })
	is.filter.SetText("czws")
	if len(is.shown) != 1 || is.items[is.shown[0]].item.Code != "ZJJ-900" {
		t.Errorf("filter shows %v", is.shown)
	}
	is.filter.SetText("")
	if len(is.shown) != len(is.items) {
		t.Errorf("an empty filter shows %d of %d", len(is.shown), len(is.items))
	}
	// The other tabs show what the import added, and the user it added
	// can log in after a logout, without a restart.
	waitFor(t, "the users tab", func() bool {
		for _, u := range ui.sets.users {
			if u.Login == "wangwu" {
				return true
			}
		}
		return false
	})
	ui.logout()
	waitFor(t, "the login list", func() bool {
		for _, u := range ui.login.users {
			if u.Login == "wangwu" {
				return true
			}
		}
		return false
	})
}

// snap saves the window as a PNG into ONEWINDOW_SCREENSHOTS when it is
// set, to be looked at.
func snap(t *testing.T, w fyne.Window, name string) {
	dir := os.Getenv("ONEWINDOW_SCREENSHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

func TestSettingsUsersFilter(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "admin")
	st := ui.sets
	rows := func() int {
		n := 0
		for _, o := range st.userBox.Objects {
			if _, ok := o.(*fyne.Container); ok {
				n++
			}
		}
		return n
	}
	all := rows()
	for q, want := range map[string]int{"zl": 1, "张丽": 1, "zhang": 1, "chen": 2, "": all, "nobody": 0} {
		st.userFind.SetText(q)
		if got := rows(); got != want {
			t.Errorf("filter %q shows %d users, want %d", q, got, want)
		}
	}
}
