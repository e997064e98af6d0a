package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/internal/testkit"
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

// The window's shortcuts work from the screens' entries (a focused entry
// used to swallow them): Ctrl+6 from the intake form opens 验证回执 with its
// box focused, ready for a scanner; Ctrl+F from there the case list's search.
func TestShortcutsFromEntries(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "zhangli")
	c := ui.win.Canvas()
	if c.Focused() != ui.intake.search {
		t.Fatalf("after login the focus is on %T, want the item search", c.Focused())
	}
	ui.intake.search.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key6, Modifier: fyne.KeyModifierControl})
	if ui.tabs.SelectedIndex() != 5 || c.Focused() != ui.verify.entry {
		t.Fatalf("Ctrl+6: tab %d, focus %T; want 验证回执 and its box", ui.tabs.SelectedIndex(), c.Focused())
	}
	ui.verify.entry.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierControl})
	if ui.tabs.SelectedIndex() != 1 || c.Focused() != ui.list.search {
		t.Fatalf("Ctrl+F: tab %d, focus %T; want the case list's search", ui.tabs.SelectedIndex(), c.Focused())
	}
	test.Type(ui.list.search, "abc")
	ui.list.search.TypedShortcut(&fyne.ShortcutSelectAll{})
	if ui.list.search.SelectedText() != "abc" {
		t.Errorf("the entry's own shortcuts: select all selected %q", ui.list.search.SelectedText())
	}
}
