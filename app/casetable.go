package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// caseTable is the table both case lists use: rows() gives the current
// rows, prepared off the UI goroutine, so a cell update only copies text.
// It is worked by keyboard as well as by mouse — Tab reaches it, the arrows
// move, Enter opens the case, Esc goes back to the search — and its
// columns are sized to their content and to the window; the row with the
// keyboard focus is spelt out whole in the detail line under it.
type caseTable struct {
	widget.Table
	rows     func() []listRow
	row      int           // the row with the keyboard focus
	detail   *widget.Label // the focused row's names in full
	onEscape func()        // Esc: back to the search
	onOpen   func(row int) // Enter, or a click: open the row's case
	quiet    bool          // moving the focus marker, not opening
	width    float32       // the width the columns were laid out for
	widths   []float32     // the columns' widths
}

// The columns whose width follows the window: 申请人 and 办理事项.
var flexColumns = map[int]bool{3: true, 4: true}

func newCaseTable(rows func() []listRow) *caseTable {
	t := &caseTable{rows: rows, detail: widget.NewLabel(""), widths: make([]float32, len(listHeaders))}
	t.detail.Truncation = fyne.TextTruncateEllipsis
	t.Length = func() (int, int) { return len(rows()), len(listHeaders) }
	t.CreateCell = func() fyne.CanvasObject { return truncatedLabel("") }
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) { updateCaseCell(rows(), id, o.(*widget.Label)) }
	t.ShowHeaderRow = true
	t.OnSelected = func(id widget.TableCellID) {
		if t.quiet {
			return
		}
		t.UnselectAll()
		t.row = id.Row
		t.showDetail()
		if t.onOpen != nil && id.Row < len(t.rows()) {
			t.onOpen(id.Row)
		}
	}
	t.CreateHeader = func() fyne.CanvasObject { return bold("") }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 {
			o.(*widget.Label).SetText(lang.L(listHeaders[id.Col]))
		}
	}
	t.ExtendBaseWidget(t)
	t.layoutColumns(800)
	return t
}

// cellWidth is the width a cell needs to show s whole: the text and the
// label's padding on both sides.
func cellWidth(s string, style fyne.TextStyle) float32 {
	return fyne.MeasureText(s, theme.TextSize(), style).Width + 2*theme.InnerPadding() + 2
}

// Resize lays the columns out again for the new width.
func (t *caseTable) Resize(size fyne.Size) {
	if size.Width != t.width {
		t.layoutColumns(size.Width)
	}
	t.Table.Resize(size)
}

// reloaded is called when rows() has changed: the columns follow the new
// content, the focus goes back to the first row.
func (t *caseTable) reloaded() {
	t.row = 0
	t.layoutColumns(t.width)
	t.Refresh()
	t.ScrollToTop()
	t.focusRow(0)
}

// layoutColumns gives each column the width of its widest text (header
// included); 申请人 and 办理事项 share what the window leaves, in
// proportion to their text, and are cut ("…") only when it is too narrow.
func (t *caseTable) layoutColumns(width float32) {
	t.width = width
	rows := t.rows()
	want := make([]float32, len(listHeaders))
	for c, h := range listHeaders {
		want[c] = cellWidth(lang.L(h), fyne.TextStyle{Bold: true})
		for _, r := range rows {
			if c < len(r.cells) {
				want[c] = max(want[c], cellWidth(r.cells[c], fyne.TextStyle{}))
			}
		}
	}
	var fixed, flex float32
	for c, w := range want {
		if flexColumns[c] {
			flex += w
		} else {
			fixed += w
		}
	}
	room := width - fixed - theme.ScrollBarSize() - float32(len(want))*theme.Padding()
	for c, w := range want {
		if flexColumns[c] {
			switch {
			case flex <= room:
				w += (room - flex) / float32(len(flexColumns)) // the space left, shared
			case room > 0:
				w = max(80, room*w/flex)
			default:
				w = 80
			}
		}
		t.SetColumnWidth(c, w)
		t.widths[c] = w
	}
}

// columnWidth is column c's width.
func (t *caseTable) columnWidth(c int) float32 { return t.widths[c] }

// TypedKey: the arrows, Page Up/Down, Home and End move the focus by row,
// Enter (or Space) opens the focused case, Esc goes back to the search.
func (t *caseTable) TypedKey(e *fyne.KeyEvent) {
	n := len(t.rows())
	switch e.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		if t.row < n && t.onOpen != nil {
			t.onOpen(t.row)
		}
	case fyne.KeyEscape:
		if t.onEscape != nil {
			t.onEscape()
		}
	case fyne.KeyDown:
		t.focusRow(t.row + 1)
	case fyne.KeyUp:
		t.focusRow(t.row - 1)
	case fyne.KeyPageDown:
		t.focusRow(t.row + 10)
	case fyne.KeyPageUp:
		t.focusRow(t.row - 10)
	case fyne.KeyHome:
		t.focusRow(0)
	case fyne.KeyEnd:
		t.focusRow(n - 1)
	}
}

// focusRow moves the keyboard focus (and the view) to row r. Fyne's table
// moves its focus marker only through Select, so the row is selected and
// at once unselected, quietly.
func (t *caseTable) focusRow(r int) {
	n := len(t.rows())
	r = max(0, min(r, n-1))
	t.row = r
	if n > 0 {
		t.quiet = true
		t.Select(widget.TableCellID{Row: r, Col: 0})
		t.UnselectAll()
		t.quiet = false
	}
	t.showDetail()
}

// FocusGained puts the focus marker on the row the table remembers.
func (t *caseTable) FocusGained() {
	t.Table.FocusGained()
	t.focusRow(t.row)
}

func (t *caseTable) showDetail() {
	rows := t.rows()
	if t.row >= len(rows) {
		t.detail.SetText("")
		return
	}
	r := rows[t.row]
	t.detail.SetText(fmt.Sprintf(lang.L("%s　%s　%s"), r.number, r.cells[3], r.cells[4]))
}
