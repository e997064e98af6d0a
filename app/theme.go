package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/onewindow/onewindow/assets"
)

// appTheme is Fyne's default theme with the bundled Chinese font, so every
// PC shows the same Simplified Chinese glyphs.
type appTheme struct {
	fyne.Theme
	font fyne.Resource
}

var _ fyne.Theme = (*appTheme)(nil)

func newTheme() *appTheme {
	return &appTheme{Theme: theme.DefaultTheme(), font: fyne.NewStaticResource("onewindow-sc.ttf", assets.Font)}
}

// Font returns the bundled font for every style: it has one face, and Fyne
// draws bold by itself when the face has no bold.
func (t *appTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return t.Theme.Font(s)
	}
	return t.font
}
