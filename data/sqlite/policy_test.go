package sqlite_test

import (
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	rules "github.com/onewindow/onewindow/data/policy"
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
	p.Name, p.Rule = "七十周岁以上老人免收住宅登记费", `{"fees":["BDC-DJF-ZZ"],"applicants":"individual","min_age":70,"kind":"full"}`
	if _, err := s.SaveWaiverPolicy(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	p = policy(t, s, "XWQY-BDC")
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
	got, unfounded := rules.Evaluate(&elder, policies, nil)
	if len(got) != 1 || got[0].Policy != "XWQY-BDC" || got[0].Fee != "BDC-DJF-ZZ" || got[0].AmountFen != 8000 || got[0].Applied || len(unfounded) != 0 {
		t.Fatalf("a 70-year-old charged in full: %+v %+v", got, unfounded)
	}
	elder, err = s.RequestWaiver(ctx, elder.Number, f.clerk.ID, data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverFull, PolicyID: p.ID, Reason: "年满七十周岁"})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := rules.Evaluate(&elder, policies, nil); len(got) != 1 || !got[0].Applied || got[0].Status != "pending" {
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
	got, unfounded = rules.Evaluate(&youth, policies, nil)
	if len(got) != 0 || len(unfounded) != 1 || !strings.Contains(unfounded[0].Why, "未满 70 周岁") {
		t.Errorf("an unfounded waiver: %+v %+v", got, unfounded)
	}
}
