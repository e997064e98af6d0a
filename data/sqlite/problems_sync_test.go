package sqlite_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/sqlite"
)

// Problems travel to the centre in the bundles like cases: registered,
// triaged and given its receipt at a township, the problem arrives at the
// centre with its whole log, the state the centre replays from it, and its
// paper (whose QR code the centre verifies against the site's key); what
// the township records later arrives with the next bundle, appended; the
// centre cannot write the township's problem; a bundle that claims
// another site's problem, or a problem with a gap in its log, is refused.
func TestProblemsTravel(t *testing.T) {
	c := newCounty(t, 2)
	site := c.sites[0]
	clerk, _ := site.UserByLogin(ctx, "zhangli")
	p, err := site.RegisterProblem(ctx, clerk.ID, problem.Intake{EnterpriseCode: "913301023333005192", EnterpriseName: "西湖嘉禾食品有限公司",
		Category: "用地", Source: "走访", Text: "新厂区的用地预审在两个部门之间退回了三次"})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = site.RecordProblem(ctx, p.Number, clerk.ID, problem.Event{Kind: problem.Triaged, Data: problem.EventData{Track: problem.Soon}}); err != nil {
		t.Fatal(err)
	}
	receipt, err := site.IssueProblemDocument(ctx, p.Number, problem.DocReceipt, clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	usb := t.TempDir()
	export := func() []exchange.ExportResult {
		t.Helper()
		res, err := site.Export(ctx, usb, "test", nil)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := export(); len(res) != 1 || res[0].Problems != 1 || res[0].Cases != 0 {
		t.Fatalf("a bundle of one problem: %+v", res)
	}
	if res := export(); len(res) != 0 {
		t.Fatalf("nothing new, yet %+v", res)
	}
	importAll := func() {
		t.Helper()
		rs, err := c.central.ImportDir(ctx, c.admin.ID, usb, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Outcome != exchange.ImportApplied && r.Outcome != exchange.ImportAlready {
				t.Fatalf("import %+v", r)
			}
		}
	}
	importAll()
	got, err := c.central.Problem(ctx, p.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.SiteCode != "330102101" || len(got.Events) != 2 || got.State.Track != problem.Soon || got.Events[0].Actor != "330102101/zhangli" {
		t.Errorf("at the centre: %+v", got)
	}
	if doc, err := c.central.VerifyReceipt(ctx, receipt.Token); err != nil || doc.Number != receipt.Number {
		t.Errorf("the township's receipt at the centre: %v", err)
	}
	if _, err := c.central.RecordProblem(ctx, p.Number, c.admin.ID, problem.Event{Kind: problem.Urged, Data: problem.EventData{Text: "请加快"}}); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("the centre writes a township's problem: %v", err)
	}

	// Later at the township: assigned, answered, closed.
	site.Now = func() time.Time { return time.Now().Add(time.Minute) }
	for _, e := range []problem.Event{
		{Kind: problem.Assigned, Data: problem.EventData{Department: "ZRGH"}},
		{Kind: problem.Answered, Data: problem.EventData{Text: "已协调两部门联合审查"}},
		{Kind: problem.ClosedKind, Data: problem.EventData{Text: "用地预审已通过"}},
	} {
		if _, err := site.RecordProblem(ctx, p.Number, clerk.ID, e); err != nil {
			t.Fatal(err)
		}
	}
	if res := export(); len(res) != 1 || res[0].Problems != 1 {
		t.Fatalf("the changed problem: %+v", res)
	}
	importAll()
	if got, _ = c.central.Problem(ctx, p.Number); len(got.Events) != 5 || got.State.Status != problem.Closed || got.State.Department != "ZRGH" {
		t.Errorf("at the centre after the second bundle: %+v", got.State)
	}
	if r, err := c.central.Verify(ctx); err != nil || !r.OK() {
		t.Errorf("verify at the centre: %+v %v", r, err)
	}
	// The board at the centre counts it under its department.
	rows, _, err := c.central.ProblemBoard(ctx, got.State.Received, got.State.ClosedOn, got.State.ClosedOn)
	if err != nil || len(rows) != 1 || rows[0].Department != "ZRGH" || rows[0].ClosedTotal() != 1 {
		t.Errorf("the centre's board: %+v %v", rows, err)
	}
}

// A bundle's problems are the site's own, each with its whole log.
func TestBundleProblemChecks(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	base := func() *exchange.Bundle {
		return &exchange.Bundle{Manifest: exchange.Manifest{Format: exchange.BundleFormat, Site: "330102101", SiteName: "站", Seq: 1,
			CreatedAt: "2026-12-01T02:00:00Z", To: "2026-12-01T02:00:00Z"},
			Problems: []exchange.Problem{{Number: "330102101-2026-WT000001", ReceivedAt: "2026-11-30T02:00:00Z", Days: "{}", Helpers: "[]"}},
			ProblemEvents: []exchange.ProblemEvent{{Problem: "330102101-2026-WT000001", Seq: 1, Kind: "registered", At: "2026-11-30T02:00:00Z", Data: "{}"},
				{Problem: "330102101-2026-WT000001", Seq: 2, Kind: "triaged", At: "2026-11-30T03:00:00Z", Data: "{}"}}}
	}
	for _, c := range []struct {
		name string
		edit func(b *exchange.Bundle)
		want string
	}{
		{"fine", func(*exchange.Bundle) {}, ""},
		{"another site's", func(b *exchange.Bundle) {
			b.Problems[0].Number = "330102102-2026-WT000001"
			b.ProblemEvents[0].Problem, b.ProblemEvents[1].Problem = b.Problems[0].Number, b.Problems[0].Number
		}, "不属于站点"},
		{"a gap in the log", func(b *exchange.Bundle) { b.ProblemEvents[1].Seq = 3 }, "依次编号"},
		{"no log", func(b *exchange.Bundle) { b.ProblemEvents = nil }, "没有事件"},
		{"an event of no problem", func(b *exchange.Bundle) { b.ProblemEvents[1].Problem = "330102101-2026-WT000002" }, "不在数据包中"},
		{"from the future", func(b *exchange.Bundle) { b.ProblemEvents[1].At = "2027-01-01T00:00:00Z" }, "晚于"},
	} {
		b := base()
		c.edit(b)
		raw, err := b.Encode(key)
		if err != nil {
			t.Fatal(err)
		}
		_, err = exchange.ReadBundle(raw)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(data.ErrorMessage(err), c.want)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// 上报: a township reports a problem up to a county department; its bundle
// brings it to the centre, where the department's user (not a clerk, not
// another department) answers; the centre's next publication carries the
// answer back, and receiving it writes it into the township's log (an
// explanation on the third track), said to come from the department.
func TestProblemEscalation(t *testing.T) {
	c := newCounty(t, 1)
	site := c.sites[0]
	clerk, _ := site.UserByLogin(ctx, "zhangli")
	siteAdmin, _ := site.UserByLogin(ctx, "admin")
	p, err := site.RegisterProblem(ctx, clerk.ID, problem.Intake{EnterpriseCode: "913301023333005192", EnterpriseName: "西湖嘉禾食品有限公司",
		Category: "用地", Source: "走访", Text: "新厂区用地需要县里调整村庄规划"})
	if err != nil {
		t.Fatal(err)
	}
	rec := func(e problem.Event) error {
		_, err := site.RecordProblem(ctx, p.Number, clerk.ID, e)
		return err
	}
	if err := rec(problem.Event{Kind: problem.Escalated, Data: problem.EventData{Department: "ZRGH", Text: "村庄规划调整须县自然资源和规划局办理"}}); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("reported up before triage: %v", err)
	}
	if err := rec(problem.Event{Kind: problem.Triaged, Data: problem.EventData{Track: problem.Explain}}); err != nil {
		t.Fatal(err)
	}
	if err := rec(problem.Event{Kind: problem.Escalated, Data: problem.EventData{Department: "ZRGH", Text: "村庄规划调整须县自然资源和规划局办理"}}); err != nil {
		t.Fatal(err)
	}
	if err := rec(problem.Event{Kind: problem.Escalated, Data: problem.EventData{Department: "FGJ", Text: "再报一次发改局试试"}}); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("reported up twice: %v", err)
	}
	usb := t.TempDir()
	if _, err := site.Export(ctx, usb, "test", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.central.ImportDir(ctx, c.admin.ID, usb, nil); err != nil {
		t.Fatal(err)
	}
	// At the centre: the department's user answers; a clerk or another
	// department's user may not.
	centreClerk, _ := c.central.UserByLogin(ctx, "zhangli")
	if err := c.central.SetUserDepartment(ctx, c.admin.ID, "liqiang", "ZRGH"); err != nil {
		t.Fatal(err)
	}
	if err := c.central.SetUserDepartment(ctx, c.admin.ID, "chenhong", "FGJ"); err != nil {
		t.Fatal(err)
	}
	zrgh, _ := c.central.UserByLogin(ctx, "liqiang")
	fgj, _ := c.central.UserByLogin(ctx, "chenhong")
	reply := problem.Reply{Problem: p.Number, Kind: problem.Explained, Text: "村庄规划调整已列入明年第一批，预计三月底前批复", Promised: "2027-03-31"}
	for _, u := range []data.User{centreClerk, fgj} {
		if _, err := c.central.ReplyProblem(ctx, u.ID, reply); data.ErrorCode(err) != data.EFORBIDDEN {
			t.Errorf("%s answers: %v", u.Login, err)
		}
	}
	bad := reply
	bad.Promised = ""
	if _, err := c.central.ReplyProblem(ctx, zrgh.ID, bad); data.ErrorField(err) != "promised" {
		t.Errorf("an explanation without a promised date: %v", err)
	}
	got, err := c.central.ReplyProblem(ctx, zrgh.ID, reply)
	if err != nil {
		t.Fatal(err)
	}
	if got.DepartmentName != "自然资源和规划局" || got.By != zrgh.Name {
		t.Errorf("reply %+v", got)
	}
	raw, err := c.central.Publish(ctx, c.admin.ID, &exchange.Publication{Manifest: exchange.PublicationManifest{Sites: []string{}}}, "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.central.Publish(ctx, c.admin.ID, &exchange.Publication{Manifest: exchange.PublicationManifest{Sites: []string{}}}, "test"); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("an empty publication: %v", err)
	}
	if _, seqs, _ := c.central.ProblemReplies(ctx, p.Number); len(seqs) != 1 || seqs[0] != 1 {
		t.Errorf("the reply's publication: %v", seqs)
	}
	// At the township: trust the centre once, receive.
	reg, err := c.central.Registration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := site.TrustCentre(ctx, siteAdmin.ID, reg, false); err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	if err := os.WriteFile(filepath.Join(in, exchange.PublicationName("330100000", 1)), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := site.ReceivePublications(ctx, siteAdmin.ID, in, sqlite.Receive{})
	if err != nil || len(res) != 1 || res[0].Outcome != exchange.ImportApplied || res[0].Replies != 1 {
		t.Fatalf("receive: %+v %v", res, err)
	}
	p, _ = site.Problem(ctx, p.Number)
	last := p.Events[len(p.Events)-1]
	if last.Kind != problem.Explained || last.Data.From != "自然资源和规划局 "+zrgh.Name || last.Data.Promised != "2027-03-31" || last.Actor != "admin" ||
		p.State.Explained == 0 || p.State.Replies != 1 || p.State.EscalatedTo != "ZRGH" {
		t.Errorf("the township's log: %+v; state %+v", last, p.State)
	}
	// The township's next bundle brings the answer to the centre too.
	if res, err := site.Export(ctx, usb, "test", nil); err != nil || len(res) != 1 {
		t.Fatalf("export %+v %v", res, err)
	}
}
