package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// caretFollower keeps the input method's candidate window at the caret of
// the focused entry. X11 input methods place it where the client says the
// caret is (XIM's spot location); the toolkit does not say, so the window
// asks every tenth of a second and tells the input method when the caret
// moved (see docs/input-method.md). Elsewhere setIMESpot does nothing.
type caretFollower struct {
	win  fyne.Window
	last fyne.Position
}

// follow starts following the caret for as long as the program runs,
// where the input method can be told (imeSpotTold).
func (f *caretFollower) follow() {
	if !imeSpotTold {
		return
	}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for range t.C {
			fyne.Do(f.update)
		}
	}()
}

// update tells the input method where the caret is, if it moved.
func (f *caretFollower) update() {
	spot, ok := caretSpot(f.win.Canvas())
	if !ok || spot == f.last {
		return
	}
	f.last = spot
	nw, ok := f.win.(driver.NativeWindow)
	if !ok {
		return
	}
	nw.RunNative(func(ctx any) { setIMESpot(ctx, spot) })
}

// caretSpot is the point under the caret of the focused entry, in the
// window's pixels: where the input method should open its candidates.
func caretSpot(c fyne.Canvas) (fyne.Position, bool) {
	obj := c.Focused()
	e := focusedEntry(obj)
	if e == nil {
		return fyne.Position{}, false
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(obj.(fyne.CanvasObject))
	lines := strings.Split(e.Text, "\n")
	row := min(max(e.CursorRow, 0), len(lines)-1)
	line := []rune(lines[row])
	col := min(max(e.CursorColumn, 0), len(line))
	before := string(line[:col])
	if e.Password {
		before = strings.Repeat("•", col)
	}
	size, pad := theme.TextSize(), theme.InnerPadding()
	text := fyne.MeasureText(before, size, e.TextStyle)
	lineHeight := fyne.MeasureText("国", size, e.TextStyle).Height
	x := min(pos.X+pad+text.Width, pos.X+e.Size().Width-pad)
	y := min(pos.Y+pad+lineHeight*float32(row+1), pos.Y+e.Size().Height)
	scale := c.Scale()
	return fyne.NewPos(float32(int(x*scale)), float32(int(y*scale))), true
}

// focusedEntry is the text entry behind a focused object, or nil.
func focusedEntry(o fyne.Focusable) *widget.Entry {
	switch e := o.(type) {
	case *widget.Entry:
		return e
	case *formEntry:
		return &e.Entry
	case *widget.SelectEntry:
		return &e.Entry
	}
	return nil
}
