package sqlite_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	rules "github.com/onewindow/onewindow/data/policy"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/internal/testkit"
)

// 该减则减: a policy with a rule (people aged 70 and over: 免收 the
// residential registration fee), saved by an administrator (a
// contradictory rule refused, naming the field); the proofs typed at
// intake held to the applicant (another person's 残疾人证 refused); a
// qualifying case charged in full is 应减未减 until a waiver of the
// policy is asked for; a waiver approved for someone too young is
// 减免无依据.
func TestPolicyEligibility(t *testing.T) {
	s, clk := testkit.Open(t)
	clk.Set("2026-06-01 10:00")
	f := load(t, s)
	admin := adminID(t, s)
	p := policy(t, s, "XWQY-BDC")
	bad := p
	bad.Rule = `{"fees":["BDC-DJF-ZZ"],"applicants":"individual","kind":"full"}`
	if _, err := s.SaveWaiverPolicy(ctx, admin, bad); data.ErrorField(err) != "min_age" {
		t.Errorf("an open-ended rule: %v", err)
	}
	// The sample catalogue's policy for people of 70 and over, saved again
	// as an administrator would from 设置.
	p = policy(t, s, "LN-BDC")
	if _, err := s.SaveWaiverPolicy(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	p = policy(t, s, "LN-BDC")
	if !strings.Contains(p.Rule, `"min_age":70`) {
		t.Fatalf("rule stored: %q", p.Rule)
	}
	person := func(id string) data.Intake {
		in := f.bdcIntake()
		in.Applicant = data.Applicant{Kind: data.ApplicantIndividual, Name: "王秀英", IDCode: id, Phone: "13800000000"}
		return in
	}
	old, young := "110101195603150017", "110101199003070011"
	in := person(young)
	in.Proofs = []data.Proof{{Kind: rules.Disability, Number: old + "42"}}
	if _, err := s.Register(ctx, f.clerk.ID, in); data.ErrorField(err) != "disability" {
		t.Errorf("another person's 残疾人证: %v", err)
	}
	in.Proofs = []data.Proof{{Kind: rules.HighTech, Number: "GR202433000123"}}
	if _, err := s.Register(ctx, f.clerk.ID, in); data.ErrorField(err) != "proofs" {
		t.Errorf("an enterprise's proof for a person: %v", err)
	}
	policies, _ := s.WaiverPolicies(ctx)
	elder, err := s.Register(ctx, f.clerk.ID, person(old))
	if err != nil {
		t.Fatal(err)
	}
	got, unfounded := rules.Evaluate(&elder, policies)
	if len(got) != 1 || got[0].Policy != "LN-BDC" || got[0].Fee != "BDC-DJF-ZZ" || got[0].AmountFen != 8000 || got[0].Applied || len(unfounded) != 0 {
		t.Fatalf("a 70-year-old charged in full: %+v %+v", got, unfounded)
	}
	elder, err = s.RequestWaiver(ctx, elder.Number, f.clerk.ID, data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverFull, PolicyID: p.ID, Reason: "年满七十周岁"})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := rules.Evaluate(&elder, policies); len(got) != 1 || !got[0].Applied || got[0].Status != "pending" {
		t.Errorf("after the request: %+v", got)
	}
	// Too young, yet waived and approved: 减免无依据, saying why.
	youth, err := s.Register(ctx, f.clerk.ID, person(young))
	if err != nil {
		t.Fatal(err)
	}
	youth, err = s.RequestWaiver(ctx, youth.Number, f.clerk.ID, data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverFull, PolicyID: p.ID, Reason: "照顾"})
	if err != nil {
		t.Fatal(err)
	}
	if youth, err = s.DecideWaiver(ctx, youth.Waivers[0].ID, f.super.ID, true, "同意"); err != nil {
		t.Fatal(err)
	}
	got, unfounded = rules.Evaluate(&youth, policies)
	if len(got) != 0 || len(unfounded) != 1 || !strings.Contains(unfounded[0].Why, "未满 70 周岁") {
		t.Errorf("an unfounded waiver: %+v %+v", got, unfounded)
	}
}

// The 政策落实督查 in the report: of three elderly applicants one is
// waived (granted), one is charged in full with the clerk's reason
// (应减未减, explained), one charged in full without a word (应减未减); a
// young applicant waived and approved is 减免无依据. A reason cannot be
// given for a policy the case does not qualify for, nor once a waiver of
// it is asked for; each figure lists its cases.
func TestPolicyReview(t *testing.T) {
	s, clk := testkit.Open(t)
	clk.Set("2026-06-01 10:00")
	f := load(t, s)
	p := policy(t, s, "LN-BDC") // people of 70 and over: 免收 the residential registration fee
	register := func(id string) data.Application {
		t.Helper()
		in := f.bdcIntake()
		in.Applicant = data.Applicant{Kind: data.ApplicantIndividual, Name: "王秀英", IDCode: id, Phone: "13800000000"}
		a, err := s.Register(ctx, f.clerk.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	waive := func(a data.Application) {
		t.Helper()
		a, err := s.RequestWaiver(ctx, a.Number, f.clerk.ID, data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverFull, PolicyID: p.ID, Reason: "依政策"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DecideWaiver(ctx, a.Waivers[0].ID, f.super.ID, true, "同意"); err != nil {
			t.Fatal(err)
		}
	}
	old, young := "110101195603150017", "110101199003070011"
	granted, explained, silent, unfounded, rejected := register(old), register(old), register(old), register(young), register(old)
	waive(granted)
	waive(unfounded)
	// A waiver asked for and rejected: charged in full, the rejection's
	// note the reason.
	if a, err := s.RequestWaiver(ctx, rejected.Number, f.clerk.ID, data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverFull, PolicyID: p.ID, Reason: "依政策"}); err != nil {
		t.Fatal(err)
	} else if _, err := s.DecideWaiver(ctx, a.Waivers[0].ID, f.super.ID, false, "身份证已过有效期"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeclineWaiver(ctx, unfounded.Number, f.clerk.ID, "LN-BDC", "BDC-DJF-ZZ", "申请人自愿缴纳"); data.ErrorField(err) != "policy" {
		t.Errorf("a reason for a case that does not qualify: %v", err)
	}
	if _, err := s.DeclineWaiver(ctx, granted.Number, f.clerk.ID, "LN-BDC", "BDC-DJF-ZZ", "申请人自愿缴纳"); data.ErrorField(err) != "policy" {
		t.Errorf("a reason once waived: %v", err)
	}
	if _, err := s.DeclineWaiver(ctx, explained.Number, f.clerk.ID, "LN-BDC", "BDC-DJF-ZZ", " "); data.ErrorField(err) != "reason" {
		t.Errorf("an empty reason: %v", err)
	}
	a, err := s.DeclineWaiver(ctx, explained.Number, f.clerk.ID, "LN-BDC", "BDC-DJF-ZZ", "申请人未带身份证原件，无法核实年龄")
	if err != nil {
		t.Fatal(err)
	}
	if last := a.Events[len(a.Events)-1]; last.Kind != data.WaiverDeclined || last.Data.Policy != "LN-BDC" {
		t.Errorf("the reason's event: %+v", last)
	}
	if n := count(t, testkit.RawDB(t, s.Path()), "SELECT count(*) FROM audit WHERE action = 'waiver.decline' AND entity = '"+explained.Number+"'"); n != 1 {
		t.Errorf("audit entries of the reason: %d", n)
	}
	if r, err := s.Verify(ctx); err != nil || !r.OK() {
		t.Errorf("verify after a reason: %+v %v", r, err)
	}
	rep, err := s.Report(ctx, report.Spec{From: date("2026-06-01"), To: date("2026-06-30"), By: report.ByDepartment, Today: date("2026-06-01")})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Policies) != 1 {
		t.Fatalf("policy rows: %+v", rep.Policies)
	}
	r := rep.Policies[0]
	if r.Policy != "LN-BDC" || !r.Rule || r.Qualified != 4 || r.Granted != 2 || r.WaivedFen != 16000 || r.Missed != 3 || r.Explained != 2 ||
		r.MissedFen != 24000 || r.Unfounded != 1 || r.UnfoundedFen != 8000 {
		t.Errorf("figures: %+v", r)
	}
	want := map[report.Metric][]string{
		report.PolicyQualified: {granted.Number, explained.Number, silent.Number, rejected.Number},
		report.PolicyGranted:   {granted.Number, unfounded.Number},
		report.PolicyMissed:    {explained.Number, silent.Number, rejected.Number},
		report.PolicyExplained: {explained.Number, rejected.Number},
		report.PolicyUnfounded: {unfounded.Number},
	}
	for m, numbers := range want {
		if !slices.Equal(r.Cases[m], numbers) {
			t.Errorf("%s: cases %v, want %v", m, r.Cases[m], numbers)
		}
	}
	tab, ok := report.Find(rep.Tables(), "政策落实督查")
	if !ok || tab.Rows[0][6].Num != 3 || tab.Rows[0][6].Metric != report.PolicyMissed || tab.Rows[0][2].Text != r.Department {
		t.Errorf("the report's table: %+v", tab)
	}
	a, err = s.Case(ctx, rejected.Number)
	if err != nil {
		t.Fatal(err)
	}
	policies, _ := s.WaiverPolicies(ctx)
	if e, _ := rules.Evaluate(&a, policies); len(e) != 1 || e[0].Reason != "减免申请被驳回：身份证已过有效期" || !e[0].Missed() {
		t.Errorf("a rejected waiver's reason: %+v", e)
	}
	// Outside the period: no rows.
	rep, err = s.Report(ctx, report.Spec{From: date("2026-07-01"), To: date("2026-07-31"), By: report.ByDepartment, Today: date("2026-07-01")})
	if err != nil || len(rep.Policies) != 0 {
		t.Errorf("July: %+v %v", rep.Policies, err)
	}
}
