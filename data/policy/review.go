package policy

import (
	"cmp"
	"slices"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/report"
)

// Review is the 政策落实督查 being counted: cases are added one by one, and
// each policy's figures are kept per department of the case's item.
type Review struct {
	policies []data.WaiverPolicy
	byCode   map[string]data.WaiverPolicy
	rows     map[[2]string]*report.PolicyRow // policy code, department
}

// NewReview starts a review against the policies (those without a rule
// count only what was granted).
func NewReview(policies []data.WaiverPolicy) *Review {
	r := &Review{policies: policies, byCode: map[string]data.WaiverPolicy{}, rows: map[[2]string]*report.PolicyRow{}}
	for _, p := range policies {
		r.byCode[p.Code] = p
	}
	return r
}

func (r *Review) row(p data.WaiverPolicy, dept string) *report.PolicyRow {
	k := [2]string{p.Code, dept}
	row := r.rows[k]
	if row == nil {
		rule, err := parsedRule(p.Rule)
		row = &report.PolicyRow{Policy: p.Code, PolicyName: p.Name, Basis: p.Basis, Department: dept, Rule: err == nil && rule != nil}
		r.rows[k] = row
	}
	return row
}

// Add counts one case: its fees, waivers, proofs and the reasons its
// clerk gave.
func (r *Review) Add(app *data.Application) {
	eligible, unfounded := Evaluate(app, r.policies)
	r.AddEvaluated(app, eligible, unfounded)
}

// AddEvaluated counts one case whose Evaluate the caller already has (a
// store that evaluates every case once, and again only those it read the
// clerks' reasons for).
func (r *Review) AddEvaluated(app *data.Application, eligible []Eligible, unfounded []Unfounded) {
	dept := app.Item.Department
	qualified, missed, explained := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, e := range eligible {
		row := r.row(r.byCode[e.Policy], dept)
		if !qualified[e.Policy] {
			qualified[e.Policy] = true
			row.Qualified++
			row.Add(report.PolicyQualified, app.Number)
		}
		if !e.Missed() {
			continue
		}
		row.MissedFen += e.AmountFen
		if !missed[e.Policy] {
			missed[e.Policy] = true
			row.Missed++
			row.Add(report.PolicyMissed, app.Number)
		}
		if e.Reason != "" && !explained[e.Policy] {
			explained[e.Policy] = true
			row.Explained++
			row.Add(report.PolicyExplained, app.Number)
		}
	}
	granted := map[string]bool{}
	for _, w := range app.Waivers {
		p, ok := r.byCode[w.PolicyCode]
		if w.Status != data.ApprovalApproved || !ok {
			continue
		}
		row := r.row(p, dept)
		row.WaivedFen += w.AmountFen
		if !granted[p.Code] {
			granted[p.Code] = true
			row.Granted++
			row.Add(report.PolicyGranted, app.Number)
		}
	}
	counted := map[string]bool{}
	for _, u := range unfounded {
		row := r.row(r.byCode[u.Waiver.PolicyCode], dept)
		row.UnfoundedFen += u.Waiver.AmountFen
		if !counted[u.Waiver.PolicyCode] {
			counted[u.Waiver.PolicyCode] = true
			row.Unfounded++
			row.Add(report.PolicyUnfounded, app.Number)
		}
	}
}

// Rows are the figures, by policy code then department.
func (r *Review) Rows() []report.PolicyRow {
	out := make([]report.PolicyRow, 0, len(r.rows))
	for _, row := range r.rows {
		out = append(out, *row)
	}
	slices.SortFunc(out, func(a, b report.PolicyRow) int {
		return cmp.Or(cmp.Compare(a.Policy, b.Policy), cmp.Compare(a.Department, b.Department))
	})
	return out
}
