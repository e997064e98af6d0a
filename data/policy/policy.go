// Package policy says who a waiver policy covers (该减则减、该免则免): each
// policy's eligibility is a small declarative rule an administrator edits
// (the fees and items it covers, the applicants, the conditions the
// program can check from what it holds, what it takes off), and Evaluate
// holds a case's recorded facts — the applicant's kind and ID number, the
// proofs recorded at intake (残疾人证, 低保, 特困, 退役军人; an enterprise's
// 小微企业, 高新技术企业, founding date, park) — to it. The same rule decides
// what is proposed at the counter and what the 督查 calls 应减未减 and 减免无依据.
// Nothing here reads a database or the clock.
package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// Applicants a rule covers.
const (
	People      = "individual" // 个人
	Enterprises = "enterprise" // 企业（及其他组织）
)

// What a rule takes off.
const (
	Full   = "full"   // 免收: the whole fee
	Amount = "amount" // 减收 a fixed amount (fen)
	Share  = "share"  // 减收 a share (percent)
)

// Proof kinds: what a clerk records at intake as the evidence of a
// condition, with its number (or date, or park name).
const (
	Disability = "disability"  // 残疾人证: the ID number + category (1–7) + grade (1–4)
	Dibao      = "dibao"       // 最低生活保障证
	Tekun      = "tekun"       // 特困人员救助供养证
	Veteran    = "veteran"     // 退役军人优待证
	SmallMicro = "small_micro" // 小微企业（声明及依据）
	HighTech   = "high_tech"   // 高新技术企业证书
	Founded    = "founded"     // 成立日期 (YYYY-MM-DD, from the business licence)
	Park       = "park"        // 所在园区
)

// ProofKinds lists the kinds in the order forms show them.
var ProofKinds = []string{Disability, Dibao, Tekun, Veteran, SmallMicro, HighTech, Founded, Park}

// ProofLabel is a proof kind's Chinese name.
func ProofLabel(kind string) string {
	return map[string]string{Disability: "残疾人证", Dibao: "低保证", Tekun: "特困供养证", Veteran: "退役军人优待证",
		SmallMicro: "小微企业", HighTech: "高新技术企业证书", Founded: "企业成立日期", Park: "所在园区"}[kind]
}

// ForPeople says whether a proof kind belongs to a person (else to an
// enterprise).
func ForPeople(kind string) bool {
	return kind == Disability || kind == Dibao || kind == Tekun || kind == Veteran
}

// Proof is one recorded piece of evidence: a certificate's number;
// founded: YYYY-MM-DD; park: its name.
type Proof = data.Proof

// CheckProofs validates the proofs typed at intake for an applicant:
// known kinds, each once, a person's proofs for a person and an
// enterprise's for an enterprise, a 残疾人证号 that is the applicant's, a
// founding date that is a date not after day. Errors name the field.
func CheckProofs(proofs []Proof, a data.Applicant, day calendar.Date) ([]Proof, error) {
	seen := map[string]bool{}
	var out []Proof
	for _, p := range proofs {
		p.Number = strings.TrimSpace(p.Number)
		if p.Number == "" {
			continue
		}
		label := ProofLabel(p.Kind)
		if label == "" {
			return nil, data.FieldError("proofs", "减免依据", "%q 不是可记录的证明", p.Kind)
		}
		if seen[p.Kind] {
			return nil, data.FieldError("proofs", label, "只能记录一次")
		}
		seen[p.Kind] = true
		if ForPeople(p.Kind) != (a.Kind == data.ApplicantIndividual) {
			return nil, data.FieldError("proofs", label, "与申请人类型不符")
		}
		switch p.Kind {
		case Disability:
			if _, _, err := DisabilityCard(p.Number, a.IDCode); err != nil {
				return nil, err
			}
			p.Number = data.NormaliseCode(p.Number)
		case Founded:
			d, err := calendar.ParseDate(p.Number)
			if err != nil || d > day {
				return nil, data.FieldError("proofs", label, "应为不晚于今天的日期（YYYY-MM-DD）")
			}
		default:
			if err := data.CheckText("proofs", label, p.Number, 1, 60); err != nil {
				return nil, err
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// Rule is a policy's eligibility.
type Rule struct {
	Fees       []string `json:"fees"`            // fee codes it covers
	Items      []string `json:"items,omitempty"` // item codes; none: every item charging those fees
	Applicants string   `json:"applicants"`      // individual | enterprise
	// People: all that are set must hold.
	MinAge          int      `json:"min_age,omitempty"`          // years on the day of acceptance, from the ID number
	DisabilityGrade int      `json:"disability_grade,omitempty"` // a 残疾人证 of this grade or a graver one (1 gravest … 4)
	AnyOf           []string `json:"any_of,omitempty"`           // one of these proofs recorded (dibao, tekun, veteran)
	// Enterprises: all that are set must hold.
	Attributes      []string `json:"attributes,omitempty"`        // small_micro, high_tech: each recorded
	NewWithinMonths int      `json:"new_within_months,omitempty"` // founded at most this many months before the day
	InPark          string   `json:"in_park,omitempty"`           // recorded in this park
	// What it takes off.
	Kind         string `json:"kind"`
	AmountFen    int64  `json:"amount_fen,omitempty"`
	SharePercent int    `json:"share_percent,omitempty"`
}

// MaxRuleBytes bounds a rule's text.
const MaxRuleBytes = 8 << 10

// ParseRule reads a rule's text (JSON) and validates it; "" is no rule
// (a policy a clerk applies by judgement, not checked by the program).
func ParseRule(text string) (*Rule, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	if len(text) > MaxRuleBytes {
		return nil, data.FieldError("rule", "适用条件", "过长（超过 %d 字节）", MaxRuleBytes)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.DisallowUnknownFields()
	var r Rule
	if err := dec.Decode(&r); err != nil {
		return nil, data.FieldError("rule", "适用条件", "格式不正确（%v）", err)
	}
	if dec.More() {
		return nil, data.FieldError("rule", "适用条件", "格式不正确：多余的内容")
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// Text is the rule as stored.
func (r *Rule) Text() string {
	if r == nil {
		return ""
	}
	b, _ := json.Marshal(r)
	return string(b)
}

// Validate refuses a rule that is contradictory, open-ended or cannot be
// checked, naming the field in Chinese.
func (r *Rule) Validate() error {
	if len(r.Fees) == 0 {
		return data.FieldError("fees", "适用收费项目", "至少选择一项")
	}
	for _, list := range [][]string{r.Fees, r.Items} {
		for _, c := range list {
			if err := data.CheckText("fees", "收费项目或事项编码", c, 1, 32); err != nil {
				return err
			}
		}
	}
	person := r.MinAge != 0 || r.DisabilityGrade != 0 || len(r.AnyOf) > 0
	enterprise := len(r.Attributes) > 0 || r.NewWithinMonths != 0 || r.InPark != ""
	switch r.Applicants {
	case People:
		if enterprise {
			return data.FieldError("applicants", "适用对象", "个人不能有企业的条件（小微、高新、新办、园区）")
		}
		if !person {
			return data.FieldError("min_age", "适用条件", "适用个人的政策至少要有一项条件（年龄、残疾人证或低保、特困、退役军人证明），否则人人都可减免")
		}
	case Enterprises:
		if person {
			return data.FieldError("applicants", "适用对象", "企业不能有个人的条件（年龄、残疾人证、低保、特困、退役军人）")
		}
		if !enterprise {
			return data.FieldError("attributes", "适用条件", "适用企业的政策至少要有一项条件（小微、高新、新办、园区），否则所有企业都可减免")
		}
	default:
		return data.FieldError("applicants", "适用对象", "应为个人（individual）或企业（enterprise）")
	}
	if r.MinAge != 0 && (r.MinAge < 1 || r.MinAge > 120) {
		return data.FieldError("min_age", "年龄", "应为 1 到 120 岁")
	}
	if r.DisabilityGrade != 0 && (r.DisabilityGrade < 1 || r.DisabilityGrade > 4) {
		return data.FieldError("disability_grade", "残疾等级", "应为一级到四级（1–4）")
	}
	for _, k := range r.AnyOf {
		if k != Dibao && k != Tekun && k != Veteran {
			return data.FieldError("any_of", "证明", "%q 不是低保、特困或退役军人证明", k)
		}
	}
	for _, k := range r.Attributes {
		if k != SmallMicro && k != HighTech {
			return data.FieldError("attributes", "企业条件", "%q 不是小微企业或高新技术企业", k)
		}
	}
	if r.NewWithinMonths != 0 && (r.NewWithinMonths < 1 || r.NewWithinMonths > 120) {
		return data.FieldError("new_within_months", "新办企业月数", "应为 1 到 120 个月")
	}
	if err := data.CheckText("in_park", "园区", r.InPark, 0, 60); err != nil {
		return err
	}
	switch r.Kind {
	case Full:
		if r.AmountFen != 0 || r.SharePercent != 0 {
			return data.FieldError("kind", "减免方式", "免收是全额，不能同时写金额或比例")
		}
	case Amount:
		if r.SharePercent != 0 {
			return data.FieldError("kind", "减免方式", "减收金额和比例只能选一种")
		}
		if r.AmountFen <= 0 || r.AmountFen > data.MaxFeeFen {
			return data.FieldError("amount_fen", "减收金额", "应大于 0，不超过 %s", data.Yuan(data.MaxFeeFen))
		}
	case Share:
		if r.AmountFen != 0 {
			return data.FieldError("kind", "减免方式", "减收金额和比例只能选一种")
		}
		if r.SharePercent < 1 || r.SharePercent > 99 {
			return data.FieldError("share_percent", "减收比例", "应为 1%% 到 99%%（100%% 请选免收）")
		}
	default:
		return data.FieldError("kind", "减免方式", "应为免收（full）、减收金额（amount）或减收比例（share）")
	}
	return nil
}

// Describe says the rule in Chinese, for the settings and the 督查.
func (r *Rule) Describe() string {
	var conds []string
	if r.Applicants == People {
		conds = append(conds, "个人")
	} else {
		conds = append(conds, "企业")
	}
	if r.MinAge > 0 {
		conds = append(conds, fmt.Sprintf("年满 %d 周岁", r.MinAge))
	}
	if r.DisabilityGrade > 0 {
		conds = append(conds, fmt.Sprintf("持残疾人证（%s级及以上）", gradeName(r.DisabilityGrade)))
	}
	if len(r.AnyOf) > 0 {
		var ls []string
		for _, k := range r.AnyOf {
			ls = append(ls, ProofLabel(k))
		}
		conds = append(conds, "持"+strings.Join(ls, "或"))
	}
	for _, k := range r.Attributes {
		conds = append(conds, ProofLabel(k))
	}
	if r.NewWithinMonths > 0 {
		conds = append(conds, fmt.Sprintf("成立不满 %d 个月", r.NewWithinMonths))
	}
	if r.InPark != "" {
		conds = append(conds, "位于"+r.InPark)
	}
	what := "免收"
	switch r.Kind {
	case Amount:
		what = "减收 " + data.Yuan(r.AmountFen)
	case Share:
		what = fmt.Sprintf("减收 %d%%", r.SharePercent)
	}
	scope := "收费项目 " + strings.Join(r.Fees, "、")
	if len(r.Items) > 0 {
		scope += "（事项 " + strings.Join(r.Items, "、") + "）"
	}
	return strings.Join(conds, "，") + "：" + scope + " " + what
}

func gradeName(g int) string { return []string{"", "一", "二", "三", "四"}[g] }

// Facts are what the program holds about a case for its policies.
type Facts struct {
	Applicant data.ApplicantKind
	IDCode    string        // a person's 18-digit ID number
	Proofs    []Proof       // recorded at intake
	Item      string        // the item's code
	Day       calendar.Date // the day the fees were fixed (acceptance)
}

// Check says whether the facts meet the rule; when not, why (in Chinese).
func (r *Rule) Check(f Facts) (bool, string) {
	if len(r.Items) > 0 && !slices.Contains(r.Items, f.Item) {
		return false, "事项不在政策范围内"
	}
	person := f.Applicant == data.ApplicantIndividual
	if (r.Applicants == People) != person {
		if person {
			return false, "政策适用于企业"
		}
		return false, "政策适用于个人"
	}
	if r.MinAge > 0 {
		birth, ok := BirthDate(f.IDCode)
		if !ok {
			return false, "身份证号无法读出出生日期"
		}
		if age := AgeOn(birth, f.Day); age < r.MinAge {
			return false, fmt.Sprintf("%d 周岁，未满 %d 周岁", age, r.MinAge)
		}
	}
	if r.DisabilityGrade > 0 {
		best := 0
		for _, p := range f.Proofs {
			if p.Kind != Disability {
				continue
			}
			if _, grade, err := DisabilityCard(p.Number, f.IDCode); err == nil && (best == 0 || grade < best) {
				best = grade
			}
		}
		if best == 0 {
			return false, "没有有效的残疾人证号"
		}
		if best > r.DisabilityGrade {
			return false, fmt.Sprintf("残疾等级为%s级，政策要求%s级及以上", gradeName(best), gradeName(r.DisabilityGrade))
		}
	}
	if len(r.AnyOf) > 0 && !slices.ContainsFunc(f.Proofs, func(p Proof) bool { return slices.Contains(r.AnyOf, p.Kind) && strings.TrimSpace(p.Number) != "" }) {
		var ls []string
		for _, k := range r.AnyOf {
			ls = append(ls, ProofLabel(k))
		}
		return false, "没有记录" + strings.Join(ls, "或")
	}
	for _, a := range r.Attributes {
		if !slices.ContainsFunc(f.Proofs, func(p Proof) bool { return p.Kind == a && strings.TrimSpace(p.Number) != "" }) {
			return false, "没有记录" + ProofLabel(a) + "的依据"
		}
	}
	if r.NewWithinMonths > 0 {
		var founded calendar.Date
		for _, p := range f.Proofs {
			if p.Kind == Founded {
				founded, _ = calendar.ParseDate(strings.TrimSpace(p.Number))
			}
		}
		if founded == 0 {
			return false, "没有记录企业成立日期"
		}
		if limit := AddMonths(founded, r.NewWithinMonths); f.Day > limit || f.Day < founded {
			return false, fmt.Sprintf("成立于 %s，已超过 %d 个月（至 %s）", founded, r.NewWithinMonths, limit)
		}
	}
	if r.InPark != "" && !slices.ContainsFunc(f.Proofs, func(p Proof) bool { return p.Kind == Park && strings.TrimSpace(p.Number) == r.InPark }) {
		return false, "不在" + r.InPark
	}
	return true, ""
}

// Off is what the rule takes off a fee line of amount fen.
func (r *Rule) Off(fen int64) (data.WaiverKind, int64) {
	switch r.Kind {
	case Amount:
		return data.WaiverPartial, min(r.AmountFen, fen)
	case Share:
		return data.WaiverPartial, fen * int64(r.SharePercent) / 100
	}
	return data.WaiverFull, fen
}

// BirthDate reads the birth date of an 18-digit ID number.
func BirthDate(id string) (calendar.Date, bool) {
	if len(id) != 18 {
		return 0, false
	}
	d, err := calendar.ParseDate(id[6:10] + "-" + id[10:12] + "-" + id[12:14])
	return d, err == nil
}

// AgeOn is the age in whole years on day of someone born on birth: one
// year more on each birthday (29 February's on 1 March in other years).
func AgeOn(birth, day calendar.Date) int {
	b, d := birth.Time(), day.Time()
	age := d.Year() - b.Year()
	if d.Month() < b.Month() || d.Month() == b.Month() && d.Day() < b.Day() {
		age--
	}
	return age
}

// AddMonths is the same day n months later (the month's last day when it
// has no such day: 31 January + 1 month is 28 or 29 February).
func AddMonths(d calendar.Date, n int) calendar.Date {
	t := d.Time()
	y, m := t.Year(), int(t.Month())-1+n
	y, m = y+m/12, m%12
	first := calendar.NewDate(y, time.Month(m+1), 1)
	last := calendar.NewDate(y, time.Month(m+2), 1) - 1
	return min(first+calendar.Date(t.Day()-1), last)
}

// DisabilityCard reads a 残疾人证号: the holder's 18-digit ID number (which
// must be id when id is given), then the category (1 视力, 2 听力, 3 言语,
// 4 肢体, 5 智力, 6 精神, 7 多重) and the grade (1 gravest … 4); 20
// characters in all.
func DisabilityCard(number, id string) (category, grade int, err error) {
	n := data.NormaliseCode(number)
	if len(n) != 20 {
		return 0, 0, data.FieldError("disability", "残疾人证号", "应为 20 位（身份证号 18 位 + 类别 1 位 + 等级 1 位）")
	}
	if _, err := data.ValidateIDNumber(n[:18], calendar.NewDate(2100, 1, 1).Time()); err != nil {
		return 0, 0, data.FieldError("disability", "残疾人证号", "前 18 位不是有效的身份证号")
	}
	if id != "" && n[:18] != data.NormaliseCode(id) {
		return 0, 0, data.FieldError("disability", "残疾人证号", "前 18 位与申请人身份证号不符")
	}
	category, grade = int(n[18]-'0'), int(n[19]-'0')
	if category < 1 || category > 7 {
		return 0, 0, data.FieldError("disability", "残疾人证号", "第 19 位是残疾类别，应为 1–7")
	}
	if grade < 1 || grade > 4 {
		return 0, 0, data.FieldError("disability", "残疾人证号", "第 20 位是残疾等级，应为 1–4")
	}
	return category, grade, nil
}
