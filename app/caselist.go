package app

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
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
	l.summary = wrapped("")
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
	if l.bg.wait {
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
				l.summary.SetText(lang.L("读取办件失败：") + problem(err))
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
						l.summary.SetText(lang.L("读取办件失败：") + problem(err))
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
