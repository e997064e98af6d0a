package postgres

import (
	"context"
	"fmt"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/policy"
	"github.com/onewindow/onewindow/data/report"
)

// WaiverPolicies returns the waiver policies the sites' bundles brought,
// with their rules, by code. IDs are 0: waivers name their policy by code.
func (s *Store) WaiverPolicies(ctx context.Context) ([]data.WaiverPolicy, error) {
	rows, err := s.pool.Query(ctx, "SELECT code, name, basis, valid_from, coalesce(valid_to, ''), rule FROM waiver_policies ORDER BY code")
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []data.WaiverPolicy
	for rows.Next() {
		var p data.WaiverPolicy
		var from, to string
		if err := rows.Scan(&p.Code, &p.Name, &p.Basis, &from, &to, &p.Rule); err != nil {
			return nil, classify(err)
		}
		if p.ValidFrom, p.ValidTo, err = data.ParseValidity(from, to); err != nil {
			return nil, fmt.Errorf("waiver policy %s: %w", p.Code, err)
		}
		out = append(out, p)
	}
	return out, classify(rows.Err())
}

// policyPage is how many cases the 政策落实督查 reads at a time.
const policyPage = 2000

// policyReview is the 政策落实督查 over every site's cases accepted in the
// period that have a fee line, judged as at a site (policy.Review).
func (s *Store) policyReview(ctx context.Context, spec report.Spec) ([]report.PolicyRow, error) {
	policies, err := s.WaiverPolicies(ctx)
	if err != nil || len(policies) == 0 {
		return nil, err
	}
	rev := policy.NewReview(policies)
	var after int64
	for {
		apps, err := s.queryCases(ctx, `a.accepted_date BETWEEN $1 AND $2 AND EXISTS (SELECT 1 FROM case_fees f WHERE f.number = a.number) AND a.id > $3`,
			[]any{spec.From.Time(), spec.To.Time(), after}, fmt.Sprintf("a.id LIMIT %d", policyPage), policyPage)
		if err != nil {
			return nil, err
		}
		for i := range apps {
			rev.Add(&apps[i])
			after = apps[i].ID
		}
		if len(apps) < policyPage {
			return rev.Rows(), nil
		}
	}
}
