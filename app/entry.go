package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// formEntry is a one-line entry of a screen. Two things a plain entry does
// not do:
//
//   - the window's shortcuts (Ctrl+N, Ctrl+F, Ctrl+1 … Ctrl+8) work while it
//     has the focus: the toolkit hands a shortcut to the focused widget
//     only, and an entry drops the ones it does not know;
//   - Esc in an entry of the intake form clears the form, as it does
//     anywhere else on that screen (onEscape; nil leaves Esc to the entry).
//
// Entries of dialogs stay plain: a shortcut there must not change the
// screen behind the dialog.
type formEntry struct {
	widget.Entry
	onEscape func()
}

func newFormEntry(onEscape func()) *formEntry {
	e := &formEntry{onEscape: onEscape}
	e.ExtendBaseWidget(e)
	return e
}

// newScreenEntry is an entry of a screen other than the intake form.
func newScreenEntry() *formEntry { return newFormEntry(nil) }

// TypedKey handles Esc and passes every other key to the entry.
func (e *formEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}

// TypedShortcut gives the entry its own shortcuts (copy, paste, select
// all …) and the window the ones it registered.
func (e *formEntry) TypedShortcut(s fyne.Shortcut) {
	e.Entry.TypedShortcut(s)
	if _, ok := s.(*desktop.CustomShortcut); !ok {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
		if w, ok := c.(fyne.Shortcutable); ok {
			w.TypedShortcut(s)
		}
	}
}

// AcceptsTab is false: Tab moves to the next field, also out of a
// multi-line box (a form filled from the keyboard; a tab has no place in
// the text).
func (e *formEntry) AcceptsTab() bool { return false }
