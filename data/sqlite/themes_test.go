package sqlite_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/data/theme"
	"github.com/onewindow/onewindow/internal/testkit"
)

// 一件事: 开办餐饮店 over the national-day holiday. Taken in on Monday
// 2026-09-28 with every material: the business licence is registered and
// accepted at once, the food licence and the social-insurance
// registration wait for it (the licence is not asked of the applicant
// twice). The theme's 12 working days skip 1–7 October and count Saturday
// 10 October (调休). When the licence is completed on 9 October the two
// waiting items are registered and their clocks start that day; when the
// last closes the theme is done, on time, held up by the food licence.
func TestThemeClockSequential(t *testing.T) {
	s, clk := testkit.Open(t)
	clk.Set("2026-09-28 10:00")
	f := load(t, s)
	th := sampleTheme(t, s, "YJS-KBCYD")
	var handed []string
	for _, m := range th.Checklist() {
		handed = append(handed, m.Name)
	}
	if slices.Contains(handed, "营业执照") {
		t.Errorf("the checklist asks for the licence the theme issues: %v", handed)
	}
	tc, err := s.RegisterTheme(ctx, f.clerk.ID, theme.Intake{ThemeID: th.ID, Applicant: enterprise(), WindowID: f.windowID, Materials: handed})
	if err != nil {
		t.Fatal(err)
	}
	if tc.Status != theme.StatusAccepted || len(tc.Members) != 3 || tc.Members[0].App == nil || tc.Members[1].App != nil || tc.Members[2].App != nil {
		t.Fatalf("registered: %s, members %+v", tc.Status, tc.Members)
	}
	if tc.Members[0].App.Status != data.StatusAccepted || tc.Members[0].App.ThemeNumber != tc.Number {
		t.Errorf("licence case: %s, theme %q", tc.Members[0].App.Status, tc.Members[0].App.ThemeNumber)
	}
	if tr := tc.Track(); tc.Clock.Start.String() != "2026-09-28" || tr.Due.String() != "2026-10-20" || tr.Limit != 12 || tr.Warning != clock.Green {
		t.Errorf("theme clock from %s: %+v", tc.Clock.Start, tr)
	}
	licence := tc.Members[0].App.Number
	if c, err := s.Case(ctx, licence); err != nil || c.ThemeNumber != tc.Number {
		t.Errorf("case %s: theme %q %v", licence, c.ThemeNumber, err)
	}

	clk.Set("2026-10-09 15:00")
	if _, err := s.Record(ctx, licence, f.clerk.ID, data.Event{Kind: clock.Completed, Data: data.EventData{Result: data.ResultGranted}}); err != nil {
		t.Fatal(err)
	}
	today := calendar.NewDate(2026, 10, 9)
	tc, err = s.ThemeCase(ctx, tc.Number, today)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range tc.Members[1:] {
		if m.App == nil {
			t.Fatalf("%s not started when the licence completed", m.Step.Item.Code)
		}
		if m.App.Status != data.StatusAccepted || m.Clock.Start != today || !slices.Contains(m.App.Events[0].Data.Materials, "营业执照") {
			t.Errorf("%s: %s from %s, materials %v", m.Step.Item.Code, m.App.Status, m.Clock.Start, m.App.Events[0].Data.Materials)
		}
	}
	if tr := tc.Track(); tr.Used != 4 || tr.Remaining != 8 { // 29, 30 September, 8, 9 October
		t.Errorf("theme on 9 October: %+v", tr)
	}
	food, social := tc.Members[1].App.Number, tc.Members[2].App.Number
	clk.Set("2026-10-12 09:00")
	if _, err := s.Record(ctx, social, f.clerk.ID, data.Event{Kind: clock.Completed, Data: data.EventData{Result: data.ResultGranted}}); err != nil {
		t.Fatal(err)
	}
	// 统一出件: neither one item alone nor the theme before every item is done.
	if _, err := s.Record(ctx, social, f.clerk.ID, data.Event{Kind: clock.Delivered, Data: data.EventData{Method: data.MethodPickup}}); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("one item of a together theme delivered alone: %v", err)
	}
	if _, err := s.DeliverTheme(ctx, tc.Number, f.clerk.ID, data.MethodPickup); data.ErrorCode(err) != data.ECONFLICT || !strings.Contains(data.ErrorMessage(err), "食品经营许可") {
		t.Errorf("theme delivered with the food licence open: %v", err)
	}
	if _, err := s.IssueThemeDocument(ctx, tc.Number, data.DocThemeComplete, f.clerk.ID); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("办结通知书 with the food licence open: %v", err)
	}
	if _, err := s.IssueThemeDocument(ctx, tc.Number, data.DocThemeSupplement, f.clerk.ID); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("一次性告知书 with nothing to supplement: %v", err)
	}
	clk.Set("2026-10-20 16:00")
	if _, err := s.Record(ctx, food, f.clerk.ID, data.Event{Kind: clock.Completed, Data: data.EventData{Result: data.ResultGranted}}); err != nil {
		t.Fatal(err)
	}
	tc, err = s.ThemeCase(ctx, tc.Number, calendar.NewDate(2026, 10, 21))
	if err != nil {
		t.Fatal(err)
	}
	tr := tc.Track()
	if tc.Status != theme.StatusCompleted || tc.Clock.End.String() != "2026-10-20" || tr.Used != 12 || tr.OnTime == nil || !*tr.OnTime {
		t.Errorf("theme done: %s, end %s, %+v", tc.Status, tc.Clock.End, tr)
	}
	if got := tc.HeldUp(); got != "SCJG-005" {
		t.Errorf("held up by %q", got)
	}
	clk.Set("2026-10-21 09:30")
	tc, err = s.DeliverTheme(ctx, tc.Number, f.clerk.ID, data.MethodPickup)
	if err != nil {
		t.Fatal(err)
	}
	if tc.Status != theme.StatusDelivered || tc.DeliveredAt.IsZero() {
		t.Errorf("after 统一出件: %s", tc.Status)
	}
	for _, m := range tc.Members {
		if m.App.Status != data.StatusDelivered {
			t.Errorf("%s: %s after 统一出件", m.App.Number, m.App.Status)
		}
	}
	if _, err := s.DeliverTheme(ctx, tc.Number, f.clerk.ID, data.MethodPickup); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("delivered twice: %v", err)
	}
	// One 办结通知书 with every result.
	doc, err := s.IssueThemeDocument(ctx, tc.Number, data.DocThemeComplete, f.clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(doc.Notice.List, "\n")
	for _, want := range []string{"企业设立登记（市场监督管理局）：办件编号 " + licence + "，准予许可（2026年10月9日办结），发给营业执照",
		"食品经营许可（市场监督管理局）：办件编号 " + food + "，准予许可（2026年10月20日办结）", "社会保险登记"} {
		if !strings.Contains(all, want) {
			t.Errorf("办结通知书 lacks %q:\n%s", want, all)
		}
	}
	if doc.Notice.Case != tc.Number || !slices.Contains(doc.Notice.Facts, data.Fact{Label: "一件事用时", Value: "12 个工作日（承诺 12 个工作日，按期）"}) {
		t.Errorf("办结通知书 facts %+v", doc.Notice.Facts)
	}
	if got, err := s.VerifyReceipt(ctx, doc.Token); err != nil || got.Number != doc.Number {
		t.Errorf("verify %v %v", got.Number, err)
	}
	if r, err := s.Verify(ctx); err != nil || !r.OK() {
		t.Errorf("verify: %+v %v", r, err)
	}
	// The report by theme: one received, closed on time in 12 working
	// days, held up by the food licence; each figure opens its cases.
	rep, err := s.Report(ctx, report.Spec{From: calendar.NewDate(2026, 9, 1), To: calendar.NewDate(2026, 10, 31), By: report.ByDepartment})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Themes) != 1 {
		t.Fatalf("theme rows %+v", rep.Themes)
	}
	row := rep.Themes[0]
	if row.Theme != "YJS-KBCYD" || row.Received != 1 || row.OnTime != 1 || row.Late != 0 || row.AvgDays != 12 || row.P90Days != 12 ||
		row.HeldUp != "食品经营许可" || row.HeldUpCount != 1 || len(row.Cases[report.ThemeReceived]) != 3 || !slices.Equal(row.Cases[report.ThemeHeldUp], []string{food}) {
		t.Errorf("theme row %+v", row)
	}
	if _, ok := report.Find(rep.Tables(), "一件事（按主题）"); !ok {
		t.Error("no 一件事 table")
	}
	// Not in a period before it arrived.
	if rep, _ := s.Report(ctx, report.Spec{From: calendar.NewDate(2026, 8, 1), To: calendar.NewDate(2026, 8, 31), By: report.ByDepartment}); len(rep.Themes) != 0 {
		t.Errorf("August: %+v", rep.Themes)
	}
	db := testkit.RawDB(t, s.Path())
	if n := count(t, db, "SELECT count(*) FROM audit WHERE action = 'theme.start' AND entity = '"+tc.Number+"'"); n != 2 {
		t.Errorf("%d theme.start audit entries", n)
	}
}

// 开办运输企业 with one of the transport licence's materials missing: only
// that item goes into 补正; the business licence is accepted and the
// theme's clock runs; a material that is no item's is refused by name.
func TestThemeSupplementOneItem(t *testing.T) {
	s, clk := testkit.Open(t)
	clk.Set("2026-11-02 10:00")
	f := load(t, s)
	th := sampleTheme(t, s, "YJS-KBYS")
	var handed []string
	for _, m := range th.Checklist() {
		if m.Name != "驾驶人员从业资格证" {
			handed = append(handed, m.Name)
		}
	}
	in := theme.Intake{ThemeID: th.ID, Applicant: enterprise(), WindowID: f.windowID, Materials: append(slices.Clone(handed), "户口簿")}
	if _, err := s.RegisterTheme(ctx, f.clerk.ID, in); data.ErrorField(err) != "materials" {
		t.Errorf("a material of no item: %v", err)
	}
	in.Materials = handed
	tc, err := s.RegisterTheme(ctx, f.clerk.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	byItem := map[string]*data.Application{}
	for _, m := range tc.Members {
		byItem[m.Step.Item.Code] = m.App
	}
	if byItem["SCJG-001"] == nil || byItem["SCJG-001"].Status != data.StatusAccepted {
		t.Fatalf("licence: %+v", byItem["SCJG-001"])
	}
	jt := byItem["JTJ-001"]
	if jt == nil || jt.Status != data.StatusSupplement || !slices.Equal(jt.Events[1].Data.Missing, []string{"驾驶人员从业资格证"}) {
		t.Fatalf("transport licence: %+v", jt)
	}
	if byItem["RSJ-001"] != nil {
		t.Error("social insurance registered before the licence")
	}
	if tc.Status != theme.StatusAccepted || tc.Clock.Start.String() != "2026-11-02" {
		t.Errorf("theme: %s from %s", tc.Status, tc.Clock.Start)
	}
	// One 一次性告知书 for the theme: what each item in 补正 lacks, and the
	// items that go on meanwhile.
	sup, err := s.IssueThemeDocument(ctx, tc.Number, data.DocThemeSupplement, f.clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sup.Notice.List) != 1 || !strings.Contains(sup.Notice.List[0], "道路货物运输经营许可") || !strings.Contains(sup.Notice.List[0], jt.Number+"）：驾驶人员从业资格证") ||
		len(sup.Notice.After) != 1 || !strings.Contains(sup.Notice.After[0], "企业设立登记材料齐全") {
		t.Errorf("一次性告知书 %q / %q", sup.Notice.List, sup.Notice.After)
	}
	list, err := s.ThemeCases(ctx, 0, 0, calendar.NewDate(2026, 11, 2))
	if err != nil || len(list) != 1 || list[0].Number != tc.Number {
		t.Errorf("theme cases: %d %v", len(list), err)
	}
	// The items go on in parallel: the licence is granted the next day
	// (the social insurance starts and is done at once), the transport
	// licence's material comes on the 4th and it is accepted then, and
	// done on the 16th. Its 补正 held up that item only: the theme counts
	// from the 2nd, 10 working days, on time.
	granted := data.Event{Kind: clock.Completed, Data: data.EventData{Result: data.ResultGranted}}
	clk.Set("2026-11-03 10:00")
	if _, err := s.Record(ctx, byItem["SCJG-001"].Number, f.clerk.ID, granted); err != nil {
		t.Fatal(err)
	}
	tc, _ = s.ThemeCase(ctx, tc.Number, calendar.NewDate(2026, 11, 3))
	social := tc.Members[2].App
	if social == nil {
		t.Fatal("social insurance not started")
	}
	if _, err := s.Record(ctx, social.Number, f.clerk.ID, granted); err != nil {
		t.Fatal(err)
	}
	clk.Set("2026-11-04 09:00")
	for _, k := range []clock.Kind{clock.SupplementCompleted, clock.Accepted} {
		if _, err := s.Record(ctx, jt.Number, f.clerk.ID, data.Event{Kind: k}); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set("2026-11-16 15:00")
	if _, err := s.Record(ctx, jt.Number, f.clerk.ID, granted); err != nil {
		t.Fatal(err)
	}
	tc, err = s.ThemeCase(ctx, tc.Number, calendar.NewDate(2026, 11, 16))
	if err != nil {
		t.Fatal(err)
	}
	tr := tc.Track()
	if tc.Status != theme.StatusCompleted || tc.Clock.Start.String() != "2026-11-02" || tc.Clock.End.String() != "2026-11-16" || tr.Used != 10 ||
		tr.OnTime == nil || !*tr.OnTime || tc.HeldUp() != "JTJ-001" || tc.Members[1].Clock.Start.String() != "2026-11-04" {
		t.Errorf("theme: %s %s–%s %+v held up by %s; transport from %s", tc.Status, tc.Clock.Start, tc.Clock.End, tr, tc.HeldUp(), tc.Members[1].Clock.Start)
	}
}

// sampleTheme is the sample catalogue's theme with code.
func sampleTheme(t *testing.T, s *sqlite.Store, code string) theme.Theme {
	t.Helper()
	themes, err := s.Themes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range themes {
		if th.Code == code {
			return th
		}
	}
	t.Fatalf("no theme %s among %d", code, len(themes))
	return theme.Theme{}
}

// An administrator edits a theme in 设置; nobody else may; a wrong theme is
// refused naming its field; a theme case registered before keeps the
// steps it was registered with.
func TestSaveTheme(t *testing.T) {
	s, clk := testkit.Open(t)
	clk.Set("2026-11-02 10:00")
	f := load(t, s)
	admin := adminID(t, s)
	th := sampleTheme(t, s, "YJS-KBCYD")
	var handed []string
	for _, m := range th.Checklist() {
		handed = append(handed, m.Name)
	}
	before, err := s.RegisterTheme(ctx, f.clerk.ID, theme.Intake{ThemeID: th.ID, Applicant: enterprise(), WindowID: f.windowID, Materials: handed})
	if err != nil {
		t.Fatal(err)
	}
	edit := th
	edit.Limit, edit.Together = 10, false
	edit.Steps = append(append([]theme.Step{}, th.Steps...), theme.Step{Item: data.ServiceItem{Code: "WJJ-002"}, After: "SCJG-001"})
	if _, err := s.SaveTheme(ctx, f.clerk.ID, edit); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk edits a theme: %v", err)
	}
	bad := edit
	bad.Steps = append(append([]theme.Step{}, edit.Steps...), theme.Step{Item: data.ServiceItem{Code: "WJJ-002"}})
	if _, err := s.SaveTheme(ctx, admin, bad); data.ErrorField(err) != "steps" {
		t.Errorf("an item twice: %v", err)
	}
	if _, err := s.SaveTheme(ctx, admin, edit); err != nil {
		t.Fatal(err)
	}
	again := sampleTheme(t, s, "YJS-KBCYD")
	if again.Limit != 10 || again.Together || len(again.Steps) != 4 || again.Steps[3].Item.Code != "WJJ-002" || again.Steps[3].After != "SCJG-001" {
		t.Errorf("saved theme %+v", again)
	}
	tc, err := s.ThemeCase(ctx, before.Number, calendar.NewDate(2026, 11, 2))
	if err != nil || len(tc.Members) != 3 || tc.Theme.Limit != 12 {
		t.Errorf("a theme case registered before: %d steps, limit %d, %v", len(tc.Members), tc.Theme.Limit, err)
	}
	// Switched off: no longer offered at the counter.
	again.Active = false
	if _, err := s.SaveTheme(ctx, admin, again); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Themes(ctx); slices.ContainsFunc(list, func(x theme.Theme) bool { return x.Code == "YJS-KBCYD" }) {
		t.Error("an inactive theme is offered")
	}
	if n := count(t, testkit.RawDB(t, s.Path()), "SELECT count(*) FROM audit WHERE action = 'theme.save'"); n != 2 {
		t.Errorf("%d theme.save audit entries", n)
	}
}
