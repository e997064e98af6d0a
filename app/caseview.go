package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// caseStore is what the case view needs.
type caseStore interface {
	Case(ctx context.Context, number string) (data.Application, error)
	Record(ctx context.Context, number string, actorID int64, e data.Event) (data.Application, error)
	Clock(ctx context.Context, app *data.Application, today calendar.Date) (clock.Result, error)
	moneyStore
	policyStore
	docStore
	themeStore
}

// caseView is 办件详情: the case, its clock, its timeline and the actions
// its state allows, shown in a dialog over the main window.
type caseView struct {
	store   caseStore
	bg      *worker
	session func() data.User
	win     fyne.Window
	now     func() time.Time
	onDone  func() // after an action, so the list can refresh
	desk    *paperDesk
	// readOnly: a central store's case, shown without actions (the work
	// is done at its site).
	readOnly bool

	app      data.Application
	policies []data.WaiverPolicy // read with the case: what 该减则减 judges it by
	clock    clock.Result
	dlg      dialog.Dialog
	shown    bool          // the dialog is open
	onClosed func()        // the keyboard focus goes back where it was
	docDlg   dialog.Dialog // 出具文书, while it is open
	docPrint func()        // its 打印
	header   *widget.Label
	timing   *widget.Label
	money    *widget.Label
	events   *widget.List
	actions  *fyne.Container
	msg      *widget.Label
}

func newCaseView(s caseStore, session func() data.User, win fyne.Window, desk *paperDesk, onDone func()) *caseView {
	v := &caseView{store: s, session: session, win: win, now: time.Now, onDone: onDone, desk: desk}
	v.header = widget.NewLabel("")
	v.header.Wrapping = fyne.TextWrapWord
	v.timing = widget.NewLabel("")
	v.timing.Wrapping = fyne.TextWrapWord
	v.money = widget.NewLabel("")
	v.money.Wrapping = fyne.TextWrapWord
	v.events = widget.NewList(
		func() int { return len(v.app.Events) },
		func() fyne.CanvasObject { return truncatedLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(eventLine(v.app.Events[id]))
		})
	v.actions = container.NewHBox()
	v.msg = widget.NewLabel("")
	v.msg.Importance = widget.DangerImportance
	v.msg.Wrapping = fyne.TextWrapWord
	return v
}

// open loads the case in the background and shows it.
func (v *caseView) open(number string) {
	v.bg.run(func() {
		ctx := context.Background()
		app, err := v.store.Case(ctx, number)
		var policies []data.WaiverPolicy
		if err == nil {
			policies, err = v.store.WaiverPolicies(ctx)
		}
		fyne.Do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("%s", problem(err)), v.win)
				return
			}
			v.policies = policies
			v.show(app)
			if v.dlg == nil {
				v.dlg = dialog.NewCustom(lang.L("办件详情"), lang.L("关闭"), v.content(), v.win)
				v.dlg.SetOnClosed(func() {
					v.shown = false
					if v.onClosed != nil {
						v.onClosed()
					}
				})
			}
			v.dlg.Resize(dialogSize(v.win, 820, 600))
			v.shown = true
			v.dlg.Show()
		})
	})
}

// visible says whether the case is on screen.
func (v *caseView) visible() bool { return v.shown }

// close closes what is on top (Esc): the document dialog, else the case.
func (v *caseView) close() {
	switch {
	case v.docDlg != nil:
		v.docDlg.Hide()
	case v.dlg != nil && v.shown:
		v.dlg.Hide()
	}
}

// dialogSize is a dialog's size: w×h, or what the window leaves of it
// (an 800×600 screen).
func dialogSize(win fyne.Window, w, h float32) fyne.Size {
	ws := win.Canvas().Size()
	return fyne.NewSize(min(w, ws.Width-40), min(h, ws.Height-40))
}

func (v *caseView) content() fyne.CanvasObject {
	top := container.NewVBox(v.header, v.timing, v.money, bold(lang.L("办理过程")))
	bottom := container.NewVBox(v.msg, container.NewHScroll(v.actions))
	return container.NewBorder(top, bottom, nil, nil, v.events)
}

// show puts the case on screen with the clock the store computed for it.
func (v *caseView) show(app data.Application) {
	v.app, v.clock = app, app.Clock
	v.msg.SetText("")
	a := app.Applicant
	v.header.SetText(fmt.Sprintf(lang.L("%s　%s\n%s · %s · %s\n申请人：%s（%s）%s %s\n窗口 %s · 经办 %s"),
		app.Number, lang.L(app.Status.Label()), app.Item.Name, app.Item.Department, lang.L(app.Item.Kind.Label()),
		a.Name, a.IDCode, a.Contact, a.Phone, app.Window, app.Clerk))
	if a.Address != "" {
		v.header.SetText(v.header.Text + "\n" + lang.L("地址：") + a.Address)
	}
	if line := themeLine(app); line != "" && !v.readOnly {
		v.header.SetText(v.header.Text + "\n" + line)
	}
	v.timing.SetText(timingText(app, app.Clock))
	eligible, unfounded := v.judged()
	v.money.SetText(moneyText(app, calendar.DateOf(v.now())) + eligibleText(app, eligible, unfounded))
	v.events.Refresh()
	v.actions.Objects = nil
	if v.readOnly {
		v.actions.Add(widget.NewLabel(fmt.Sprintf(lang.L("在站点 %s 办理；此处只读。"), app.SiteCode)))
		v.actions.Refresh()
		return
	}
	for _, k := range data.Allowed(app.Status) {
		if k == clock.Extended && v.session().Role != data.RoleSupervisor {
			continue // a supervisor extends; a clerk asks (申请延期)
		}
		k := k
		b := widget.NewButton(lang.L(data.KindLabel(k)), func() { v.ask(k) })
		if k == clock.Accepted || k == clock.Completed {
			b.Importance = widget.HighImportance
		}
		v.actions.Add(b)
	}
	for _, b := range append(v.policyActions(), v.moneyActions()...) {
		v.actions.Add(b)
	}
	if len(data.IssuableKinds(&app)) > 0 {
		v.actions.Add(widget.NewButton(lang.L("出具文书……"), v.askDocument))
	}
	if app.ThemeNumber != "" {
		number := app.ThemeNumber
		v.actions.Add(widget.NewButton(lang.L("一件事（Ctrl+T）"), func() { v.openTheme(number) }))
	}
	v.actions.Refresh()
}

// timingText describes the clock for a person.
func timingText(app data.Application, r clock.Result) string {
	if !r.Started {
		if app.Status.Open() {
			return lang.L("尚未受理，不计时。")
		}
		return lang.L("未受理，不计时。")
	}
	var b strings.Builder
	fmt.Fprintf(&b, lang.L("起算日 %s"), r.Start)
	if r.DeemedLate {
		b.WriteString(lang.L("（补正告知超过 5 个工作日，自收到材料之日起算）"))
	}
	for _, t := range []struct {
		name string
		tr   clock.Track
	}{{lang.L("承诺"), r.Promised}, {lang.L("法定"), r.Statutory}} {
		fmt.Fprintf(&b, lang.L("\n%s期限 %d 个工作日，到期 %s，已用 %d 日"), t.name, t.tr.Limit, t.tr.Due, t.tr.Used)
		switch {
		case r.Open && t.tr.Remaining >= 0:
			fmt.Fprintf(&b, lang.L("，剩余 %d 日（%s）"), t.tr.Remaining, warningLabel(t.tr.Warning))
		case r.Open:
			fmt.Fprintf(&b, lang.L("，已超期 %d 日（%s）"), -t.tr.Remaining, warningLabel(t.tr.Warning))
		case t.tr.OnTime != nil && *t.tr.OnTime:
			b.WriteString(lang.L("，按期办结"))
		case t.tr.OnTime != nil:
			b.WriteString(lang.L("，超期办结"))
		}
	}
	if r.Paused {
		b.WriteString(lang.L("\n暂停计时中（按今日恢复估算到期日）"))
	}
	if r.PauseDays > 0 {
		fmt.Fprintf(&b, lang.L("\n暂停不计时 %d 个工作日"), r.PauseDays)
	}
	return b.String()
}

func warningLabel(w clock.Warning) string {
	switch w {
	case clock.Red:
		return lang.L("红灯")
	case clock.Yellow:
		return lang.L("黄灯")
	case clock.Green:
		return lang.L("绿灯")
	}
	return ""
}

func eventLine(e data.Event) string {
	at := e.At.In(calendar.Shanghai).Format("2006-01-02 15:04")
	detail := eventDetail(e)
	if detail != "" {
		detail = lang.L("：") + detail
	}
	who := e.ActorName // 张丽; the login only where the name is unknown
	if who == "" {
		who = e.Actor
	}
	return fmt.Sprintf(lang.L("%s　%s%s　（%s）"), at, lang.L(data.KindLabel(e.Kind)), detail, who)
}

func eventDetail(e data.Event) string {
	d := e.Data
	switch e.Kind {
	case clock.SupplementRequested:
		return lang.L("缺 ") + strings.Join(d.Missing, lang.L("、"))
	case clock.Refused, clock.Withdrawn:
		return d.Reason
	case clock.Paused:
		return fmt.Sprintf(lang.L("%s，预计 %d 日"), d.Reason, d.Days)
	case clock.Extended:
		return fmt.Sprintf(lang.L("%d 个工作日，%s，批准人 %s"), d.Days, d.Reason, d.Approver)
	case clock.Completed:
		if d.Result == data.ResultDenied {
			return lang.L("不予许可")
		}
		return lang.L("准予许可")
	case clock.Delivered:
		if d.Method == data.MethodPost {
			return lang.L("邮寄")
		}
		return lang.L("自取")
	case data.WaiverRequested:
		return fmt.Sprintf(lang.L("%s %s，依据 %s，%s"), d.FeeCode, yuan(d.AmountFen), d.Policy, d.Reason)
	case data.WaiverApproved, data.WaiverRejected:
		return strings.TrimSpace(d.FeeCode + " " + yuan(d.AmountFen) + " " + d.Note)
	case data.ExtensionRequested:
		return fmt.Sprintf(lang.L("%d 个工作日，%s"), d.Days, d.Reason)
	case data.ExtensionRejected:
		return d.Note
	case data.Rated:
		return strings.TrimSpace(fmt.Sprintf("%d %s %s", d.Level, lang.L(data.RatingLabels[d.Level]), d.Note))
	case data.Rectified:
		return lang.L(data.RectStatus(d.Status).Label()) + " " + d.Note
	}
	return ""
}

// ask shows the form for action k, then records it.
func (v *caseView) ask(k clock.Kind) {
	var items []*widget.FormItem
	build := func() (data.EventData, error) { return data.EventData{}, nil }
	switch k {
	case clock.SupplementRequested:
		missing := widget.NewCheckGroup(v.app.Item.Materials, nil)
		items = append(items, widget.NewFormItem(lang.L("缺少的材料"), missing))
		build = func() (data.EventData, error) { return data.EventData{Missing: missing.Selected}, nil }
	case clock.Refused, clock.Withdrawn:
		reason := widget.NewMultiLineEntry()
		items = append(items, widget.NewFormItem(lang.L("理由"), reason))
		build = func() (data.EventData, error) { return data.EventData{Reason: strings.TrimSpace(reason.Text)}, nil }
	case clock.Paused:
		reasons := make([]string, len(data.PauseReasons))
		for i, r := range data.PauseReasons {
			reasons[i] = lang.L(r)
		}
		reason := widget.NewSelect(reasons, nil)
		reason.PlaceHolder = lang.L("请选择暂停理由")
		days := widget.NewEntry()
		days.SetText("10")
		items = append(items, widget.NewFormItem(lang.L("暂停理由"), reason), widget.NewFormItem(lang.L("预计天数"), days))
		build = func() (data.EventData, error) {
			n, err := strconv.Atoi(strings.TrimSpace(days.Text))
			if err != nil {
				return data.EventData{}, data.Errorf(data.EINVALID, "%s", lang.L("预计天数：应为整数"))
			}
			i := reason.SelectedIndex()
			if i < 0 {
				return data.EventData{}, data.Errorf(data.EINVALID, "%s", lang.L("暂停理由：请选择"))
			}
			return data.EventData{Reason: data.PauseReasons[i], Days: n}, nil
		}
	case clock.Extended:
		days := widget.NewEntry()
		days.SetText("10")
		reason := widget.NewEntry()
		items = append(items, widget.NewFormItem(lang.L("延长工作日"), days), widget.NewFormItem(lang.L("延长理由（告知申请人）"), reason))
		build = func() (data.EventData, error) {
			n, err := strconv.Atoi(strings.TrimSpace(days.Text))
			if err != nil {
				return data.EventData{}, data.Errorf(data.EINVALID, "%s", lang.L("延长天数：应为整数"))
			}
			return data.EventData{Days: n, Reason: strings.TrimSpace(reason.Text), Approver: v.session().Login}, nil
		}
	case clock.Completed:
		result := widget.NewRadioGroup([]string{lang.L("准予许可"), lang.L("不予许可")}, nil)
		result.SetSelected(lang.L("准予许可"))
		items = append(items, widget.NewFormItem(lang.L("办理结果"), result))
		build = func() (data.EventData, error) {
			if result.Selected == lang.L("不予许可") {
				return data.EventData{Result: data.ResultDenied}, nil
			}
			return data.EventData{Result: data.ResultGranted}, nil
		}
	case clock.Delivered:
		method := widget.NewRadioGroup([]string{lang.L("自取"), lang.L("邮寄")}, nil)
		method.SetSelected(lang.L("自取"))
		items = append(items, widget.NewFormItem(lang.L("送达方式"), method))
		build = func() (data.EventData, error) {
			if method.Selected == lang.L("邮寄") {
				return data.EventData{Method: data.MethodPost}, nil
			}
			return data.EventData{Method: data.MethodPickup}, nil
		}
	}
	if len(items) == 0 {
		dialog.ShowConfirm(lang.L(data.KindLabel(k)), lang.L("确认对办件 ")+v.app.Number+lang.L(" 执行“")+lang.L(data.KindLabel(k))+lang.L("”？"), func(ok bool) {
			if ok {
				v.record(k, data.EventData{})
			}
		}, v.win)
		return
	}
	form := dialog.NewForm(lang.L(data.KindLabel(k)), lang.L("确定"), lang.L("取消"), items, func(ok bool) {
		if !ok {
			return
		}
		d, err := build()
		if err != nil {
			v.msg.SetText(problem(err))
			return
		}
		v.record(k, d)
	}, v.win)
	form.Resize(fyne.NewSize(520, 300))
	form.Show()
}

// record writes the event in the background and shows the new state.
func (v *caseView) record(k clock.Kind, d data.EventData) {
	number, actor := v.app.Number, v.session().ID
	v.apply(func(ctx context.Context) (data.Application, error) {
		return v.store.Record(ctx, number, actor, data.Event{Kind: k, Data: d})
	})
}
