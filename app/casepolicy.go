package app

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/policy"
)

// 该减则减 in the case view: the policies whose rules the case's recorded
// facts meet, what each would take off and what was done about it; Ctrl+J
// asks for the waivers proposed (the supervisor approves them as any
// other), 不适用…… records why the clerk does not.

// policyStore is what the case view needs for the policies.
type policyStore interface {
	DeclineWaiver(ctx context.Context, number string, actorID int64, policyCode, feeCode, reason string) (data.Application, error)
}

// policyText describes the policies the case qualifies for and the
// approved waivers the facts do not support.
func eligibleText(app data.Application, eligible []policy.Eligible, unfounded []policy.Unfounded) string {
	var b strings.Builder
	fee := map[string]string{}
	for _, f := range app.Fees {
		fee[f.Code] = f.Name
	}
	for _, e := range eligible {
		state := lang.L("应减未减：可按 Ctrl+J 申请")
		switch {
		case e.Applied:
			state = fmt.Sprintf(lang.L("已申请（%s）"), lang.L(data.ApprovalStatus(e.Status).Label()))
		case e.Covered:
			state = lang.L("已按其他政策减免")
		case e.Reason != "":
			state = lang.L("未适用，理由：") + e.Reason
		}
		fmt.Fprintf(&b, lang.L("\n符合政策：%s（%s）%s %s %s — %s"), e.PolicyName, e.Basis, cmp.Or(fee[e.Fee], e.Fee), lang.L(e.Kind.Label()), yuan(e.AmountFen), state)
	}
	for _, u := range unfounded {
		fmt.Fprintf(&b, lang.L("\n减免无依据：%s %s，依据 %s（%s）：%s"), cmp.Or(fee[u.Waiver.FeeCode], u.Waiver.FeeCode), yuan(u.Waiver.AmountFen), u.Waiver.Policy, u.Waiver.Basis, u.Why)
	}
	return b.String()
}

// judged is what the policies say of the case on screen.
func (v *caseView) judged() ([]policy.Eligible, []policy.Unfounded) {
	return policy.Evaluate(&v.app, v.policies)
}

// policyActions are the buttons to apply the proposed waivers and to say
// why not, while the clerk may still change the case.
func (v *caseView) policyActions() []fyne.CanvasObject {
	if !v.app.Status.Open() && v.session().Role != data.RoleSupervisor {
		return nil
	}
	eligible, _ := v.judged()
	if len(policy.Proposals(eligible)) == 0 {
		return nil
	}
	apply := widget.NewButton(lang.L("按政策减免（Ctrl+J）"), v.proposeWaivers)
	apply.Importance = widget.HighImportance
	return []fyne.CanvasObject{apply, widget.NewButton(lang.L("不适用政策……"), v.askDecline)}
}

// proposeWaivers asks for every waiver proposed (Ctrl+J): each fee line
// charged in full that a policy covers, with the policy that takes off
// most; the supervisor then approves them.
func (v *caseView) proposeWaivers() {
	eligible, _ := v.judged()
	props := policy.Proposals(eligible)
	if len(props) == 0 {
		v.msg.SetText(lang.L("本办件没有待申请的政策减免"))
		return
	}
	ids := map[string]int64{}
	for _, p := range v.policies {
		ids[p.Code] = p.ID
	}
	number, actor := v.app.Number, v.session().ID
	v.apply(func(ctx context.Context) (data.Application, error) {
		var app data.Application
		var err error
		for _, e := range props {
			if app, err = v.store.RequestWaiver(ctx, number, actor, e.Request(ids[e.Policy])); err != nil {
				return app, err
			}
		}
		return app, nil
	})
}

// askDecline records why a proposed policy is not applied: which one (when
// there are several) and the reason, which the 督查 shows beside 应减未减.
func (v *caseView) askDecline() {
	eligible, _ := v.judged()
	props := policy.Proposals(eligible)
	if len(props) == 0 {
		return
	}
	names := make([]string, len(props))
	for i, e := range props {
		names[i] = fmt.Sprintf(lang.L("%s（%s）%s %s %s"), e.PolicyName, e.Basis, e.Fee, lang.L(e.Kind.Label()), yuan(e.AmountFen))
	}
	which := widget.NewSelect(names, nil)
	which.SetSelectedIndex(0)
	reason := widget.NewMultiLineEntry()
	reason.SetPlaceHolder(lang.L("如：申请人放弃减免、证件原件未带无法核实"))
	items := []*widget.FormItem{widget.NewFormItem(lang.L("减免政策"), which), widget.NewFormItem(lang.L("未适用的理由"), reason)}
	number, actor := v.app.Number, v.session().ID
	form := dialog.NewForm(lang.L("不适用政策"), lang.L("记录理由"), lang.L("取消"), items, func(ok bool) {
		if !ok {
			return
		}
		e := props[max(which.SelectedIndex(), 0)]
		text := reason.Text
		v.apply(func(ctx context.Context) (data.Application, error) {
			return v.store.DeclineWaiver(ctx, number, actor, e.Policy, e.Fee, text)
		})
	}, v.win)
	form.Resize(fyne.NewSize(600, 320))
	form.Show()
}
