package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// RequestWaiver records a request to reduce or waive a fee line of the case
// with number, for a supervisor to decide. The amount due stays the full
// fee until it is approved. A clerk may not ask on a closed case.
func (s *Store) RequestWaiver(ctx context.Context, number string, actorID int64, r data.WaiverRequest) (data.Application, error) {
	if err := data.CheckText("reason", "减免理由", r.Reason, 1, 500); err != nil {
		return data.Application{}, err
	}
	return s.onCase(ctx, number, actorID, func(c *caseTx) error {
		if err := c.closedForClerk(); err != nil {
			return err
		}
		var fee *data.FeeLine
		for i := range c.app.Fees {
			if c.app.Fees[i].Code == r.FeeCode {
				fee = &c.app.Fees[i]
			}
		}
		if fee == nil {
			return data.FieldError("fee", "收费项目", "本办件没有收费项目 %s（收费项目在受理时确定）", r.FeeCode)
		}
		for _, w := range c.app.Waivers {
			if w.FeeID == fee.ID && w.Status != data.ApprovalRejected {
				return data.FieldError("fee", "收费项目", "%s 已有%s的减免申请，不能重复申请", fee.Name, w.Status.Label())
			}
		}
		amount := r.AmountFen
		switch r.Kind {
		case data.WaiverFull:
			amount = fee.AmountFen
		case data.WaiverPartial:
			if amount <= 0 || amount >= fee.AmountFen {
				return data.FieldError("amount_fen", "减收金额", "应大于 0 且小于收费金额 %s；全部免收请选“免收”", data.Yuan(fee.AmountFen))
			}
		default:
			return data.FieldError("kind", "减免方式", "应为免收（full）或减收（partial）")
		}
		if amount <= 0 {
			return data.FieldError("fee", "收费项目", "%s 的收费金额为 0，无需减免", fee.Name)
		}
		pol, err := waiverPolicy(c.tx, r.PolicyID)
		if err != nil {
			return err
		}
		today := calendar.DateOf(c.now)
		if !pol.AppliesOn(today) {
			return data.FieldError("policy", "减免依据", "政策“%s”（%s）在 %s 不在有效期内", pol.Name, pol.Basis, today)
		}
		id, err := insertID(c.tx, `INSERT INTO waivers (app_id, fee_id, kind, amount_fen, policy_id, reason, status, requested_by, requested_at)
			VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`, c.app.ID, fee.ID, r.Kind, amount, pol.ID, r.Reason, c.actor.ID, data.FormatTime(c.now))
		if err != nil {
			return fmt.Errorf("save waiver: %w", err)
		}
		c.app.Waivers = append(c.app.Waivers, data.Waiver{ID: id, AppID: c.app.ID, FeeID: fee.ID, FeeCode: fee.Code, Kind: r.Kind, AmountFen: amount,
			PolicyID: pol.ID, PolicyCode: pol.Code, Policy: pol.Name, Basis: pol.Basis, Reason: r.Reason, Status: data.ApprovalPending, RequestedBy: c.actor.Login, RequestedAt: c.now})
		return c.record(data.Event{Kind: data.WaiverRequested, Data: data.EventData{Ref: id, FeeCode: fee.Code, AmountFen: amount, Policy: pol.Basis, Reason: r.Reason}},
			"waiver.request")
	})
}

func waiverPolicy(tx *sql.Tx, id int64) (data.WaiverPolicy, error) {
	var p data.WaiverPolicy
	var from, to string
	err := tx.QueryRow("SELECT id, code, name, basis, valid_from, coalesce(valid_to, '') FROM waiver_policies WHERE id = ?", id).
		Scan(&p.ID, &p.Code, &p.Name, &p.Basis, &from, &to)
	if errors.Is(err, sql.ErrNoRows) {
		return p, data.FieldError("policy", "减免依据", "请从减免政策目录中选择")
	}
	if err != nil {
		return p, err
	}
	p.ValidFrom, p.ValidTo, err = data.ParseValidity(from, to)
	return p, err
}

// DecideWaiver approves or rejects a pending waiver: supervisors only, and
// never their own request. Approval lowers the amount due; both decisions
// are events of the case and entries in the audit chain.
func (s *Store) DecideWaiver(ctx context.Context, waiverID, deciderID int64, approve bool, note string) (data.Application, error) {
	if err := data.CheckText("note", "审批意见", note, 0, 500); err != nil {
		return data.Application{}, err
	}
	number, err := s.numberOf(ctx, "SELECT a.number FROM waivers w JOIN applications a ON a.id = w.app_id WHERE w.id = ?", waiverID, "减免申请")
	if err != nil {
		return data.Application{}, err
	}
	return s.onCase(ctx, number, deciderID, func(c *caseTx) error {
		if _, err := requireSupervisor(c.tx, deciderID, "审批减免"); err != nil {
			return err
		}
		var w *data.Waiver
		for i := range c.app.Waivers {
			if c.app.Waivers[i].ID == waiverID {
				w = &c.app.Waivers[i]
			}
		}
		if w == nil || w.Status != data.ApprovalPending {
			return data.Errorf(data.ECONFLICT, "该减免申请已经审批过了")
		}
		if w.RequestedBy == c.actor.Login {
			return data.Errorf(data.EFORBIDDEN, "不能审批自己提出的减免申请")
		}
		status, kind, action := data.ApprovalRejected, data.WaiverRejected, "waiver.reject"
		if approve {
			status, kind, action = data.ApprovalApproved, data.WaiverApproved, "waiver.approve"
		}
		if err := updateOne(c.tx, `UPDATE waivers SET status = ?, decided_by = ?, decided_at = ?, note = ? WHERE id = ? AND status = 'pending'`,
			"减免申请", status, c.actor.ID, data.FormatTime(c.now), note, waiverID); err != nil {
			return err
		}
		w.Status, w.DecidedBy, w.DecidedAt, w.Note = status, c.actor.Login, c.now, note
		return c.record(data.Event{Kind: kind, Data: data.EventData{Ref: waiverID, FeeCode: w.FeeCode, AmountFen: w.AmountFen, Note: note}}, action)
	})
}

func (s *Store) numberOf(ctx context.Context, q string, id int64, what string) (string, error) {
	var number string
	err := s.db.QueryRowContext(ctx, q, id).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return "", data.Errorf(data.ENOTFOUND, "%s（编号 %d）不存在", what, id)
	}
	return number, err
}

// RequestExtension asks a supervisor to extend the case's deadline by days
// working days (Art. 42: with the approval of the head of the organ).
func (s *Store) RequestExtension(ctx context.Context, number string, actorID int64, days int, reason string) (data.Application, error) {
	e := data.Event{Kind: clock.Extended, Data: data.EventData{Days: days, Reason: reason, Approver: "-"}}
	if err := e.Validate(); err != nil {
		return data.Application{}, err
	}
	return s.onCase(ctx, number, actorID, func(c *caseTx) error {
		if _, err := data.Next(c.app.Status, clock.Extended); err != nil {
			return err
		}
		var n int
		if err := c.tx.QueryRow("SELECT count(*) FROM extension_requests WHERE app_id = ? AND status = 'pending'", c.app.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return data.Errorf(data.ECONFLICT, "本办件已有待审批的延期申请")
		}
		id, err := insertID(c.tx, `INSERT INTO extension_requests (app_id, days, reason, status, requested_by, requested_at)
			VALUES (?, ?, ?, 'pending', ?, ?)`, c.app.ID, days, reason, c.actor.ID, data.FormatTime(c.now))
		if err != nil {
			return err
		}
		return c.record(data.Event{Kind: data.ExtensionRequested, Data: data.EventData{Ref: id, Days: days, Reason: reason}}, "extension.request")
	})
}

// DecideExtension approves (recording the extension in the case's clock)
// or rejects a pending extension request; supervisors only, never their own.
func (s *Store) DecideExtension(ctx context.Context, requestID, deciderID int64, approve bool, note string) (data.Application, error) {
	if err := data.CheckText("note", "审批意见", note, 0, 500); err != nil {
		return data.Application{}, err
	}
	number, err := s.numberOf(ctx, "SELECT a.number FROM extension_requests r JOIN applications a ON a.id = r.app_id WHERE r.id = ?", requestID, "延期申请")
	if err != nil {
		return data.Application{}, err
	}
	return s.onCase(ctx, number, deciderID, func(c *caseTx) error {
		if _, err := requireSupervisor(c.tx, deciderID, "审批延期"); err != nil {
			return err
		}
		var r data.ExtensionRequest
		var requester int64
		err := c.tx.QueryRow("SELECT days, reason, status, requested_by FROM extension_requests WHERE id = ?", requestID).
			Scan(&r.Days, &r.Reason, &r.Status, &requester)
		if err != nil {
			return err
		}
		if r.Status != data.ApprovalPending {
			return data.Errorf(data.ECONFLICT, "该延期申请已经审批过了")
		}
		if requester == c.actor.ID {
			return data.Errorf(data.EFORBIDDEN, "不能审批自己提出的延期申请")
		}
		status := data.ApprovalRejected
		if approve {
			status = data.ApprovalApproved
		}
		if err := updateOne(c.tx, `UPDATE extension_requests SET status = ?, decided_by = ?, decided_at = ?, note = ? WHERE id = ?`,
			"延期申请", status, c.actor.ID, data.FormatTime(c.now), note, requestID); err != nil {
			return err
		}
		if !approve {
			return c.record(data.Event{Kind: data.ExtensionRejected, Data: data.EventData{Ref: requestID, Days: r.Days, Note: note}}, "extension.reject")
		}
		// The case may have moved on since the request (completed, withdrawn):
		// the lifecycle decides whether an extension still makes sense.
		return c.record(data.Event{Kind: clock.Extended, Data: data.EventData{Ref: requestID, Days: r.Days, Reason: r.Reason, Approver: c.actor.Login, Note: note}},
			"case.extended")
	})
}

// Approvals returns the pending waivers and extension requests, oldest first.
func (s *Store) Approvals(ctx context.Context) ([]data.Approval, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT 'waiver', w.id, a.number, p.name, i.name, w.kind, w.amount_fen, f.name, f.amount_fen, w.reason, wp.name || '（' || wp.basis || '）',
			u.name, u.id, w.requested_at
		FROM waivers w JOIN applications a ON a.id = w.app_id JOIN applicants p ON p.id = a.applicant_id JOIN items i ON i.id = a.item_id
			JOIN case_fees f ON f.id = w.fee_id JOIN waiver_policies wp ON wp.id = w.policy_id JOIN users u ON u.id = w.requested_by
		WHERE w.status = 'pending'
		UNION ALL
		SELECT 'extension', r.id, a.number, p.name, i.name, '', r.days, '', 0, r.reason, '', u.name, u.id, r.requested_at
		FROM extension_requests r JOIN applications a ON a.id = r.app_id JOIN applicants p ON p.id = a.applicant_id JOIN items i ON i.id = a.item_id
			JOIN users u ON u.id = r.requested_by
		WHERE r.status = 'pending'
		ORDER BY 14, 2`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []data.Approval
	for rows.Next() {
		var a data.Approval
		var kind, fee, at string
		var amount, feeAmount int64
		if err := rows.Scan(&a.Kind, &a.ID, &a.Number, &a.Applicant, &a.Item, &kind, &amount, &fee, &feeAmount, &a.Reason, &a.Basis,
			&a.RequestedBy, &a.RequesterID, &at); err != nil {
			return nil, err
		}
		if a.RequestedAt, err = data.ParseTime(at); err != nil {
			return nil, err
		}
		if a.Kind == "waiver" {
			a.Summary = fmt.Sprintf("%s %s %s（应收 %s）", fee, data.WaiverKind(kind).Label(), data.Yuan(amount), data.Yuan(feeAmount))
		} else {
			a.Summary = fmt.Sprintf("延长办理期限 %d 个工作日", amount)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
