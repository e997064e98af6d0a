package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/policy"
)

// 该减则减 at the counter: the evidence for waiver policies typed with the
// applicant (减免依据), the policies the applicant qualifies for shown as
// they are typed with what they would save, and Ctrl+J after 受理 asks for
// them on the case just registered.

// proofHint is what a proof's entry asks for.
func proofHint(kind string) string {
	switch kind {
	case policy.Disability:
		return "残疾人证号（身份证号＋类别＋等级，20 位）"
	case policy.Founded:
		return "营业执照上的成立日期，如 2026-03-01"
	case policy.Park:
		return "所在园区名称"
	case policy.SmallMicro:
		return "小微企业声明及依据（如 上年度财务报表）"
	}
	return "证书编号"
}

// showProofs shows the proofs of the applicant's kind: a person's
// certificates, or an enterprise's attributes.
func (f *intakeScreen) showProofs() {
	person := f.applicantKind() == data.ApplicantIndividual
	f.proofForm.Items = nil
	for _, k := range policy.ProofKinds {
		if policy.ForPeople(k) == person {
			f.proofForm.Append(lang.L(policy.ProofLabel(k)), f.proofs[k])
		}
	}
	f.proofForm.Refresh()
}

// typedProofs are the proofs of the applicant's kind that were typed.
func (f *intakeScreen) typedProofs() []data.Proof {
	person := f.applicantKind() == data.ApplicantIndividual
	var out []data.Proof
	for _, k := range policy.ProofKinds {
		if t := strings.TrimSpace(f.proofs[k].Text); t != "" && policy.ForPeople(k) == person {
			out = append(out, data.Proof{Kind: k, Number: t})
		}
	}
	return out
}

// draft is the case the form would register, as far as the policies see
// it: the item, the applicant, the proofs and today's fees.
func (f *intakeScreen) draft() data.Application {
	now := f.now()
	a := data.Application{ReceivedAt: now,
		Applicant: data.Applicant{Kind: f.applicantKind(), IDCode: data.NormaliseCode(f.code.Text)},
		Events:    []data.Event{{Seq: 1, Kind: clock.Received, At: now, Data: data.EventData{Proofs: f.typedProofs()}}}}
	if f.selected >= 0 {
		a.Item = f.items[f.selected].item
	}
	for _, fe := range f.fees {
		a.Fees = append(a.Fees, data.FeeLine{Code: fe.Code, Name: fe.Name, AmountFen: fe.AmountFen})
	}
	return a
}

// showOffer says which policies the applicant qualifies for as the form
// stands, and what they would save.
func (f *intakeScreen) showOffer() {
	f.offer.Hide() // an empty line would leave a gap above the buttons
	if f.selected < 0 || len(f.fees) == 0 || len(f.policies) == 0 {
		f.offer.SetText("")
		return
	}
	a := f.draft()
	eligible, _ := policy.Evaluate(&a, f.policies)
	props := policy.Proposals(eligible)
	if len(props) == 0 {
		f.offer.SetText("")
		return
	}
	var parts []string
	var total int64
	for _, e := range props {
		parts = append(parts, fmt.Sprintf(lang.L("%s（%s）%s %s"), e.PolicyName, e.Basis, lang.L(e.Kind.Label()), yuan(e.AmountFen)))
		total += e.AmountFen
	}
	f.offer.SetText(fmt.Sprintf(lang.L("符合减免政策：%s；可减免 %s。受理后按 Ctrl+J 申请减免。"), strings.Join(parts, lang.L("；")), yuan(total)))
	f.offer.Show()
}

// proposeLast asks for the waivers the case registered last qualifies for
// (Ctrl+J on 受理登记).
func (f *intakeScreen) proposeLast() {
	last := f.last
	if last.Number == "" || len(last.Fees) == 0 {
		f.printMsg.Importance = widget.MediumImportance
		f.printMsg.SetText(lang.L("没有可申请减免的办件：受理后收费项目才确定"))
		return
	}
	eligible, _ := policy.Evaluate(&last, f.policies)
	props := policy.Proposals(eligible)
	if len(props) == 0 {
		f.printMsg.Importance = widget.MediumImportance
		f.printMsg.SetText(fmt.Sprintf(lang.L("办件 %s 没有待申请的政策减免"), last.Number))
		return
	}
	ids := map[string]int64{}
	for _, p := range f.policies {
		ids[p.Code] = p.ID
	}
	clerk := f.session().ID
	f.bg.run(func() {
		app := last
		var err error
		for _, e := range props {
			if app, err = f.store.RequestWaiver(context.Background(), last.Number, clerk, e.Request(ids[e.Policy])); err != nil {
				break
			}
		}
		fyne.Do(func() {
			if err != nil {
				f.printMsg.Importance = widget.DangerImportance
				f.printMsg.SetText(problem(err))
				return
			}
			f.last = app
			f.printMsg.Importance = widget.SuccessImportance
			f.printMsg.SetText(fmt.Sprintf(lang.L("已为办件 %s 申请减免 %d 项，待督查人员审批；应收 %s（审批后）"), app.Number, len(props), yuan(app.FeeTotal()-proposedOff(props))))
			if f.onSaved != nil {
				f.onSaved(app)
			}
		})
	})
}

func proposedOff(props []policy.Eligible) int64 {
	var n int64
	for _, e := range props {
		n += e.AmountFen
	}
	return n
}

// offerAfter adds to the saved message the waivers the accepted case
// qualifies for.
func (f *intakeScreen) offerAfter(app data.Application) string {
	if app.Status != data.StatusAccepted || len(app.Fees) == 0 {
		return ""
	}
	eligible, _ := policy.Evaluate(&app, f.policies)
	props := policy.Proposals(eligible)
	if len(props) == 0 {
		return ""
	}
	return fmt.Sprintf(lang.L("\n符合减免政策，可减免 %s：按 Ctrl+J 申请"), yuan(proposedOff(props)))
}
