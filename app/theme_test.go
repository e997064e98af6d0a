package app

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/theme"
	"github.com/onewindow/onewindow/internal/testkit"
)

// 一件事 at the counter: 开办餐饮店 found by its pinyin initials, above
// the items; its checklist lists each material once and does not ask for
// the business licence the theme issues; with 住所使用证明 left unticked,
// Enter registers the theme: the business licence goes into 补正 for it
// alone, the two items waiting for the licence are listed as waiting,
// and the form is cleared for the next applicant.
func TestIntakeRegistersATheme(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "zhangli")
	f := ui.intake
	waitFor(t, "the catalogue", func() bool { return len(f.items) > 0 })
	test.Type(f.search, "kbcyd")
	if len(f.matches) != 1 || f.items[f.matches[0]].theme == nil {
		t.Fatalf("kbcyd matched %d entries", len(f.matches))
	}
	f.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	th := f.chosenTheme()
	if th == nil || th.Code != "YJS-KBCYD" {
		t.Fatalf("theme not chosen: %v", th)
	}
	if !strings.Contains(f.itemInfo.Text, "整体承诺 12 个工作日") || !strings.Contains(f.itemInfo.Text, "待企业设立登记办结后受理") {
		t.Errorf("theme info %q", f.itemInfo.Text)
	}
	mats := f.materials.Selected
	if slices.Contains(mats, "营业执照") || len(mats) != len(slices.Compact(slices.Sorted(slices.Values(mats)))) {
		t.Errorf("checklist %v", mats)
	}
	var handed []string
	for _, m := range mats {
		if m != "住所使用证明" {
			handed = append(handed, m)
		}
	}
	f.materials.SetSelected(handed)
	test.Type(f.code, "91350100M000100Y43")
	test.Type(f.name, "杭州示例餐饮有限公司")
	test.Type(f.phone, "0571-88886666")
	snap(t, ui.win, "intake-theme")
	f.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitFor(t, "the result", func() bool { return strings.Contains(f.result.Text, "主题件编号") })
	if !strings.Contains(f.result.Text, "企业设立登记：需补正 住所使用证明") || !strings.Contains(f.result.Text, "食品经营许可：待企业设立登记办结后受理") {
		t.Errorf("result %q", f.result.Text)
	}
	snap(t, ui.win, "intake-theme-registered")
	// Ctrl+P prints the theme's one 受理通知书.
	if !f.printBtn.Visible() || !strings.Contains(f.printBtn.Text, "一件事受理通知书") {
		t.Errorf("print button %q (visible %v)", f.printBtn.Text, f.printBtn.Visible())
	}
	f.printLast()
	waitFor(t, "the notice", func() bool { return strings.Contains(f.printMsg.Text, "一件事受理通知书") })
	if f.selected != -1 || f.code.Text != "" {
		t.Error("the form is not cleared")
	}
	list, err := s.ThemeCases(context.Background(), 0, 0, calendar.DateOf(s.Now()))
	if err != nil || len(list) != 1 {
		t.Fatalf("%d theme cases, %v", len(list), err)
	}
	tc := list[0]
	if !strings.Contains(f.result.Text, tc.Number) || tc.Members[0].App == nil || tc.Members[0].App.Status != data.StatusSupplement ||
		tc.Members[0].App.Applicant.Name != "杭州示例餐饮有限公司" {
		t.Errorf("stored theme %s: %+v", tc.Number, tc.Members[0].App)
	}
	// Refusing a theme as a whole is not a decision at the counter.
	test.Type(f.search, "kbcyd")
	f.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(f.code, "91350100M000100Y43")
	test.Type(f.name, "杭州示例餐饮有限公司")
	test.Type(f.reason, "不符合条件")
	test.Tap(f.refuse)
	waitFor(t, "the refusal", func() bool { return strings.Contains(f.result.Text, "一件事不能整体不予受理") })
}

// The case view of a theme's item says which 主题件 it belongs to, and
// Ctrl+T (or its button) shows the whole thing: its clock against the
// theme's limit, its items side by side (the two waiting for the licence
// say so); once every item is done, 统一出件 hands the results over
// together and the items show as delivered.
func TestCaseViewShowsTheTheme(t *testing.T) {
	s := testkit.OpenTemp(t)
	ctx := context.Background()
	clerk, _ := s.UserByLogin(ctx, "zhangli")
	themes, _ := s.Themes(ctx)
	var th theme.Theme
	for _, x := range themes {
		if x.Code == "YJS-KBCYD" {
			th = x
		}
	}
	var handed []string
	for _, m := range th.Checklist() {
		handed = append(handed, m.Name)
	}
	tc, err := s.RegisterTheme(ctx, clerk.ID, theme.Intake{ThemeID: th.ID, WindowID: clerk.WindowID, Materials: handed,
		Applicant: data.Applicant{Kind: data.ApplicantEnterprise, Name: "杭州示例餐饮有限公司", IDCode: "91350100M000100Y43", Phone: "0571-88886666"}})
	if err != nil {
		t.Fatal(err)
	}
	licence := tc.Members[0].App.Number
	ui := loggedIn(t, s, "zhangli")
	v := ui.view
	v.open(licence)
	waitFor(t, "the case", func() bool { return v.visible() && v.app.Number == licence })
	if !strings.Contains(v.header.Text, "主题件 "+tc.Number) {
		t.Errorf("header %q", v.header.Text)
	}
	overlay := func(want string) bool {
		for _, o := range ui.win.Canvas().Overlays().List() {
			if strings.Contains(drawnTexts(t, o), want) {
				return true
			}
		}
		return false
	}
	ui.intake.search.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierControl})
	waitFor(t, "the theme", func() bool {
		return overlay("一件事承诺 12 个工作日") && overlay("待企业设立登记办结")
	})
	snap(t, ui.win, "caseview-theme")
	ui.win.Canvas().Overlays().Top().Hide()
	// Every item done: 统一出件 from the theme view.
	granted := data.Event{Kind: clock.Completed, Data: data.EventData{Result: data.ResultGranted}}
	if _, err := s.Record(ctx, licence, clerk.ID, granted); err != nil {
		t.Fatal(err)
	}
	tc, _ = s.ThemeCase(ctx, tc.Number, calendar.DateOf(s.Now()))
	for _, m := range tc.Members[1:] {
		if _, err := s.Record(ctx, m.App.Number, clerk.ID, granted); err != nil {
			t.Fatal(err)
		}
	}
	v.openTheme(tc.Number)
	waitFor(t, "the done theme", func() bool { return overlay("统一出件（自取）") })
	b := find(t, ui.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		b, ok := o.(*widget.Button)
		return ok && b.Text == "统一出件（自取）"
	})
	if b == nil {
		t.Fatal("no 统一出件 button")
	}
	test.Tap(b.(*widget.Button))
	var done theme.Case
	waitFor(t, "the delivery", func() bool {
		done, _ = s.ThemeCase(ctx, tc.Number, calendar.DateOf(s.Now()))
		return done.Status == theme.StatusDelivered
	})
	for _, m := range done.Members {
		if m.App.Status != data.StatusDelivered {
			t.Errorf("%s %s after 统一出件", m.App.Number, m.App.Status)
		}
	}
}

// 设置 → 一件事: the administrator changes 开办餐饮店's limit in its form;
// the store keeps it and the counter offers the theme with it.
func TestSettingsTheme(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "admin")
	ts := ui.sets.themes
	waitFor(t, "the themes", func() bool { return len(ts.themes) == 3 && len(ts.items) > 0 })
	i := slices.IndexFunc(ts.themes, func(x theme.Theme) bool { return x.Code == "YJS-KBCYD" })
	ts.edit(ts.themes[i])
	top := ui.win.Canvas().Overlays().Top()
	limit := find(t, top, func(o fyne.CanvasObject) bool { e, ok := o.(*widget.Entry); return ok && e.Text == "12" })
	if limit == nil {
		t.Fatal("no limit entry")
	}
	limit.(*widget.Entry).SetText("10")
	snap(t, ui.win, "settings-theme")
	save := find(t, top, func(o fyne.CanvasObject) bool { b, ok := o.(*widget.Button); return ok && b.Text == "保存" })
	test.Tap(save.(*widget.Button))
	waitFor(t, "saved", func() bool { return strings.Contains(ts.msg.Text, "已保存一件事 开办餐饮店") })
	waitFor(t, "the counter", func() bool {
		for _, e := range ui.intake.items {
			if e.theme != nil && e.theme.Code == "YJS-KBCYD" {
				return e.theme.Limit == 10
			}
		}
		return false
	})
}
