package policy

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// Eligible is a policy a case qualifies for on one of its fee lines, what
// it would take off, and what was done about it.
type Eligible struct {
	Policy     string // code
	PolicyName string
	Basis      string
	Conditions string // the rule in words (Rule.Describe)
	Fee        string // fee code
	Kind       data.WaiverKind
	AmountFen  int64
	Applied    bool   // a waiver of this policy on this fee was asked for (pending or approved)
	Status     string // that waiver's status: pending | approved ("" when none)
	Covered    bool   // another policy's waiver (pending or approved) is on the fee line
	Reason     string // the clerk's reason when it was declined (the last one given)
}

// Unfounded is a waiver granted although the case's recorded facts do not
// meet its policy's rule.
type Unfounded struct {
	Waiver data.Waiver
	Why    string
}

// FactsOf are the facts the program holds about a case: its applicant,
// the proofs recorded when it was received, its item and the day its fees
// were fixed (acceptance; the day it was received until then).
func FactsOf(app *data.Application) Facts {
	f := Facts{Applicant: app.Applicant.Kind, IDCode: app.Applicant.IDCode, Item: app.Item.Code, Day: calendar.DateOf(app.ReceivedAt)}
	if f.Applicant == data.ApplicantOrganisation {
		f.Applicant = data.ApplicantEnterprise
	}
	for _, e := range app.Events {
		f.Proofs = append(f.Proofs, e.Data.Proofs...)
		if e.Kind == clock.Accepted {
			f.Day = calendar.DateOf(e.At)
		}
	}
	return f
}

// Missed says whether the fee line is charged in full although the case
// qualifies (应减未减): no waiver of this policy or another was asked for.
func (e Eligible) Missed() bool { return !e.Applied && !e.Covered }

// Declined is the clerk's last reason for not applying policy (code) to
// fee on the case, from its waiver_declined events ("" when none).
func Declined(app *data.Application, policy, fee string) string {
	reason := ""
	for _, e := range app.Events {
		if e.Kind == data.WaiverDeclined && e.Data.Policy == policy && e.Data.FeeCode == fee {
			reason = e.Data.Reason
		}
	}
	return reason
}

// Evaluate holds a case to the policies (those with a rule, in force on
// the day its fees were fixed): for each of its fee lines a policy covers
// and its facts meet, what it would take off and whether a waiver of it
// was asked for (or the clerk's reason for not asking); and the approved
// waivers whose policy's rule the facts do not meet (减免无依据).
func Evaluate(app *data.Application, policies []data.WaiverPolicy) ([]Eligible, []Unfounded) {
	f := FactsOf(app)
	var out []Eligible
	rules := map[string]*Rule{}
	byCode := map[string]data.WaiverPolicy{}
	for _, p := range policies {
		r, err := parsedRule(p.Rule)
		if err != nil || r == nil {
			continue
		}
		rules[p.Code], byCode[p.Code] = r, p
		if !p.AppliesOn(f.Day) {
			continue
		}
		if ok, _ := r.Check(f); !ok {
			continue
		}
		for _, fee := range app.Fees {
			if !slices.Contains(r.Fees, fee.Code) || fee.AmountFen == 0 {
				continue
			}
			kind, off := r.Off(fee.AmountFen)
			e := Eligible{Policy: p.Code, PolicyName: p.Name, Basis: p.Basis, Conditions: r.Describe(), Fee: fee.Code, Kind: kind, AmountFen: off}
			rejected := ""
			for _, w := range app.Waivers {
				if w.FeeCode == fee.Code && w.Status == data.ApprovalRejected && w.PolicyCode == p.Code {
					rejected = "减免申请被驳回：" + w.Note
				}
				if w.FeeCode != fee.Code || w.Status == data.ApprovalRejected {
					continue
				}
				if w.PolicyCode == p.Code {
					e.Applied, e.Status = true, string(w.Status)
				} else {
					e.Covered = true
				}
			}
			if !e.Applied {
				// The clerk's reason; else a supervisor's rejection of the
				// waiver asked for, which says why it was not granted.
				e.Reason = cmp.Or(Declined(app, p.Code, fee.Code), strings.TrimRight(rejected, "："))
			}
			out = append(out, e)
		}
	}
	var unfounded []Unfounded
	for _, w := range app.Waivers {
		r := rules[w.PolicyCode]
		if w.Status != data.ApprovalApproved || r == nil {
			continue
		}
		if !slices.Contains(r.Fees, w.FeeCode) {
			unfounded = append(unfounded, Unfounded{w, "政策不适用于该收费项目"})
			continue
		}
		if !byCode[w.PolicyCode].AppliesOn(f.Day) {
			unfounded = append(unfounded, Unfounded{w, "收费确定之日政策不在有效期内"})
			continue
		}
		if ok, why := r.Check(f); !ok {
			unfounded = append(unfounded, Unfounded{w, why})
		}
	}
	return out, unfounded
}

// Proposals are the waivers to propose for what Evaluate found: each fee
// line charged in full that a policy covers, with the policy that takes
// off most (the first by code when two take off the same).
func Proposals(eligible []Eligible) []Eligible {
	var out []Eligible
	for _, e := range eligible {
		if !e.Missed() {
			continue
		}
		i := slices.IndexFunc(out, func(o Eligible) bool { return o.Fee == e.Fee })
		switch {
		case i < 0:
			out = append(out, e)
		case e.AmountFen > out[i].AmountFen:
			out[i] = e
		}
	}
	return out
}

// Request is the waiver request that applies e: its kind and amount, and a
// reason that names the policy and its conditions.
func (e Eligible) Request(policyID int64) data.WaiverRequest {
	reason := fmt.Sprintf("符合《%s》（%s）的适用条件：%s", e.PolicyName, e.Basis, e.Conditions)
	if r := []rune(reason); len(r) > 500 {
		reason = string(r[:500])
	}
	return data.WaiverRequest{FeeCode: e.Fee, Kind: e.Kind, AmountFen: e.AmountFen, PolicyID: policyID, Reason: reason}
}

// parsed keeps the rules read so far by their text: the 督查 holds tens of
// thousands of cases to the same few rules.
var parsed struct {
	sync.Mutex
	rules map[string]*Rule
}

// parsedRule is ParseRule, remembered (for a few hundred texts at most).
// The rule returned is shared: it is read, never changed.
func parsedRule(text string) (*Rule, error) {
	parsed.Lock()
	r, ok := parsed.rules[text]
	parsed.Unlock()
	if ok {
		return r, nil
	}
	r, err := ParseRule(text)
	if err != nil {
		return nil, err
	}
	parsed.Lock()
	if parsed.rules == nil || len(parsed.rules) > 500 {
		parsed.rules = map[string]*Rule{}
	}
	parsed.rules[text] = r
	parsed.Unlock()
	return r, nil
}
