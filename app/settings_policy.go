package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/policy"
)

// ruleForm is a waiver policy's 适用条件 as a form (no JSON typed): the
// fees and items it covers, who (people: age, 残疾人证 grade, 低保/特困/退役
// 军人; enterprises: 小微, 高新, newly founded, a park) and what it takes
// off. Below the form the rule is said in words, or what is wrong with it,
// as it is filled in; the store checks it again when it is saved.
type ruleForm struct {
	codes      []string // fee codes, in the order of fees' boxes
	fees       *widget.CheckGroup
	items      *widget.Entry
	applicants *widget.RadioGroup
	minAge     *widget.Entry
	grade      *widget.Select
	anyOf      *widget.CheckGroup
	attributes *widget.CheckGroup
	months     *widget.Entry
	park       *widget.Entry
	kind       *widget.RadioGroup
	amount     *widget.Entry
	share      *widget.Entry
	said       *widget.Label
}

var (
	ruleWho   = []string{"不设条件（由窗口判断）", "个人", "企业"}
	ruleKinds = []string{"免收", "减收金额", "减收比例"}
	grades    = []string{"不要求", "一级", "二级及以上", "三级及以上", "四级及以上（任一等级）"}
	anyOfs    = []string{policy.Dibao, policy.Tekun, policy.Veteran}
	attrs     = []string{policy.SmallMicro, policy.HighTech}
)

func labels(kinds []string) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = lang.L(policy.ProofLabel(k))
	}
	return out
}

func translated(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = lang.L(s)
	}
	return out
}

// newRuleForm fills the form from the policy's rule (text as stored).
func newRuleForm(codes, feeLabels []string, text string) *ruleForm {
	f := &ruleForm{codes: codes}
	changed := func(string) { f.say() }
	f.fees = widget.NewCheckGroup(feeLabels, func([]string) { f.say() })
	f.items = widget.NewEntry()
	f.items.SetPlaceHolder(lang.L("事项编码，用逗号分隔；不填为收取上述费用的所有事项"))
	f.applicants = widget.NewRadioGroup(translated(ruleWho), changed)
	f.applicants.Horizontal = true
	f.minAge, f.months, f.park, f.amount, f.share = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	f.minAge.SetPlaceHolder(lang.L("如 70（不要求则不填）"))
	f.months.SetPlaceHolder(lang.L("如 12（不要求则不填）"))
	f.park.SetPlaceHolder(lang.L("园区名称（不要求则不填）"))
	f.amount.SetPlaceHolder(lang.L("减收金额，单位：元"))
	f.share.SetPlaceHolder(lang.L("减收比例，1–99"))
	f.grade = widget.NewSelect(translated(grades), changed)
	f.anyOf = widget.NewCheckGroup(labels(anyOfs), func([]string) { f.say() })
	f.attributes = widget.NewCheckGroup(labels(attrs), func([]string) { f.say() })
	f.kind = widget.NewRadioGroup(translated(ruleKinds), changed)
	f.kind.Horizontal = true
	f.said = wrapped("")
	f.fill(text)
	for _, e := range []*widget.Entry{f.items, f.minAge, f.months, f.park, f.amount, f.share} {
		e.OnChanged = changed
	}
	f.say()
	return f
}

func (f *ruleForm) fill(text string) {
	r, err := policy.ParseRule(text)
	f.grade.SetSelectedIndex(0)
	f.kind.SetSelected(lang.L(ruleKinds[0]))
	if err != nil || r == nil {
		f.applicants.SetSelected(lang.L(ruleWho[0]))
		return
	}
	var sel []string
	for i, c := range f.codes {
		if slices.Contains(r.Fees, c) {
			sel = append(sel, f.fees.Options[i])
		}
	}
	f.fees.SetSelected(sel)
	f.items.SetText(strings.Join(r.Items, ", "))
	who := 1
	if r.Applicants == policy.Enterprises {
		who = 2
	}
	f.applicants.SetSelected(lang.L(ruleWho[who]))
	if r.MinAge > 0 {
		f.minAge.SetText(strconv.Itoa(r.MinAge))
	}
	f.grade.SetSelectedIndex(r.DisabilityGrade)
	f.anyOf.SetSelected(pick(labels(anyOfs), anyOfs, r.AnyOf))
	f.attributes.SetSelected(pick(labels(attrs), attrs, r.Attributes))
	if r.NewWithinMonths > 0 {
		f.months.SetText(strconv.Itoa(r.NewWithinMonths))
	}
	f.park.SetText(r.InPark)
	switch r.Kind {
	case policy.Amount:
		f.kind.SetSelected(lang.L(ruleKinds[1]))
		t := fmt.Sprintf("%d.%02d", r.AmountFen/100, r.AmountFen%100)
		if r.AmountFen%100 == 0 {
			t = strconv.FormatInt(r.AmountFen/100, 10)
		}
		f.amount.SetText(t)
	case policy.Share:
		f.kind.SetSelected(lang.L(ruleKinds[2]))
		f.share.SetText(strconv.Itoa(r.SharePercent))
	}
}

// pick maps the chosen kinds to their labels.
func pick(labels, kinds, chosen []string) []string {
	var out []string
	for i, k := range kinds {
		if slices.Contains(chosen, k) {
			out = append(out, labels[i])
		}
	}
	return out
}

// unpick maps chosen labels back to their kinds.
func unpick(labels, kinds, chosen []string) []string {
	var out []string
	for i, l := range labels {
		if slices.Contains(chosen, l) {
			out = append(out, kinds[i])
		}
	}
	return out
}

// number reads a whole number typed into e (0 when empty).
func number(e *widget.Entry, field, label string) (int, error) {
	t := strings.TrimSpace(e.Text)
	if t == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(t)
	if err != nil {
		return 0, data.FieldError(field, label, "应为整数")
	}
	return n, nil
}

// rule is the rule the form describes (nil: none), or what is wrong.
func (f *ruleForm) rule() (*policy.Rule, error) {
	who := slices.Index(translated(ruleWho), f.applicants.Selected)
	if who <= 0 {
		return nil, nil
	}
	r := &policy.Rule{Applicants: policy.People}
	if who == 2 {
		r.Applicants = policy.Enterprises
	}
	for i, l := range f.fees.Options {
		if slices.Contains(f.fees.Selected, l) {
			r.Fees = append(r.Fees, f.codes[i])
		}
	}
	for _, c := range strings.FieldsFunc(f.items.Text, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' }) {
		r.Items = append(r.Items, strings.ToUpper(c))
	}
	var err error
	if who == 1 {
		if r.MinAge, err = number(f.minAge, "min_age", "年龄"); err != nil {
			return nil, err
		}
		r.DisabilityGrade = max(f.grade.SelectedIndex(), 0)
		r.AnyOf = unpick(labels(anyOfs), anyOfs, f.anyOf.Selected)
	} else {
		r.Attributes = unpick(labels(attrs), attrs, f.attributes.Selected)
		if r.NewWithinMonths, err = number(f.months, "new_within_months", "新办企业月数"); err != nil {
			return nil, err
		}
		r.InPark = strings.TrimSpace(f.park.Text)
	}
	switch slices.Index(translated(ruleKinds), f.kind.Selected) {
	case 1:
		r.Kind = policy.Amount
		if r.AmountFen, err = parseYuan(f.amount.Text); err != nil {
			return nil, data.FieldError("amount_fen", "减收金额", "请填写金额，如 40 或 40.50")
		}
	case 2:
		r.Kind = policy.Share
		if r.SharePercent, err = number(f.share, "share_percent", "减收比例"); err != nil {
			return nil, err
		}
	default:
		r.Kind = policy.Full
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return r, nil
}

// say shows the rule in words, or what is wrong with it.
func (f *ruleForm) say() {
	r, err := f.rule()
	switch {
	case err != nil:
		f.said.Importance = widget.DangerImportance
		f.said.SetText(problem(err))
	case r == nil:
		f.said.Importance = widget.MediumImportance
		f.said.SetText(lang.L("未设适用条件：由窗口人员判断，政策落实督查不判断应减未减和减免无依据。"))
	default:
		f.said.Importance = widget.SuccessImportance
		f.said.SetText(lang.L("适用条件：") + r.Describe())
	}
}

// content lays the form out; a person's and an enterprise's conditions
// each under their heading.
func (f *ruleForm) content() fyne.CanvasObject {
	person := widget.NewForm(widget.NewFormItem(lang.L("年满（周岁）"), f.minAge), widget.NewFormItem(lang.L("残疾人证等级"), f.grade),
		widget.NewFormItem(lang.L("持下列之一"), f.anyOf))
	firm := widget.NewForm(widget.NewFormItem(lang.L("企业属性"), f.attributes), widget.NewFormItem(lang.L("成立不满（月）"), f.months),
		widget.NewFormItem(lang.L("位于园区"), f.park))
	top := widget.NewForm(widget.NewFormItem(lang.L("适用收费项目"), f.fees), widget.NewFormItem(lang.L("限于事项"), f.items),
		widget.NewFormItem(lang.L("适用对象"), f.applicants))
	what := widget.NewForm(widget.NewFormItem(lang.L("减免方式"), f.kind), widget.NewFormItem(lang.L("减收金额（元）"), f.amount),
		widget.NewFormItem(lang.L("减收比例（%）"), f.share))
	return container.NewVBox(top, bold(lang.L("个人的条件（全部满足）")), person, bold(lang.L("企业的条件（全部满足）")), firm, what, f.said)
}

// editRule edits the policy's 适用条件 and saves the policy with it.
func (fs *feeSettings) editRule(p data.WaiverPolicy) {
	codes, feeLabels := fs.feeCodes()
	f := newRuleForm(codes, feeLabels, p.Rule)
	var dlg dialog.Dialog
	save := widget.NewButton(lang.L("保存"), func() {
		r, err := f.rule()
		if err != nil {
			f.say()
			return
		}
		dlg.Hide()
		p.Rule = r.Text()
		fs.storePolicy(p)
	})
	save.Importance = widget.HighImportance
	if fs.session().Role != data.RoleAdmin {
		save.Disable()
	}
	head := wrapped(fmt.Sprintf(lang.L("%s　%s（%s）"), p.Code, p.Name, p.Basis))
	body := container.NewBorder(head, container.NewHBox(save), nil, nil, container.NewVScroll(f.content()))
	dlg = dialog.NewCustom(lang.L("适用条件"), lang.L("取消"), body, fs.win)
	dlg.Resize(dialogSize(fs.win, 720, 620))
	dlg.Show()
}
