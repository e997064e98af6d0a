package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

var ctx = context.Background()

// adminID is the sample administrator's id.
func adminID(tb testing.TB, s *sqlite.Store) int64 {
	tb.Helper()
	u, err := s.UserByLogin(ctx, "admin")
	if err != nil {
		tb.Fatal(err)
	}
	return u.ID
}

func count(tb testing.TB, db *sql.DB, q string) int {
	tb.Helper()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

type fixture struct {
	clerk    data.User
	super    data.User
	windowID int64
	items    map[string]data.ServiceItem
}

func load(tb testing.TB, s *sqlite.Store) fixture {
	tb.Helper()
	f := fixture{items: map[string]data.ServiceItem{}}
	var err error
	if f.clerk, err = s.UserByLogin(ctx, "zhangli"); err != nil {
		tb.Fatal(err)
	}
	if f.super, err = s.UserByLogin(ctx, "wangjg"); err != nil {
		tb.Fatal(err)
	}
	f.windowID = f.clerk.WindowID
	items, err := s.Items(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	for _, it := range items {
		f.items[it.Name] = it
	}
	return f
}

func enterprise() data.Applicant {
	return data.Applicant{Kind: data.ApplicantEnterprise, Name: "杭州示例食品有限公司", IDCode: "91350100M000100Y43",
		Contact: "周敏", Phone: "0571-88886666", Address: "示例县人民路 1 号"}
}

func (f fixture) intake(item string, d data.Decision) data.Intake {
	return data.Intake{ItemID: f.items[item].ID, Applicant: enterprise(), WindowID: f.windowID, Decision: d,
		Materials: f.items[item].Materials}
}

func TestSampleCatalogue(t *testing.T) {
	s, _ := testkit.Open(t)
	site, err := s.Site(ctx)
	if err != nil || site.Code != "330102001" || site.Kind != data.SiteCentre {
		t.Fatalf("site %+v %v", site, err)
	}
	items, err := s.Items(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) < 30 {
		t.Errorf("only %d items in the sample catalogue", len(items))
	}
	kinds := map[data.ItemKind]int{}
	for _, it := range items {
		kinds[it.Kind]++
		if err := it.Validate(); err != nil {
			t.Errorf("%s: %v", it.Name, err)
		}
		if len(it.Materials) == 0 {
			t.Errorf("%s has no materials", it.Name)
		}
	}
	for _, k := range []data.ItemKind{data.KindImmediate, data.KindPromised, data.KindReported, data.KindJoint} {
		if kinds[k] == 0 {
			t.Errorf("no item of kind %s", k.Label())
		}
	}
	cal, _ := s.Calendar(ctx)
	for y := 2020; y <= 2026; y++ {
		if !cal.Knows(y) {
			t.Errorf("calendar lacks %d", y)
		}
	}
	// Opening again changes nothing.
	s2, err := sqlite.OpenDefault(ctx, s.Path(), testkit.Defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if n := count(t, testkit.RawDB(t, s.Path()), "SELECT count(*) FROM items"); n != len(items) {
		t.Errorf("reopen changed item count to %d", n)
	}
}

func TestRegister(t *testing.T) {
	s, c := testkit.Open(t)
	f := load(t, s)
	app, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	if app.Number != "330102001202603020001" {
		t.Errorf("number %s", app.Number)
	}
	got, err := s.Case(ctx, app.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != data.StatusAccepted || len(got.Events) != 2 || got.Events[0].Kind != clock.Received || got.Events[1].Kind != clock.Accepted {
		t.Fatalf("case %+v", got)
	}
	if got.Events[1].Actor != "zhangli" || got.Window != "A01" || got.Clerk != "张丽" || got.Applicant.Name != "杭州示例食品有限公司" {
		t.Errorf("joined fields: %+v", got)
	}
	r, err := s.Clock(ctx, &got, calendar.NewDate(2026, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	// 食品经营许可: promised 10, statutory 20 working days from Monday 03-02.
	if r.Promised.Due.String() != "2026-03-16" || r.Statutory.Due.String() != "2026-03-30" {
		t.Errorf("due %s / %s", r.Promised.Due, r.Statutory.Due)
	}
	// The registration and the read return the clock they computed, the
	// same the clock query gives: the screens ask for it no more.
	if !reflect.DeepEqual(app.Clock, r) || !reflect.DeepEqual(got.Clock, r) {
		t.Errorf("clock returned %+v, read %+v, want %+v", app.Clock, got.Clock, r)
	}
	c.Set("2026-03-03 10:00")
	noted, err := s.RequestExtension(ctx, app.Number, f.clerk.ID, 5, "需要现场核查") // an annotation: the cache stays
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := s.Clock(ctx, &noted, calendar.NewDate(2026, 3, 3)); !reflect.DeepEqual(noted.Clock, want) || noted.Clock.Promised.Used != 1 {
		t.Errorf("clock after a request %+v, want %+v", noted.Clock, want)
	}
	c.Set("2026-03-02 09:30")
	db := testkit.RawDB(t, s.Path())
	if n := count(t, db, "SELECT count(*) FROM applications WHERE due_promised = '2026-03-16' AND due_statutory = '2026-03-30' AND start_date = '2026-03-02'"); n != 1 {
		t.Error("clock cache not written")
	}
	if n := count(t, db, "SELECT count(*) FROM audit WHERE action = 'case.register' AND entity = '"+app.Number+"'"); n != 1 {
		t.Error("no audit entry for the registration")
	}
	// The second case of the day gets 0002; the applicant is found again.
	in := f.intake("企业设立登记", data.DecideAccept)
	in.Applicant.Phone = "13800000000"
	app2, err := s.Register(ctx, f.clerk.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if app2.Number != "330102001202603020002" || app2.Applicant.ID != app.Applicant.ID {
		t.Errorf("second case %s applicant %d vs %d", app2.Number, app2.Applicant.ID, app.Applicant.ID)
	}
	a, err := s.ApplicantByCode(ctx, "91350100m000100y43")
	if err != nil || a.Phone != "13800000000" || a.Name != "杭州示例食品有限公司" {
		t.Errorf("lookup %+v %v", a, err)
	}
}

// A registration that fails part-way leaves no case, event, audit entry or
// used number behind.
func TestRegisterFailureLeavesNothing(t *testing.T) {
	s, _ := testkit.Open(t)
	f := load(t, s)
	db := testkit.RawDB(t, s.Path())
	auditBefore := count(t, db, "SELECT count(*) FROM audit")
	if _, err := db.Exec(`CREATE TRIGGER fail_accept BEFORE INSERT ON events WHEN NEW.kind = 'accepted'
		BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept)); err == nil {
		t.Fatal("registration succeeded despite the failing trigger")
	}
	for q, want := range map[string]int{
		"SELECT count(*) FROM applications": 0,
		"SELECT count(*) FROM events":       0,
		"SELECT count(*) FROM applicants":   0,
		"SELECT count(*) FROM number_seq":   0,
		"SELECT count(*) FROM audit":        auditBefore,
	} {
		if n := count(t, db, q); n != want {
			t.Errorf("%s = %d, want %d", q, n, want)
		}
	}
	if _, err := db.Exec("DROP TRIGGER fail_accept"); err != nil {
		t.Fatal(err)
	}
	app, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept))
	if err != nil || !strings.HasSuffix(app.Number, "0001") {
		t.Errorf("after the failure: %s %v", app.Number, err)
	}
}

func TestRegisterInvalid(t *testing.T) {
	s, _ := testkit.Open(t)
	f := load(t, s)
	bad := f.intake("食品经营许可", data.DecideAccept)
	bad.Applicant.IDCode = "91350100M000100Y44"
	_, err := s.Register(ctx, f.clerk.ID, bad)
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "统一社会信用代码") {
		t.Errorf("wrong check digit: %v", err)
	}
	// The counter's rules are the store's too, not only the screen's.
	bad = f.intake("食品经营许可", data.DecideSupplement)
	_, err = s.Register(ctx, f.clerk.ID, bad)
	if data.ErrorField(err) != "materials" || !strings.Contains(data.ErrorMessage(err), "材料已齐全") {
		t.Errorf("supplement with every material in: %v", err)
	}
	bad = f.intake("食品经营许可", data.DecideAccept)
	bad.Materials = bad.Materials[1:]
	_, err = s.Register(ctx, f.clerk.ID, bad)
	if data.ErrorField(err) != "materials" || !strings.Contains(data.ErrorMessage(err), "缺少 "+f.items["食品经营许可"].Materials[0]) {
		t.Errorf("受理 with a material missing: %v", err)
	}
	bad = f.intake("食品经营许可", data.DecideSupplement)
	bad.Materials, bad.Missing = bad.Materials[2:], bad.Materials[:1]
	_, err = s.Register(ctx, f.clerk.ID, bad)
	if data.ErrorField(err) != "missing" || !strings.Contains(data.ErrorMessage(err), "一次性告知") {
		t.Errorf("补正 naming one of two missing materials: %v", err)
	}
	bad = f.intake("食品经营许可", data.DecideAccept)
	bad.Materials = append(bad.Materials, "户口簿")
	_, err = s.Register(ctx, f.clerk.ID, bad)
	if data.ErrorField(err) != "materials" || !strings.Contains(data.ErrorMessage(err), "户口簿") {
		t.Errorf("a material of no item: %v", err)
	}
	bad = f.intake("食品经营许可", data.DecideRefuse)
	if _, err = s.Register(ctx, f.clerk.ID, bad); data.ErrorField(err) != "reason" {
		t.Errorf("不予受理 without a reason: %v", err)
	}
	bad = f.intake("食品经营许可", data.DecideAccept)
	bad.Applicant.Name = strings.Repeat("名", 2000)
	_, err = s.Register(ctx, f.clerk.ID, bad)
	if !strings.Contains(data.ErrorMessage(err), "申请人名称") {
		t.Errorf("long name: %v", err)
	}
	bad = f.intake("食品经营许可", data.DecideAccept)
	bad.WindowID = 999
	if _, err = s.Register(ctx, f.clerk.ID, bad); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("unknown window: %v", err)
	}
	bad = f.intake("食品经营许可", data.DecideAccept)
	bad.ItemID = 999
	if _, err = s.Register(ctx, f.clerk.ID, bad); data.ErrorCode(err) != data.ENOTFOUND || !strings.Contains(data.ErrorMessage(err), "办理事项") {
		t.Errorf("unknown item: %v", err)
	}
	if n := count(t, testkit.RawDB(t, s.Path()), "SELECT count(*) FROM applications"); n != 0 {
		t.Errorf("%d cases saved from bad input", n)
	}
}

func TestConcurrentRegistration(t *testing.T) {
	s, _ := testkit.Open(t)
	f := load(t, s)
	const each = 40
	var wg sync.WaitGroup
	numbers := make(chan string, 2*each)
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				app, err := s.Register(ctx, f.clerk.ID, f.intake("个体工商户登记", data.DecideAccept))
				if err != nil {
					t.Error(err)
					return
				}
				numbers <- app.Number
			}
		}()
	}
	wg.Wait()
	close(numbers)
	seen := map[string]bool{}
	for n := range numbers {
		if seen[n] {
			t.Errorf("number %s handed out twice", n)
		}
		seen[n] = true
	}
	for i := 1; i <= 2*each; i++ {
		if n := fmt.Sprintf("33010200120260302%04d", i); !seen[n] {
			t.Errorf("number %s missing: the sequence has a gap", n)
		}
	}
}

func TestSeedSequence(t *testing.T) {
	s, c := testkit.Open(t)
	f := load(t, s)
	day := calendar.NewDate(2026, 3, 3)
	if err := s.SeedSequence(ctx, adminID(t, s), day, 500); err != nil {
		t.Fatal(err)
	}
	c.Set("2026-03-03 08:00")
	app, err := s.Register(ctx, f.clerk.ID, f.intake("个体工商户登记", data.DecideAccept))
	if err != nil || app.Number != "330102001202603030500" {
		t.Errorf("seeded number %s %v", app.Number, err)
	}
	if err := s.SeedSequence(ctx, adminID(t, s), day, 200); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("seeding below a used number: %v", err)
	}
	if err := s.SeedSequence(ctx, adminID(t, s), day, 10000); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("seeding beyond 9999: %v", err)
	}
	if err := s.SeedSequence(ctx, adminID(t, s), calendar.NewDate(2026, 3, 4), 9999); err != nil {
		t.Fatal(err)
	}
	c.Set("2026-03-04 08:00")
	if _, err := s.Register(ctx, f.clerk.ID, f.intake("个体工商户登记", data.DecideAccept)); err != nil {
		t.Fatal(err)
	}
	_, err = s.Register(ctx, f.clerk.ID, f.intake("个体工商户登记", data.DecideAccept))
	if data.ErrorCode(err) != data.ECONFLICT || !strings.Contains(data.ErrorMessage(err), "编号已用完") {
		t.Errorf("10000th number of a day: %v", err)
	}
}

func TestLifecycle(t *testing.T) {
	s, c := testkit.Open(t)
	f := load(t, s)
	app, err := s.Register(ctx, f.clerk.ID, f.intake("建设工程规划许可", data.DecideNone))
	if err != nil {
		t.Fatal(err)
	}
	step := func(when string, k clock.Kind, d data.EventData, want data.Status) {
		t.Helper()
		c.Set(when)
		got, err := s.Record(ctx, app.Number, f.clerk.ID, data.Event{Kind: k, Data: d})
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if got.Status != want {
			t.Fatalf("after %s status %s, want %s", k, got.Status, want)
		}
	}
	refuse := func(k clock.Kind, d data.EventData) {
		t.Helper()
		_, err := s.Record(ctx, app.Number, f.clerk.ID, data.Event{Kind: k, Data: d})
		if data.ErrorCode(err) != data.ECONFLICT && data.ErrorCode(err) != data.EINVALID {
			t.Fatalf("%s allowed: %v", k, err)
		}
	}
	refuse(clock.Completed, data.EventData{Result: data.ResultGranted})
	step("2026-03-03 10:00", clock.SupplementRequested, data.EventData{Missing: []string{"总平面图"}}, data.StatusSupplement)
	refuse(clock.Accepted, data.EventData{})
	step("2026-03-05 10:00", clock.SupplementCompleted, data.EventData{}, data.StatusSupplied)
	refuse(clock.SupplementRequested, data.EventData{Missing: []string{"again"}}) // 一次性告知: only once
	step("2026-03-05 10:05", clock.Accepted, data.EventData{}, data.StatusAccepted)
	refuse(clock.Paused, data.EventData{Reason: "领导出差"}) // not an Art. 45 reason
	step("2026-03-10 10:00", clock.Paused, data.EventData{Reason: "专家评审", Days: 5}, data.StatusPaused)
	refuse(clock.Completed, data.EventData{Result: data.ResultGranted})
	step("2026-03-17 10:00", clock.Resumed, data.EventData{}, data.StatusAccepted)
	refuse(clock.Extended, data.EventData{Days: 10}) // no approver, no reason
	// Only a supervisor extends; the approver is whoever records it.
	c.Set("2026-03-18 10:00")
	if _, err := s.Record(ctx, app.Number, f.clerk.ID, data.Event{Kind: clock.Extended, Data: data.EventData{Days: 10, Reason: "情况复杂", Approver: "zhangli"}}); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Fatalf("a clerk extended the deadline: %v", err)
	}
	if got, err := s.Record(ctx, app.Number, f.super.ID, data.Event{Kind: clock.Extended, Data: data.EventData{Days: 10, Reason: "情况复杂", Approver: "zhangli"}}); err != nil ||
		got.Events[len(got.Events)-1].Data.Approver != "wangjg" {
		t.Fatalf("supervisor's extension: %v", err)
	}
	step("2026-03-25 10:00", clock.Completed, data.EventData{Result: data.ResultGranted}, data.StatusCompleted)
	refuse(clock.Withdrawn, data.EventData{Reason: "不办了"})
	step("2026-03-26 10:00", clock.Delivered, data.EventData{Method: data.MethodPost}, data.StatusDelivered)
	refuse(clock.Delivered, data.EventData{Method: data.MethodPost})

	got, err := s.Case(ctx, app.Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Events) != 9 {
		t.Errorf("%d events", len(got.Events))
	}
	r, _ := s.Clock(ctx, &got, calendar.NewDate(2026, 4, 1))
	// start 03-05; counted 03-06, 03-09, (paused 03-10…03-16), 03-17…03-25 → 9 days.
	if r.Start.String() != "2026-03-05" || r.Promised.Used != 9 || r.Promised.Limit != 20 || r.Statutory.Limit != 30 || r.PauseDays != 5 {
		t.Errorf("clock %+v", r)
	}
	if r.Promised.OnTime == nil || !*r.Promised.OnTime {
		t.Error("completed within the promise")
	}
	_, err = s.Record(ctx, app.Number, f.clerk.ID, data.Event{Kind: clock.Withdrawn, Data: data.EventData{Reason: "x"}})
	if !strings.Contains(data.ErrorMessage(err), "已送达") || !strings.Contains(data.ErrorMessage(err), "撤回") {
		t.Errorf("refusal should name the state and the action: %q", data.ErrorMessage(err))
	}
	if _, err := s.Record(ctx, "330102001209901010001", f.clerk.ID, data.Event{Kind: clock.Accepted}); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("unknown case: %v", err)
	}
}

// Setting the PC clock back never puts an event before an earlier one.
func TestClockSetBack(t *testing.T) {
	s, c := testkit.Open(t)
	f := load(t, s)
	c.Set("2026-03-10 10:00")
	app, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	c.Set("2025-01-01 10:00")
	got, err := s.Record(ctx, app.Number, f.clerk.ID, data.Event{Kind: clock.Paused, Data: data.EventData{Reason: "检测"}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Events[2].At.Before(got.Events[1].At) {
		t.Errorf("event at %s before the previous %s", got.Events[2].At, got.Events[1].At)
	}
	// Registrations with the clock set back and then put right: no number
	// is handed out twice, and the audit chain still holds.
	back, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	c.Set("2026-03-10 11:00")
	again, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	if back.Number == app.Number || again.Number == app.Number || !strings.HasSuffix(again.Number, "202603100002") {
		t.Errorf("numbers %s, %s (clock back), %s (clock right again)", app.Number, back.Number, again.Number)
	}
	if r, err := s.Verify(ctx); err != nil || !r.OK() {
		t.Errorf("verify after the clock was set back: %+v %v", r, err)
	}
}

func TestAuditVerify(t *testing.T) {
	s, _ := testkit.Open(t)
	f := load(t, s)
	for i := 0; i < 3; i++ {
		if _, err := s.Register(ctx, f.clerk.ID, f.intake("个体工商户登记", data.DecideAccept)); err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.Verify(ctx)
	if err != nil || !r.OK() || r.Entries < 4 {
		t.Fatalf("fresh database: %+v %v", r, err)
	}
	db := testkit.RawDB(t, s.Path())
	if _, err := db.Exec("UPDATE audit SET detail = '{}' WHERE seq = 3"); err == nil {
		t.Fatal("the audit log accepted an UPDATE")
	}
	if _, err := db.Exec("DELETE FROM events"); err == nil {
		t.Fatal("the event log accepted a DELETE")
	}
	// Someone drops the guard and edits entry 3 behind the program's back.
	if _, err := db.Exec("DROP TRIGGER audit_no_update; UPDATE audit SET detail = '{\"item\":\"forged\"}' WHERE seq = 3"); err != nil {
		t.Fatal(err)
	}
	r, err = s.Verify(ctx)
	if err != nil || r.OK() || r.BadSeq != 3 || !strings.Contains(r.Problem, "第 3 条") {
		t.Errorf("edited entry: %+v %v", r, err)
	}
}

func TestAuditVerifyDeletedEntry(t *testing.T) {
	s, _ := testkit.Open(t)
	f := load(t, s)
	for i := 0; i < 3; i++ {
		if _, err := s.Register(ctx, f.clerk.ID, f.intake("个体工商户登记", data.DecideAccept)); err != nil {
			t.Fatal(err)
		}
	}
	db := testkit.RawDB(t, s.Path())
	if _, err := db.Exec("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	r, err := s.Verify(ctx)
	if err != nil || r.BadSeq != 2 || !strings.Contains(r.Problem, "缺失") {
		t.Errorf("deleted entry: %+v %v", r, err)
	}
}

// Importing next year's schedule moves the due dates of open cases, in the
// cache and in the clock, and leaves closed cases alone.
func TestCalendarImportMovesOpenCases(t *testing.T) {
	s, c := testkit.Open(t)
	f := load(t, s)
	c.Set("2026-12-28 09:00")
	open, err := s.Register(ctx, f.clerk.ID, f.intake("企业投资项目备案", data.DecideAccept)) // promised 2, statutory 5
	if err != nil {
		t.Fatal(err)
	}
	closed, err := s.Register(ctx, f.clerk.ID, f.intake("企业投资项目备案", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Record(ctx, closed.Number, f.clerk.ID, data.Event{Kind: clock.Completed, Data: data.EventData{Result: data.ResultGranted}}); err != nil {
		t.Fatal(err)
	}
	db := testkit.RawDB(t, s.Path())
	due := func(number string) string {
		var d string
		if err := db.QueryRow("SELECT due_statutory FROM applications WHERE number = ?", number).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	// Without a 2027 schedule: 12-29, 12-30, 12-31, 01-01, 01-04.
	if d := due(open.Number); d != "2027-01-04" {
		t.Fatalf("before import: %s", d)
	}
	sched, err := calendar.ParseJSON([]byte(`{"year":2027,"papers":["test"],"days":[
		{"name":"元旦","date":"2027-01-01","isOffDay":true},
		{"name":"元旦","date":"2027-01-04","isOffDay":true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.ImportCalendar(ctx, adminID(t, s), sched)
	if err != nil {
		t.Fatal(err)
	}
	if ch.CasesChanged != 1 {
		t.Errorf("%d cases changed, want 1 (the open one)", ch.CasesChanged)
	}
	if d := due(open.Number); d != "2027-01-06" {
		t.Errorf("cached due after import %s, want 2027-01-06", d)
	}
	got, _ := s.Case(ctx, open.Number)
	r, _ := s.Clock(ctx, &got, calendar.NewDate(2026, 12, 29))
	if r.Statutory.Due.String() != "2027-01-06" {
		t.Errorf("clock due after import %s", r.Statutory.Due)
	}
	cal, _ := s.Calendar(ctx)
	if !cal.Knows(2027) {
		t.Error("2027 not known after import")
	}
	if rep, _ := s.Verify(ctx); !rep.OK() {
		t.Errorf("verify after import: %+v", rep)
	}
	// A site override (window open on Saturday 2027-01-02) pulls the date back.
	ch, err = s.SetSiteDay(ctx, adminID(t, s), calendar.Day{Date: calendar.NewDate(2027, 1, 2), Working: true, Name: "周六窗口开放"}, false)
	if err != nil || ch.CasesChanged != 1 {
		t.Fatalf("site day: %+v %v", ch, err)
	}
	if d := due(open.Number); d != "2027-01-05" {
		t.Errorf("due with the Saturday open %s, want 2027-01-05", d)
	}
}

func TestReopenKeepsData(t *testing.T) {
	s, _ := testkit.Open(t)
	f := load(t, s)
	app, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	s2, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.Case(ctx, app.Number); err != nil {
		t.Errorf("case lost after reopening: %v", err)
	}
	db := testkit.RawDB(t, s2.Path())
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q", mode)
	}
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != sqlite.SchemaVersion() {
		t.Errorf("schema version %d, want %d", v, sqlite.SchemaVersion())
	}
}

func TestCaseSearch(t *testing.T) {
	s, _ := testkit.Open(t)
	f := load(t, s)
	a, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	in := f.intake("个体工商户登记", data.DecideAccept)
	in.Applicant = data.Applicant{Kind: data.ApplicantIndividual, Name: "王小明", IDCode: "11010519491231002X"}
	b, err := s.Register(ctx, f.clerk.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]string{
		"示例食品":                {a.Number},
		"小明":                  {b.Number},
		"9135010":             {a.Number},
		"11010519491231002x":  {b.Number},
		a.Number:              {a.Number},
		"3301020012026030200": {a.Number, b.Number},
		"%":                   nil,
		"_":                   nil,
		"食品有限":                {a.Number}, // three or more characters: the trigram index
		"M000100":             {a.Number}, // inside the credit code
		"m000100y":            {a.Number}, // any case
		"1231002X":            {b.Number},
		`示例"食品`:               nil, // a quote does not break the MATCH expression
		"食品 OR 小明":            nil, // nor do FTS5 operators
		"NEAR(":               nil,
	} {
		apps, err := s.Cases(ctx, data.CaseFilter{Search: q, Order: "id"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, x := range apps {
			got = append(got, x.Number)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("search %q: %v, want %v", q, got, want)
		}
	}
	// The applicant renames itself at its next case: the index follows, the
	// old name is no longer found, and every case of the applicant is found
	// under the new one.
	in = f.intake("食品经营许可", data.DecideAccept)
	in.Applicant.Name = "杭州新名称餐饮管理有限公司"
	if _, err := s.Register(ctx, f.clerk.ID, in); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{"新名称餐饮": 2, "示例食品": 0, "餐饮": 2} {
		n, err := s.CountCases(ctx, data.CaseFilter{Search: q})
		if err != nil || n != want {
			t.Errorf("after the rename, search %q: %d cases (%v), want %d", q, n, err, want)
		}
	}
}

// A file whose clock cache is older than the program's is refreshed once
// when it is opened.
func TestClockCacheRefreshOnOpen(t *testing.T) {
	s, c := testkit.Open(t)
	f := load(t, s)
	c.Set("2026-03-02 09:00")
	app, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	db := testkit.RawDB(t, s.Path())
	if _, err := db.Exec("UPDATE applications SET yellow_promised = NULL, due_promised = NULL; DELETE FROM settings WHERE key = 'clock_cache'"); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	s2, err := sqlite.OpenDefault(ctx, path, testkit.Defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var yellow, due string
	if err := db.QueryRow("SELECT yellow_promised, due_promised FROM applications WHERE number = ?", app.Number).Scan(&yellow, &due); err != nil {
		t.Fatalf("cache not refreshed: %v", err)
	}
	// 食品经营许可, promised 10 from 03-02: yellow at 8 used days (03-12), due 03-16.
	if yellow != "2026-03-12" || due != "2026-03-16" {
		t.Errorf("refreshed cache: yellow %s due %s", yellow, due)
	}
}
