package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// loggedIn starts the program on a test app and logs in through the
// login screen with the sample PIN.
func loggedIn(t *testing.T, s *sqlite.Store, login string) *App {
	t.Helper()
	return loggedInPIN(t, s, login, "1234")
}

// loggedInPIN opens the program on s and logs the user in with pin.
func loggedInPIN(t *testing.T, s Reader, login, pin string) *App {
	t.Helper()
	ui := New(test.NewTempApp(t), s)
	ui.bg.wait = true // the test driver has no UI goroutine of its own
	ui.load()
	waitFor(t, "the users", func() bool { return len(ui.login.users) > 0 })
	for i, u := range ui.login.users {
		if u.Login == login {
			ui.login.user.SetSelectedIndex(i)
		}
	}
	test.Type(ui.login.pin, pin)
	test.Tap(ui.login.button)
	waitFor(t, "the working screens", func() bool { return ui.tabs != nil })
	return ui
}

func TestLoginScreen(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := New(test.NewTempApp(t), s)
	ui.bg.wait = true // the test driver has no UI goroutine of its own
	ui.load()
	waitFor(t, "the users", func() bool { return len(ui.login.users) > 0 })
	test.Tap(ui.login.button)
	if !strings.Contains(ui.login.msg.Text, "选择经办人") {
		t.Errorf("no user chosen: %q", ui.login.msg.Text)
	}
	for i, u := range ui.login.users {
		if u.Login == "zhangli" {
			ui.login.user.SetSelectedIndex(i)
		}
	}
	test.Type(ui.login.pin, "9999")
	test.Tap(ui.login.button)
	waitFor(t, "the refusal", func() bool { return strings.Contains(ui.login.msg.Text, "PIN：不正确") })
	if ui.tabs != nil {
		t.Fatal("logged in with a wrong PIN")
	}
	test.Type(ui.login.pin, "1234")
	test.Tap(ui.login.button)
	waitFor(t, "the working screens", func() bool { return ui.tabs != nil })
	waitFor(t, "the title", func() bool {
		return strings.Contains(ui.win.Title(), "示例县行政服务中心") && strings.Contains(ui.win.Title(), "A01") && strings.Contains(ui.win.Title(), "张丽")
	})
}

func TestIntakeRegistersACase(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "zhangli")
	f := ui.intake
	waitFor(t, "the catalogue", func() bool { return len(f.items) > 0 })
	test.Type(f.search, "spjy") // pinyin initials of 食品经营许可
	if len(f.matches) != 1 || f.items[f.matches[0]].item.Name != "食品经营许可" {
		t.Fatalf("spjy matched %d items", len(f.matches))
	}
	f.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if f.selected < 0 || len(f.materials.Selected) != 5 {
		t.Fatalf("item not chosen: %d, %v", f.selected, f.materials.Selected)
	}
	test.Type(f.code, "91350100M000100Y44")
	if !strings.Contains(f.codeNote.Text, "校验位") {
		t.Errorf("a wrong check digit is not flagged while typing: %q", f.codeNote.Text)
	}
	f.code.SetText("")
	test.Type(f.code, "91350100M000100Y43")
	test.Type(f.name, "杭州示例食品有限公司")
	test.Type(f.contact, "周敏")
	test.Type(f.phone, "0571-88886666")
	test.Tap(f.accept)
	waitFor(t, "the result", func() bool { return strings.Contains(f.result.Text, "已受理") })
	apps, err := s.Cases(context.Background(), data.CaseFilter{Order: "id"})
	if err != nil || len(apps) != 1 {
		t.Fatalf("%d cases, %v", len(apps), err)
	}
	a := apps[0]
	if a.Item.Name != "食品经营许可" || a.Applicant.Name != "杭州示例食品有限公司" || a.Applicant.Phone != "0571-88886666" ||
		a.Status != data.StatusAccepted || a.Clerk != "张丽" || a.Window != "A01" || len(a.Events[0].Data.Materials) != 5 {
		t.Errorf("stored case %+v", a)
	}
	if !strings.Contains(f.result.Text, a.Number) || !strings.Contains(f.result.Text, "承诺办结日期") {
		t.Errorf("result %q", f.result.Text)
	}
	if f.code.Text != "" || f.selected != -1 {
		t.Error("the form is not cleared for the next applicant")
	}

	// The next time the same code is typed, the rest fills in by itself.
	test.Type(f.search, "个体工商户")
	f.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(f.code, "91350100m000100y43")
	waitFor(t, "the applicant's details", func() bool { return f.name.Text == "杭州示例食品有限公司" })
	if f.contact.Text != "周敏" || f.phone.Text != "0571-88886666" {
		t.Errorf("filled %q %q", f.contact.Text, f.phone.Text)
	}

	// A missing material: 受理 is refused, 一次性告知补正 records it.
	f.materials.SetSelected(f.materials.Selected[1:])
	test.Tap(f.accept)
	if !strings.Contains(f.result.Text, "一次性告知补正") {
		t.Errorf("accepting with a missing material: %q", f.result.Text)
	}
	test.Tap(f.notify)
	waitFor(t, "the supplement notice", func() bool { return strings.Contains(f.result.Text, "已一次性告知补正") })
	apps, _ = s.Cases(context.Background(), data.CaseFilter{Order: "id"})
	if len(apps) != 2 || apps[1].Status != data.StatusSupplement || len(apps[1].Events[1].Data.Missing) != 1 {
		t.Errorf("supplement case %+v", apps[1])
	}
	// 不予受理 needs a reason.
	test.Type(f.search, "pwxk")
	f.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(f.code, "91350100M000100Y43")
	test.Tap(f.refuse)
	if !strings.Contains(f.result.Text, "理由") {
		t.Errorf("refusal without a reason: %q", f.result.Text)
	}
}

func TestCaseListFiltersAndCaseView(t *testing.T) {
	s := testkit.OpenTemp(t)
	if _, err := demo.Run(context.Background(), s, demo.Options{Cases: 800, Seed: 6}); err != nil {
		t.Fatal(err)
	}
	ui := loggedIn(t, s, "zhangli")
	l := ui.list
	waitFor(t, "the open cases", func() bool { return strings.HasPrefix(l.summary.Text, "共") })
	open := l.total
	all, _ := s.CountCases(context.Background(), data.CaseFilter{})
	if open == 0 || open >= all {
		t.Fatalf("open cases %d of %d", open, all)
	}
	l.status.SetSelectedIndex(0) // 全部状态
	waitFor(t, "all cases", func() bool { return l.total == all && strings.HasPrefix(l.summary.Text, "共") })
	if len(l.rows) != pageSize {
		t.Errorf("%d rows on a page", len(l.rows))
	}
	test.Tap(l.next)
	waitFor(t, "page 2", func() bool { return strings.Contains(l.summary.Text, "第 2 /") })
	l.window.SetSelectedIndex(1) // A01
	waitFor(t, "window A01", func() bool { return l.total < all && strings.HasPrefix(l.summary.Text, "共") })
	for _, r := range l.rows {
		if r.cells[5] != "A01" {
			t.Fatalf("row from window %s under the A01 filter", r.cells[5])
		}
	}
	l.window.SetSelectedIndex(0) // 全部窗口
	l.status.SetSelectedIndex(1) // 未办结
	l.warned.SetChecked(true)
	waitFor(t, "yellow and red cases", func() bool { return strings.HasPrefix(l.summary.Text, "共") })
	if l.total == 0 || l.total >= open {
		t.Errorf("yellow/red filter: %d of %d open cases", l.total, open)
	}
	for _, r := range l.rows {
		if r.promised == clock.Green && r.statute == clock.Green {
			t.Fatalf("%s is green under the yellow/red filter", r.number)
		}
	}
	l.warned.SetChecked(false)
	l.item.SetSelected("食品经营许可")
	waitFor(t, "one item", func() bool { return strings.HasPrefix(l.summary.Text, "共") })
	for _, r := range l.rows {
		if r.cells[4] != "食品经营许可" {
			t.Fatalf("item filter let through %s", r.cells[4])
		}
	}
	l.item.SetSelectedIndex(0)
	l.status.SetSelected(data.StatusPaused.Label())
	waitFor(t, "paused cases", func() bool {
		return strings.HasPrefix(l.summary.Text, "共") && len(l.rows) > 0 && l.rows[0].cells[6] == "暂停计时"
	})

	// The case view offers what a paused case allows, and to a clerk 申请延期
	// instead of 延长.
	v := ui.view
	v.open(l.rows[0].number)
	waitFor(t, "the case view", func() bool { return v.app.Number == l.rows[0].number && len(v.actions.Objects) > 0 })
	var labels []string
	for _, o := range v.actions.Objects {
		labels = append(labels, o.(*widget.Button).Text)
	}
	if strings.Join(labels, ",") != "恢复计时,撤回,申请延期,出具文书……" {
		t.Errorf("actions for a paused case: %v", labels)
	}
	if len(v.app.Events) < 3 || !strings.Contains(eventLine(v.app.Events[len(v.app.Events)-1]), "暂停计时") {
		t.Errorf("timeline %v", v.app.Events)
	}
	v.record(clock.Resumed, data.EventData{})
	waitFor(t, "the resumed case", func() bool { return v.app.Status == data.StatusAccepted })
	labels = nil
	for _, o := range v.actions.Objects {
		labels = append(labels, o.(*widget.Button).Text)
	}
	if strings.Join(labels, ",") != "暂停计时,办结,撤回,申请延期,出具文书……" {
		t.Errorf("actions for an accepted case (clerk): %v", labels)
	}
	if !strings.Contains(v.timing.Text, "承诺期限") {
		t.Errorf("timing %q", v.timing.Text)
	}
}

func TestIntakeEscapeClears(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "zhangli")
	f := ui.intake
	test.Type(f.search, "spjy")
	f.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(f.code, "913501")
	test.Type(f.name, "某公司")
	f.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if f.code.Text != "" || f.name.Text != "" || f.search.Text != "" || f.selected != -1 {
		t.Errorf("Esc in a field left %q %q %q %d", f.search.Text, f.code.Text, f.name.Text, f.selected)
	}
	if ui.win.Canvas().Focused() != f.search {
		t.Error("after Esc the cursor should be in the item search")
	}
}

// On a real site a user still holding the sample PIN chooses their own at
// the first login, before any working screen opens.
func TestFirstLoginChoosesPIN(t *testing.T) {
	s := testkit.OpenTemp(t)
	if err := s.ClaimSite(context.Background(), "135790"); err != nil {
		t.Fatal(err)
	}
	ui := New(test.NewTempApp(t), s)
	ui.bg.wait = true
	ui.load()
	waitFor(t, "the users", func() bool { return len(ui.login.users) > 0 })
	for i, u := range ui.login.users {
		if u.Login == "zhangli" {
			ui.login.user.SetSelectedIndex(i)
		}
	}
	test.Type(ui.login.pin, "1234")
	test.Tap(ui.login.button)
	if !ui.login.changeForm.Visible() || ui.tabs != nil || !strings.Contains(ui.login.msg.Text, "首次登录") {
		t.Fatalf("no PIN choice after the sample PIN: %q", ui.login.msg.Text)
	}
	test.Type(ui.login.newPIN, "12345")
	test.Type(ui.login.again, "12345")
	test.Tap(ui.login.button)
	if !strings.Contains(ui.login.msg.Text, "6 到 8 位") || ui.tabs != nil {
		t.Fatalf("a 5-digit PIN: %q", ui.login.msg.Text)
	}
	ui.login.newPIN.SetText("")
	ui.login.again.SetText("")
	test.Type(ui.login.newPIN, "864209")
	test.Type(ui.login.again, "864200")
	test.Tap(ui.login.button)
	if !strings.Contains(ui.login.msg.Text, "不一致") || ui.tabs != nil {
		t.Fatalf("two different PINs: %q", ui.login.msg.Text)
	}
	ui.login.again.SetText("")
	test.Type(ui.login.again, "864209")
	test.Tap(ui.login.button)
	waitFor(t, "the working screens", func() bool { return ui.tabs != nil })
	if _, err := s.Login(context.Background(), "zhangli", "864209"); err != nil {
		t.Errorf("the chosen PIN: %v", err)
	}
	if u, err := s.Login(context.Background(), "zhangli", "864209"); err != nil || u.MustChange {
		t.Errorf("still asked to change: %+v %v", u, err)
	}
}
