//go:build !((linux || freebsd || netbsd || openbsd) && !wayland)

package app

import "fyne.io/fyne/v2"

// imeSpotTold: the window does not follow the caret here.
const imeSpotTold = false

// setIMESpot does nothing where the input method finds the caret itself
// (Windows' IMM places its window at the system caret) or where the toolkit
// offers no way to tell it.
func setIMESpot(any, fyne.Position) {}
