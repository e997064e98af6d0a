package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/policy"
)

// FeeItems returns every fee schedule, by code and start date.
func (s *Store) FeeItems(ctx context.Context) ([]data.FeeItem, error) {
	return feeItems(ctx, s.db, "1", nil)
}

func feeItems(ctx context.Context, q querier, where string, args []any) ([]data.FeeItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT f.id, f.code, f.name, f.amount_fen, f.unit, f.basis, f.valid_from, coalesce(f.valid_to, '')
		FROM fee_items f WHERE `+where+` ORDER BY f.code, f.valid_from`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []data.FeeItem
	for rows.Next() {
		var f data.FeeItem
		var from, to string
		if err := rows.Scan(&f.ID, &f.Code, &f.Name, &f.AmountFen, &f.Unit, &f.Basis, &from, &to); err != nil {
			return nil, err
		}
		if f.ValidFrom, f.ValidTo, err = data.ParseValidity(from, to); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func dateOrNil(d calendar.Date) any {
	if d == 0 {
		return nil
	}
	return d.String()
}

// FeesOn returns the fees item itemID charges for an application accepted
// on day: for each of its fee codes, the schedule in force that day.
func (s *Store) FeesOn(ctx context.Context, itemID int64, day calendar.Date) ([]data.FeeItem, error) {
	return feesOn(ctx, s.db, itemID, day)
}

func feesOn(ctx context.Context, q querier, itemID int64, day calendar.Date) ([]data.FeeItem, error) {
	d := day.String()
	return feeItems(ctx, q, `f.code IN (SELECT fee_code FROM item_fees WHERE item_id = ?)
		AND f.valid_from <= ? AND (f.valid_to IS NULL OR f.valid_to >= ?)`, []any{itemID, d, d})
}

// ItemFees returns the fee codes each item charges.
func (s *Store) ItemFees(ctx context.Context) (map[int64][]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT item_id, fee_code FROM item_fees ORDER BY item_id, fee_code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, err
		}
		out[id] = append(out[id], code)
	}
	return out, rows.Err()
}

// addFeeLines fixes the case's fee lines from the schedules in force on the
// acceptance date. It runs in the transaction that records 受理.
func addFeeLines(tx *sql.Tx, app *data.Application, fees []data.FeeItem) error {
	for _, f := range fees {
		id, err := insertID(tx, `INSERT INTO case_fees (app_id, fee_code, name, amount_fen, unit, basis) VALUES (?, ?, ?, ?, ?, ?)`,
			app.ID, f.Code, f.Name, f.AmountFen, f.Unit, f.Basis)
		if err != nil {
			return fmt.Errorf("fee line %s: %w", f.Code, err)
		}
		app.Fees = append(app.Fees, data.FeeLine{ID: id, Code: f.Code, Name: f.Name, AmountFen: f.AmountFen, Unit: f.Unit, Basis: f.Basis})
	}
	return nil
}

// SaveFeeItem adds a fee schedule (ID 0) or corrects one; administrators
// only. Schedules of one code may not overlap in time.
func (s *Store) SaveFeeItem(ctx context.Context, actorID int64, f data.FeeItem) (data.FeeItem, error) {
	if err := f.Validate(); err != nil {
		return f, err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		login, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		var clash string
		err = tx.QueryRow(`SELECT valid_from FROM fee_items WHERE code = ? AND id != ?
			AND valid_from <= coalesce(?, '9999-12-31') AND coalesce(valid_to, '9999-12-31') >= ? LIMIT 1`,
			f.Code, f.ID, dateOrNil(f.ValidTo), f.ValidFrom.String()).Scan(&clash)
		if err == nil {
			return data.FieldError("valid_from", "生效日期", "与收费项目 %s 自 %s 起的标准重叠；请先为旧标准填写失效日期", f.Code, clash)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if f.ID == 0 {
			f.ID, err = insertID(tx, `INSERT INTO fee_items (code, name, amount_fen, unit, basis, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				f.Code, f.Name, f.AmountFen, f.Unit, f.Basis, f.ValidFrom.String(), dateOrNil(f.ValidTo))
		} else {
			err = updateOne(tx, `UPDATE fee_items SET code = ?, name = ?, amount_fen = ?, unit = ?, basis = ?, valid_from = ?, valid_to = ? WHERE id = ?`, "收费项目",
				f.Code, f.Name, f.AmountFen, f.Unit, f.Basis, f.ValidFrom.String(), dateOrNil(f.ValidTo), f.ID)
		}
		if err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"code": f.Code, "amount_fen": f.AmountFen, "basis": f.Basis, "valid_from": f.ValidFrom.String(), "valid_to": dateOrNil(f.ValidTo)})
		return s.audit(tx, login, "fee.save", f.Code, string(detail))
	})
	return f, err
}

// SetItemFees sets which fees a service item charges; administrators only.
func (s *Store) SetItemFees(ctx context.Context, actorID, itemID int64, codes []string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		login, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		it, err := item(tx, itemID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec("DELETE FROM item_fees WHERE item_id = ?", itemID); err != nil {
			return err
		}
		if err := setItemFees(tx, itemID, it.Code, codes); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"fees": nonNil(codes)})
		return s.audit(tx, login, "item.fees", it.Code, string(detail))
	})
}

// setItemFees links the item to each fee code, which must be in the fee
// catalogue.
func setItemFees(tx *sql.Tx, itemID int64, itemCode string, codes []string) error {
	for _, c := range codes {
		var n int
		if err := tx.QueryRow("SELECT count(*) FROM fee_items WHERE code = ?", c).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return data.FieldError("fees", "收费项目", "事项 %s 的收费项目 %s 不存在", itemCode, c)
		}
		if _, err := tx.Exec("INSERT OR IGNORE INTO item_fees (item_id, fee_code) VALUES (?, ?)", itemID, c); err != nil {
			return fmt.Errorf("item %s fee %s: %w", itemCode, c, err)
		}
	}
	return nil
}

// WaiverPolicies returns the maintained list of waiver policies by code.
func (s *Store) WaiverPolicies(ctx context.Context) ([]data.WaiverPolicy, error) {
	return waiverPolicies(ctx, s.db)
}

func waiverPolicies(ctx context.Context, q querier) ([]data.WaiverPolicy, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, code, name, basis, valid_from, coalesce(valid_to, ''), rule FROM waiver_policies ORDER BY code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []data.WaiverPolicy
	for rows.Next() {
		var p data.WaiverPolicy
		var from, to string
		if err := rows.Scan(&p.ID, &p.Code, &p.Name, &p.Basis, &from, &to, &p.Rule); err != nil {
			return nil, err
		}
		if p.ValidFrom, p.ValidTo, err = data.ParseValidity(from, to); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SaveWaiverPolicy adds (ID 0) or corrects a waiver policy; administrators only.
func (s *Store) SaveWaiverPolicy(ctx context.Context, actorID int64, p data.WaiverPolicy) (data.WaiverPolicy, error) {
	if err := p.Validate(); err != nil {
		return p, err
	}
	rule, err := policy.ParseRule(p.Rule)
	if err != nil {
		return p, err
	}
	p.Rule = rule.Text()
	err = s.write(ctx, func(tx *sql.Tx) error {
		login, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		if p.ID == 0 {
			p.ID, err = insertID(tx, "INSERT INTO waiver_policies (code, name, basis, valid_from, valid_to, rule) VALUES (?, ?, ?, ?, ?, ?)",
				p.Code, p.Name, p.Basis, p.ValidFrom.String(), dateOrNil(p.ValidTo), p.Rule)
		} else {
			err = updateOne(tx, "UPDATE waiver_policies SET code = ?, name = ?, basis = ?, valid_from = ?, valid_to = ?, rule = ? WHERE id = ?", "减免政策",
				p.Code, p.Name, p.Basis, p.ValidFrom.String(), dateOrNil(p.ValidTo), p.Rule, p.ID)
		}
		if err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"code": p.Code, "name": p.Name, "basis": p.Basis, "valid_from": p.ValidFrom.String(), "valid_to": dateOrNil(p.ValidTo), "rule": p.Rule})
		return s.audit(tx, login, "waiver_policy.save", p.Code, string(detail))
	})
	return p, err
}
