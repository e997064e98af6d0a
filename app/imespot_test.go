package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// caretWindow is a window with a label and two entries under it, the
// second focused and holding text.
func caretWindow(t testing.TB) (fyne.Window, *formEntry, *formEntry) {
	test.NewTempApp(t)
	first, second := newScreenEntry(), newScreenEntry()
	w := test.NewTempWindow(t, container.NewVBox(widget.NewLabel("申请人"), first, second))
	w.Resize(fyne.NewSize(600, 300))
	second.SetText("张三")
	w.Canvas().Focus(second)
	return w, first, second
}

// The candidate window's spot is under the caret of the focused entry: at
// its line, right of the text before the caret, and nowhere without an entry.
func TestCaretSpot(t *testing.T) {
	w, first, second := caretWindow(t)
	c := w.Canvas()
	second.CursorColumn = 0
	atStart, ok := caretSpot(c)
	if !ok {
		t.Fatal("no spot for a focused entry")
	}
	second.CursorColumn = 2
	atEnd, _ := caretSpot(c)
	if atEnd.X <= atStart.X || atEnd.Y != atStart.Y {
		t.Errorf("caret after 张三 at %v, before it at %v: want further right on the same line", atEnd, atStart)
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(second)
	if atStart.Y < pos.Y || atStart.Y > pos.Y+second.Size().Height {
		t.Errorf("spot %v outside the entry at %v (height %v)", atStart, pos, second.Size().Height)
	}
	c.Focus(first)
	above, _ := caretSpot(c)
	if above.Y >= atStart.Y {
		t.Errorf("the first entry's spot %v is not above the second's %v", above, atStart)
	}
	c.Unfocus()
	if _, ok := caretSpot(c); ok {
		t.Error("a spot without a focused entry")
	}
}

// BenchmarkCaretSpot is what the window does ten times a second while an
// entry has the focus.
func BenchmarkCaretSpot(b *testing.B) {
	w, _, _ := caretWindow(b)
	c := w.Canvas()
	for b.Loop() {
		caretSpot(c)
	}
}
