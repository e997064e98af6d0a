package app

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/theme"
)

// The supervisors' window of a central office on a PostgreSQL server: the
// same login, case list, case view and reports as a site's, over every
// site's cases, and nothing that writes — no intake, no approvals, no
// settings, no exchange (the server imports with `onewindow import
// --watch`), and a case view without actions.

// newCentre builds the main window on a central store that only reads.
func newCentre(a fyne.App, r Reader) *App {
	w := mainWindow(a)
	ui := &App{store: r, win: w, bg: &worker{}}
	ui.desk = &paperDesk{bg: ui.bg, win: w, print: systemPrint, session: ui.session}
	ui.login = newLoginScreen(r, a.Preferences(), ui.onCentreLogin)
	ui.login.focus = func(o fyne.Focusable) { ui.win.Canvas().Focus(o) }
	ui.list = newCaseListScreen(r, func(n string) { ui.view.open(n) })
	ui.list.focus = func(o fyne.Focusable) { ui.win.Canvas().Focus(o) }
	ui.list.table.onEscape = func() { ui.win.Canvas().Focus(ui.list.search) }
	ui.list.window.Hide() // every site's windows: the report groups by them
	ui.view = newCaseView(readOnly{r}, ui.session, w, ui.desk, func() {})
	ui.view.readOnly = true
	ui.home = newHomeScreen(r)
	ui.home.table.onOpen = func(row int) { ui.view.open(ui.home.rows[row].number) }
	ui.view.onClosed = func() {
		switch ui.tabs.SelectedIndex() {
		case 1:
			ui.win.Canvas().Focus(ui.list.table)
		case 2:
			ui.win.Canvas().Focus(ui.home.table)
		}
	}
	ui.report = newReportScreen(r, w, func(n string) { ui.view.open(n) })
	ui.login.bg, ui.list.bg, ui.view.bg, ui.home.bg, ui.report.bg = ui.bg, ui.bg, ui.bg, ui.bg, ui.bg
	w.SetContent(ui.login.content())
	w.SetMaster()
	return ui
}

// onCentreLogin opens the supervisors' screens: the reports first.
func (ui *App) onCentreLogin(u data.User) {
	ui.user = u
	ui.setTitle()
	ui.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("统计报表"), ui.report.content()),
		container.NewTabItem(lang.L("办件列表"), ui.list.content()),
		container.NewTabItem(lang.L("事项与最近办件"), ui.home.content()),
	)
	// The 督查 board of every site's 企业反映问题, as the bundles bring them.
	if bs, ok := ui.store.(boardStore); ok {
		board := newProblemBoard()
		ui.tabs.Append(container.NewTabItem(lang.L("企业问题督查"), board.content()))
		ui.centreProblems = board
		ui.centreBoard = func() { board.load(ui.bg, bs, calendar.DateOf(time.Now())) }
	}
	ui.tabs.OnSelected = func(t *container.TabItem) {
		switch t.Text {
		case lang.L("统计报表"):
			ui.win.Canvas().Focus(ui.report.from)
		case lang.L("企业问题督查"):
			ui.centreBoard()
		}
	}
	who := widget.NewLabel(fmt.Sprintf(lang.L("%s（%s）"), u.Name, roleLabel(u.Role)))
	note := widget.NewLabel(lang.L("中心数据库（只读）：办件在各站点办理，由数据交换汇总到此"))
	note.Importance = widget.LowImportance
	logout := widget.NewButton(lang.L("退出登录"), ui.logout)
	bar := container.NewBorder(nil, nil, note, container.NewHBox(who, logout))
	ui.win.SetContent(container.NewBorder(bar, nil, nil, nil, ui.tabs))
	c := ui.win.Canvas()
	for i, k := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4}[:len(ui.tabs.Items)] {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) {
			ui.tabs.SelectIndex(i)
		})
	}
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) {
		ui.tabs.SelectIndex(1)
		c.Focus(ui.list.search)
	})
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape && ui.view.visible() {
			ui.view.close()
		}
	})
	ui.list.load()
	ui.home.load()
	c.Focus(ui.report.from)
}

// readOnly is the case view's store on a central store: it reads, and
// refuses every change in the store's words (the view offers none).
type readOnly struct{ Reader }

var errReadOnly = data.Errorf(data.EFORBIDDEN, "中心数据库只读：办件在站点办理")

func (readOnly) Record(context.Context, string, int64, data.Event) (data.Application, error) {
	return data.Application{}, errReadOnly
}

func (readOnly) RequestWaiver(context.Context, string, int64, data.WaiverRequest) (data.Application, error) {
	return data.Application{}, errReadOnly
}

func (readOnly) DeclineWaiver(context.Context, string, int64, string, string, string) (data.Application, error) {
	return data.Application{}, errReadOnly
}

func (readOnly) DecideWaiver(context.Context, int64, int64, bool, string) (data.Application, error) {
	return data.Application{}, errReadOnly
}

func (readOnly) RequestExtension(context.Context, string, int64, int, string) (data.Application, error) {
	return data.Application{}, errReadOnly
}

func (readOnly) Rate(context.Context, string, int64, int, string) (data.Application, error) {
	return data.Application{}, errReadOnly
}

func (readOnly) Rectify(context.Context, string, int64, data.RectAction, string) (data.Application, error) {
	return data.Application{}, errReadOnly
}

func (readOnly) WaiverPolicies(context.Context) ([]data.WaiverPolicy, error) { return nil, nil }

func (readOnly) IssueDocument(context.Context, string, data.DocKind, int64) (data.Document, error) {
	return data.Document{}, errReadOnly
}

func (readOnly) IssueProblemDocument(context.Context, string, data.DocKind, int64) (data.Document, error) {
	return data.Document{}, errReadOnly
}

func (readOnly) IssueThemeDocument(context.Context, string, data.DocKind, int64) (data.Document, error) {
	return data.Document{}, errReadOnly
}

func (readOnly) ThemeCase(context.Context, string, calendar.Date) (theme.Case, error) {
	return theme.Case{}, errReadOnly
}

func (readOnly) DeliverTheme(context.Context, string, int64, string) (theme.Case, error) {
	return theme.Case{}, errReadOnly
}

func (readOnly) VerifyReceipt(context.Context, string) (data.Document, error) {
	return data.Document{}, errReadOnly
}
