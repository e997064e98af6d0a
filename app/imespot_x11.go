//go:build (linux || freebsd || netbsd || openbsd) && !wayland

package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// imeSpotTold: X input methods take the caret's position.
const imeSpotTold = true

// setIMESpot tells the X input method where the caret is, through the call
// OneWindow's patch adds to GLFW (third_party/glfw).
func setIMESpot(ctx any, spot fyne.Position) {
	if x, ok := ctx.(driver.X11WindowContext); ok && x.WindowHandle != 0 {
		glfw.SetX11IMESpot(x.WindowHandle, int(spot.X), int(spot.Y))
	}
}
