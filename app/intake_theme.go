package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/theme"
)

// 一件事 at the counter: a theme is picked like an item (name, code,
// pinyin initials); its merged checklist lists every material once; 受理
// registers one case per item that starts at intake, and the store puts
// into 补正 only the items that lack something.

// chosenTheme is the theme chosen, or nil (an item, or nothing).
func (f *intakeScreen) chosenTheme() *theme.Theme {
	if f.selected < 0 || f.selected >= len(f.items) {
		return nil
	}
	return f.items[f.selected].theme
}

// chooseTheme shows the theme's items, its limit and its merged checklist.
func (f *intakeScreen) chooseTheme(th theme.Theme) {
	f.fees = nil
	f.offer.Hide()
	var lines []string
	for _, st := range th.Steps {
		line := fmt.Sprintf(lang.L("·%s（%s，承诺 %d 个工作日）"), st.Item.Name, st.Item.Department, st.Item.Promised)
		if st.Item.Kind == data.KindImmediate {
			line = fmt.Sprintf(lang.L("·%s（%s，即办）"), st.Item.Name, st.Item.Department)
		}
		if st.After != "" {
			line += fmt.Sprintf(lang.L("，待%s办结后受理"), th.Step(st.After).Item.Name)
		}
		lines = append(lines, line)
	}
	info := fmt.Sprintf(lang.L("一件事：%s（%s）\n整体承诺 %d 个工作日"), th.Name, th.Code, th.Limit)
	if th.Together {
		info += lang.L("，办结后统一出件")
	}
	info += "\n" + strings.Join(lines, "\n")
	if shared := th.Shared(); len(shared) > 0 {
		info += "\n" + fmt.Sprintf(lang.L("共用材料（只收一份）：%s"), strings.Join(shared, lang.L("、")))
	}
	f.itemInfo.SetText(info)
	var names []string
	for _, m := range th.Checklist() {
		names = append(names, m.Name)
	}
	f.materials.SetOptions(names)
	f.materials.SetSelected(names)
	if f.kind.Selected == "" {
		f.kind.SetSelected(lang.L(applicantKinds[0].label))
	}
	if f.focus != nil {
		f.focus(f.code)
	}
}

// submitTheme registers the theme in the background and reports each
// item's fate.
func (f *intakeScreen) submitTheme(th theme.Theme, in data.Intake) {
	clerk := f.session().ID
	ti := theme.Intake{ThemeID: th.ID, Applicant: in.Applicant, WindowID: in.WindowID, Materials: in.Materials, Proofs: in.Proofs}
	f.setBusy(true)
	f.bg.run(func() {
		tc, err := f.store.RegisterTheme(context.Background(), clerk, ti)
		fyne.Do(func() {
			f.setBusy(false)
			if err != nil {
				f.showError(err)
				return
			}
			f.clear()
			f.result.Importance = widget.SuccessImportance
			f.result.SetText(themeMessage(tc))
			// One 受理通知书 for the whole theme (Ctrl+P).
			f.last, f.lastTheme = data.Application{}, tc.Number
			f.printMsg.SetText("")
			f.printBtn.SetText(fmt.Sprintf(lang.L("打印%s（Ctrl+P）"), lang.L(data.DocThemeAccept.Title())))
			f.printBtn.Show()
			if f.autoPrint != nil && f.autoPrint() {
				f.printLast()
			}
			for _, m := range tc.Members {
				if m.App != nil && f.onSaved != nil {
					f.onSaved(*m.App)
				}
			}
			if f.focus != nil {
				f.focus(f.search)
			}
		})
	})
}

// themeMessage says what became of each item of a theme just registered.
func themeMessage(tc theme.Case) string {
	var b strings.Builder
	fmt.Fprintf(&b, lang.L("已受理一件事“%s”。主题件编号 %s"), tc.Theme.Name, tc.Number)
	if tc.Clock.Started {
		t := tc.Track()
		fmt.Fprintf(&b, lang.L("\n整体承诺办结日期 %s（%d 个工作日）"), t.Due, t.Limit)
	}
	for _, m := range tc.Members {
		b.WriteString("\n")
		switch {
		case m.App == nil:
			fmt.Fprintf(&b, lang.L("%s：待%s办结后受理"), m.Step.Item.Name, tc.Theme.Step(m.Step.After).Item.Name)
		case m.App.Status == data.StatusAccepted:
			fmt.Fprintf(&b, lang.L("%s：已受理，办件编号 %s，承诺办结 %s"), m.Step.Item.Name, m.App.Number, m.Clock.Promised.Due)
		case m.App.Status == data.StatusSupplement:
			fmt.Fprintf(&b, lang.L("%s：需补正 %s，办件编号 %s"), m.Step.Item.Name, strings.Join(m.App.Events[len(m.App.Events)-1].Data.Missing, lang.L("、")), m.App.Number)
		default:
			fmt.Fprintf(&b, lang.L("%s：%s，办件编号 %s"), m.Step.Item.Name, lang.L(m.App.Status.Label()), m.App.Number)
		}
	}
	return b.String()
}
