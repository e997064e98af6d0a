package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/onewindow/onewindow/data/calendar"
)

// FeeItem is one schedule of a fee: its amount applies from ValidFrom to
// ValidTo (inclusive; 0 = until further notice). A fee whose amount changes
// gets a second FeeItem with the same code.
type FeeItem struct {
	ID        int64
	Code      string
	Name      string
	AmountFen int64
	Unit      string // 件, 本, 证 …
	Basis     string // 依据文号
	ValidFrom calendar.Date
	ValidTo   calendar.Date
}

// AppliesOn reports whether the schedule is in force on d.
func (f FeeItem) AppliesOn(d calendar.Date) bool { return inForce(d, f.ValidFrom, f.ValidTo) }

// inForce reports whether d lies in from…to (inclusive; to 0 = open-ended).
func inForce(d, from, to calendar.Date) bool { return d >= from && (to == 0 || d <= to) }

// MaxFeeFen is the largest fee or waiver the program accepts: 1,000,000 yuan.
const MaxFeeFen = 100_000_000

// Validate checks a fee schedule.
func (f FeeItem) Validate() error {
	if err := checkCode("code", "收费项目编码", f.Code); err != nil {
		return err
	}
	if err := checkText("name", "收费项目名称", f.Name, 1, 100); err != nil {
		return err
	}
	if f.AmountFen < 0 || f.AmountFen > MaxFeeFen {
		return fieldError("amount_fen", "收费标准", "应在 0 到 %s 之间", Yuan(MaxFeeFen))
	}
	if err := checkText("unit", "计费单位", f.Unit, 1, 10); err != nil {
		return err
	}
	if err := checkText("basis", "收费依据文号", f.Basis, 1, 200); err != nil {
		return err
	}
	return checkValidity(f.ValidFrom, f.ValidTo)
}

func checkValidity(from, to calendar.Date) error {
	if from == 0 {
		return fieldError("valid_from", "生效日期", "不能为空")
	}
	if err := checkDate("valid_from", "生效日期", from); err != nil {
		return err
	}
	if to != 0 {
		if err := checkDate("valid_to", "失效日期", to); err != nil {
			return err
		}
	}
	if to != 0 && to < from {
		return fieldError("valid_to", "失效日期", "不能早于生效日期 %s", from)
	}
	return nil
}

func checkCode(field, label, code string) error {
	if err := checkText(field, label, code, 1, 32); err != nil {
		return err
	}
	for _, r := range code {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '_') {
			return fieldError(field, label, "只能包含字母、数字、“-”和“_”")
		}
	}
	return nil
}

// Yuan formats an amount in fen as yuan with two decimals: 12345 → "123.45 元".
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d 元", sign, fen/100, fen%100)
}

// WaiverPolicy is a lawful ground for a reduction or exemption, with the
// document that grants it and its validity.
type WaiverPolicy struct {
	ID        int64
	Code      string
	Name      string // 小微企业免收不动产登记费 …
	Basis     string // 文号
	ValidFrom calendar.Date
	ValidTo   calendar.Date
}

// AppliesOn reports whether the policy is in force on d.
func (p WaiverPolicy) AppliesOn(d calendar.Date) bool { return inForce(d, p.ValidFrom, p.ValidTo) }

// Validate checks a waiver policy.
func (p WaiverPolicy) Validate() error {
	if err := checkCode("code", "减免政策编码", p.Code); err != nil {
		return err
	}
	if err := checkText("name", "减免政策名称", p.Name, 1, 100); err != nil {
		return err
	}
	if err := checkText("basis", "减免依据文号", p.Basis, 1, 200); err != nil {
		return err
	}
	return checkValidity(p.ValidFrom, p.ValidTo)
}

// FeeLine is a fee charged on a case: the schedule in force on the
// acceptance date, copied so that later schedule changes leave it alone.
type FeeLine struct {
	ID        int64
	Code      string
	Name      string
	AmountFen int64
	Unit      string
	Basis     string
}

// WaiverKind says whether a waiver exempts the whole fee (免) or reduces it (减).
type WaiverKind string

// Waiver kinds.
const (
	WaiverFull    WaiverKind = "full"    // 免
	WaiverPartial WaiverKind = "partial" // 减
)

// Label is the Chinese name of the kind.
func (k WaiverKind) Label() string {
	if k == WaiverFull {
		return "免收"
	}
	return "减收"
}

// ApprovalStatus is where a request for a supervisor's approval stands.
type ApprovalStatus string

// Approval statuses.
const (
	ApprovalPending  ApprovalStatus = "pending"
	ApprovalApproved ApprovalStatus = "approved"
	ApprovalRejected ApprovalStatus = "rejected"
)

// Label is the Chinese name of the status.
func (s ApprovalStatus) Label() string {
	switch s {
	case ApprovalPending:
		return "待审批"
	case ApprovalApproved:
		return "已批准"
	case ApprovalRejected:
		return "已驳回"
	}
	return string(s)
}

// Waiver is a reduction or exemption of one fee line.
type Waiver struct {
	ID          int64
	AppID       int64
	FeeID       int64
	FeeCode     string
	Kind        WaiverKind
	AmountFen   int64
	PolicyID    int64
	Policy      string // the policy's name
	Basis       string // the policy's 文号
	Reason      string
	Status      ApprovalStatus
	RequestedBy string // login
	RequestedAt time.Time
	DecidedBy   string // login, once decided
	DecidedAt   time.Time
	Note        string // the decider's remark
}

// AmountDue is what the applicant pays: each fee line less its approved
// waivers, never below zero. A pending or rejected waiver changes nothing.
func (a *Application) AmountDue() int64 {
	var due int64
	for _, f := range a.Fees {
		left := f.AmountFen
		for _, w := range a.Waivers {
			if w.FeeID == f.ID && w.Status == ApprovalApproved {
				left -= w.AmountFen
			}
		}
		due += max(left, 0)
	}
	return due
}

// FeeTotal is the sum of the case's fee lines before waivers.
func (a *Application) FeeTotal() int64 {
	var t int64
	for _, f := range a.Fees {
		t += f.AmountFen
	}
	return t
}

// FeeItems returns every fee schedule, by code and start date.
func (s *Store) FeeItems(ctx context.Context) ([]FeeItem, error) {
	return feeItems(ctx, s.db, "1", nil)
}

func feeItems(ctx context.Context, q querier, where string, args []any) ([]FeeItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT f.id, f.code, f.name, f.amount_fen, f.unit, f.basis, f.valid_from, coalesce(f.valid_to, '')
		FROM fee_items f WHERE `+where+` ORDER BY f.code, f.valid_from`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FeeItem
	for rows.Next() {
		var f FeeItem
		var from, to string
		if err := rows.Scan(&f.ID, &f.Code, &f.Name, &f.AmountFen, &f.Unit, &f.Basis, &from, &to); err != nil {
			return nil, err
		}
		if f.ValidFrom, f.ValidTo, err = parseValidity(from, to); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func parseValidity(from, to string) (calendar.Date, calendar.Date, error) {
	f, err := calendar.ParseDate(from)
	if err != nil {
		return 0, 0, err
	}
	if to == "" {
		return f, 0, nil
	}
	t, err := calendar.ParseDate(to)
	return f, t, err
}

func dateOrNil(d calendar.Date) any {
	if d == 0 {
		return nil
	}
	return d.String()
}

// FeesOn returns the fees item itemID charges for an application accepted
// on day: for each of its fee codes, the schedule in force that day.
func (s *Store) FeesOn(ctx context.Context, itemID int64, day calendar.Date) ([]FeeItem, error) {
	return feesOn(ctx, s.db, itemID, day)
}

func feesOn(ctx context.Context, q querier, itemID int64, day calendar.Date) ([]FeeItem, error) {
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
func addFeeLines(ctx context.Context, tx *sql.Tx, app *Application, day calendar.Date) error {
	fees, err := feesOn(ctx, tx, app.Item.ID, day)
	if err != nil {
		return err
	}
	for _, f := range fees {
		id, err := insertID(tx, `INSERT INTO case_fees (app_id, fee_code, name, amount_fen, unit, basis) VALUES (?, ?, ?, ?, ?, ?)`,
			app.ID, f.Code, f.Name, f.AmountFen, f.Unit, f.Basis)
		if err != nil {
			return fmt.Errorf("fee line %s: %w", f.Code, err)
		}
		app.Fees = append(app.Fees, FeeLine{ID: id, Code: f.Code, Name: f.Name, AmountFen: f.AmountFen, Unit: f.Unit, Basis: f.Basis})
	}
	return nil
}

// SaveFeeItem adds a fee schedule (ID 0) or corrects one; administrators
// only. Schedules of one code may not overlap in time.
func (s *Store) SaveFeeItem(ctx context.Context, actorID int64, f FeeItem) (FeeItem, error) {
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
			return fieldError("valid_from", "生效日期", "与收费项目 %s 自 %s 起的标准重叠；请先为旧标准填写失效日期", f.Code, clash)
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
			return fieldError("fees", "收费项目", "事项 %s 的收费项目 %s 不存在", itemCode, c)
		}
		if _, err := tx.Exec("INSERT OR IGNORE INTO item_fees (item_id, fee_code) VALUES (?, ?)", itemID, c); err != nil {
			return fmt.Errorf("item %s fee %s: %w", itemCode, c, err)
		}
	}
	return nil
}

// WaiverPolicies returns the maintained list of waiver policies by code.
func (s *Store) WaiverPolicies(ctx context.Context) ([]WaiverPolicy, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, code, name, basis, valid_from, coalesce(valid_to, '') FROM waiver_policies ORDER BY code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WaiverPolicy
	for rows.Next() {
		var p WaiverPolicy
		var from, to string
		if err := rows.Scan(&p.ID, &p.Code, &p.Name, &p.Basis, &from, &to); err != nil {
			return nil, err
		}
		if p.ValidFrom, p.ValidTo, err = parseValidity(from, to); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SaveWaiverPolicy adds (ID 0) or corrects a waiver policy; administrators only.
func (s *Store) SaveWaiverPolicy(ctx context.Context, actorID int64, p WaiverPolicy) (WaiverPolicy, error) {
	if err := p.Validate(); err != nil {
		return p, err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		login, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		if p.ID == 0 {
			p.ID, err = insertID(tx, "INSERT INTO waiver_policies (code, name, basis, valid_from, valid_to) VALUES (?, ?, ?, ?, ?)",
				p.Code, p.Name, p.Basis, p.ValidFrom.String(), dateOrNil(p.ValidTo))
		} else {
			err = updateOne(tx, "UPDATE waiver_policies SET code = ?, name = ?, basis = ?, valid_from = ?, valid_to = ? WHERE id = ?", "减免政策",
				p.Code, p.Name, p.Basis, p.ValidFrom.String(), dateOrNil(p.ValidTo), p.ID)
		}
		if err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"code": p.Code, "name": p.Name, "basis": p.Basis, "valid_from": p.ValidFrom.String(), "valid_to": dateOrNil(p.ValidTo)})
		return s.audit(tx, login, "waiver_policy.save", p.Code, string(detail))
	})
	return p, err
}
