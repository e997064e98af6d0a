package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/internal/testkit"
)

// A clerk asks for a waiver and an extension from the case view; the queue
// shows both to everyone but only a supervisor can decide, and the amount
// due follows the decision. A completed case offers 好差评.
func TestWaiverQueueAndRating(t *testing.T) {
	s := testkit.OpenTemp(t)
	ctx := context.Background()
	clerk, _ := s.UserByLogin(ctx, "zhangli")
	app := testkit.Register(t, s, "zhangli", "BDC-001", data.DecideAccept)
	ui := loggedIn(t, s, "zhangli")
	v := ui.view
	v.open(app.Number)
	waitFor(t, "the case view", func() bool { return v.app.Number == app.Number })
	if !strings.Contains(v.money.Text, "不动产登记费（住宅） 80.00元") || !strings.Contains(v.money.Text, "应收合计 90.00元") {
		t.Errorf("fees in the case view: %q", v.money.Text)
	}
	labels := actionLabels(v)
	if !strings.Contains(labels, "申请减免") || !strings.Contains(labels, "申请延期") || strings.Contains(labels, "延长期限") {
		t.Errorf("clerk's actions on an accepted case with fees: %s", labels)
	}
	pols, _ := s.WaiverPolicies(ctx)
	var small data.WaiverPolicy
	for _, p := range pols {
		if p.Code == "XWQY-BDC" {
			small = p
		}
	}
	if _, err := s.RequestWaiver(ctx, app.Number, clerk.ID, data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverFull, PolicyID: small.ID, Reason: "小微企业"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestExtension(ctx, app.Number, clerk.ID, 5, "需现场核查"); err != nil {
		t.Fatal(err)
	}
	// The clerk sees the queue but cannot decide.
	r := ui.review
	r.load()
	waitFor(t, "the queue", func() bool { return len(r.queue) == 2 })
	r.queueL.Select(0)
	if !r.approve.Disabled() || !r.reject.Disabled() {
		t.Error("a clerk may approve from the queue")
	}
	if line := approvalLine(r.queue[0]); !strings.Contains(line, "免收 80.00 元") || !strings.Contains(line, "财税〔2016〕79号") {
		t.Errorf("queue line %q", line)
	}

	// A supervisor approves the waiver and rejects the extension.
	sup := loggedIn(t, s, "wangjg")
	q := sup.review
	q.load()
	waitFor(t, "the supervisor's queue", func() bool { return len(q.queue) == 2 })
	q.queueL.Select(0)
	if q.approve.Disabled() {
		t.Fatal("the supervisor cannot approve")
	}
	test.Tap(q.approve)
	waitFor(t, "one left", func() bool { return len(q.queue) == 1 })
	q.queueL.Select(0)
	test.Type(q.note, "期限内可以办结")
	test.Tap(q.reject)
	waitFor(t, "none left", func() bool { return len(q.queue) == 0 })
	got, err := s.Case(ctx, app.Number)
	if err != nil || got.AmountDue() != 1000 || got.Waivers[0].DecidedBy != "wangjg" {
		t.Fatalf("after the decisions: due %d %+v %v", got.AmountDue(), got.Waivers, err)
	}
	if e := got.Events[len(got.Events)-1]; e.Kind != data.ExtensionRejected || e.Data.Note != "期限内可以办结" {
		t.Errorf("last event %+v", e)
	}

	// Completed: 好差评 is offered once; a 差评 appears in the rectification list.
	if _, err := s.Record(ctx, app.Number, clerk.ID, data.Event{Kind: clock.Completed, Data: data.EventData{Result: data.ResultGranted}}); err != nil {
		t.Fatal(err)
	}
	v.open(app.Number)
	waitFor(t, "the completed case", func() bool { return v.app.Status == data.StatusCompleted })
	if labels := actionLabels(v); !strings.Contains(labels, "好差评") || strings.Contains(labels, "申请减免") {
		t.Errorf("actions on a completed case (clerk): %s", labels)
	}
	if _, err := s.Rate(ctx, app.Number, clerk.ID, 1, "等候时间太长"); err != nil {
		t.Fatal(err)
	}
	v.open(app.Number)
	waitFor(t, "the rated case", func() bool { return v.app.Rating != nil })
	if labels := actionLabels(v); strings.Contains(labels, "好差评") || !strings.Contains(labels, "开始整改") {
		t.Errorf("actions on a rated case: %s", labels)
	}
	if !strings.Contains(v.money.Text, "非常不满意") || !strings.Contains(v.money.Text, "待整改") {
		t.Errorf("rating in the case view: %q", v.money.Text)
	}
	r.load()
	waitFor(t, "the rectification", func() bool { return len(r.rects) == 1 })
	if line := rectLine(r.rects[0], r.rects[0].Due); !strings.Contains(line, app.Number) || !strings.Contains(line, "待整改") {
		t.Errorf("rectification line %q", line)
	}
	if line := rectLine(r.rects[0], r.rects[0].Due+1); !strings.HasPrefix(line, "【已逾期】") {
		t.Errorf("overdue rectification not flagged: %q", line)
	}
}

func actionLabels(v *caseView) string {
	var labels []string
	for _, o := range v.actions.Objects {
		labels = append(labels, o.(*widget.Button).Text)
	}
	return strings.Join(labels, ",")
}

func TestParseYuan(t *testing.T) {
	for in, want := range map[string]int64{"40": 4000, "40.5": 4050, "40.50": 4050, " 0.01 元": 1, "1000000": 100000000} {
		if got, err := parseYuan(in); err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "4.005", "abc", ".5", "1000001", "1e3"} {
		if _, err := parseYuan(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
