package app

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// listStore is what the case list reads.
type listStore interface {
	Windows(ctx context.Context) ([]data.Window, error)
	Items(ctx context.Context) ([]data.ServiceItem, error)
	Cases(ctx context.Context, f data.CaseFilter) ([]data.Application, error)
	CountCases(ctx context.Context, f data.CaseFilter) (int, error)
	Clock(ctx context.Context, app *data.Application, today calendar.Date) (clock.Result, error)
}

const pageSize = 50

var listHeaders = []string{"承诺", "法定", "办件编号", "申请人", "办理事项", "窗口", "状态", "承诺期限", "剩余"}

// listRow is one prepared line: all text and colours are computed off the UI
// goroutine, so a cell update only copies strings.
type listRow struct {
	number   string
	cells    []string
	promised clock.Warning
	statute  clock.Warning
}

// caseListScreen is 办件列表: filters, search and a paged table.
type caseListScreen struct {
	store  listStore
	bg     *worker
	now    func() time.Time
	onOpen func(number string)

	windows []data.Window
	items   []data.ServiceItem
	filter  data.CaseFilter
	total   int
	rows    []listRow
	loading int // generation of the latest load; older results are dropped
	typed   int // generation of the latest keystroke in the search
	focus   func(fyne.Focusable)

	search  *formEntry
	status  *widget.Select
	window  *widget.Select
	item    *widget.Select
	warned  *widget.Check
	from    *formEntry
	to      *formEntry
	table   *caseTable
	prev    *widget.Button
	next    *widget.Button
	summary *widget.Label
}

// statusOptions are the status filter's choices: all, open, then each status.
func statusOptions() []string {
	out := []string{lang.L("全部状态"), lang.L("未办结")}
	for _, s := range data.Statuses {
		out = append(out, lang.L(s.Label()))
	}
	return out
}

func newCaseListScreen(s listStore, onOpen func(string)) *caseListScreen {
	l := &caseListScreen{store: s, now: time.Now, onOpen: onOpen, filter: data.CaseFilter{Limit: pageSize}}
	l.search = newScreenEntry()
	l.search.SetPlaceHolder(lang.L("编号/申请人/证件号"))
	// The list follows the search as it is typed (a pause of 300 ms);
	// Enter reads at once and moves into the table.
	l.search.OnChanged = func(string) { l.applySoon() }
	l.search.OnSubmitted = func(string) {
		l.apply()
		if l.focus != nil {
			l.focus(l.table)
		}
	}
	l.status = widget.NewSelect(statusOptions(), func(string) { l.apply() })
	l.window = widget.NewSelect([]string{lang.L("全部窗口")}, func(string) { l.apply() })
	l.window.PlaceHolder = lang.L("全部窗口")
	l.item = widget.NewSelect([]string{lang.L("全部事项")}, func(string) { l.apply() })
	l.item.PlaceHolder = lang.L("全部事项")
	l.warned = widget.NewCheck(lang.L("只看黄灯、红灯"), func(bool) { l.apply() })
	l.from = newScreenEntry()
	l.from.SetPlaceHolder(lang.L("收件起 YYYY-MM-DD"))
	l.from.OnSubmitted = func(string) { l.apply() }
	l.to = newScreenEntry()
	l.to.SetPlaceHolder(lang.L("收件止 YYYY-MM-DD"))
	l.to.OnSubmitted = func(string) { l.apply() }
	l.table = newCaseTable(func() []listRow { return l.rows })
	l.table.onOpen = func(row int) {
		if l.onOpen != nil {
			l.onOpen(l.rows[row].number)
		}
	}
	l.prev = widget.NewButton(lang.L("上一页"), func() { l.page(-1) })
	l.next = widget.NewButton(lang.L("下一页"), func() { l.page(1) })
	l.summary = widget.NewLabel("")
	l.status.Selected = lang.L("未办结") // without reading yet: load() does
	return l
}

func (l *caseListScreen) content() fyne.CanvasObject {
	filters := container.NewVBox(
		container.NewGridWithColumns(3, l.search, l.status, l.window),
		container.NewGridWithColumns(4, l.item, l.from, l.to, l.warned))
	footer := container.NewVBox(l.table.detail, container.NewBorder(nil, nil, nil, container.NewHBox(l.prev, l.next), l.summary))
	// The table comes right after the filters in the Tab order.
	return container.New(layout.NewBorderLayout(filters, footer, nil, nil), filters, l.table, footer)
}

// load reads the windows for the filter, then the first page.
func (l *caseListScreen) load() {
	l.bg.run(func() {
		wins, err := l.store.Windows(context.Background())
		items, ierr := l.store.Items(context.Background())
		fyne.Do(func() {
			if ierr == nil {
				l.items = items
				opts := []string{lang.L("全部事项")}
				for _, it := range items {
					opts = append(opts, it.Name)
				}
				l.item.SetOptions(opts)
			}
			if err == nil {
				l.windows = wins
				opts := []string{lang.L("全部窗口")}
				for _, w := range wins {
					opts = append(opts, w.Code+" "+w.Name)
				}
				l.window.SetOptions(opts)
			}
			l.apply()
		})
	})
}

// apply reads the filters from the widgets and shows the first page.
func (l *caseListScreen) apply() {
	f := data.CaseFilter{Limit: pageSize, Order: "due", Search: l.search.Text}
	switch i := l.status.SelectedIndex(); {
	case i == 1:
		f.Statuses = []data.Status{data.StatusReceived, data.StatusSupplement, data.StatusSupplied, data.StatusAccepted, data.StatusPaused}
	case i >= 2:
		f.Statuses = []data.Status{data.Statuses[i-2]}
	}
	if i := l.window.SelectedIndex(); i >= 1 && i-1 < len(l.windows) {
		f.WindowID = l.windows[i-1].ID
	}
	if i := l.item.SelectedIndex(); i >= 1 && i-1 < len(l.items) {
		f.ItemID = l.items[i-1].ID
	}
	if l.warned.Checked {
		f.WarningsAt = calendar.DateOf(l.now())
	}
	for _, p := range []struct {
		e *formEntry
		d *calendar.Date
		n string
	}{{l.from, &f.From, lang.L("收件起")}, {l.to, &f.To, lang.L("收件止")}} {
		if p.e.Text == "" {
			continue
		}
		d, err := calendar.ParseDate(p.e.Text)
		if err != nil {
			l.summary.SetText(p.n + lang.L("：") + err.Error())
			return
		}
		*p.d = d
	}
	l.filter = f
	l.reload(true)
}

// applySoon applies the filters once typing pauses for 300 ms.
func (l *caseListScreen) applySoon() {
	if l.bg.sync {
		// the test driver: no UI goroutine for a timer to hand back to
		l.apply()
		return
	}
	l.typed++
	gen := l.typed
	time.AfterFunc(300*time.Millisecond, func() {
		fyne.Do(func() {
			if gen == l.typed && l.search.Text != l.filter.Search {
				l.apply()
			}
		})
	})
}

// enable enables or disables b.
func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (l *caseListScreen) page(delta int) {
	off := l.filter.Offset + delta*pageSize
	if off < 0 || off >= l.total {
		return
	}
	l.filter.Offset = off
	l.reload(false)
}

// reload reads the current page off the UI goroutine and shows it, then,
// when asked, counts the matches for the pages: the rows come first (a
// broad search's count takes longer than its first page).
func (l *caseListScreen) reload(count bool) {
	l.loading++
	gen, f := l.loading, l.filter
	today := calendar.DateOf(l.now())
	l.summary.SetText(lang.L("正在读取……"))
	l.bg.run(func() {
		rows, err := l.readRows(context.Background(), f, today)
		fyne.Do(func() {
			if gen != l.loading {
				return // a newer filter is being read
			}
			if err != nil {
				l.summary.SetText(lang.L("读取办件失败：") + data.ErrorMessage(err))
				return
			}
			l.rows = rows
			l.table.reloaded()
			if !count {
				l.showPages(f, today)
				return
			}
			enable(l.prev, f.Offset > 0)
			enable(l.next, len(rows) == pageSize)
			l.summary.SetText(lang.L("正在计数……"))
			l.bg.run(func() {
				total, err := l.store.CountCases(context.Background(), f)
				fyne.Do(func() {
					if gen != l.loading {
						return
					}
					if err != nil {
						l.summary.SetText(lang.L("读取办件失败：") + data.ErrorMessage(err))
						return
					}
					l.total = total
					l.showPages(f, today)
				})
			})
		})
	})
}

// showPages enables 上一页 and 下一页 where there is such a page, and says
// where the list stands.
func (l *caseListScreen) showPages(f data.CaseFilter, today calendar.Date) {
	enable(l.prev, f.Offset > 0)
	enable(l.next, f.Offset+pageSize < l.total)
	pages := (l.total + pageSize - 1) / pageSize
	l.summary.SetText(fmt.Sprintf(lang.L("共 %d 件 · 第 %d / %d 页 · 按承诺期限排序 · 计时截至 %s"), l.total, f.Offset/pageSize+1, max(pages, 1), today))
}

func (l *caseListScreen) readRows(ctx context.Context, f data.CaseFilter, today calendar.Date) ([]listRow, error) {
	apps, err := l.store.Cases(ctx, f)
	if err != nil {
		return nil, err
	}
	return newListRows(ctx, l.store, apps, today)
}

// clockReader reads a case's clock (the store).
type clockReader interface {
	Clock(ctx context.Context, app *data.Application, today calendar.Date) (clock.Result, error)
}

// newListRows turns cases into table rows, reading each case's clock; it runs
// off the UI goroutine.
func newListRows(ctx context.Context, c clockReader, apps []data.Application, today calendar.Date) ([]listRow, error) {
	rows := make([]listRow, len(apps))
	for i := range apps {
		a := &apps[i]
		r, err := c.Clock(ctx, a, today)
		if err != nil {
			return nil, err
		}
		due, left := "—", "—"
		if r.Started {
			due = r.Promised.Due.String()
			if r.Open {
				left = fmt.Sprint(r.Promised.Remaining)
			}
		}
		rows[i] = listRow{number: a.Number, promised: r.Promised.Warning, statute: r.Statutory.Warning,
			cells: []string{lightText(r.Promised.Warning), lightText(r.Statutory.Warning), a.Number, a.Applicant.Name, a.Item.Name, a.Window, lang.L(a.Status.Label()), due, left}}
	}
	return rows, nil
}

// caseTable is the table both case lists use: rows() gives the current
// rows, prepared off the UI goroutine, so a cell update only copies text.
// It is worked by keyboard as well as by mouse — Tab reaches it, the arrows
// move, Enter opens the case, Esc goes back to the search — and its
// columns are sized to their content and to the window; the row with the
// keyboard focus is spelt out whole in the detail line under it.
type caseTable struct {
	widget.Table
	rows     func() []listRow
	row      int                    // the row with the keyboard focus
	detail   *widget.Label          // the focused row's names in full
	onEscape func()                 // Esc: back to the search
	onOpen   func(row int)          // Enter, or a click: open the row's case
	quiet    bool                   // moving the focus marker, not opening
	width    float32                // the width the columns were laid out for
	widths   []float32              // the columns' widths
	measure  func(s string) float32 // a text's width in a cell
}

// The columns whose width follows the window: 申请人 and 办理事项.
var flexColumns = map[int]bool{3: true, 4: true}

func newCaseTable(rows func() []listRow) *caseTable {
	t := &caseTable{rows: rows, detail: widget.NewLabel(""), widths: make([]float32, len(listHeaders))}
	t.detail.Truncation = fyne.TextTruncateEllipsis
	t.measure = func(s string) float32 { return cellWidth(s, fyne.TextStyle{}) }
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
				want[c] = max(want[c], t.measure(r.cells[c]))
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

func updateCaseCell(rows []listRow, id widget.TableCellID, l *widget.Label) {
	if id.Row >= len(rows) {
		l.SetText("")
		return
	}
	row := rows[id.Row]
	l.Importance = widget.MediumImportance
	switch id.Col {
	case 0, 8:
		l.Importance = warningImportance(row.promised)
	case 1:
		l.Importance = warningImportance(row.statute)
	}
	l.SetText(row.cells[id.Col]) // refreshes, so the importance shows too
}

// lightText is the traffic light: a dot coloured by the cell's importance.
func lightText(w clock.Warning) string {
	if w == "" {
		return ""
	}
	return "●"
}

func warningImportance(w clock.Warning) widget.Importance {
	switch w {
	case clock.Red:
		return widget.DangerImportance
	case clock.Yellow:
		return widget.WarningImportance
	case clock.Green:
		return widget.SuccessImportance
	}
	return widget.MediumImportance
}

// truncatedLabel is a list or table cell: text that does not fit ends in "…"
// instead of widening the column.
func truncatedLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}
