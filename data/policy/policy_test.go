package policy

import (
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// A person born on 1956-03-15 (ID 110101195603150017 has a valid check
// digit) turns 70 on 2026-03-15: not the day before.
func TestAgeAcrossBirthday(t *testing.T) {
	r, err := ParseRule(`{"fees":["BDC-DJ"],"applicants":"individual","min_age":70,"kind":"full"}`)
	if err != nil {
		t.Fatal(err)
	}
	id := "110101195603150017"
	if _, err := data.ValidateIDNumber(id, day("2026-01-01").Time()); err != nil {
		t.Fatalf("the test's ID number: %v", err)
	}
	f := Facts{Applicant: data.ApplicantIndividual, IDCode: id, Day: day("2026-03-14")}
	if ok, why := r.Check(f); ok || !strings.Contains(why, "69 周岁") {
		t.Errorf("the day before the 70th birthday: %v %q", ok, why)
	}
	f.Day = day("2026-03-15")
	if ok, why := r.Check(f); !ok {
		t.Errorf("on the 70th birthday: %q", why)
	}
	// 29 February: a year older on 1 March in other years.
	if a := AgeOn(day("1956-02-29"), day("2026-02-28")); a != 69 {
		t.Errorf("leap-day birth on 28 February: %d", a)
	}
	if a := AgeOn(day("1956-02-29"), day("2026-03-01")); a != 70 {
		t.Errorf("leap-day birth on 1 March: %d", a)
	}
	// An enterprise never qualifies for a rule of people.
	if ok, _ := r.Check(Facts{Applicant: data.ApplicantEnterprise, IDCode: "91330102MA27XL1Q3G", Day: day("2026-03-15")}); ok {
		t.Error("an enterprise qualified for an age rule")
	}
}

// A 残疾人证号 is the holder's ID number, a category digit 1–7 and a grade
// digit 1–4; a wrong grade digit, a wrong category, another person's ID
// or a grade below the rule's does not qualify.
func TestDisabilityCard(t *testing.T) {
	id := "110101195603150017"
	r, err := ParseRule(`{"fees":["BDC-DJ"],"applicants":"individual","disability_grade":2,"kind":"share","share_percent":50}`)
	if err != nil {
		t.Fatal(err)
	}
	check := func(number string) (bool, string) {
		return r.Check(Facts{Applicant: data.ApplicantIndividual, IDCode: id, Day: day("2026-06-01"), Proofs: []Proof{{Kind: Disability, Number: number}}})
	}
	for _, c := range []struct {
		number string
		ok     bool
		why    string
	}{
		{id + "42", true, ""},
		{id + "41", true, ""},
		{id + "43", false, "三级"},
		{id + "45", false, "有效的残疾人证号"}, // grade 5 does not exist
		{id + "82", false, "有效的残疾人证号"}, // category 8 does not exist
		{"110101195603150023" + "42", false, "有效的残疾人证号"},
		{id + "4", false, "有效的残疾人证号"},
	} {
		if ok, why := check(c.number); ok != c.ok || !strings.Contains(why, c.why) {
			t.Errorf("%s: %v %q", c.number, ok, why)
		}
	}
	if _, _, err := DisabilityCard(id+"45", id); err == nil || !strings.Contains(data.ErrorMessage(err), "第 20 位") {
		t.Errorf("grade 5: %v", err)
	}
	if k, off := r.Off(12345); k != data.WaiverPartial || off != 6172 {
		t.Errorf("half of 123.45: %s %d", k, off)
	}
}

// 新办企业 within N months: founded 31 January, 6 months run to 31 July;
// 1 August is one day past.
func TestNewEnterprise(t *testing.T) {
	r, err := ParseRule(`{"fees":["GS-DJ"],"applicants":"enterprise","new_within_months":6,"attributes":["small_micro"],"kind":"amount","amount_fen":5000}`)
	if err != nil {
		t.Fatal(err)
	}
	f := Facts{Applicant: data.ApplicantEnterprise, Proofs: []Proof{{Kind: Founded, Number: "2026-01-31"}, {Kind: SmallMicro, Number: "统计局划型 2026"}}}
	for _, c := range []struct {
		day string
		ok  bool
	}{{"2026-07-31", true}, {"2026-08-01", false}, {"2026-01-31", true}, {"2026-01-30", false}} {
		f.Day = day(c.day)
		if ok, why := r.Check(f); ok != c.ok {
			t.Errorf("%s: %v %q", c.day, ok, why)
		}
	}
	if d := AddMonths(day("2026-01-31"), 1); d != day("2026-02-28") {
		t.Errorf("31 January + 1 month: %s", d)
	}
	if d := AddMonths(day("2025-11-15"), 14); d != day("2027-01-15") {
		t.Errorf("across years: %s", d)
	}
	f.Day, f.Proofs = day("2026-03-01"), f.Proofs[:1]
	if ok, why := r.Check(f); ok || !strings.Contains(why, "小微企业") {
		t.Errorf("without the 小微 evidence: %v %q", ok, why)
	}
	if k, off := r.Off(3000); k != data.WaiverPartial || off != 3000 {
		t.Errorf("50 yuan off a 30-yuan fee: %s %d", k, off)
	}
}

// Contradictory or open-ended rules are refused, naming the field.
func TestRuleValidation(t *testing.T) {
	for _, c := range []struct{ text, field string }{
		{`{"applicants":"individual","min_age":70,"kind":"full"}`, "fees"},
		{`{"fees":["F"],"applicants":"individual","kind":"full"}`, "min_age"},
		{`{"fees":["F"],"applicants":"enterprise","kind":"full"}`, "attributes"},
		{`{"fees":["F"],"applicants":"individual","min_age":70,"attributes":["high_tech"],"kind":"full"}`, "applicants"},
		{`{"fees":["F"],"applicants":"enterprise","in_park":"高新园","min_age":60,"kind":"full"}`, "applicants"},
		{`{"fees":["F"],"applicants":"individual","min_age":70,"kind":"full","amount_fen":100}`, "kind"},
		{`{"fees":["F"],"applicants":"individual","min_age":70,"kind":"share","share_percent":100}`, "share_percent"},
		{`{"fees":["F"],"applicants":"individual","min_age":70,"kind":"amount","amount_fen":0}`, "amount_fen"},
		{`{"fees":["F"],"applicants":"individual","min_age":70,"kind":"amount","amount_fen":100,"share_percent":10}`, "kind"},
		{`{"fees":["F"],"applicants":"individual","disability_grade":5,"kind":"full"}`, "disability_grade"},
		{`{"fees":["F"],"applicants":"individual","any_of":["small_micro"],"kind":"full"}`, "any_of"},
		{`{"fees":["F"],"applicants":"everyone","min_age":70,"kind":"full"}`, "applicants"},
		{`{"fees":["F"],"applicants":"individual","min_age":70,"kind":"full","colour":"red"}`, "rule"},
		{`{"fees":["F"],"applicants":"individual","min_age":70,"kind":"full"} {}`, "rule"},
	} {
		if _, err := ParseRule(c.text); data.ErrorField(err) != c.field {
			t.Errorf("%s: %v, want field %s", c.text, err, c.field)
		}
	}
	r, err := ParseRule(`{"fees":["BDC-DJ"],"items":["BDC-001"],"applicants":"individual","min_age":70,"any_of":["dibao","tekun"],"kind":"full"}`)
	if err != nil {
		t.Fatal(err)
	}
	if d := r.Describe(); !strings.Contains(d, "年满 70 周岁") || !strings.Contains(d, "低保证或特困供养证") || !strings.Contains(d, "免收") {
		t.Errorf("described %q", d)
	}
	again, err := ParseRule(r.Text())
	if err != nil || again.Text() != r.Text() {
		t.Errorf("round trip: %v %s", err, again.Text())
	}
	if r, err := ParseRule("  "); r != nil || err != nil {
		t.Errorf("no rule: %v %v", r, err)
	}
}

// The rule parser takes any text without panicking: a rule it accepts
// validates and reads back the same.
func FuzzParseRule(f *testing.F) {
	f.Add(`{"fees":["BDC-DJ"],"applicants":"individual","min_age":70,"kind":"full"}`)
	f.Add(`{"fees":["GS-DJ"],"applicants":"enterprise","new_within_months":6,"attributes":["small_micro"],"kind":"amount","amount_fen":5000}`)
	f.Add(`{"fees":["F"],"applicants":"individual","disability_grade":2,"kind":"share","share_percent":50}`)
	f.Add(`{"fees":[],"kind":"x"}`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, text string) {
		r, err := ParseRule(text)
		if err != nil {
			if data.ErrorField(err) == "" {
				t.Fatalf("an error without a field: %v", err)
			}
			return
		}
		if r == nil {
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("accepted an invalid rule: %v", err)
		}
		again, err := ParseRule(r.Text())
		if err != nil || again.Text() != r.Text() {
			t.Fatalf("does not read back: %v", err)
		}
		r.Describe()
		r.Check(Facts{Applicant: data.ApplicantIndividual, IDCode: "110101195603150017", Day: calendar.NewDate(2026, 6, 1)})
	})
}
