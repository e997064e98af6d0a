// Package app is OneWindow's desktop interface (Fyne). Every screen talks to
// the data services through the small interfaces it declares; no SQL here.
package app

import (
	"context"
	"log"

	"fyne.io/fyne/v2"

	"github.com/onewindow/onewindow/assets"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// Store is what the interface needs of the data services.
type Store interface {
	Site(ctx context.Context) (data.Site, error)
	Items(ctx context.Context) ([]data.ServiceItem, error)
	Cases(ctx context.Context, f data.CaseFilter) ([]data.Application, error)
	CountCases(ctx context.Context, f data.CaseFilter) (int, error)
	Clock(ctx context.Context, app *data.Application, today calendar.Date) (clock.Result, error)
}

// App is the running desktop program.
type App struct {
	fyne  fyne.App
	store Store
	win   fyne.Window
	home  *homeScreen
}

// New builds the main window on a Fyne application (created by main, so
// that tests can pass a test application).
func New(a fyne.App, s Store) *App {
	a.Settings().SetTheme(newTheme())
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("一窗通 OneWindow")
	w.Resize(fyne.NewSize(1024, 700))
	ui := &App{fyne: a, store: s, win: w}
	ui.home = newHomeScreen(s)
	w.SetContent(ui.home.content())
	w.SetMaster()
	return ui
}

// Run shows the window, loads its data in the background and blocks until
// the window is closed.
func (ui *App) Run() error {
	ui.load()
	ui.win.ShowAndRun()
	return nil
}

// load fills the screens without blocking the UI goroutine.
func (ui *App) load() {
	go func() {
		ctx := context.Background()
		site, err := ui.store.Site(ctx)
		if err != nil {
			log.Printf("read site: %v", err)
			return
		}
		fyne.Do(func() {
			ui.win.SetTitle("一窗通 OneWindow — " + site.Name + "（" + site.Code + "）")
		})
	}()
	ui.home.load()
}
