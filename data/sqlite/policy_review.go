package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/onewindow/onewindow/data"
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
// that have a fee line: each read with what the policies judge (item,
// department, applicant, proofs, fee lines, waivers, reasons given).
func (s *Store) policyReview(ctx context.Context, spec report.Spec) ([]report.PolicyRow, error) {
	policies, err := waiverPolicies(ctx, s.db)
	if err != nil || len(policies) == 0 {
		return nil, err
	}
	args := specArgs(spec)
	const sel = `SELECT a.id FROM applications a WHERE ` + condAccepted + ` AND EXISTS (SELECT 1 FROM case_fees f WHERE f.app_id = a.id)`
	apps := map[int64]*data.Application{}
	var order []int64
	err = s.eachRow(ctx, `SELECT a.id, a.number, a.received_at, i.code, d.name, p.kind, p.id_code
		FROM applications a JOIN items i ON i.id = a.item_id JOIN departments d ON d.id = i.department_id JOIN applicants p ON p.id = a.applicant_id
		WHERE a.id IN (`+sel+`) ORDER BY a.id`, args, func(sc func(...any) error) error {
		var a data.Application
		var at string
		if err := sc(&a.ID, &a.Number, &at, &a.Item.Code, &a.Item.Department, &a.Applicant.Kind, &a.Applicant.IDCode); err != nil {
			return err
		}
		t, err := data.ParseTime(at)
		if err != nil {
			return fmt.Errorf("办件 %s 的收件时间：%w", a.Number, err)
		}
		a.ReceivedAt = t
		apps[a.ID] = &a
		order = append(order, a.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT f.app_id, f.id, f.fee_code, f.amount_fen FROM case_fees f WHERE f.app_id IN (`+sel+`)`, args,
		func(sc func(...any) error) error {
			var id int64
			var f data.FeeLine
			if err := sc(&id, &f.ID, &f.Code, &f.AmountFen); err != nil {
				return err
			}
			if a := apps[id]; a != nil {
				a.Fees = append(a.Fees, f)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT w.app_id, w.id, w.fee_id, f.fee_code, w.kind, w.amount_fen, w.policy_id, p.code, w.status
		FROM waivers w JOIN case_fees f ON f.id = w.fee_id JOIN waiver_policies p ON p.id = w.policy_id WHERE w.app_id IN (`+sel+`) ORDER BY w.id`, args,
		func(sc func(...any) error) error {
			var w data.Waiver
			if err := sc(&w.AppID, &w.ID, &w.FeeID, &w.FeeCode, &w.Kind, &w.AmountFen, &w.PolicyID, &w.PolicyCode, &w.Status); err != nil {
				return err
			}
			if a := apps[w.AppID]; a != nil {
				a.Waivers = append(a.Waivers, w)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	// The events policies read: the proofs (received), the day fees were
	// fixed (accepted) and the clerk's reasons (waiver_declined).
	err = s.eachRow(ctx, `SELECT e.app_id, e.seq, e.kind, e.at, e.data FROM events e
		WHERE e.kind IN ('received', 'accepted', 'waiver_declined') AND e.app_id IN (`+sel+`) ORDER BY e.app_id, e.seq`, args,
		func(sc func(...any) error) error {
			var id int64
			var e data.Event
			var at, raw string
			if err := sc(&id, &e.Seq, &e.Kind, &at, &raw); err != nil {
				return err
			}
			a := apps[id]
			if a == nil {
				return nil
			}
			t, err := data.ParseTime(at)
			if err != nil {
				return fmt.Errorf("办件 %s 的事件 %d：%w", a.Number, e.Seq, err)
			}
			e.At = t
			if err := json.Unmarshal([]byte(raw), &e.Data); err != nil {
				return fmt.Errorf("办件 %s 的事件 %d 的内容：%w", a.Number, e.Seq, err)
			}
			if e.Kind == clock.Received { // only its proofs matter here
				e.Data = data.EventData{Proofs: e.Data.Proofs}
			}
			a.Events = append(a.Events, e)
			return nil
		})
	if err != nil {
		return nil, err
	}
	rev := policy.NewReview(policies)
	for _, id := range order {
		rev.Add(apps[id])
	}
	return rev.Rows(), nil
}
