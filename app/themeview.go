package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/theme"
)

// 一件事 in the case view: a case that belongs to a theme opens the whole
// thing — its clock against the theme's limit with its traffic light, its
// items side by side (department, case, status, days), 统一出件 once every
// item is done, and the theme's two papers.

// themeStore is what the theme view needs.
type themeStore interface {
	ThemeCase(ctx context.Context, number string, today calendar.Date) (theme.Case, error)
	DeliverTheme(ctx context.Context, number string, actorID int64, method string) (theme.Case, error)
}

// openTheme shows the theme case with number over the case view.
func (v *caseView) openTheme(number string) {
	today := calendar.DateOf(v.now())
	v.bg.run(func() {
		tc, err := v.store.ThemeCase(context.Background(), number, today)
		fyne.Do(func() {
			if err != nil {
				v.msg.SetText(problem(err))
				return
			}
			v.showTheme(tc)
		})
	})
}

// themeClockText is the whole thing's clock for a person.
func themeClockText(tc theme.Case) string {
	if !tc.Clock.Started {
		return fmt.Sprintf(lang.L("一件事承诺 %d 个工作日，自第一个事项受理之日起计算；尚无事项受理。"), tc.Theme.Limit)
	}
	t := tc.Track()
	s := fmt.Sprintf(lang.L("一件事承诺 %d 个工作日：起算日 %s，到期 %s，已用 %d 日"), t.Limit, tc.Clock.Start, t.Due, t.Used)
	switch {
	case tc.Clock.Open && t.Remaining >= 0:
		s += fmt.Sprintf(lang.L("，剩余 %d 日（%s）"), t.Remaining, warningLabel(t.Warning))
	case tc.Clock.Open:
		s += fmt.Sprintf(lang.L("，已超期 %d 日（%s）"), -t.Remaining, warningLabel(t.Warning))
	case t.OnTime != nil && *t.OnTime:
		s += lang.L("，按期办结")
	case t.OnTime != nil:
		s += lang.L("，超期办结")
	}
	return s
}

// themeRows are the theme's items side by side: item, department, case,
// and status with days (used of the promise), or what the item waits for.
func themeRows(tc theme.Case) [][]string {
	rows := [][]string{{lang.L("事项"), lang.L("部门"), lang.L("办件编号"), lang.L("状态与用时")}}
	for _, m := range tc.Members {
		row := []string{m.Step.Item.Name, m.Step.Item.Department, "—", ""}
		switch {
		case m.App == nil && tc.Blocked(m.Step):
			row[3] = lang.L("未启动（前置事项未予许可）")
		case m.App == nil:
			row[3] = fmt.Sprintf(lang.L("待%s办结"), tc.Theme.Step(m.Step.After).Item.Name)
		default:
			row[2], row[3] = m.App.Number, lang.L(m.App.Status.Label())
			if theme.Denied(m.App) {
				row[3] += lang.L("（不予许可）")
			}
			if m.Clock.Started {
				row[3] += "　" + fmt.Sprintf(lang.L("%d / %d 日"), m.Clock.Promised.Used, m.Clock.Promised.Limit)
				if m.Clock.Open {
					row[3] += "（" + warningLabel(m.Clock.Promised.Warning) + "）"
				}
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func (v *caseView) showTheme(tc theme.Case) {
	head := wrapped(fmt.Sprintf(lang.L("%s（%s）　主题件 %s　%s\n申请人：%s"), tc.Theme.Name, tc.Theme.Code, tc.Number, lang.L(tc.Status.Label()), tc.Applicant.Name))
	clockLine := wrapped(themeClockText(tc))
	// Four columns: an 800-wide screen has room for four case numbers' width.
	grid := container.NewGridWithColumns(4)
	var dlg dialog.Dialog
	for i, row := range themeRows(tc) {
		for j, cell := range row {
			switch {
			case i == 0:
				grid.Add(bold(cell))
			case j == 2 && cell != "—":
				number := cell
				b := widget.NewButton(number, func() { dlg.Hide(); v.open(number) })
				b.Importance = widget.LowImportance
				grid.Add(b)
			default:
				grid.Add(truncatedLabel(cell))
			}
		}
	}
	msg := wrapped("")
	show := func(text string, imp widget.Importance) { msg.Importance = imp; msg.SetText(text) }
	print := func(kind data.DocKind) *widget.Button {
		return widget.NewButton(fmt.Sprintf(lang.L("打印%s"), lang.L(kind.Title())), func() {
			v.desk.issue(tc.Number, kind, render.Options{Size: render.A4}, false, show)
		})
	}
	buttons := container.NewHBox(print(data.DocThemeAccept))
	if tc.Supplementing() {
		buttons.Add(print(data.DocThemeSupplement))
	}
	done := tc.Status == theme.StatusCompleted || tc.Status == theme.StatusDelivered
	if done {
		buttons.Add(print(data.DocThemeComplete))
	}
	if tc.Theme.Together && tc.Status == theme.StatusCompleted && !v.readOnly {
		for _, method := range []string{data.MethodPickup, data.MethodPost} {
			label := lang.L("统一出件（自取）")
			if method == data.MethodPost {
				label = lang.L("统一出件（邮寄）")
			}
			b := widget.NewButton(label, func() { v.deliverTheme(tc.Number, method, dlg) })
			b.Importance = widget.HighImportance
			buttons.Add(b)
		}
	}
	if v.readOnly {
		buttons.Objects = nil
	}
	note := ""
	if tc.Theme.Together {
		note = lang.L("办理结果统一出件：全部事项办结后一并交付。")
	}
	content := container.NewBorder(container.NewVBox(head, clockLine, wrapped(note)), container.NewVBox(msg, container.NewHScroll(buttons)), nil, nil,
		container.NewVScroll(grid))
	dlg = dialog.NewCustom(lang.L("一件事"), lang.L("关闭"), content, v.win)
	dlg.Resize(dialogSize(v.win, 860, 520))
	dlg.Show()
}

// deliverTheme hands the theme's results over together, then shows it again.
func (v *caseView) deliverTheme(number, method string, dlg dialog.Dialog) {
	actor := v.session().ID
	v.bg.run(func() {
		tc, err := v.store.DeliverTheme(context.Background(), number, actor, method)
		fyne.Do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("%s", problem(err)), v.win)
				return
			}
			dlg.Hide()
			v.showTheme(tc)
			if v.app.Number != "" {
				v.open(v.app.Number) // the case view shows it delivered
			}
			if v.onDone != nil {
				v.onDone()
			}
		})
	})
}

// themeLine is the case view's line about the theme the case belongs to.
func themeLine(app data.Application) string {
	if app.ThemeNumber == "" {
		return ""
	}
	return strings.TrimSpace(fmt.Sprintf(lang.L("属于一件事：主题件 %s（Ctrl+T 查看全部事项）"), app.ThemeNumber))
}
