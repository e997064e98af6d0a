package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// moneyStore is what the case view needs for fees, waivers, extension
// requests, ratings and rectifications.
type moneyStore interface {
	RequestWaiver(ctx context.Context, number string, actorID int64, r data.WaiverRequest) (data.Application, error)
	DecideWaiver(ctx context.Context, waiverID, deciderID int64, approve bool, note string) (data.Application, error)
	RequestExtension(ctx context.Context, number string, actorID int64, days int, reason string) (data.Application, error)
	Rate(ctx context.Context, number string, actorID int64, level int, comment string) (data.Application, error)
	Rectify(ctx context.Context, number string, actorID int64, action data.RectAction, text string) (data.Application, error)
	WaiverPolicies(ctx context.Context) ([]data.WaiverPolicy, error)
	Users(ctx context.Context) ([]data.User, error)
	Login(ctx context.Context, login, pin string) (data.User, error)
}

// moneyText describes the case's fees, waivers and rating.
func moneyText(app data.Application, today calendar.Date) string {
	var b strings.Builder
	if len(app.Fees) == 0 {
		if app.Status.Open() && len(app.Events) > 0 && !accepted(app) {
			b.WriteString(lang.L("收费：受理时按当日收费标准确定"))
		} else {
			b.WriteString(lang.L("收费：本事项不收费"))
		}
	}
	for _, f := range app.Fees {
		fmt.Fprintf(&b, lang.L("收费：%s %s（%s）"), f.Name, yuan(f.AmountFen), f.Basis)
		for _, w := range app.Waivers {
			if w.FeeID == f.ID {
				fmt.Fprintf(&b, lang.L("\n　%s %s，依据 %s（%s），%s"), lang.L(w.Kind.Label()), yuan(w.AmountFen), w.Policy, w.Basis, lang.L(w.Status.Label()))
			}
		}
		b.WriteString("\n")
	}
	if len(app.Fees) > 0 {
		fmt.Fprintf(&b, lang.L("应收合计 %s（减免前 %s）"), yuan(app.AmountDue()), yuan(app.FeeTotal()))
	}
	if g := app.Rating; g != nil {
		fmt.Fprintf(&b, lang.L("\n好差评：%d %s %s"), g.Level, lang.L(data.RatingLabels[g.Level]), g.Comment)
		if r := g.Rectification; r != nil {
			fmt.Fprintf(&b, lang.L("\n差评整改：%s，期限 %s"), lang.L(r.Status.Label()), r.Due)
			if r.Overdue(today) {
				b.WriteString(lang.L("（已逾期）"))
			}
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func accepted(app data.Application) bool {
	for _, e := range app.Events {
		if e.Kind == clock.Accepted {
			return true
		}
	}
	return false
}

// moneyActions are the buttons for fees, extension requests, ratings and
// rectifications that the case and the user's role allow.
func (v *caseView) moneyActions() []fyne.CanvasObject {
	var out []fyne.CanvasObject
	u := v.session()
	app := v.app
	super := u.Role == data.RoleSupervisor
	if _, err := data.Next(app.Status, clock.Extended); err == nil && u.Role == data.RoleClerk {
		out = append(out, widget.NewButton(lang.L("申请延期"), v.askExtension))
	}
	if len(app.Fees) > 0 && (app.Status.Open() || super) {
		out = append(out, widget.NewButton(lang.L("申请减免"), v.askWaiver))
	}
	for _, w := range app.Waivers {
		if w.Status == data.ApprovalPending {
			w := w
			out = append(out, widget.NewButton(lang.L("审批减免"), func() { v.decideWaiver(w) }))
		}
	}
	if (app.Status == data.StatusCompleted || app.Status == data.StatusDelivered) && app.Rating == nil {
		b := widget.NewButton(lang.L("好差评"), v.askRating)
		b.Importance = widget.HighImportance
		out = append(out, b)
	}
	if app.Rating != nil && app.Rating.Rectification != nil {
		r := app.Rating.Rectification
		step := func(label string, a data.RectAction, prompt string) {
			out = append(out, widget.NewButton(label, func() { v.askRectify(a, label, prompt) }))
		}
		if r.Status == data.RectOpen {
			step(lang.L("开始整改"), data.RectStart, lang.L("整改措施"))
		}
		if r.Status.Pending() {
			step(lang.L("整改完成"), data.RectFinish, lang.L("回访记录"))
			step(lang.L("申诉"), data.RectAppeal, lang.L("申诉理由"))
		}
		if r.Status == data.RectAppealed && super {
			step(lang.L("认定无效差评"), data.RectAppealUphold, lang.L("裁定意见"))
			step(lang.L("驳回申诉"), data.RectAppealReject, lang.L("裁定意见"))
		}
	}
	return out
}

// apply runs a store call in the background and shows the case it returns.
func (v *caseView) apply(call func(ctx context.Context) (data.Application, error)) {
	v.bg.run(func() {
		ctx := context.Background()
		app, err := call(ctx)
		fyne.Do(func() {
			if err != nil {
				v.msg.SetText(problem(err))
				return
			}
			v.show(app)
			if v.onDone != nil {
				v.onDone()
			}
		})
	})
}

func (v *caseView) askExtension() {
	days := widget.NewEntry()
	days.SetText("10")
	reason := widget.NewEntry()
	items := []*widget.FormItem{widget.NewFormItem(lang.L("延长工作日"), days), widget.NewFormItem(lang.L("延长理由（告知申请人）"), reason)}
	number, actor := v.app.Number, v.session().ID
	form := dialog.NewForm(lang.L("申请延期"), lang.L("提交审批"), lang.L("取消"), items, func(ok bool) {
		if !ok {
			return
		}
		n, err := strconv.Atoi(strings.TrimSpace(days.Text))
		if err != nil {
			v.msg.SetText(lang.L("延长天数：应为整数"))
			return
		}
		text := strings.TrimSpace(reason.Text)
		v.apply(func(ctx context.Context) (data.Application, error) {
			return v.store.RequestExtension(ctx, number, actor, n, text)
		})
	}, v.win)
	form.Resize(fyne.NewSize(520, 260))
	form.Show()
}

// askWaiver asks for a reduction or exemption of one fee line, with its
// policy basis chosen from the maintained list (those in force today).
func (v *caseView) askWaiver() {
	number, actor := v.app.Number, v.session().ID
	fees := v.app.Fees
	today := calendar.DateOf(v.now())
	v.bg.run(func() {
		all, err := v.store.WaiverPolicies(context.Background())
		fyne.Do(func() {
			if err != nil {
				v.msg.SetText(problem(err))
				return
			}
			var pols []data.WaiverPolicy
			var names []string
			for _, p := range all {
				if p.AppliesOn(today) {
					pols = append(pols, p)
					names = append(names, p.Name+"（"+p.Basis+"）")
				}
			}
			feeNames := make([]string, len(fees))
			for i, f := range fees {
				feeNames[i] = f.Name + " " + yuan(f.AmountFen)
			}
			fee := widget.NewSelect(feeNames, nil)
			fee.SetSelectedIndex(0)
			kind := widget.NewRadioGroup([]string{lang.L("免收"), lang.L("减收")}, nil)
			kind.Horizontal = true
			kind.SetSelected(lang.L("免收"))
			amount := widget.NewEntry()
			amount.SetPlaceHolder(lang.L("减收时填写，单位：元"))
			policy := widget.NewSelect(names, nil)
			policy.PlaceHolder = lang.L("请选择减免政策")
			reason := widget.NewEntry()
			items := []*widget.FormItem{widget.NewFormItem(lang.L("收费项目"), fee), widget.NewFormItem(lang.L("减免方式"), kind),
				widget.NewFormItem(lang.L("减收金额"), amount), widget.NewFormItem(lang.L("减免依据"), policy), widget.NewFormItem(lang.L("减免理由"), reason)}
			form := dialog.NewForm(lang.L("申请减免"), lang.L("提交审批"), lang.L("取消"), items, func(ok bool) {
				if !ok {
					return
				}
				r := data.WaiverRequest{Kind: data.WaiverFull, Reason: strings.TrimSpace(reason.Text)}
				if i := fee.SelectedIndex(); i >= 0 {
					r.FeeCode = fees[i].Code
				}
				if i := policy.SelectedIndex(); i >= 0 {
					r.PolicyID = pols[i].ID
				}
				if kind.Selected == lang.L("减收") {
					r.Kind = data.WaiverPartial
					fen, err := parseYuan(amount.Text)
					if err != nil {
						v.msg.SetText(lang.L("减收金额：请填写金额，如 40 或 40.50"))
						return
					}
					r.AmountFen = fen
				}
				v.apply(func(ctx context.Context) (data.Application, error) {
					return v.store.RequestWaiver(ctx, number, actor, r)
				})
			}, v.win)
			form.Resize(fyne.NewSize(600, 360))
			form.Show()
		})
	})
}

// parseYuan reads an amount in yuan ("40", "40.5", "40.50") as fen.
func parseYuan(s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "元"))
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 {
		return 0, fmt.Errorf("amount %q", s)
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y < 0 || y > data.MaxFeeFen/100 {
		return 0, fmt.Errorf("amount %q", s)
	}
	f := int64(0)
	if frac != "" {
		for len(frac) < 2 {
			frac += "0"
		}
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || f < 0 {
			return 0, fmt.Errorf("amount %q", s)
		}
	}
	return y*100 + f, nil
}

// decideWaiver approves or rejects a pending waiver. A supervisor signed in
// decides at once; at a clerk's window the supervisor picks their name and
// enters their PIN (checked, with its lockout, by the store).
func (v *caseView) decideWaiver(w data.Waiver) {
	u := v.session()
	note := widget.NewEntry()
	note.SetPlaceHolder(lang.L("审批意见（可不填）"))
	summary := widget.NewLabel(fmt.Sprintf(lang.L("%s %s %s，依据 %s（%s）\n理由：%s（%s 申请）"), w.FeeCode, lang.L(w.Kind.Label()), yuan(w.AmountFen),
		w.Policy, w.Basis, w.Reason, w.RequestedBy))
	summary.Wrapping = fyne.TextWrapWord
	var who *widget.Select
	pin := widget.NewPasswordEntry()
	var supers []data.User
	items := []fyne.CanvasObject{summary, note}
	if u.Role != data.RoleSupervisor {
		who = widget.NewSelect(nil, nil)
		who.PlaceHolder = lang.L("请选择督查人员")
		pin.SetPlaceHolder(lang.L("督查人员的 PIN"))
		items = append(items, widget.NewLabel(lang.L("督查人员在窗口现场审批：")), who, pin)
		v.bg.run(func() {
			users, err := v.store.Users(context.Background())
			fyne.Do(func() {
				if err != nil {
					v.msg.SetText(problem(err))
					return
				}
				var names []string
				for _, x := range users {
					if x.Role == data.RoleSupervisor {
						supers = append(supers, x)
						names = append(names, x.Name)
					}
				}
				who.SetOptions(names)
			})
		})
	}
	var dlg dialog.Dialog
	decide := func(approve bool) {
		text := strings.TrimSpace(note.Text)
		deciderLogin, code := "", pin.Text
		if who != nil {
			i := who.SelectedIndex()
			if i < 0 {
				v.msg.SetText(lang.L("审批人：请选择督查人员并输入其 PIN"))
				return
			}
			deciderLogin = supers[i].Login
		}
		dlg.Hide()
		deciderID := u.ID
		v.apply(func(ctx context.Context) (data.Application, error) {
			if deciderLogin != "" {
				d, err := v.store.Login(ctx, deciderLogin, code)
				if err != nil {
					return data.Application{}, err
				}
				deciderID = d.ID
			}
			return v.store.DecideWaiver(ctx, w.ID, deciderID, approve, text)
		})
	}
	approve := widget.NewButtonWithIcon(lang.L("批准"), theme.ConfirmIcon(), func() { decide(true) })
	approve.Importance = widget.HighImportance
	reject := widget.NewButtonWithIcon(lang.L("驳回"), theme.CancelIcon(), func() { decide(false) })
	content := container.NewVBox(append(items, container.NewHBox(approve, reject))...)
	dlg = dialog.NewCustom(lang.L("审批减免"), lang.L("取消"), content, v.win)
	dlg.Resize(fyne.NewSize(560, 320))
	dlg.Show()
}

// askRating shows the five levels as big buttons that can face the
// applicant, with an optional comment.
func (v *caseView) askRating() {
	number, actor := v.app.Number, v.session().ID
	comment := widget.NewEntry()
	comment.SetPlaceHolder(lang.L("意见或建议（可不填）"))
	var dlg dialog.Dialog
	grid := container.NewGridWithColumns(5)
	for level := 5; level >= 1; level-- {
		level := level
		b := widget.NewButton(fmt.Sprintf("%d\n%s", level, lang.L(data.RatingLabels[level])), func() {
			dlg.Hide()
			text := strings.TrimSpace(comment.Text)
			v.apply(func(ctx context.Context) (data.Application, error) {
				return v.store.Rate(ctx, number, actor, level, text)
			})
		})
		if level >= 4 {
			b.Importance = widget.HighImportance
		} else if level <= data.BadRating {
			b.Importance = widget.DangerImportance
		}
		grid.Add(container.NewGridWrap(fyne.NewSize(130, 110), b))
	}
	title := widget.NewLabelWithStyle(lang.L("请您对本次服务进行评价"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	dlg = dialog.NewCustom(lang.L("好差评"), lang.L("取消"), container.NewVBox(title, grid, comment), v.win)
	dlg.Resize(fyne.NewSize(760, 300))
	dlg.Show()
}

func (v *caseView) askRectify(a data.RectAction, title, prompt string) {
	number, actor := v.app.Number, v.session().ID
	text := widget.NewMultiLineEntry()
	form := dialog.NewForm(title, lang.L("确定"), lang.L("取消"), []*widget.FormItem{widget.NewFormItem(prompt, text)}, func(ok bool) {
		if !ok {
			return
		}
		t := strings.TrimSpace(text.Text)
		v.apply(func(ctx context.Context) (data.Application, error) { return v.store.Rectify(ctx, number, actor, a, t) })
	}, v.win)
	form.Resize(fyne.NewSize(520, 260))
	form.Show()
}

// yuan is an amount as the screens show it: "80.00元", without the space
// data.Yuan puts before 元 (for the papers), so that a wrapped line never
// ends in the figure and starts the next with its unit.
func yuan(fen int64) string { return strings.Replace(data.Yuan(fen), " 元", "元", 1) }
