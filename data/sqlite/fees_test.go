package sqlite_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

func date(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// policy returns the sample waiver policy with code.
func policy(t *testing.T, s *sqlite.Store, code string) data.WaiverPolicy {
	t.Helper()
	ps, err := s.WaiverPolicies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Code == code {
			return p
		}
	}
	t.Fatalf("no waiver policy %s", code)
	return data.WaiverPolicy{}
}

// bdcIntake is an accepted 不动产转移登记, which charges the residential
// registration fee (80 yuan) and the certificate fee (10 yuan).
func (f fixture) bdcIntake() data.Intake {
	return f.intake("不动产转移登记", data.DecideAccept)
}

// A fee schedule that changes on a date: cases accepted before keep the
// old amount, cases accepted from that day get the new one, and schedules
// of one code may not overlap.
func TestFeeScheduleChange(t *testing.T) {
	s, c := testkit.Open(t)
	f := load(t, s)
	admin, err := s.UserByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	item := f.items["企业设立登记"]
	old, err := s.SaveFeeItem(ctx, admin.ID, data.FeeItem{Code: "YZ-KZF", Name: "印章刻制费", AmountFen: 12000, Unit: "套",
		Basis: "示例价〔2024〕1号", ValidFrom: date("2024-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetItemFees(ctx, admin.ID, item.ID, []string{"YZ-KZF"}); err != nil {
		t.Fatal(err)
	}
	// The new schedule may not start while the old one runs open-ended.
	next := data.FeeItem{Code: "YZ-KZF", Name: "印章刻制费", AmountFen: 0, Unit: "套", Basis: "示例价〔2026〕5号", ValidFrom: date("2026-03-05")}
	if _, err := s.SaveFeeItem(ctx, admin.ID, next); data.ErrorField(err) != "valid_from" {
		t.Fatalf("overlapping schedule: %v", err)
	}
	old.ValidTo = date("2026-03-04")
	if _, err := s.SaveFeeItem(ctx, admin.ID, old); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveFeeItem(ctx, admin.ID, next); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveFeeItem(ctx, f.clerk.ID, next); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Fatalf("a clerk changed the fee catalogue: %v", err)
	}
	for day, want := range map[string]int64{"2025-06-30": 12000, "2026-03-04": 12000, "2026-03-05": 0, "2030-01-01": 0, "2023-12-31": -1} {
		fees, err := s.FeesOn(ctx, item.ID, date(day))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case want < 0 && len(fees) != 0:
			t.Errorf("%s: %v before the fee existed", day, fees)
		case want >= 0 && (len(fees) != 1 || fees[0].AmountFen != want):
			t.Errorf("%s: %+v, want one fee of %d fen", day, fees, want)
		}
	}
	// Accepted on 3-04: the old fee, kept after the change.
	c.Set("2026-03-04 10:00")
	before, err := s.Register(ctx, f.clerk.ID, f.intake("企业设立登记", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	c.Set("2026-03-05 10:00")
	after, err := s.Register(ctx, f.clerk.ID, f.intake("企业设立登记", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	// Received on 3-04 but accepted (after a supplement) on 3-05: the new fee.
	c.Set("2026-03-04 11:00")
	in := f.intake("企业设立登记", data.DecideSupplement)
	in.Materials = slices.DeleteFunc(slices.Clone(in.Materials), func(m string) bool { return m == "公司章程" })
	late, err := s.Register(ctx, f.clerk.ID, in)
	if err != nil || len(late.Fees) != 0 {
		t.Fatalf("fees before acceptance: %+v %v", late.Fees, err)
	}
	c.Set("2026-03-05 11:00")
	if _, err := s.Record(ctx, late.Number, f.clerk.ID, data.Event{Kind: clock.SupplementCompleted}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Record(ctx, late.Number, f.clerk.ID, data.Event{Kind: clock.Accepted}); err != nil {
		t.Fatal(err)
	}
	for number, want := range map[string]int64{before.Number: 12000, after.Number: 0, late.Number: 0} {
		app, err := s.Case(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		if len(app.Fees) != 1 || app.Fees[0].AmountFen != want || app.AmountDue() != want {
			t.Errorf("%s: fees %+v due %d, want %d", number, app.Fees, app.AmountDue(), want)
		}
	}
}

func TestWaiverAmounts(t *testing.T) {
	s, _ := testkit.Open(t)
	f := load(t, s)
	app, err := s.Register(ctx, f.clerk.ID, f.bdcIntake())
	if err != nil {
		t.Fatal(err)
	}
	if len(app.Fees) != 2 || app.FeeTotal() != 9000 || app.AmountDue() != 9000 {
		t.Fatalf("fees at acceptance: %+v, total %d", app.Fees, app.FeeTotal())
	}
	small := policy(t, s, "XWQY-BDC")
	for _, bad := range []struct {
		r     data.WaiverRequest
		field string
	}{
		{data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverPartial, AmountFen: 8000, PolicyID: small.ID, Reason: "小微企业"}, "amount_fen"}, // = the fee: that is 免
		{data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverPartial, AmountFen: 9000, PolicyID: small.ID, Reason: "小微企业"}, "amount_fen"},
		{data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverPartial, AmountFen: -100, PolicyID: small.ID, Reason: "小微企业"}, "amount_fen"},
		{data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: "half", PolicyID: small.ID, Reason: "小微企业"}, "kind"},
		{data.WaiverRequest{FeeCode: "SFZ-GBF", Kind: data.WaiverFull, PolicyID: small.ID, Reason: "小微企业"}, "fee"},
		{data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverFull, PolicyID: 999, Reason: "小微企业"}, "policy"},
		{data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverFull, PolicyID: small.ID}, "reason"},
	} {
		if _, err := s.RequestWaiver(ctx, app.Number, f.clerk.ID, bad.r); data.ErrorField(err) != bad.field {
			t.Errorf("%+v: %v, want an error on %s", bad.r, err, bad.field)
		}
	}
	// Partial: 30 yuan off the 80; due stays 90 until approved.
	app, err = s.RequestWaiver(ctx, app.Number, f.clerk.ID, data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverPartial, AmountFen: 3000,
		PolicyID: policy(t, s, "CJR-JS").ID, Reason: "申请人持残疾人证"})
	if err != nil {
		t.Fatal(err)
	}
	if app.AmountDue() != 9000 || len(app.Waivers) != 1 || app.Waivers[0].Status != data.ApprovalPending {
		t.Fatalf("pending waiver: due %d, %+v", app.AmountDue(), app.Waivers)
	}
	// A second live request on the same line is refused.
	if _, err := s.RequestWaiver(ctx, app.Number, f.clerk.ID, data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverFull, PolicyID: small.ID, Reason: "小微企业"}); data.ErrorField(err) != "fee" {
		t.Fatalf("second waiver on one line: %v", err)
	}
	app, err = s.DecideWaiver(ctx, app.Waivers[0].ID, f.super.ID, true, "核实残疾人证原件")
	if err != nil {
		t.Fatal(err)
	}
	if app.AmountDue() != 6000 {
		t.Fatalf("after approval due %d, want 6000", app.AmountDue())
	}
	// Full waiver of the certificate fee, rejected, then asked again and approved.
	app, err = s.RequestWaiver(ctx, app.Number, f.clerk.ID, data.WaiverRequest{FeeCode: "BDC-GBF", Kind: data.WaiverFull, PolicyID: small.ID, Reason: "小微企业"})
	if err != nil {
		t.Fatal(err)
	}
	w := app.Waivers[1]
	if w.AmountFen != 1000 || w.Kind != data.WaiverFull {
		t.Fatalf("full waiver %+v", w)
	}
	if app, err = s.DecideWaiver(ctx, w.ID, f.super.ID, false, "工本费不在该政策范围内"); err != nil || app.AmountDue() != 6000 {
		t.Fatalf("rejected waiver: due %d, %v", app.AmountDue(), err)
	}
	if _, err := s.DecideWaiver(ctx, w.ID, f.super.ID, true, ""); data.ErrorCode(err) != data.ECONFLICT {
		t.Fatalf("decided twice: %v", err)
	}
	app, err = s.RequestWaiver(ctx, app.Number, f.clerk.ID, data.WaiverRequest{FeeCode: "BDC-GBF", Kind: data.WaiverFull, PolicyID: small.ID, Reason: "补充营业执照后重新申请"})
	if err != nil {
		t.Fatal(err)
	}
	if app, err = s.DecideWaiver(ctx, app.Waivers[2].ID, f.super.ID, true, ""); err != nil || app.AmountDue() != 5000 {
		t.Fatalf("approved full waiver: due %d, %v", app.AmountDue(), err)
	}
	// Read back from the database, the same.
	got, err := s.Case(ctx, app.Number)
	if err != nil || got.AmountDue() != 5000 || len(got.Waivers) != 3 || got.Waivers[0].DecidedBy != "wangjg" || got.Waivers[1].Status != data.ApprovalRejected {
		t.Fatalf("read back: due %d, %+v, %v", got.AmountDue(), got.Waivers, err)
	}
}

// The amount due is never negative, even if the database holds approved
// waivers adding up to more than the fee (two policies, one line).
func TestAmountDueNeverNegative(t *testing.T) {
	app := data.Application{
		Fees: []data.FeeLine{{ID: 1, AmountFen: 8000}, {ID: 2, AmountFen: 1000}},
		Waivers: []data.Waiver{{FeeID: 1, AmountFen: 5000, Status: data.ApprovalApproved}, {FeeID: 1, AmountFen: 5000, Status: data.ApprovalApproved},
			{FeeID: 2, AmountFen: 500, Status: data.ApprovalPending}},
	}
	if due := app.AmountDue(); due != 1000 {
		t.Fatalf("due %d, want 1000", due)
	}
}

// Permissions are the store's: a clerk cannot approve, extend or change a
// closed case, whatever the screen shows; nobody approves their own request.
func TestApprovalPermissions(t *testing.T) {
	s, c := testkit.Open(t)
	f := load(t, s)
	super2, err := s.UserByLogin(ctx, "chenhong")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := s.UserByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	app, err := s.Register(ctx, f.clerk.ID, f.bdcIntake())
	if err != nil {
		t.Fatal(err)
	}
	req := data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverFull, PolicyID: policy(t, s, "XWQY-BDC").ID, Reason: "小微企业"}
	if app, err = s.RequestWaiver(ctx, app.Number, f.clerk.ID, req); err != nil {
		t.Fatal(err)
	}
	id := app.Waivers[0].ID
	for _, u := range []data.User{f.clerk, admin} {
		if _, err := s.DecideWaiver(ctx, id, u.ID, true, ""); data.ErrorCode(err) != data.EFORBIDDEN {
			t.Errorf("%s approved a waiver: %v", u.Login, err)
		}
	}
	// Extension: a clerk asks, a supervisor decides.
	if _, err := s.Record(ctx, app.Number, f.clerk.ID, data.Event{Kind: clock.Extended, Data: data.EventData{Days: 5, Reason: "现场核查", Approver: "x"}}); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk extended: %v", err)
	}
	if _, err := s.RequestExtension(ctx, app.Number, f.clerk.ID, 5, "需现场核查"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestExtension(ctx, app.Number, f.clerk.ID, 5, "再次申请"); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("a second pending extension request: %v", err)
	}
	queue, err := s.Approvals(ctx)
	if err != nil || len(queue) != 2 || queue[0].Kind != "waiver" || queue[1].Kind != "extension" {
		t.Fatalf("queue %+v %v", queue, err)
	}
	if !strings.Contains(queue[0].Summary, "免收 80.00 元") || !strings.Contains(queue[0].Basis, "财税〔2016〕79号") {
		t.Errorf("waiver in the queue: %+v", queue[0])
	}
	if _, err := s.DecideExtension(ctx, queue[1].ID, f.clerk.ID, true, ""); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk approved an extension: %v", err)
	}
	before, _ := s.Clock(ctx, &app, date("2026-03-02"))
	c.Set("2026-03-03 09:00")
	got, err := s.DecideExtension(ctx, queue[1].ID, f.super.ID, true, "同意")
	if err != nil {
		t.Fatal(err)
	}
	after, _ := s.Clock(ctx, &got, date("2026-03-03"))
	cal, err := s.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.ExtraDays != 5 || after.Statutory.Due != cal.AddWorkdays(before.Statutory.Due, 5) {
		t.Errorf("extension not in the clock: %+v → %+v", before.Statutory, after.Statutory)
	}
	if e := got.Events[len(got.Events)-1]; e.Kind != clock.Extended || e.Data.Approver != "wangjg" || e.Actor != "wangjg" {
		t.Errorf("extension event %+v", e)
	}
	// A supervisor's own waiver request needs another supervisor.
	if _, err := s.DecideWaiver(ctx, id, f.super.ID, false, "不符合"); err != nil {
		t.Fatal(err)
	}
	own, err := s.RequestWaiver(ctx, app.Number, f.super.ID, req)
	if err != nil {
		t.Fatal(err)
	}
	ownID := own.Waivers[len(own.Waivers)-1].ID
	if _, err := s.DecideWaiver(ctx, ownID, f.super.ID, true, ""); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a supervisor approved their own waiver: %v", err)
	}
	if _, err := s.DecideWaiver(ctx, ownID, super2.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	// Closed: the clerk may not ask for a waiver any more; a supervisor may.
	c.Set("2026-03-04 09:00")
	if _, err := s.Record(ctx, app.Number, f.clerk.ID, data.Event{Kind: clock.Completed, Data: data.EventData{Result: data.ResultGranted}}); err != nil {
		t.Fatal(err)
	}
	late := data.WaiverRequest{FeeCode: "BDC-GBF", Kind: data.WaiverFull, PolicyID: policy(t, s, "XWQY-BDC").ID, Reason: "小微企业"}
	if _, err := s.RequestWaiver(ctx, app.Number, f.clerk.ID, late); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk changed a closed case: %v", err)
	}
	if _, err := s.RequestWaiver(ctx, app.Number, f.super.ID, late); err != nil {
		t.Errorf("a supervisor's correction of a closed case: %v", err)
	}
	// Every request and decision is in the case's log and the audit chain,
	// and the chain still verifies.
	final, err := s.Case(ctx, app.Number)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[clock.Kind]int{}
	for _, e := range final.Events {
		kinds[e.Kind]++
	}
	want := map[clock.Kind]int{data.WaiverRequested: 3, data.WaiverApproved: 1, data.WaiverRejected: 1, data.ExtensionRequested: 1, clock.Extended: 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s events, want %d", kinds[k], k, n)
		}
	}
	db := testkit.RawDB(t, s.Path())
	for action, n := range map[string]int{"waiver.request": 3, "waiver.approve": 1, "waiver.reject": 1, "extension.request": 1, "case.extended": 1} {
		if got := count(t, db, "SELECT count(*) FROM audit WHERE action = '"+action+"' AND entity = '"+app.Number+"'"); got != n {
			t.Errorf("%d %s audit entries, want %d", got, action, n)
		}
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("audit chain: %+v %v", rep, err)
	}
	if queue, _ := s.Approvals(ctx); len(queue) != 1 || queue[0].RequesterID != f.super.ID {
		t.Errorf("queue after the decisions: %+v", queue)
	}
}
