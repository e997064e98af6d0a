package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/policy"
	"github.com/onewindow/onewindow/internal/testkit"
)

var ctrlJ = &desktop.CustomShortcut{KeyName: fyne.KeyJ, Modifier: fyne.KeyModifierControl}

// 该减则减 at the counter: a person of 70 and over registering a
// residential transfer is told, as the form is filled, that 七十周岁以上
// 老年人免收住宅登记费 applies and what it saves; a younger one is not.
// After 受理 the result says so and Ctrl+J asks for the waiver, which
// waits for a supervisor. A small enterprise's 减免依据 (小微企业) typed in
// the form brings its policy.
func TestIntakeProposesWaivers(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "zhangli")
	f := ui.intake
	waitFor(t, "the catalogue", func() bool { return len(f.items) > 0 && len(f.policies) > 0 })
	choose := func() {
		test.Type(f.search, "不动产转移登记")
		f.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		waitFor(t, "the item's fees", func() bool { return len(f.fees) == 2 })
	}
	choose()
	f.kind.SetSelected("个人")
	test.Type(f.code, "110101199003070011")
	if f.offer.Text != "" {
		t.Errorf("a 36-year-old is offered %q", f.offer.Text)
	}
	f.code.SetText("")
	test.Type(f.code, "110101195603150017")
	if !strings.Contains(f.offer.Text, "七十周岁以上老年人免收住宅登记费") || !strings.Contains(f.offer.Text, "80.00元") {
		t.Fatalf("offer for a 70-year-old: %q", f.offer.Text)
	}
	test.Type(f.name, "王秀英")
	test.Type(f.phone, "13800000000")
	snap(t, ui.win, "intake-policy-offer")
	test.Tap(f.accept)
	waitFor(t, "the result", func() bool { return strings.Contains(f.result.Text, "已受理") })
	if !strings.Contains(f.result.Text, "按 Ctrl+J 申请") {
		t.Errorf("result: %q", f.result.Text)
	}
	number := f.last.Number
	f.search.TypedShortcut(ctrlJ)
	waitFor(t, "the waiver requested", func() bool { return strings.Contains(f.printMsg.Text, "已为办件") })
	a, err := s.Case(context.Background(), number)
	if err != nil || len(a.Waivers) != 1 || a.Waivers[0].PolicyCode != "LN-BDC" || a.Waivers[0].Status != data.ApprovalPending || a.Waivers[0].AmountFen != 8000 {
		t.Fatalf("waivers after Ctrl+J: %+v %v", a.Waivers, err)
	}
	if !strings.Contains(a.Waivers[0].Reason, "年满 70 周岁") {
		t.Errorf("the request's reason: %q", a.Waivers[0].Reason)
	}
	f.search.TypedShortcut(ctrlJ) // again: nothing more to ask for
	waitFor(t, "nothing more", func() bool { return strings.Contains(f.printMsg.Text, "没有待申请的政策减免") })

	// An enterprise: the proofs of an enterprise are offered, and 小微企业
	// brings 小微企业免收不动产登记费.
	choose()
	f.kind.SetSelected("企业")
	test.Type(f.code, "91350100M000100Y43")
	if f.offer.Text != "" {
		t.Errorf("an enterprise without proofs is offered %q", f.offer.Text)
	}
	var shown []string
	for _, it := range f.proofForm.Items {
		shown = append(shown, it.Text)
	}
	if strings.Join(shown, ",") != "小微企业,高新技术企业证书,企业成立日期,所在园区" {
		t.Errorf("an enterprise's proofs: %v", shown)
	}
	f.proofBox.Open(0)
	test.Type(f.proofs[policy.SmallMicro], "小微企业声明书、2025 年度财务报表")
	if !strings.Contains(f.offer.Text, "小微企业免收不动产登记费") {
		t.Errorf("offer for a small enterprise: %q", f.offer.Text)
	}
	snap(t, ui.win, "intake-policy-proofs")
	// A founding date in the future is named at once.
	test.Type(f.proofs[policy.Founded], "2099-01-01")
	test.Type(f.name, "杭州示例贸易有限公司")
	test.Tap(f.accept)
	if !strings.Contains(f.result.Text, "企业成立日期") {
		t.Errorf("a founding date in the future: %q", f.result.Text)
	}
}

// The case view says which policies the case qualifies for; 不适用政策
// records the clerk's reason, which shows beside the policy; Ctrl+J then
// asks for the waiver and the line says it is pending.
func TestCaseViewProposesWaivers(t *testing.T) {
	s := testkit.OpenTemp(t)
	ctx := context.Background()
	clerk, _ := s.UserByLogin(ctx, "zhangli")
	items, _ := s.Items(ctx)
	var it data.ServiceItem
	for _, x := range items {
		if x.Name == "不动产转移登记" {
			it = x
		}
	}
	a, err := s.Register(ctx, clerk.ID, data.Intake{ItemID: it.ID, WindowID: clerk.WindowID, Decision: data.DecideAccept, Materials: it.Materials,
		Applicant: data.Applicant{Kind: data.ApplicantIndividual, Name: "王秀英", IDCode: "110101195603150017", Phone: "13800000000"}})
	if err != nil {
		t.Fatal(err)
	}
	ui := loggedIn(t, s, "zhangli")
	v := ui.view
	v.open(a.Number)
	waitFor(t, "the case view", func() bool { return v.app.Number == a.Number && len(v.actions.Objects) > 0 })
	var labels []string
	for _, o := range v.actions.Objects {
		labels = append(labels, o.(*widget.Button).Text)
	}
	if !strings.Contains(strings.Join(labels, ","), ",按政策减免（Ctrl+J）,不适用政策……,") {
		t.Errorf("actions: %v", labels)
	}
	if !strings.Contains(v.money.Text, "符合政策：七十周岁以上老年人免收住宅登记费") || !strings.Contains(v.money.Text, "应减未减") {
		t.Errorf("money: %q", v.money.Text)
	}
	snap(t, ui.win, "case-policy-proposed")
	v.askDecline()
	d := ui.win.Canvas().Overlays().Top()
	reason, _ := find(t, d, func(o fyne.CanvasObject) bool {
		e, ok := o.(*widget.Entry)
		return ok && strings.HasPrefix(e.PlaceHolder, "如：申请人放弃减免")
	}).(*widget.Entry)
	record, _ := find(t, d, func(o fyne.CanvasObject) bool { b, ok := o.(*widget.Button); return ok && b.Text == "记录理由" }).(*widget.Button)
	if reason == nil || record == nil {
		t.Fatalf("the 不适用政策 dialog: %s", drawnTexts(t, d))
	}
	test.Type(reason, "申请人放弃减免")
	test.Tap(record)
	waitFor(t, "the reason", func() bool { return strings.Contains(v.money.Text, "未适用，理由：申请人放弃减免") })
	// Ctrl+J in the view asks for it after all.
	ui.intake.search.TypedShortcut(ctrlJ)
	waitFor(t, "the request", func() bool { return strings.Contains(v.money.Text, "已申请（待审批）") })
	if last := v.app.Events[len(v.app.Events)-1]; last.Kind != data.WaiverRequested {
		t.Errorf("last event %s", last.Kind)
	}
}

// find is the first object under o (widgets' insides included) that
// match says is the one, or nil.
func find(t *testing.T, o fyne.CanvasObject, match func(fyne.CanvasObject) bool) fyne.CanvasObject {
	if o == nil {
		return nil
	}
	if match(o) {
		return o
	}
	var children []fyne.CanvasObject
	switch x := o.(type) {
	case *fyne.Container:
		children = x.Objects
	case fyne.Widget:
		children = test.TempWidgetRenderer(t, x).Objects()
	}
	for _, c := range children {
		if found := find(t, c, match); found != nil {
			return found
		}
	}
	return nil
}

// 设置 → 收费与减免 → 适用条件: the rule is shown as a form filled from
// the stored rule, said in words as it changes, a wrong value named in
// Chinese (and not saved), and a changed rule saved by an administrator.
func TestSettingsPolicyRule(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "admin")
	fs := ui.sets.fees
	waitFor(t, "the policies", func() bool { return len(fs.policies) > 0 && len(fs.fees) > 0 })
	var p data.WaiverPolicy
	for _, x := range fs.policies {
		if x.Code == "LN-BDC" {
			p = x
		}
	}
	codes, labels := fs.feeCodes()
	f := newRuleForm(codes, labels, p.Rule)
	if f.applicants.Selected != "个人" || f.minAge.Text != "70" || len(f.fees.Selected) != 1 || !strings.HasPrefix(f.fees.Selected[0], "BDC-DJF-ZZ") {
		t.Fatalf("filled from %s: %q %q %v", p.Rule, f.applicants.Selected, f.minAge.Text, f.fees.Selected)
	}
	if !strings.Contains(f.said.Text, "年满 70 周岁") {
		t.Errorf("said: %q", f.said.Text)
	}
	f.minAge.SetText("七十")
	if !strings.Contains(f.said.Text, "年龄") {
		t.Errorf("a wrong age: %q", f.said.Text)
	}
	f.minAge.SetText("")
	if !strings.Contains(f.said.Text, "至少要有一项条件") {
		t.Errorf("an open-ended rule: %q", f.said.Text)
	}
	f.minAge.SetText("65")
	f.kind.SetSelected("减收比例")
	f.share.SetText("50")
	r, err := f.rule()
	if err != nil || r.MinAge != 65 || r.Kind != policy.Share || r.SharePercent != 50 {
		t.Fatalf("rule %+v, %v", r, err)
	}
	// Saved from the dialog.
	fs.editRule(p)
	d := ui.win.Canvas().Overlays().Top()
	snap(t, ui.win, "settings-policy-rule")
	save, _ := find(t, d, func(o fyne.CanvasObject) bool { b, ok := o.(*widget.Button); return ok && b.Text == "保存" }).(*widget.Button)
	age, _ := find(t, d, func(o fyne.CanvasObject) bool {
		e, ok := o.(*widget.Entry)
		return ok && e.Text == "70"
	}).(*widget.Entry)
	if save == nil || age == nil {
		t.Fatalf("the dialog: %s", drawnTexts(t, d))
	}
	age.SetText("75")
	test.Tap(save)
	waitFor(t, "the saved rule", func() bool {
		ps, _ := s.WaiverPolicies(context.Background())
		for _, x := range ps {
			if x.Code == "LN-BDC" && strings.Contains(x.Rule, `"min_age":75`) {
				return true
			}
		}
		return false
	})
	waitFor(t, "the list", func() bool { return strings.Contains(fs.msg.Text, "已保存") })
}
