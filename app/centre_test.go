package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The supervisors' window on a PostgreSQL centre: the reports first, every
// site's cases in the list, a figure opening its cases, a case shown
// without actions, and no screen that writes.
func TestCentreOnPostgreSQL(t *testing.T) {
	ctx := context.Background()
	s := pgtest.Centre(t, 2, 150)
	// The only user is chosen already: the PIN and Enter log in.
	first := New(test.NewTempApp(t), s)
	first.bg.wait = true
	first.load()
	waitFor(t, "the only user chosen", func() bool { return first.login.user.SelectedIndex() == 0 })
	ui := loggedInPIN(t, s, "admin", pgtest.AdminPIN)
	if ui.intake != nil || ui.sets != nil || ui.xchg != nil || ui.review != nil {
		t.Fatal("a screen that writes on a central server")
	}
	var names []string
	for _, tab := range ui.tabs.Items {
		names = append(names, tab.Text)
	}
	if strings.Join(names, " ") != "统计报表 办件列表 事项与最近办件 企业问题督查" {
		t.Errorf("tabs %v", names)
	}
	if !strings.Contains(ui.win.Title(), "示例市政务服务中心（330100000）") {
		t.Errorf("title %q", ui.win.Title())
	}
	snap(t, ui.win, "centre-login")
	// The 督查通报 over every site, and the board of every site's problems
	// as their bundles brought them.
	if ui.report.bulletinButton() == nil {
		t.Error("no 督查通报 button at the centre")
	}
	bl, pdf, err := bulletinPDF(ctx, s, calendar.DateOf(time.Now()), time.Now())
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF") || bl.Issuer != "示例市政务服务中心" {
		t.Errorf("the centre's bulletin: %v %q", err, bl.Issuer)
	}
	ui.tabs.SelectIndex(3)
	waitFor(t, "the centre's problem board", func() bool {
		n := 0
		for _, row := range ui.centreProblems.cells {
			fmt.Sscan(row[1], &n)
			if n > 0 {
				return true
			}
		}
		return false
	})
	snap(t, ui.win, "centre-problems")
	ui.tabs.SelectIndex(0)

	// The report by site, as the store makes it; a figure opens its cases.
	rs := ui.report
	rs.period.SetSelected("近十二个月")
	rs.by.SetSelectedIndex(len(report.Bys) - 1)
	rs.load()
	waitFor(t, "the report", func() bool { return rs.rep != nil })
	want, err := s.Report(ctx, rs.rep.Spec)
	if err != nil {
		t.Fatal(err)
	}
	if rs.rep.Total.Received != want.Total.Received || rs.rep.Total.Received == 0 || len(rs.main.Rows) != 3 {
		t.Fatalf("screen %d received in %d rows, store %d", rs.rep.Total.Received, len(rs.main.Rows), want.Total.Received)
	}
	snap(t, ui.win, "centre-report")
	col := -1
	for i, h := range rs.main.Header {
		if h == "办结" {
			col = i
		}
	}
	cell := rs.main.Rows[0][col]
	numbers, err := s.ReportCases(ctx, rs.rep.Spec, rs.main.RowKeys[0], cell.Metric)
	if err != nil || len(numbers) != int(cell.Num) || cell.Num == 0 {
		t.Fatalf("drill-down %d cases for a figure of %v: %v", len(numbers), cell.Num, err)
	}
	if !strings.HasPrefix(numbers[0], rs.main.RowKeys[0]) {
		t.Errorf("site %s's figure opens %s", rs.main.RowKeys[0], numbers[0])
	}

	// The case: its record, its clock, no action.
	ui.view.open(numbers[0])
	waitFor(t, "the case", func() bool { return ui.view.visible() })
	if !strings.Contains(ui.view.header.Text, numbers[0]) || !strings.Contains(ui.view.timing.Text, "期限") {
		t.Errorf("case view %q / %q", ui.view.header.Text, ui.view.timing.Text)
	}
	if l, ok := ui.view.actions.Objects[0].(*widget.Label); len(ui.view.actions.Objects) != 1 || !ok || !strings.Contains(l.Text, "此处只读") {
		t.Errorf("actions on a central server: %d", len(ui.view.actions.Objects))
	}
	snap(t, ui.win, "centre-case")
	ui.view.close()

	// The list: every site's cases; a search by applicant.
	ui.tabs.SelectIndex(1)
	ui.list.status.SetSelectedIndex(0) // 全部状态
	waitFor(t, "the list", func() bool { return ui.list.total == 300 })
	if ui.list.window.Visible() {
		t.Error("every site's windows offered as a filter")
	}
	app, err := s.Case(ctx, numbers[0])
	if err != nil {
		t.Fatal(err)
	}
	test.Type(ui.list.search, app.Applicant.Name)
	ui.list.apply()
	waitFor(t, "the search", func() bool { return ui.list.total > 0 && ui.list.total < 300 })
	found := false
	for _, r := range ui.list.rows {
		found = found || r.number == numbers[0]
	}
	if !found {
		t.Errorf("searching %s does not find %s", app.Applicant.Name, numbers[0])
	}
	snap(t, ui.win, "centre-list")

	// The home screen: the catalogue the sites brought and the latest
	// cases with today's clocks.
	waitFor(t, "the latest cases", func() bool { return len(ui.home.rows) == 200 && len(ui.home.items) > 0 })
	if !strings.Contains(ui.home.status.Text, calendar.DateOf(ui.home.now()).String()) {
		t.Errorf("home %q", ui.home.status.Text)
	}
	ui.logout()
	if !strings.Contains(texts(ui.win), "登录") {
		t.Error("logout does not return to the login screen")
	}
}
