package app

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
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
