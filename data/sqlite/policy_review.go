package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/policy"
	"github.com/onewindow/onewindow/data/report"
)

// DeclineWaiver records why the clerk does not apply a policy the case
// qualifies for to one of its fee lines (a waiver_declined event and its
// audit entry, in one transaction). The 督查 then shows the fee as 应减未减
// with this reason. The case must qualify on that line and no waiver of
// the policy be pending or approved on it; a later reason replaces an
// earlier one in the 督查 (both stay in the log).
func (s *Store) DeclineWaiver(ctx context.Context, number string, actorID int64, policyCode, feeCode, reason string) (data.Application, error) {
	reason = strings.TrimSpace(reason)
	if err := data.CheckText("reason", "未适用的理由", reason, 2, 500); err != nil {
		return data.Application{}, err
	}
	return s.onCase(ctx, number, actorID, func(c *caseTx) error {
		if err := c.closedForClerk(); err != nil {
			return err
		}
		policies, err := waiverPolicies(c.ctx, c.tx)
		if err != nil {
			return err
		}
		eligible, _ := policy.Evaluate(&c.app, policies)
		i := slices.IndexFunc(eligible, func(e policy.Eligible) bool { return e.Policy == policyCode && e.Fee == feeCode })
		if i < 0 {
			return data.FieldError("policy", "减免政策", "本办件的收费项目 %s 不符合政策 %s 的适用条件，无需说明", feeCode, policyCode)
		}
		if eligible[i].Applied {
			return data.FieldError("policy", "减免政策", "已按政策 %s 申请减免（%s），不能再说明未适用", policyCode, data.ApprovalStatus(eligible[i].Status).Label())
		}
		return c.record(data.Event{Kind: data.WaiverDeclined, Data: data.EventData{FeeCode: feeCode, Policy: policyCode, Reason: reason}}, "waiver.decline")
	})
}

// policyReview is the 政策落实督查 over the cases accepted in the period
// that have a fee line. Only the cases the policies can say something
// about are read — those with a waiver (asked for, granted or refused),
// with proofs recorded at intake, or of a person old enough for a rule's
// age — each with what the policies judge (item, department, applicant,
// proofs, fee lines, waivers, the clerk's reasons). Any other case
// qualifies for no rule (every rule needs an age, a proof or an
// enterprise's attribute) and was waived nothing.
func (s *Store) policyReview(ctx context.Context, spec report.Spec) ([]report.PolicyRow, error) {
	policies, err := waiverPolicies(ctx, s.db)
	if err != nil || len(policies) == 0 {
		return nil, err
	}
	args := specArgs(spec)
	waivers := map[int64][]data.Waiver{}
	err = s.eachRow(ctx, `SELECT w.app_id, w.id, w.fee_id, f.fee_code, w.kind, w.amount_fen, w.policy_id, p.code, w.status
		FROM waivers w CROSS JOIN applications a ON a.id = w.app_id JOIN case_fees f ON f.id = w.fee_id JOIN waiver_policies p ON p.id = w.policy_id
		WHERE `+condAccepted+` ORDER BY w.id`, args,
		func(sc func(...any) error) error {
			var w data.Waiver
			if err := sc(&w.AppID, &w.ID, &w.FeeID, &w.FeeCode, &w.Kind, &w.AmountFen, &w.PolicyID, &w.PolicyCode, &w.Status); err != nil {
				return err
			}
			waivers[w.AppID] = append(waivers[w.AppID], w)
			return nil
		})
	if err != nil {
		return nil, err
	}
	// The proofs recorded at intake, where there are some (case_proofs,
	// kept from the cases' first events by a trigger), of the period's
	// cases with a fee line: driven by the fee lines (a few cases in ten
	// have one), not by every case accepted in the period.
	proofs := map[int64][]data.Proof{}
	err = s.eachRow(ctx, `SELECT DISTINCT f.app_id, p.proofs FROM case_fees f CROSS JOIN applications a ON a.id = f.app_id
		CROSS JOIN case_proofs p ON p.app_id = f.app_id WHERE `+condAccepted, args,
		func(sc func(...any) error) error {
			var id int64
			var raw string
			if err := sc(&id, &raw); err != nil {
				return err
			}
			var list []data.Proof
			if err := json.Unmarshal([]byte(raw), &list); err != nil {
				return fmt.Errorf("办件（内部编号 %d）收件事件中的证明：%w", id, err)
			}
			proofs[id] = list
			return nil
		})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(waivers)+len(proofs))
	for id := range waivers {
		ids = append(ids, id)
	}
	for id := range proofs {
		if waivers[id] == nil {
			ids = append(ids, id)
		}
	}
	// People old enough for the youngest age a rule asks (on the last day
	// of the period, at the latest).
	minAge := 0
	for _, p := range policies {
		if r, err := policy.ParseRule(p.Rule); err == nil && r != nil && r.MinAge > 0 && (minAge == 0 || r.MinAge < minAge) {
			minAge = r.MinAge
		}
	}
	if minAge > 0 {
		to := spec.To.Time()
		born := time.Date(to.Year()-minAge, to.Month(), to.Day(), 0, 0, 0, 0, time.UTC).Format("20060102")
		err = s.eachRow(ctx, `SELECT DISTINCT a.id FROM case_fees f CROSS JOIN applications a ON a.id = f.app_id CROSS JOIN applicants p ON p.id = a.applicant_id
			WHERE `+condAccepted+` AND p.kind = 'individual' AND (length(p.id_code) <> 18 OR substr(p.id_code, 7, 8) <= :born)`, append(args, sql.Named("born", born)),
			func(sc func(...any) error) error {
				var id int64
				if err := sc(&id); err != nil {
					return err
				}
				if waivers[id] == nil && proofs[id] == nil {
					ids = append(ids, id)
				}
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(ids)
	apps, err := s.policyCases(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		a.Waivers = waivers[a.ID]
		if list := proofs[a.ID]; list != nil {
			a.Events = append(a.Events, data.Event{Seq: 1, Kind: clock.Received, Data: data.EventData{Proofs: list}})
		}
	}
	// Each case is judged once; those charged in full for a policy they
	// qualify for again, with their clerks' reasons.
	rev := policy.NewReview(policies)
	var missed []*data.Application
	for _, a := range apps {
		eligible, unfounded := policy.Evaluate(a, policies)
		if slices.ContainsFunc(eligible, policy.Eligible.Missed) {
			missed = append(missed, a)
		} else {
			rev.AddEvaluated(a, eligible, unfounded)
		}
	}
	if err := s.declineReasons(ctx, missed); err != nil {
		return nil, err
	}
	for _, a := range missed {
		rev.Add(a)
	}
	return rev.Rows(), nil
}

// policyCases reads the cases with ids (sorted) as the policies see them:
// number, item and department, applicant, the day fees were fixed, fee
// lines.
func (s *Store) policyCases(ctx context.Context, ids []int64) ([]*data.Application, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	items := map[int64]data.ServiceItem{} // code and department, read once
	err := s.eachRow(ctx, `SELECT i.id, i.code, d.name FROM items i JOIN departments d ON d.id = i.department_id`, nil, func(sc func(...any) error) error {
		var it data.ServiceItem
		if err := sc(&it.ID, &it.Code, &it.Department); err != nil {
			return err
		}
		items[it.ID] = it
		return nil
	})
	if err != nil {
		return nil, err
	}
	list, _ := json.Marshal(ids)
	var out []*data.Application
	byID := map[int64]*data.Application{}
	err = s.eachRow(ctx, `SELECT a.id, a.number, a.accepted_date, a.item_id, p.kind, p.id_code
		FROM json_each(?) j CROSS JOIN applications a ON a.id = j.value JOIN applicants p ON p.id = a.applicant_id`, []any{string(list)},
		func(sc func(...any) error) error {
			var a data.Application
			var acc string
			var item int64
			if err := sc(&a.ID, &a.Number, &acc, &item, &a.Applicant.Kind, &a.Applicant.IDCode); err != nil {
				return err
			}
			day, err := calendar.ParseDate(acc)
			if err != nil {
				return fmt.Errorf("办件 %s 的受理日期：%w", a.Number, err)
			}
			// The day the fees were fixed is what policies read of the
			// 受理 event (the cached date is that event's, in Shanghai).
			a.Item = items[item]
			a.ReceivedAt = day.Time()
			a.Events = []data.Event{{Kind: clock.Accepted, At: day.Time()}}
			byID[a.ID] = &a
			out = append(out, &a)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT f.app_id, f.id, f.fee_code, f.amount_fen FROM json_each(?) j CROSS JOIN case_fees f ON f.app_id = j.value ORDER BY f.id`,
		[]any{string(list)}, func(sc func(...any) error) error {
			var id int64
			var f data.FeeLine
			if err := sc(&id, &f.ID, &f.Code, &f.AmountFen); err != nil {
				return err
			}
			if a := byID[id]; a != nil {
				a.Fees = append(a.Fees, f)
			}
			return nil
		})
	return out, err
}

// declineReasons reads the clerks' reasons into apps, the cases charged in full
// although they qualify (few): that is all the reasons explain.
func (s *Store) declineReasons(ctx context.Context, apps []*data.Application) error {
	if len(apps) == 0 {
		return nil
	}
	byID := map[int64]*data.Application{}
	missed := make([]int64, len(apps))
	for i, a := range apps {
		missed[i], byID[a.ID] = a.ID, a
	}
	list, _ := json.Marshal(missed)
	return s.eachRow(ctx, `SELECT e.app_id, e.seq, e.data FROM json_each(?) j CROSS JOIN events e ON e.app_id = j.value
		WHERE e.kind = 'waiver_declined' ORDER BY e.app_id, e.seq`, []any{string(list)},
		func(sc func(...any) error) error {
			var id int64
			e := data.Event{Kind: data.WaiverDeclined}
			var raw string
			if err := sc(&id, &e.Seq, &raw); err != nil {
				return err
			}
			a := byID[id]
			if err := json.Unmarshal([]byte(raw), &e.Data); err != nil {
				return fmt.Errorf("办件 %s 的事件 %d 的内容：%w", a.Number, e.Seq, err)
			}
			a.Events = append(a.Events, e)
			return nil
		})
}
