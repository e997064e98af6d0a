package app

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
)

// texts are the labels' texts in a window's content.
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
	walk(w.Content())
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
// failed at once or after a while, and Start returns the error.
func TestStart(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	release := make(chan struct{})
	started := make(chan error, 1)
	go func() {
		started <- Start(a, func() (Store, error) {
			<-release
			return s, nil
		})
	}()
	waitFor(t, "the opening window", func() bool { return window(a, "正在打开数据库") != nil })
	close(release)
	if err := <-started; err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the login screen", func() bool { return window(a, "正在打开数据库") == nil && window(a, "窗口登录") != nil })
	var title string
	fyne.DoAndWait(func() { title = window(a, "窗口登录").Title() })
	if !strings.HasPrefix(title, "一窗通 OneWindow") {
		t.Errorf("main window %q", title)
	}

	for _, wait := range []bool{false, true} {
		a := test.NewTempApp(t)
		release := make(chan struct{})
		if !wait {
			close(release)
		}
		go func() {
			started <- Start(a, func() (Store, error) {
				<-release
				return nil, fmt.Errorf("打开数据库 x.db：%w", data.Errorf(data.ECONFLICT, "数据库由较新版本的程序创建（结构版本 99），请升级程序"))
			})
		}()
		if wait {
			waitFor(t, "the opening window", func() bool { return window(a, "正在打开数据库") != nil })
			close(release)
		}
		if err := <-started; err == nil || !strings.Contains(err.Error(), "较新版本") {
			t.Fatalf("Start returned %v", err)
		}
		waitFor(t, "the reason", func() bool {
			w := window(a, "无法打开数据库：数据库由较新版本的程序创建")
			return w != nil && strings.Contains(texts(w), "[退出]")
		})
	}
}
