//go:build !js && !wasm && !ios && !android

package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// The window's size where the screen allows: 1024×720.
var windowSize = fyne.NewSize(1024, 720)

// fitScreen shrinks the window to the screen when the screen is smaller
// than the window's size (an 800×600 PC, a small remote desktop), leaving
// room for a taskbar; otherwise the bottom and right edges, with 受理 and
// the pager, would lie off screen. It runs on the UI goroutine, where GLFW
// may be asked about the monitor; under the test driver it does nothing.
func fitScreen(w fyne.Window) {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return
	}
	var width, height int
	nw.RunNative(func(ctx any) {
		switch c := ctx.(type) {
		case driver.X11WindowContext:
			if c.WindowHandle == 0 {
				return
			}
		case driver.WindowsWindowContext:
			if c.HWND == 0 {
				return
			}
		default:
			return
		}
		if m := glfw.GetPrimaryMonitor(); m != nil {
			if mode := m.GetVideoMode(); mode != nil {
				width, height = mode.Width, mode.Height
			}
		}
	})
	scale := w.Canvas().Scale()
	if width == 0 || scale <= 0 {
		return
	}
	screen := fyne.NewSize(float32(width)/scale, float32(height)/scale-40)
	if screen.Width < windowSize.Width || screen.Height < windowSize.Height {
		w.Resize(fyne.NewSize(min(windowSize.Width, screen.Width), min(windowSize.Height, screen.Height)))
	}
}
