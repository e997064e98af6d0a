package app

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	pb "github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// 企业问题: a clerk registers a problem from the form (bad input names its
// field), the list shows it to triage; triaged and assigned it shows its
// track and department; 督办 is offered to supervisors only.
func TestProblemsScreen(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "zhangli")
	ps := ui.probs
	ui.tabs.SelectIndex(8)
	waitFor(t, "the categories", func() bool { return len(ps.category.Options) > 0 })
	test.Type(ps.code, "913301023333005193")
	ps.name.SetText("西湖嘉禾食品有限公司")
	ps.category.SetSelected("水电路网")
	ps.text.SetText("新厂区门前道路尚未接通，货车无法进出")
	test.Tap(ps.registerB)
	waitFor(t, "the error", func() bool { return strings.Contains(ps.msg.Text, "统一社会信用代码") })
	ps.code.SetText("913301023333005192")
	test.Tap(ps.registerB)
	waitFor(t, "the registration", func() bool { return strings.Contains(ps.msg.Text, "WT000001") })
	waitFor(t, "the list", func() bool { return len(ps.rows) == 1 })
	if r := ps.rows[0]; r.cells[6] != "待分流" || r.cells[5] != "未交办" {
		t.Errorf("row %v", r.cells)
	}
	if got := ps.actions(ps.rows[0].p); len(got) != 2 || got[0] != pb.Triaged {
		t.Errorf("a clerk's actions on a new problem: %v", got)
	}
	done := func(pb.Problem) { ps.load() }
	ps.record(ps.rows[0].p.Number, pb.Event{Kind: pb.Triaged, Data: pb.EventData{Track: pb.Soon}}, done, ps.msg)
	waitFor(t, "triaged", func() bool { return len(ps.rows) == 1 && ps.rows[0].cells[4] == "尽快解决" })
	ps.record(ps.rows[0].p.Number, pb.Event{Kind: pb.Assigned, Data: pb.EventData{Department: "JTJ"}}, done, ps.msg)
	waitFor(t, "assigned", func() bool { return len(ps.rows) == 1 && ps.rows[0].cells[5] != "未交办" })
	for _, k := range ps.actions(ps.rows[0].p) {
		if k == pb.Urged {
			t.Error("a clerk is offered 督办")
		}
	}
	if !strings.Contains(problemClockText(ps.rows[0].p.State, ps.rows[0].clock), "办结期限") {
		t.Errorf("clock text %q", problemClockText(ps.rows[0].p.State, ps.rows[0].clock))
	}
	var printed []string
	ui.desk.print = func(path string) (string, error) {
		printed = append(printed, path)
		return "已送打印机", nil
	}
	ps.open(ps.rows[0].p)
	snap(t, ui.win, "problems-view")
	// 打印问题受理回执: issued, numbered and printed from the view; no
	// 情况说明函 before an explanation.
	var receiptB *widget.Button
	for _, o := range ps.shown.Objects {
		if b := o.(*widget.Button); b.Text == "打印企业反映问题受理回执" {
			receiptB = b
		} else if strings.Contains(b.Text, "情况说明函") {
			t.Error("a 情况说明函 is offered before an explanation")
		}
	}
	if receiptB == nil {
		t.Fatal("no receipt button")
	}
	test.Tap(receiptB)
	waitFor(t, "the receipt printed", func() bool { return strings.Contains(ps.shownMsg.Text, "WH000001") })
	if len(printed) != 1 || !strings.HasSuffix(printed[0], "WH000001.pdf") {
		t.Errorf("printed %v", printed)
	}
	if docs, err := s.ProblemDocuments(context.Background(), ps.rows[0].p.Number); err != nil || len(docs) != 1 {
		t.Errorf("the receipt in the store: %v %d", err, len(docs))
	}
	// An action's form from the keyboard: the text typed, Shift+Enter
	// confirms.
	answered := false
	ps.ask(ps.rows[0].p, pb.Answered, func(p pb.Problem) { answered = len(p.Events) == 4 }, ps.shownMsg)
	text := ps.asked[0].Widget.(*formEntry)
	test.Type(text, "交通局已安排施工队")
	text.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	text.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	text.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	waitFor(t, "the answer recorded by Shift+Enter", func() bool { return answered })
	ps.board.load(ps.bg, s, calendar.DateOf(ps.now()))
	waitFor(t, "the board", func() bool { return len(ps.board.cells) == 1 && ps.board.cells[0][1] == "1" })
	super := loggedIn(t, s, "wangjg")
	super.probs.load()
	waitFor(t, "the supervisor's list", func() bool { return len(super.probs.rows) == 1 })
	urge := false
	for _, k := range super.probs.actions(super.probs.rows[0].p) {
		urge = urge || k == pb.Urged
	}
	if !urge {
		t.Error("a supervisor is not offered 督办")
	}
	if p, _ := s.Problems(context.Background(), sqlite.ProblemFilter{}); len(p) != 1 || len(p[0].Events) != 4 {
		t.Errorf("stored: %+v", p)
	}
}

// 统计报表's 督查通报 button makes the bulletin of the period's first month
// (through the save dialog, which the test driver leaves open); at a
// PostgreSQL centre, which keeps no problems yet, there is no such button.
func TestBulletinButton(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "wangjg")
	b := ui.report.bulletinButton()
	if b == nil {
		t.Fatal("no 督查通报 button on a site")
	}
	bl, pdf, err := bulletinPDF(context.Background(), s, calendar.DateOf(ui.report.now()), ui.report.now())
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF") || !strings.Contains(bl.Title, "优质服务竞赛和企业反映问题办理情况的通报") {
		t.Errorf("bulletin: %v %q", err, bl.Title)
	}
}

// 设置 → 企业问题: an administrator adds a category and sets the tracks'
// days; bad days name the field; a clerk's buttons are off.
func TestProblemSettings(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "admin")
	ps := ui.sets.problems
	waitFor(t, "the categories", func() bool { return len(ps.cats) == 7 && ps.soon.Text == "5" })
	ps.newCat.SetText("绿化")
	test.Tap(ps.addB)
	waitFor(t, "the new category", func() bool { return len(ps.cats) == 8 })
	ps.soon.SetText("x")
	test.Tap(ps.saveB)
	if !strings.Contains(ps.msg.Text, "尽快解决的期限") {
		t.Errorf("bad days: %q", ps.msg.Text)
	}
	ps.soon.SetText("4")
	test.Tap(ps.saveB)
	waitFor(t, "saved", func() bool { return strings.Contains(ps.msg.Text, "已保存") })
	if d, _ := s.ProblemDays(context.Background()); d.Soon != 4 {
		t.Errorf("days %+v", d)
	}
	// The ranking's weights: shown as stored, refused unless they add up
	// to 100, saved when they do.
	waitFor(t, "the weights", func() bool { return ps.weights[0].Text == "32" && ps.weights[5].Text == "10" })
	ps.weights[0].SetText("40")
	test.Tap(ps.weightsB)
	waitFor(t, "refused", func() bool { return strings.Contains(ps.msg.Text, "100") })
	ps.weights[5].SetText("2")
	test.Tap(ps.weightsB)
	waitFor(t, "weights saved", func() bool { return strings.Contains(ps.msg.Text, "新权重") })
	if ws, _ := s.RankWeights(context.Background()); report.Percents(ws)["on_time"] != 40 || report.Percents(ws)["problems_on_time"] != 2 {
		t.Errorf("weights %v", report.Percents(ws))
	}
	ui.tabs.SelectIndex(7)
	if tabs := findTabs(ui.win.Canvas().Content(), "工作日历"); tabs != nil { // 设置's own tabs
		for i, it := range tabs.Items {
			if it.Text == "企业问题" {
				tabs.SelectIndex(i)
			}
		}
	}
	snap(t, ui.win, "settings-problems")
	clerk := loggedIn(t, s, "zhangli")
	clerk.sets.problems.content()
	if !clerk.sets.problems.addB.Disabled() {
		t.Error("a clerk may add categories")
	}
}

// 上报 on the screens: at a township an open problem offers 上报县级部门
// (the form names the department and why); at the centre its bundle
// brings it, a supervisor is offered 答复上报问题 and nothing else on
// another site's problem, a clerk nothing; the answer is recorded for the
// next publication.
func TestEscalationScreens(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	mk := func(code, name string, kind data.SiteKind) *sqlite.Store {
		s, err := sqlite.CreateSite(ctx, filepath.Join(dir, code+".db"), data.Site{Code: code, Name: name, Kind: kind}, testkit.Defaults(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.MarkSample(ctx); err != nil {
			t.Fatal(err)
		}
		return s
	}
	town, centre := mk("330102101", "示例镇便民服务中心", data.SiteTownship), mk("330100000", "示例县行政服务中心", data.SiteCentre)
	ui := loggedIn(t, town, "zhangli")
	ps := ui.probs
	clerk, _ := town.UserByLogin(ctx, "zhangli")
	p, err := town.RegisterProblem(ctx, clerk.ID, pb.Intake{EnterpriseCode: "913301023333005192", EnterpriseName: "西湖嘉禾食品有限公司",
		Category: "用地", Source: "走访", Text: "新厂区用地需要县里调整村庄规划"})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = town.RecordProblem(ctx, p.Number, clerk.ID, pb.Event{Kind: pb.Triaged, Data: pb.EventData{Track: pb.Explain}}); err != nil {
		t.Fatal(err)
	}
	ps.load()
	waitFor(t, "the township's list", func() bool { return len(ps.rows) == 1 && ps.site.Code == "330102101" })
	if !slices.Contains(ps.actions(ps.rows[0].p), pb.Escalated) {
		t.Fatalf("no 上报 on an open problem: %v", ps.actions(ps.rows[0].p))
	}
	ps.record(p.Number, pb.Event{Kind: pb.Escalated, Data: pb.EventData{Department: "ZRGH", Text: "村庄规划调整须县自然资源和规划局办理"}}, func(pb.Problem) { ps.load() }, ps.msg)
	waitFor(t, "reported up", func() bool { return len(ps.rows) == 1 && ps.rows[0].p.State.EscalatedTo == "ZRGH" })
	if slices.Contains(ps.actions(ps.rows[0].p), pb.Escalated) {
		t.Error("上报 offered twice")
	}
	ps.open(ps.rows[0].p)
	snap(t, ui.win, "problems-escalated")

	// The bundle to the centre.
	usb := t.TempDir()
	if _, err := town.Export(ctx, usb, "test", nil); err != nil {
		t.Fatal(err)
	}
	reg, _ := town.Registration(ctx)
	admin, _ := centre.UserByLogin(ctx, "admin")
	if _, err := centre.RegisterSite(ctx, admin.ID, reg); err != nil {
		t.Fatal(err)
	}
	if _, err := centre.ImportDir(ctx, admin.ID, usb, nil); err != nil {
		t.Fatal(err)
	}
	sup := loggedIn(t, centre, "wangjg")
	sup.probs.load()
	waitFor(t, "the centre's list", func() bool { return len(sup.probs.rows) == 1 && sup.probs.site.Code == "330100000" })
	if got := sup.probs.actions(sup.probs.rows[0].p); len(got) != 1 || got[0] != replyKind {
		t.Fatalf("a supervisor's actions on a township's problem: %v", got)
	}
	cl := loggedIn(t, centre, "zhangli")
	cl.probs.load()
	waitFor(t, "the centre clerk's list", func() bool { return len(cl.probs.rows) == 1 && cl.probs.site.Code != "" })
	if got := cl.probs.actions(cl.probs.rows[0].p); len(got) != 0 {
		t.Errorf("a centre clerk's actions on a township's problem: %v", got)
	}
	sup.probs.reply(pb.Reply{Problem: p.Number, Kind: pb.Answered, Text: "县局已受理规划调整申请"}, sup.probs.msg)
	waitFor(t, "the answer recorded", func() bool { return strings.Contains(sup.probs.msg.Text, "自然资源和规划局") })
	if rs, seqs, err := centre.ProblemReplies(ctx, p.Number); err != nil || len(rs) != 1 || seqs[0] != 0 {
		t.Errorf("replies at the centre: %v %v %v", rs, seqs, err)
	}
}

// findTabs is the first AppTabs under o with a tab called text.
func findTabs(o fyne.CanvasObject, text string) *container.AppTabs {
	if tabs, ok := o.(*container.AppTabs); ok {
		for _, it := range tabs.Items {
			if it.Text == text {
				return tabs
			}
		}
		for _, it := range tabs.Items {
			if found := findTabs(it.Content, text); found != nil {
				return found
			}
		}
		return nil
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, child := range c.Objects {
			if found := findTabs(child, text); found != nil {
				return found
			}
		}
	}
	return nil
}
