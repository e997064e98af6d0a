package data

import (
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
	if err := CheckText("name", "收费项目名称", f.Name, 1, 100); err != nil {
		return err
	}
	if f.AmountFen < 0 || f.AmountFen > MaxFeeFen {
		return FieldError("amount_fen", "收费标准", "应在 0 到 %s 之间", Yuan(MaxFeeFen))
	}
	if err := CheckText("unit", "计费单位", f.Unit, 1, 10); err != nil {
		return err
	}
	if err := CheckText("basis", "收费依据文号", f.Basis, 1, 200); err != nil {
		return err
	}
	return checkValidity(f.ValidFrom, f.ValidTo)
}

func checkValidity(from, to calendar.Date) error {
	if from == 0 {
		return FieldError("valid_from", "生效日期", "不能为空")
	}
	if err := CheckDate("valid_from", "生效日期", from); err != nil {
		return err
	}
	if to != 0 {
		if err := CheckDate("valid_to", "失效日期", to); err != nil {
			return err
		}
	}
	if to != 0 && to < from {
		return FieldError("valid_to", "失效日期", "不能早于生效日期 %s", from)
	}
	return nil
}

func checkCode(field, label, code string) error {
	if err := CheckText(field, label, code, 1, 32); err != nil {
		return err
	}
	for _, r := range code {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '_') {
			return FieldError(field, label, "只能包含字母、数字、“-”和“_”")
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
	// Rule is who it covers and what it takes off (data/policy's rule as
	// JSON); "" for a policy applied by the clerk's judgement alone.
	Rule string
}

// Proof is a piece of evidence recorded at intake for the waiver policies
// (data/policy names the kinds): a certificate's number, an enterprise's
// founding date, its park.
type Proof struct {
	Kind   string `json:"kind"`
	Number string `json:"number"`
}

// AppliesOn reports whether the policy is in force on d.
func (p WaiverPolicy) AppliesOn(d calendar.Date) bool { return inForce(d, p.ValidFrom, p.ValidTo) }

// Validate checks a waiver policy.
func (p WaiverPolicy) Validate() error {
	if err := checkCode("code", "减免政策编码", p.Code); err != nil {
		return err
	}
	if err := CheckText("name", "减免政策名称", p.Name, 1, 100); err != nil {
		return err
	}
	if err := CheckText("basis", "减免依据文号", p.Basis, 1, 200); err != nil {
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
	PolicyID    int64  // at a site; 0 at a PostgreSQL centre
	PolicyCode  string // the policy's code (what 该减则减 matches by)
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

// ParseValidity reads a validity range (YYYY-MM-DD, the end may be empty).
func ParseValidity(from, to string) (calendar.Date, calendar.Date, error) {
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
