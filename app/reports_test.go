package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/internal/testkit"
)

// The report screen shows the store's figures; a figure opens exactly the
// cases behind it; the warning board lists the open yellow and red cases.
func TestReportScreen(t *testing.T) {
	s := testkit.OpenTemp(t)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	if _, err := demo.Run(context.Background(), s, demo.Options{Cases: 1500, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	ui := loggedIn(t, s, "wangjg")
	rs := ui.report
	rs.now = func() time.Time { return now }
	rs.period.SetSelected("近十二个月")
	rs.by.SetSelectedIndex(1) // 窗口
	rs.load()
	waitFor(t, "the report", func() bool { return rs.rep != nil })
	today := calendar.DateOf(now)
	want, err := s.Report(context.Background(), report.Spec{From: today - 364, To: today, By: report.ByWindow, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if rs.rep.Total.Received != want.Total.Received || rs.rep.Total.Completed != want.Total.Completed || len(rs.main.Rows) != len(want.Rows)+1 {
		t.Fatalf("screen total %d/%d, store %d/%d", rs.rep.Total.Received, rs.rep.Total.Completed, want.Total.Received, want.Total.Completed)
	}
	if !strings.Contains(rs.msg.Text, "收件") || len(rs.charts.Objects) != 2 {
		t.Errorf("message %q, %d charts", rs.msg.Text, len(rs.charts.Objects))
	}
	// The cell of 办结 of the first window opens that many cases.
	col := -1
	for i, h := range rs.main.Header {
		if h == "办结" {
			col = i
		}
	}
	cell := rs.main.Rows[0][col]
	numbers, err := s.ReportCases(context.Background(), rs.rep.Spec, rs.main.RowKeys[0], cell.Metric)
	if err != nil || len(numbers) != int(cell.Num) || cell.Num == 0 {
		t.Fatalf("drill-down %d cases for a figure of %v: %v", len(numbers), cell.Num, err)
	}
	// The drill-down's lines say whose case it is, what and how long.
	a, err := s.Case(context.Background(), numbers[0])
	if err != nil {
		t.Fatal(err)
	}
	line := drillLine(a, today, s)
	for _, want := range []string{a.Number, a.Applicant.Name, a.Item.Name, "已", "用时"} {
		if !strings.Contains(line, want) {
			t.Errorf("drill-down line %q lacks %q", line, want)
		}
	}
	// 一件事: a row per theme; its 按期办结 opens its item cases.
	if len(rs.themes.Rows) != len(rs.rep.Themes)+1 || len(rs.rep.Themes) == 0 {
		t.Fatalf("theme table %d rows for %d themes", len(rs.themes.Rows), len(rs.rep.Themes))
	}
	th := rs.rep.Themes[0]
	if th.OnTime == 0 || len(th.Cases[report.ThemeOnTime]) < th.OnTime*2 {
		t.Errorf("theme row %s: %d on time, %d cases", th.ThemeName, th.OnTime, len(th.Cases[report.ThemeOnTime]))
	}
	rs.drillTheme(widget.TableCellID{Row: 1, Col: 4})
	waitFor(t, "the theme's cases", func() bool {
		for _, o := range ui.win.Canvas().Overlays().List() {
			if strings.Contains(drawnTexts(t, o), th.ThemeName+" · 按期办结") {
				return true
			}
		}
		return false
	})
	ui.win.Canvas().Overlays().Top().Hide()
	// Every column is as wide as its header and its figures (up to 240).
	for i, tab := range []report.Table{rs.main, rs.rank} {
		if len(rs.widths[i]) != len(tab.Header) {
			t.Fatalf("table %d: %d widths for %d columns", i, len(rs.widths[i]), len(tab.Header))
		}
		for c, h := range tab.Header {
			need := cellWidth(h, fyne.TextStyle{Bold: true})
			for _, row := range tab.Rows {
				need = max(need, cellWidth(row[c].String(), fyne.TextStyle{}))
			}
			if got := rs.widths[i][c]; got < min(need, 240) {
				t.Errorf("column %q is %v wide, needs %v", h, got, need)
			}
		}
	}
	// The warning board has a heading per window and a line per case.
	if len(rs.boardRow) == 0 || rs.boardNo[0] != "" || !strings.HasPrefix(rs.boardRow[0], "窗口") {
		t.Fatalf("board %v", rs.boardRow)
	}
	cases := 0
	for _, n := range rs.boardNo {
		if n != "" {
			cases++
		}
	}
	if y, r := want.Total.Yellow, want.Total.Red; cases != y+r {
		t.Errorf("board lists %d cases, report has %d yellow and %d red", cases, y, r)
	}
	// A bad date is refused with the field named; typing makes the period 自定义.
	rs.from.SetText("2026-13-01")
	if rs.period.Selected != "自定义" {
		t.Errorf("period after typing a date: %q", rs.period.Selected)
	}
	rs.load()
	if !strings.Contains(rs.msg.Text, "期间") || rs.msg.Importance != widget.DangerImportance {
		t.Errorf("bad date: %q", rs.msg.Text)
	}
}
