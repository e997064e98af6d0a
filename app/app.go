// Package app is OneWindow's desktop interface (Fyne). Every screen talks to
// the data services through the small interfaces it declares; no SQL here.
package app

import (
	"context"
	"fmt"
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/assets"
	"github.com/onewindow/onewindow/data"
)

// Store is everything the interface needs of the data services.
type Store interface {
	Reader
	intakeStore
	caseStore
	reviewStore
	settingsStore
	exchangeStore
	problemStore
}

// Reader is what the supervisors of a central office on a PostgreSQL
// server read: its users log in, and they see the cases, the reports, the
// ranking, the charts and the warning board of every site, and a case in
// a view without actions (the work is done at the sites).
type Reader interface {
	loginStore
	homeStore
	listStore
	reportStore
	Site(ctx context.Context) (data.Site, error)
	// SampleData says the database holds demo data (the title says so).
	SampleData(ctx context.Context) (bool, error)
}

// App is the running desktop program.
type App struct {
	bg    *worker
	store Reader
	win   fyne.Window
	site  data.Site
	user  data.User
	wins  []data.Window
	// sample: the database holds demo data (样例数据，不作凭证 in the title)
	sample bool

	login  *loginScreen
	intake *intakeScreen
	list   *caseListScreen
	home   *homeScreen
	view   *caseView
	review *reviewScreen
	verify *verifyScreen
	xchg   *exchangeScreen
	report *reportScreen
	sets   *settingsScreen
	probs  *problemsScreen
	desk   *paperDesk
	// centreProblems is the 企业问题督查 board at a central server, and
	// centreBoard loads it.
	centreProblems *problemBoard
	centreBoard    func()
	tabs           *container.AppTabs
}

// New builds the main window on a Fyne application (created by main, so
// that tests can pass a test application). It opens on the login screen.
func New(a fyne.App, r Reader) *App {
	s, ok := r.(Store)
	if !ok {
		return newCentre(a, r)
	}
	w := mainWindow(a)
	ui := &App{store: s, win: w, bg: &worker{}}
	ui.desk = &paperDesk{store: s, bg: ui.bg, win: w, print: systemPrint, session: ui.session}
	ui.login = newLoginScreen(s, a.Preferences(), ui.onLogin)
	ui.login.focus = func(o fyne.Focusable) { ui.win.Canvas().Focus(o) }
	ui.intake = newIntakeScreen(s, ui.session)
	ui.intake.focus = func(o fyne.Focusable) { ui.win.Canvas().Focus(o) }
	ui.intake.desk = ui.desk
	ui.intake.autoPrint = func() bool { return a.Preferences().Bool(prefAutoPrint) }
	ui.list = newCaseListScreen(s, func(n string) { ui.view.open(n) })
	ui.list.focus = func(o fyne.Focusable) { ui.win.Canvas().Focus(o) }
	ui.list.table.onEscape = func() { ui.win.Canvas().Focus(ui.list.search) }
	ui.review = newReviewScreen(s, ui.session, func(n string) { ui.view.open(n) })
	ui.view = newCaseView(s, ui.session, w, ui.desk, func() { ui.list.reload(true); ui.review.load() })
	ui.intake.onSaved = func(data.Application) { ui.list.reload(true) }
	ui.home = newHomeScreen(s)
	ui.home.table.onOpen = func(row int) { ui.view.open(ui.home.rows[row].number) }
	// Closing the case (关闭, or Esc) gives the keyboard back to the list
	// it was opened from.
	ui.view.onClosed = func() {
		switch ui.tabs.SelectedIndex() {
		case 1:
			ui.win.Canvas().Focus(ui.list.table)
		case 2:
			ui.win.Canvas().Focus(ui.home.table)
		}
	}
	ui.verify = newVerifyScreen(s)
	ui.report = newReportScreen(s, w, func(n string) { ui.view.open(n) })
	ui.sets = newSettingsScreen(s, ui.session, w, a.Preferences())
	ui.sets.items.onChanged = ui.intake.load
	ui.sets.themes.onChanged = ui.intake.load
	ui.xchg = newExchangeScreen(s, ui.session, w, a.Preferences())
	ui.probs = newProblemsScreen(s, ui.session, w)
	ui.probs.desk = ui.desk
	ui.probs.bg = ui.bg
	ui.sets.onSite = func(site data.Site) { ui.site = site; ui.setTitle() }
	ui.xchg.onReceived = func() { ui.intake.load(); ui.sets.load() }
	ui.login.bg, ui.intake.bg, ui.list.bg, ui.view.bg, ui.home.bg, ui.sets.bg, ui.review.bg, ui.verify.bg, ui.report.bg, ui.xchg.bg = ui.bg, ui.bg, ui.bg, ui.bg, ui.bg, ui.bg, ui.bg, ui.bg, ui.bg, ui.bg
	w.SetContent(ui.login.content())
	w.SetMaster()
	return ui
}

// mainWindow sets the program's language, theme and icon and makes its
// window.
func mainWindow(a fyne.App) fyne.Window {
	setupLanguage(a)
	a.Settings().SetTheme(newTheme())
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow(lang.L("一窗通 OneWindow"))
	w.Resize(windowSize)
	return w
}

func (ui *App) session() data.User { return ui.user }

// Run shows the window and blocks until it is closed.
func (ui *App) Run() error {
	ui.load()
	(&caretFollower{win: ui.win}).follow()
	ui.startTimers()
	ui.win.ShowAndRun()
	return nil
}

// startTimers starts what runs by the clock while the program is open: a
// site's automatic export to the exchange folder.
func (ui *App) startTimers() {
	if ui.xchg != nil {
		ui.xchg.auto.start()
	}
}

// load reads the site and the users without blocking the UI goroutine,
// and makes today's automatic backup if there is none yet.
func (ui *App) load() {
	ui.login.load()
	if ui.sets != nil { // a site, or a SQLite centre: not a server's
		ui.sets.backup.bg = ui.bg
		ui.sets.backup.runDaily()
	}
	ui.bg.run(func() {
		ctx := context.Background()
		site, err := ui.store.Site(ctx)
		if err != nil {
			log.Printf("read site: %v", err)
			return
		}
		wins, err := ui.store.Windows(ctx)
		if err != nil {
			log.Printf("read windows: %v", err)
		}
		sample, err := ui.store.SampleData(ctx)
		if err != nil {
			log.Printf("read the sample mark: %v", err)
		}
		fyne.Do(func() {
			ui.site, ui.wins, ui.sample = site, wins, sample
			ui.setTitle()
		})
	})
}

func (ui *App) setTitle() {
	title := lang.L("一窗通 OneWindow — ") + ui.site.Name + lang.L("（") + ui.site.Code + lang.L("）")
	if ui.sample {
		title += " · " + lang.L(data.SampleMark)
	}
	if ui.user.ID != 0 {
		title += " · " + ui.windowLabel() + " · " + ui.user.Name
	}
	ui.win.SetTitle(title)
}

func (ui *App) windowLabel() string {
	for _, w := range ui.wins {
		if w.ID == ui.user.WindowID {
			return w.Code + " " + w.Name
		}
	}
	return roleLabel(ui.user.Role)
}

// onLogin opens the working screens for the user.
func (ui *App) onLogin(u data.User) {
	ui.user = u
	ui.setTitle()
	ui.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("受理登记"), ui.intake.content()),
		container.NewTabItem(lang.L("办件列表"), ui.list.content()),
		container.NewTabItem(lang.L("事项与最近办件"), ui.home.content()),
		container.NewTabItem(lang.L("待审批与整改"), ui.review.content()),
		container.NewTabItem(lang.L("统计报表"), ui.report.content()),
		container.NewTabItem(lang.L("验证回执"), ui.verify.content()),
		container.NewTabItem(lang.L("数据交换"), ui.xchg.content()),
		container.NewTabItem(lang.L("设置"), ui.sets.content()),
		container.NewTabItem(lang.L("企业问题"), ui.probs.content()),
	)
	ui.tabs.OnSelected = func(t *container.TabItem) {
		switch t.Text {
		case lang.L("待审批与整改"):
			ui.review.load()
		case lang.L("数据交换"):
			ui.xchg.load()
		case lang.L("企业问题"):
			ui.probs.load()
			// the enterprise's credit code comes first, as on paper
			ui.win.Canvas().Focus(ui.probs.code)
		case lang.L("统计报表"):
			// the start date: type a date, Enter makes the report
			ui.win.Canvas().Focus(ui.report.from)
		case lang.L("验证回执"):
			// a scanner types into whatever has the focus
			ui.win.Canvas().Focus(ui.verify.entry)
		}
	}
	who := widget.NewLabel(fmt.Sprintf(lang.L("%s（%s）"), u.Name, roleLabel(u.Role)))
	logout := widget.NewButton(lang.L("退出登录"), ui.logout)
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(who, logout))
	ui.win.SetContent(container.NewBorder(bar, nil, nil, nil, ui.tabs))
	ui.shortcuts()
	ui.intake.load()
	ui.list.load()
	ui.home.load()
	ui.sets.load()
	ui.review.load()
	ui.win.Canvas().Focus(ui.intake.search)
}

func (ui *App) logout() {
	ui.user = data.User{}
	ui.setTitle()
	ui.win.SetContent(ui.login.content())
	if ui.intake == nil {
		ui.login.load()
		return // a central office on a server: nothing of its own to send
	}
	ui.intake.reset()
	// The day's changes go to the exchange folder when the clerk leaves.
	ui.bg.run(func() { ui.xchg.auto.turn(lang.L("（退出登录时）")) })
	// The users again: one added in 设置 (or from a spreadsheet) logs in
	// next, without a restart.
	ui.login.load()
}

// shortcuts: Ctrl+N new case, Ctrl+F search the list, Ctrl+P print, Ctrl+J
// apply the waivers a case qualifies for, Ctrl+1
// … Ctrl+9 the tabs in their order, Esc clears the form.
func (ui *App) shortcuts() {
	c := ui.win.Canvas()
	for i, k := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9} {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) {
			ui.tabs.SelectIndex(i)
		})
	}
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) {
		ui.tabs.SelectIndex(0)
		ui.intake.clear()
		c.Focus(ui.intake.search)
	})
	// Ctrl+P: in the case view, its documents; on 受理登记, the notice of
	// the case just registered.
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) {
		switch {
		case ui.view.docPrint != nil: // 出具文书 is open already
		case ui.view.visible():
			ui.view.askDocument()
		case ui.tabs.SelectedIndex() == 0:
			ui.intake.printLast()
		}
	})
	// Ctrl+J (减): in the case view, ask for the waivers its policies
	// propose; on 受理登记, for the case just registered.
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyJ, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) {
		switch {
		case ui.view.visible() && !ui.view.readOnly:
			ui.view.proposeWaivers()
		case ui.tabs.SelectedIndex() == 0:
			ui.intake.proposeLast()
		}
	})
	// Ctrl+T (题): in the case view of a theme's item, the whole theme.
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) {
		if ui.view.visible() && !ui.view.readOnly && ui.view.app.ThemeNumber != "" {
			ui.view.openTheme(ui.view.app.ThemeNumber)
		}
	})
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) {
		ui.tabs.SelectIndex(1)
		c.Focus(ui.list.search)
	})
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		enter := k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter
		switch {
		case (enter || k.Name == fyne.KeyEscape) && ui.desk.answer(enter):
		case enter && ui.view.docPrint != nil:
			ui.view.docPrint()
		case k.Name != fyne.KeyEscape:
		case ui.view.visible():
			ui.view.close()
		case ui.tabs.SelectedIndex() == 0:
			ui.intake.clear()
			c.Focus(ui.intake.search)
		}
	})
}
