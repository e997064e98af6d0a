package sqlite_test

import (
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// completed registers an immediate case and completes it at when.
func completed(t *testing.T, s *sqlite.Store, c *testkit.Clock, f fixture, when string) data.Application {
	t.Helper()
	c.Set(when)
	app, err := s.Register(ctx, f.clerk.ID, f.intake("个体工商户登记", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	if app, err = s.Record(ctx, app.Number, f.clerk.ID, data.Event{Kind: clock.Completed, Data: data.EventData{Result: data.ResultGranted}}); err != nil {
		t.Fatal(err)
	}
	return app
}

func TestRatingRules(t *testing.T) {
	s, c := testkit.Open(t)
	f := load(t, s)
	// Not before completion.
	open, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Rate(ctx, open.Number, f.clerk.ID, 5, ""); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("rated an open case: %v", err)
	}
	app := completed(t, s, c, f, "2026-09-30 15:00")
	for _, bad := range []int{0, 6, -1} {
		if _, err := s.Rate(ctx, app.Number, f.clerk.ID, bad, ""); data.ErrorField(err) != "level" {
			t.Errorf("level %d: %v", bad, err)
		}
	}
	// 差评 on Wednesday 30 September 2026: five working days across the
	// National Day holiday (1–7 October) and its make-up Saturday (10
	// October) end on Tuesday 13 October.
	got, err := s.Rate(ctx, app.Number, f.clerk.ID, 2, "等候时间太长")
	if err != nil {
		t.Fatal(err)
	}
	r := got.Rating
	if r == nil || r.Level != 2 || r.Rectification == nil || r.Rectification.Due != date("2026-10-13") || r.Rectification.Status != data.RectOpen {
		t.Fatalf("rating %+v", r)
	}
	// 一次一评.
	if _, err := s.Rate(ctx, app.Number, f.clerk.ID, 5, "改评"); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("rated twice: %v", err)
	}
	// Good ratings open nothing; every level is accepted once.
	for level := 1; level <= 5; level++ {
		x := completed(t, s, c, f, "2026-10-12 10:00")
		got, err := s.Rate(ctx, x.Number, f.clerk.ID, level, "")
		if err != nil {
			t.Fatal(err)
		}
		if (got.Rating.Rectification != nil) != (level <= data.BadRating) {
			t.Errorf("level %d: rectification %+v", level, got.Rating.Rectification)
		}
	}
	// The deadline follows the configured number of days.
	admin, _ := s.UserByLogin(ctx, "admin")
	if err := s.SetRectifyDays(ctx, f.clerk.ID, 3); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk set the rectification deadline: %v", err)
	}
	if err := s.SetRectifyDays(ctx, admin.ID, 3); err != nil {
		t.Fatal(err)
	}
	y := completed(t, s, c, f, "2026-09-30 16:00")
	if got, err := s.Rate(ctx, y.Number, f.clerk.ID, 1, ""); err != nil || got.Rating.Rectification.Due != date("2026-10-10") { // the make-up Saturday
		t.Fatalf("three working days: %+v %v", got.Rating, err)
	}
	// Read back with the case.
	back, err := s.Case(ctx, app.Number)
	if err != nil || back.Rating == nil || back.Rating.Comment != "等候时间太长" || back.Rating.Rectification.Due != date("2026-10-13") {
		t.Fatalf("read back %+v %v", back.Rating, err)
	}
}

func TestRectification(t *testing.T) {
	s, c := testkit.Open(t)
	f := load(t, s)
	a := completed(t, s, c, f, "2026-03-02 10:00")
	b := completed(t, s, c, f, "2026-03-02 10:30")
	for _, x := range []data.Application{a, b} {
		if _, err := s.Rate(ctx, x.Number, f.clerk.ID, 1, "态度差"); err != nil {
			t.Fatal(err)
		}
	}
	step := func(number string, u data.User, act data.RectAction, text string, want data.RectStatus) {
		t.Helper()
		got, err := s.Rectify(ctx, number, u.ID, act, text)
		if err != nil {
			t.Fatalf("%s: %v", act, err)
		}
		if st := got.Rating.Rectification.Status; st != want {
			t.Fatalf("%s: status %s, want %s", act, st, want)
		}
	}
	if _, err := s.Rectify(ctx, a.Number, f.clerk.ID, data.RectFinish, ""); data.ErrorField(err) != "text" {
		t.Errorf("finished without a revisit note: %v", err)
	}
	// a: 待整改 → 整改中 → 已整改, late (due 3-09).
	step(a.Number, f.clerk, data.RectStart, "窗口人员服务规范培训", data.RectInProgress)
	c.Set("2026-03-10 09:00")
	overdue, err := s.Rectifications(ctx, nil, date("2026-03-10"))
	if err != nil || len(overdue) != 2 {
		t.Fatalf("overdue on 3-10: %d %v", len(overdue), err)
	}
	step(a.Number, f.clerk, data.RectFinish, "电话回访，申请人表示满意", data.RectDone)
	if _, err := s.Rectify(ctx, a.Number, f.clerk.ID, data.RectStart, "again"); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("restarted a done rectification: %v", err)
	}
	// b: appeal; a clerk cannot decide it; the supervisor first rejects the
	// appeal (back to 待整改), then, on a second appeal, upholds it.
	step(b.Number, f.clerk, data.RectAppeal, "申请人误评：材料不全系其自身原因", data.RectAppealed)
	if _, err := s.Rectify(ctx, b.Number, f.clerk.ID, data.RectAppealUphold, "同意"); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk decided an appeal: %v", err)
	}
	step(b.Number, f.super, data.RectAppealReject, "证据不足", data.RectOpen)
	step(b.Number, f.clerk, data.RectAppeal, "补充监控录像", data.RectAppealed)
	step(b.Number, f.super, data.RectAppealUphold, "录像显示服务规范，差评无效", data.RectInvalid)

	rows, err := s.Rectifications(ctx, nil, 0)
	if err != nil || len(rows) != 2 {
		t.Fatalf("list %d %v", len(rows), err)
	}
	for _, r := range rows {
		switch r.Number {
		case a.Number:
			if r.Status != data.RectDone || r.Done != date("2026-03-10") || r.Revisit == "" || r.Overdue(date("2026-03-20")) || r.Level != 1 {
				t.Errorf("a: %+v", r)
			}
		case b.Number:
			if r.Status != data.RectInvalid || r.Decision != "录像显示服务规范，差评无效" || r.Appeal != "补充监控录像" {
				t.Errorf("b: %+v", r)
			}
		}
	}
	if n, _ := s.Rectifications(ctx, nil, date("2026-03-20")); len(n) != 0 {
		t.Errorf("overdue after both closed: %+v", n)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("audit chain: %+v %v", rep, err)
	}
}
