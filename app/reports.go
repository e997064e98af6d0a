package app

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/data/sqlite"
)

// reportStore is what 统计报表 needs.
type reportStore interface {
	Report(ctx context.Context, spec report.Spec) (*report.Report, error)
	ReportCases(ctx context.Context, spec report.Spec, key string, m report.Metric) ([]string, error)
	Cases(ctx context.Context, f data.CaseFilter) ([]data.Application, error)
	Clock(ctx context.Context, app *data.Application, today calendar.Date) (clock.Result, error)
	Case(ctx context.Context, number string) (data.Application, error)
}

var periods = []string{"本日", "本周", "本月", "本季度", "本年", "近十二个月", "自定义"}

// periodDates returns the dates of a named period containing today.
func periodDates(p string, today calendar.Date) (calendar.Date, calendar.Date) {
	t := today.Time()
	y, m := t.Year(), t.Month()
	switch p {
	case "本日":
		return today, today
	case "本周":
		return today - calendar.Date((int(today.Weekday())+6)%7), today
	case "本月":
		return calendar.NewDate(y, m, 1), today
	case "本季度":
		return calendar.NewDate(y, m-(m-1)%3, 1), today
	case "本年":
		return calendar.NewDate(y, 1, 1), today
	}
	return today - 364, today
}

// reportScreen is 统计报表: the processing-time report for a period and a
// grouping, every figure opening its cases; the ranking; the charts; and
// the warning board of open yellow and red cases by window.
type reportScreen struct {
	store    reportStore
	bg       *worker
	win      fyne.Window
	now      func() time.Time
	openCase func(number string)

	period   *widget.Select
	from, to *formEntry
	by       *widget.Select
	msg      *widget.Label
	busy     *widget.ProgressBarInfinite
	rep      *report.Report
	main     report.Table
	rank     report.Table
	probs    report.Table // 企业反映问题 by lead department
	pols     report.Table // 政策落实督查
	themes   report.Table // 一件事 by theme
	table    *widget.Table
	rankT    *widget.Table
	probT    *widget.Table
	polT     *widget.Table
	themeT   *widget.Table
	weights  *widget.Label // how the 综合得分 is made
	charts   *fyne.Container
	board    *widget.List
	boardRow []string     // lines of the warning board
	boardNo  []string     // case numbers of the lines ("" for a window heading)
	widths   [5][]float32 // the columns' widths of table, rankT, probT, polT and themeT
	generate *widget.Button
	exports  []*widget.Button
}

func newReportScreen(s reportStore, win fyne.Window, openCase func(string)) *reportScreen {
	rs := &reportScreen{store: s, win: win, now: time.Now, openCase: openCase}
	opts := make([]string, len(periods))
	for i, p := range periods {
		opts[i] = lang.L(p)
	}
	rs.from, rs.to = newScreenEntry(), newScreenEntry()
	setting := false // the dates are being filled in from the period
	rs.period = widget.NewSelect(opts, func(string) {
		i := rs.period.SelectedIndex()
		if i < 0 || periods[i] == "自定义" {
			return
		}
		f, t := periodDates(periods[i], calendar.DateOf(rs.now()))
		setting = true
		rs.from.SetText(f.String())
		rs.to.SetText(t.String())
		setting = false
	})
	// Typing a date makes the period 自定义.
	custom := func(string) {
		if !setting {
			rs.period.SetSelectedIndex(len(periods) - 1)
		}
	}
	rs.from.OnChanged, rs.to.OnChanged = custom, custom
	// Enter in a date makes the report.
	rs.from.OnSubmitted = func(string) { rs.load() }
	rs.to.OnSubmitted = func(string) { rs.load() }
	rs.period.SetSelectedIndex(2)
	bys := make([]string, len(report.Bys))
	for i, b := range report.Bys {
		bys[i] = lang.L(b.Label())
	}
	rs.by = widget.NewSelect(bys, nil)
	rs.by.SetSelectedIndex(0)
	rs.msg = widget.NewLabel(lang.L("选择期间和分组后点“生成”。表中的数字可点开，查看其对应的办件。"))
	rs.msg.Wrapping = fyne.TextWrapWord
	rs.busy = widget.NewProgressBarInfinite()
	rs.busy.Hide()
	rs.table = widget.NewTable(rs.size(&rs.main), rs.create, rs.update(&rs.main))
	rs.table.OnSelected = rs.drill
	rs.rankT = widget.NewTable(rs.size(&rs.rank), rs.create, rs.update(&rs.rank))
	rs.probT = widget.NewTable(rs.size(&rs.probs), rs.create, rs.update(&rs.probs))
	rs.polT = widget.NewTable(rs.size(&rs.pols), rs.create, rs.update(&rs.pols))
	rs.polT.OnSelected = rs.drillPolicy
	rs.themeT = widget.NewTable(rs.size(&rs.themes), rs.create, rs.update(&rs.themes))
	rs.themeT.OnSelected = rs.drillTheme
	rs.weights = wrapped(lang.L("综合得分 = ") + report.WeightsText(report.Weights))
	rs.charts = container.NewGridWithColumns(2)
	rs.board = widget.NewList(func() int { return len(rs.boardRow) },
		func() fyne.CanvasObject { return truncatedLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.SetText(rs.boardRow[id])
			l.TextStyle.Bold = rs.boardNo[id] == ""
			l.Refresh()
		})
	rs.board.OnSelected = func(id widget.ListItemID) {
		rs.board.UnselectAll()
		if n := rs.boardNo[id]; n != "" {
			rs.openCase(n)
		}
	}
	rs.generate = widget.NewButton(lang.L("生成"), rs.load)
	rs.generate.Importance = widget.HighImportance
	for _, f := range render.Formats {
		b := widget.NewButton(lang.L("导出 ")+strings.ToUpper(string(f)), func() { rs.export(f) })
		b.Disable()
		rs.exports = append(rs.exports, b)
	}
	return rs
}

func (rs *reportScreen) content() fyne.CanvasObject {
	dates := container.NewGridWrap(fyne.NewSize(120, rs.from.MinSize().Height), rs.from)
	dates2 := container.NewGridWrap(fyne.NewSize(120, rs.to.MinSize().Height), rs.to)
	bar := container.NewHBox(widget.NewLabel(lang.L("期间")), rs.period, dates, widget.NewLabel(lang.L("至")), dates2,
		widget.NewLabel(lang.L("分组")), rs.by, rs.generate)
	// The exports beside the message, on a line of their own: at 800
	// wide they stay in view.
	exports := container.NewHBox()
	for _, b := range rs.exports {
		exports.Add(b)
	}
	if b := rs.bulletinButton(); b != nil {
		exports.Add(b)
	}
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("统计表"), rs.table),
		container.NewTabItem(lang.L("综合排名"), container.NewBorder(rs.weights, nil, nil, nil, rs.rankT)),
		container.NewTabItem(lang.L("企业问题"), container.NewBorder(wrapped(lang.L("按部门统计时显示各牵头部门办理企业反映问题的情况，与其办件按期率、满意度并列；期限与红灯按各问题的处理方式计算。")), nil, nil, nil, rs.probT)),
		container.NewTabItem(lang.L("政策落实"), container.NewBorder(wrapped(lang.L("每项减免政策在各部门的落实情况：符合条件、已减免、应减未减（其中窗口已说明理由的）、减免无依据。按受理日期计入期间；点数字查看办件。")), nil, nil, nil, rs.polT)),
		container.NewTabItem(lang.L("一件事"), container.NewBorder(wrapped(lang.L("按收件日期计入期间的一件事：整体用时自第一个事项受理起至最后一个事项办结止，与一件事承诺时限比较；点数字查看其中的办件。")), nil, nil, nil, rs.themeT)),
		container.NewTabItem(lang.L("图表"), rs.charts),
		container.NewTabItem(lang.L("预警看板"), rs.board),
	)
	return container.NewBorder(container.NewVBox(container.NewHScroll(bar), rs.busy, container.NewBorder(nil, nil, nil, exports, rs.msg)), nil, nil, nil, tabs)
}

func (rs *reportScreen) size(t *report.Table) func() (int, int) {
	return func() (int, int) {
		if len(t.Header) == 0 {
			return 0, 0
		}
		return len(t.Rows) + 1, len(t.Header)
	}
}

func (rs *reportScreen) create() fyne.CanvasObject { return truncatedLabel("") }

func (rs *reportScreen) update(t *report.Table) func(widget.TableCellID, fyne.CanvasObject) {
	return func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.TextStyle.Bold = id.Row == 0
		l.Importance = widget.MediumImportance
		if id.Row == 0 {
			l.SetText(t.Header[id.Col]) // the report's own words, as in its exports
			return
		}
		c := t.Rows[id.Row-1][id.Col]
		l.Alignment = fyne.TextAlignTrailing
		if !c.IsNum {
			l.Alignment = fyne.TextAlignLeading
		}
		if c.Metric != "" && c.Num > 0 {
			l.Importance = widget.HighImportance // can be opened
		}
		l.SetText(c.String())
	}
}

// load computes the report in the background, with a progress bar when it
// takes longer than 300 ms; the window stays responsive.
func (rs *reportScreen) load() {
	from, err1 := calendar.ParseDate(strings.TrimSpace(rs.from.Text))
	to, err2 := calendar.ParseDate(strings.TrimSpace(rs.to.Text))
	if err1 != nil || err2 != nil {
		say(rs.msg, wrong, lang.L("期间：日期应为“年-月-日”，如 2026-01-01"))
		return
	}
	spec := report.Spec{From: from, To: to, By: report.Bys[max(rs.by.SelectedIndex(), 0)], Today: calendar.DateOf(rs.now())}
	rs.generate.Disable()
	done := make(chan struct{})
	time.AfterFunc(300*time.Millisecond, func() {
		select {
		case <-done:
		default:
			fyne.Do(func() { rs.busy.Show(); rs.busy.Start() })
		}
	})
	rs.bg.run(func() {
		ctx := context.Background()
		rep, err := rs.store.Report(ctx, spec)
		var board []data.Application
		var clocks []clock.Result
		if err == nil {
			board, clocks, err = rs.warnings(ctx, spec.Today)
		}
		close(done)
		fyne.Do(func() {
			rs.busy.Stop()
			rs.busy.Hide()
			rs.generate.Enable()
			if err != nil {
				say(rs.msg, wrong, problem(err))
				return
			}
			rs.show(rep)
			rs.showBoard(board, clocks, spec.Today)
		})
	})
}

func (rs *reportScreen) show(rep *report.Report) {
	rs.rep = rep
	tables := rep.Tables()
	rs.main = tables[0]
	rs.rank, _ = report.Find(tables, "综合排名")
	rs.probs, _ = report.Find(tables, "企业反映问题")
	rs.pols, _ = report.Find(tables, "政策落实督查")
	rs.themes, _ = report.Find(tables, "一件事")
	rs.weights.SetText(lang.L("综合得分 = ") + report.WeightsText(rep.Weights))
	for _, b := range rs.exports {
		b.Enable()
	}
	say(rs.msg, plain, fmt.Sprintf(lang.L("%s 至 %s，按%s：%d 组，收件 %d，办结 %d，承诺按期率 %s。点数字查看办件。"), rep.Spec.From, rep.Spec.To,
		lang.L(rep.Spec.By.Label()), len(rep.Rows), rep.Total.Received, rep.Total.Completed, pct(rep.Total.OnTimeRate())))
	rs.widths[0] = sizeColumns(rs.table, rs.main)
	rs.widths[1] = sizeColumns(rs.rankT, rs.rank)
	rs.widths[2] = sizeColumns(rs.probT, rs.probs)
	rs.widths[3] = sizeColumns(rs.polT, rs.pols)
	rs.widths[4] = sizeColumns(rs.themeT, rs.themes)
	rs.charts.Objects = []fyne.CanvasObject{barChart(rep), lineChart(rep)}
	rs.charts.Refresh()
}

// sizeColumns gives each column of a report table the width of its widest
// text, the bold header included, up to 240 (a longer department or item
// name then ends in "…", and its whole name is in the exports).
func sizeColumns(t *widget.Table, tab report.Table) []float32 {
	widths := make([]float32, len(tab.Header))
	for c, h := range tab.Header {
		w := cellWidth(h, fyne.TextStyle{Bold: true})
		for _, r := range tab.Rows {
			if c < len(r) {
				w = max(w, cellWidth(r[c].String(), fyne.TextStyle{}))
			}
		}
		widths[c] = min(w, 240)
		t.SetColumnWidth(c, widths[c])
	}
	t.Refresh()
	return widths
}

func pct(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", v*100)
}

// drill opens the cases behind a figure of the main table.
func (rs *reportScreen) drill(id widget.TableCellID) {
	rs.table.UnselectAll()
	if id.Row == 0 || rs.rep == nil || id.Row-1 >= len(rs.main.Rows) {
		return
	}
	c := rs.main.Rows[id.Row-1][id.Col]
	if c.Metric == "" || c.Num == 0 {
		return
	}
	key, spec := rs.main.RowKeys[id.Row-1], rs.rep.Spec
	title := rs.main.Rows[id.Row-1][0].Text + " · " + rs.main.Header[id.Col]
	rs.bg.run(func() {
		numbers, err := rs.store.ReportCases(context.Background(), spec, key, c.Metric)
		fyne.Do(func() {
			if err != nil {
				say(rs.msg, wrong, problem(err))
				return
			}
			rs.showCases(title, numbers)
		})
	})
}

// drillPolicy opens the cases behind a figure of the 政策落实督查 (the
// report holds them).
func (rs *reportScreen) drillPolicy(id widget.TableCellID) {
	rs.polT.UnselectAll()
	if id.Row == 0 || rs.rep == nil || id.Row-1 >= len(rs.pols.Rows) {
		return
	}
	c := rs.pols.Rows[id.Row-1][id.Col]
	i, err := strconv.Atoi(rs.pols.RowKeys[id.Row-1])
	if c.Metric == "" || c.Num == 0 || err != nil || i >= len(rs.rep.Policies) {
		return
	}
	p := rs.rep.Policies[i]
	rs.showCases(p.PolicyName+" · "+p.Department+" · "+rs.pols.Header[id.Col], p.Cases[c.Metric])
}

// drillTheme opens the item cases behind a figure of the 一件事 table
// (the report holds them).
func (rs *reportScreen) drillTheme(id widget.TableCellID) {
	rs.themeT.UnselectAll()
	if id.Row == 0 || rs.rep == nil || id.Row-1 >= len(rs.themes.Rows) {
		return
	}
	c := rs.themes.Rows[id.Row-1][id.Col]
	i, err := strconv.Atoi(rs.themes.RowKeys[id.Row-1])
	if c.Metric == "" || c.Num == 0 || err != nil || i >= len(rs.rep.Themes) {
		return
	}
	th := rs.rep.Themes[i]
	rs.showCases(th.ThemeName+" · "+rs.themes.Header[id.Col], th.Cases[c.Metric])
}

// showCases lists the cases behind a figure: number, applicant, item,
// status and working days used, each line read when it is first shown (a
// figure may stand for thousands of cases).
func (rs *reportScreen) showCases(title string, numbers []string) {
	var dlg dialog.Dialog
	lines := make([]string, len(numbers))
	asked := make([]bool, len(numbers))
	var list *widget.List
	today := calendar.DateOf(rs.now())
	list = widget.NewList(func() int { return len(numbers) },
		func() fyne.CanvasObject { return truncatedLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if lines[id] == "" && !asked[id] {
				asked[id] = true
				n := numbers[id]
				rs.bg.run(func() {
					line := n
					if a, err := rs.store.Case(context.Background(), n); err == nil {
						line = drillLine(a, today, rs.store)
					}
					fyne.Do(func() { lines[id] = line; list.RefreshItem(id) })
				})
			}
			text := lines[id]
			if text == "" {
				text = numbers[id]
			}
			o.(*widget.Label).SetText(text)
		})
	list.OnSelected = func(id widget.ListItemID) {
		list.UnselectAll()
		dlg.Hide()
		rs.openCase(numbers[id])
	}
	head := widget.NewLabel(fmt.Sprintf(lang.L("%d 件（点击打开）"), len(numbers)))
	if len(numbers) >= sqlite.MaxReportCases {
		head.SetText(fmt.Sprintf(lang.L("前 %d 件（点击打开）"), len(numbers)))
	}
	dlg = dialog.NewCustom(title, lang.L("关闭"), container.NewBorder(head, nil, nil, nil, list), rs.win)
	dlg.Resize(dialogSize(rs.win, 760, 520))
	dlg.Show()
}

// drillLine is one case of a figure: number, applicant, item, status and
// the working days it has used against its promised limit.
func drillLine(a data.Application, today calendar.Date, c clockReader) string {
	days := "—"
	if r, err := c.Clock(context.Background(), &a, today); err == nil && r.Started {
		days = fmt.Sprintf(lang.L("用时 %d 个工作日"), r.Promised.Used)
	}
	return fmt.Sprintf(lang.L("%s　%s　%s　%s　%s"), a.Number, a.Applicant.Name, a.Item.Name, lang.L(a.Status.Label()), days)
}

// warnings reads the open yellow and red cases now, with their clocks.
func (rs *reportScreen) warnings(ctx context.Context, today calendar.Date) ([]data.Application, []clock.Result, error) {
	apps, err := rs.store.Cases(ctx, data.CaseFilter{WarningsAt: today, Order: "due", Limit: 2000})
	if err != nil {
		return nil, nil, err
	}
	clocks := make([]clock.Result, len(apps))
	for i := range apps {
		if clocks[i], err = rs.store.Clock(ctx, &apps[i], today); err != nil {
			return nil, nil, err
		}
	}
	return apps, clocks, nil
}

// showBoard lists the open yellow and red cases by window, reddest first,
// with days over or days left.
func (rs *reportScreen) showBoard(apps []data.Application, clocks []clock.Result, today calendar.Date) {
	type line struct {
		number, text string
		red          bool
		remaining    int
	}
	byWin := map[string][]line{}
	for i, a := range apps {
		c := clocks[i]
		t := c.Promised
		if c.Statutory.Warning == clock.Red || (t.Warning != clock.Red && c.Statutory.Warning == clock.Yellow && c.Statutory.Remaining < t.Remaining) {
			t = c.Statutory
		}
		red := c.Promised.Warning == clock.Red || c.Statutory.Warning == clock.Red
		state := fmt.Sprintf(lang.L("剩余 %d 个工作日"), t.Remaining)
		if t.Remaining < 0 {
			state = fmt.Sprintf(lang.L("已超期 %d 个工作日"), -t.Remaining)
		}
		mark := lang.L("黄")
		if red {
			mark = lang.L("红")
		}
		byWin[a.Window] = append(byWin[a.Window], line{a.Number, fmt.Sprintf("　%s　%s　%s · %s · %s，到期 %s", mark, a.Number, a.Applicant.Name, a.Item.Name, state, t.Due),
			red, t.Remaining})
	}
	wins := make([]string, 0, len(byWin))
	for w := range byWin {
		wins = append(wins, w)
	}
	sort.Strings(wins)
	rs.boardRow, rs.boardNo = nil, nil
	for _, w := range wins {
		ls := byWin[w]
		sort.SliceStable(ls, func(i, j int) bool { return ls[i].remaining < ls[j].remaining })
		reds := 0
		for _, l := range ls {
			if l.red {
				reds++
			}
		}
		rs.boardRow = append(rs.boardRow, fmt.Sprintf(lang.L("窗口 %s：红灯 %d 件，黄灯 %d 件"), w, reds, len(ls)-reds))
		rs.boardNo = append(rs.boardNo, "")
		for _, l := range ls {
			rs.boardRow = append(rs.boardRow, l.text)
			rs.boardNo = append(rs.boardNo, l.number)
		}
	}
	if len(wins) == 0 {
		rs.boardRow, rs.boardNo = []string{fmt.Sprintf(lang.L("截至 %s 没有黄灯或红灯的办件。"), today)}, []string{""}
	}
	rs.board.Refresh()
}

// export writes the report in the background and asks where to save it.
func (rs *reportScreen) export(format render.Format) {
	rep := rs.rep
	if rep == nil {
		return
	}
	now := rs.now()
	rs.bg.run(func() {
		var b bytes.Buffer
		err := render.Encode(&b, format, rep, now)
		out := b.Bytes()
		fyne.Do(func() {
			if err != nil {
				say(rs.msg, wrong, problem(err))
				return
			}
			name := fmt.Sprintf("办件时效_%s_%s_%s.%s", rep.Spec.By, rep.Spec.From, rep.Spec.To, format)
			saveFile(rs.win, name, out, func(path string, err error) {
				if err != nil {
					say(rs.msg, wrong, lang.L("保存失败：")+err.Error())
					return
				}
				say(rs.msg, plain, lang.L("报表已保存到 ")+path)
			})
		})
	})
}
