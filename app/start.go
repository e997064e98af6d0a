package app

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/assets"
	"github.com/onewindow/onewindow/data"
)

// slowOpen is how long opening may take before a window says it is under
// way (the same 300 ms as any other wait in the program).
var slowOpen = 300 * time.Millisecond

// Start runs the program: it opens the database with open and shows the
// main window, and returns when the program ends — never while open is
// still running, so the caller may close what it opened.
//
// Opening is quick, but the first opening after an upgrade rebuilds derived
// data (the report's daily totals: about 12 s for a million cases). When it
// takes longer than slowOpen a small window says so, with a progress bar,
// so a clerk who started the program from its icon sees it start. When it
// fails, a window says why (there is no terminal to read), and Start returns
// the error once it is closed.
func Start(a fyne.App, open func() (Reader, error)) error {
	if err := checkGraphics(); err != nil {
		return err
	}
	return start(a, open, func(s Reader) {
		ui := New(a, s)
		ui.load()
		ui.win.Show()
		fyne.Do(func() { fitScreen(ui.win) })
		(&caretFollower{win: ui.win}).follow()
		ui.startTimers()
	})
}

// start is Start with the main window's showing given (tests make its work
// synchronous: the test driver has no UI goroutine of its own).
func start(a fyne.App, open func() (Reader, error), show func(Reader)) error {
	type opened struct {
		s   Reader
		err error
	}
	done := make(chan opened, 1)
	go func() {
		s, err := open()
		done <- opened{s, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			w := startWindow(a)
			showOpenError(a, w, r.err)
			w.ShowAndRun()
			return r.err
		}
		show(r.s)
		a.Run()
		return nil
	case <-time.After(slowOpen):
	}
	w := startWindow(a)
	bar := widget.NewProgressBarInfinite()
	w.SetContent(container.NewPadded(container.NewVBox(
		widget.NewLabel(lang.L("正在打开数据库……")),
		widget.NewLabel(lang.L("升级后第一次打开时要整理数据（如重建统计汇总），办件多时请稍候。")),
		bar)))
	w.Show() // before the goroutine that may close it
	finished := make(chan error, 1)
	go func() {
		r := <-done
		fyne.Do(func() {
			if r.err != nil {
				bar.Stop()
				showOpenError(a, w, r.err)
				return
			}
			show(r.s)
			closeLater(w)
		})
		finished <- r.err
	}()
	a.Run()
	return <-finished
}

// closeLater hides the start window now and closes it a second later.
// Closing it at once can crash the program: a mouse movement over it that
// the same event poll still delivers reaches Fyne's closed window, whose
// view is nil by then (fyne-io/fyne#5981, open; seen here under load,
// when opening was slow enough to show the window). A hidden window gets
// no new events, and its last ones find it whole.
func closeLater(w fyne.Window) {
	w.Hide()
	time.AfterFunc(time.Second, func() {
		fyne.Do(w.Close)
		if startClosed != nil {
			startClosed()
		}
	})
}

// startClosed, set by a test, is told when the start window has been
// closed: the test driver runs fyne.Do on the calling goroutine, so a test
// must not look at the windows while one closes.
var startClosed func()

// startWindow is the small window shown while opening, or when it failed.
func startWindow(a fyne.App) fyne.Window {
	setupLanguage(a)
	a.Settings().SetTheme(newTheme())
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow(lang.L("一窗通 OneWindow"))
	w.Resize(fyne.NewSize(480, 160))
	w.CenterOnScreen()
	return w
}

func showOpenError(a fyne.App, w fyne.Window, err error) {
	text := err.Error() // the file and what the system said
	var e *data.Error
	if errors.As(err, &e) {
		text = e.Message // the program's own reason, in Chinese
	}
	msg := widget.NewLabel(lang.L("无法打开数据库：") + text)
	msg.Wrapping = fyne.TextWrapWord
	msg.Importance = widget.DangerImportance
	w.SetContent(container.NewPadded(container.NewBorder(nil,
		container.NewCenter(widget.NewButton(lang.L("退出"), func() { a.Quit() })), nil, nil, msg)))
}
