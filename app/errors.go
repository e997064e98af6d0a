package app

import (
	"log"

	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
)

// problem is what a screen shows for err: the message of a coded error
// (Chinese, naming the field), or the generic notice for anything else.
// An internal error — a bug, a full disk, a damaged file — is written to
// the log here, once, with its cause, as the notice promises.
func problem(err error) string {
	if data.ErrorCode(err) == data.EINTERNAL {
		log.Printf("internal error: %v", err)
	}
	return data.ErrorMessage(err)
}

// tone is how a status line reads: plain, done (green) or wrong (red).
type tone int

const (
	plain tone = iota
	done
	wrong
)

// say shows text in a status label in the given tone.
func say(l *widget.Label, t tone, text string) {
	switch t {
	case done:
		l.Importance = widget.SuccessImportance
	case wrong:
		l.Importance = widget.DangerImportance
	default:
		l.Importance = widget.MediumImportance
	}
	l.SetText(text)
}
