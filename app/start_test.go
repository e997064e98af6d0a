package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/internal/testkit"
)

// texts are the labels' and buttons' texts in a window's content.
func texts(w fyne.Window) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *widget.Button:
			b.WriteString("[" + x.Text + "]\n")
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	if w.Content() != nil {
		walk(w.Content())
	}
	return b.String()
}

// window finds the open window whose labels contain text.
func window(a fyne.App, text string) fyne.Window {
	for _, w := range a.Driver().AllWindows() {
		if strings.Contains(texts(w), text) {
			return w
		}
	}
	return nil
}

// A slow opening shows a window saying so, which gives way to the login
// screen when the database is open; a failed opening shows why, whether it
// failed at once or after a while, and Start returns the error. (The test
// app's event loop returns at once, so start returns when opening has.)
func TestStart(t *testing.T) {
	old := slowOpen
	slowOpen = 20 * time.Millisecond
	defer func() { slowOpen = old }()
	s := testkit.OpenTemp(t)
	slow := func(st Reader, err error) func() (Reader, error) {
		return func() (Reader, error) {
			time.Sleep(200 * time.Millisecond)
			return st, err
		}
	}
	closed := make(chan struct{}, 1)
	startClosed = func() {
		select {
		case closed <- struct{}{}:
		default:
		}
	}
	defer func() { startClosed = nil }()
	a := test.NewTempApp(t)
	var during string
	show := func(s Reader) {
		for _, w := range a.Driver().AllWindows() {
			during += texts(w)
		}
		ui := New(a, s)
		ui.bg.wait = true // the test driver has no UI goroutine of its own
		ui.load()
		ui.win.Show()
	}
	if err := start(a, slow(s, nil), show); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(during, "正在打开数据库") {
		t.Errorf("while opening, the windows said %q", during)
	}
	// The opening window is hidden at once and closed a moment later
	// (closeLater: closing it at once can crash Fyne); the windows are
	// looked at once it has closed.
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the opening window was not closed")
	}
	main := window(a, "窗口登录")
	if main == nil || !strings.HasPrefix(main.Title(), "一窗通 OneWindow") {
		t.Errorf("after opening: main window %v", main)
	}
	if window(a, "正在打开数据库") != nil {
		t.Error("the opening window is still open")
	}

	reason := fmt.Errorf("打开数据库 x.db：%w", data.Errorf(data.ECONFLICT, "数据库由较新版本的程序创建（结构版本 99），请升级程序"))
	for _, open := range []func() (Reader, error){
		func() (Reader, error) { return nil, reason },
		slow(nil, reason),
	} {
		a := test.NewTempApp(t)
		err := start(a, open, func(Reader) { t.Error("the main window shown for a database that did not open") })
		if err == nil || !strings.Contains(err.Error(), "较新版本") {
			t.Fatalf("start returned %v", err)
		}
		w := window(a, "无法打开数据库：数据库由较新版本的程序创建")
		if w == nil || !strings.Contains(texts(w), "[退出]") || strings.Contains(texts(w), "conflict") {
			t.Errorf("the reason is not shown as it should be")
		}
	}
}
