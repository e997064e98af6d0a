package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	pb "github.com/onewindow/onewindow/data/problem"
)

// open shows a problem: who raised what, its track and clock, its log, and
// the actions its state allows (the store checks them again).
func (ps *problemsScreen) open(p pb.Problem) {
	c, _ := ps.clockOf(p)
	track := "" // an untriaged problem's track says 待分流, as its status does
	if p.State.Track != "" {
		track = lang.L(p.State.Track.Label())
	}
	header := wrapped(fmt.Sprintf(lang.L("%s　%s　%s\n%s（%s）· %s\n牵头部门：%s"), p.Number, lang.L(p.State.Status.Label()), track,
		p.EnterpriseName, p.EnterpriseCode, p.Category, orDash(p.DepartmentName)))
	clockText := problemClockText(p.State, c)
	if to := p.State.EscalatedTo; to != "" {
		clockText += "\n" + fmt.Sprintf(lang.L("已上报%s；中心答复 %d 条"), ps.departmentName(to), p.State.Replies)
	}
	timing := wrapped(clockText)
	events := widget.NewList(func() int { return len(p.Events) },
		func() fyne.CanvasObject { return wrapped("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(problemEventLine(p.Events[i], ps.departmentName))
		})
	msg := wrapped("")
	actions := container.NewHBox()
	var dlg dialog.Dialog
	for _, a := range ps.actions(p) {
		a := a
		actions.Add(widget.NewButton(lang.L(actionLabel(a)), func() {
			ps.ask(p, a, func(np pb.Problem) {
				dlg.Hide()
				ps.load()
				ps.open(np)
			}, msg)
		}))
	}
	// The enterprise's papers, printed on A4 through the documents'
	// pipeline (numbered, audited, with the signed QR code).
	if ps.desk != nil {
		for _, k := range pb.IssuableKinds(&p) {
			k := k
			actions.Add(widget.NewButton(lang.L("打印"+pb.DocTitle(k)), func() {
				ps.desk.issue(p.Number, k, render.Options{Size: render.A4}, false, func(text string, imp widget.Importance) {
					msg.Importance = imp
					msg.SetText(text)
				})
			}))
		}
	}
	ps.shown, ps.shownMsg = actions, msg
	content := container.NewBorder(container.NewVBox(header, timing, bold(lang.L("办理记录"))), container.NewVBox(msg, container.NewHScroll(actions)), nil, nil, events)
	dlg = dialog.NewCustom(lang.L("企业反映问题"), lang.L("关闭"), content, ps.win)
	dlg.Resize(dialogSize(ps.win, 820, 600))
	dlg.Show()
	// The first action has the keyboard: Space does it, Tab the next.
	if len(actions.Objects) > 0 {
		ps.win.Canvas().Focus(actions.Objects[0].(*widget.Button))
	}
}

// departmentName is a department's name, or its code when unknown.
func (ps *problemsScreen) departmentName(code string) string {
	for _, d := range ps.depts {
		if d.Code == code {
			return d.Name
		}
	}
	return code
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (ps *problemsScreen) clockOf(p pb.Problem) (pb.Clock, error) {
	return ps.store.ProblemClock(context.Background(), p.State, calendar.DateOf(ps.now()))
}

// problemClockText says the deadlines for a person.
func problemClockText(s pb.State, c pb.Clock) string {
	var b strings.Builder
	switch {
	case s.Status == pb.Received:
		fmt.Fprintf(&b, lang.L("待分流：应于 %s 分流"), c.Next)
	case s.Track == pb.Explain:
		fmt.Fprintf(&b, lang.L("情况说明期限 %s"), c.ExplainDue)
		if c.ProgressDue != 0 && s.Status.Pending() {
			fmt.Fprintf(&b, lang.L("；下次进展报告 %s"), c.ProgressDue)
		}
		if c.Due != 0 {
			fmt.Fprintf(&b, lang.L("；承诺解决 %s"), c.Due)
		}
	default:
		fmt.Fprintf(&b, lang.L("办结期限 %s"), c.Due)
	}
	fmt.Fprintf(&b, lang.L("；已用 %d 个工作日"), c.Used)
	switch {
	case s.Status.Pending() && c.Remaining >= 0:
		fmt.Fprintf(&b, lang.L("，剩余 %d 日（%s）"), c.Remaining, warningLabel(c.Warning))
	case s.Status.Pending():
		fmt.Fprintf(&b, lang.L("，已超期 %d 日（%s）"), -c.Remaining, warningLabel(c.Warning))
	case c.OnTime != nil && *c.OnTime:
		b.WriteString(lang.L("，按期办结"))
	case c.OnTime != nil:
		b.WriteString(lang.L("，超期办结"))
	}
	if s.Urges > 0 {
		fmt.Fprintf(&b, lang.L("；督办 %d 次"), s.Urges)
	}
	return b.String()
}

func problemEventLine(e pb.Event, dept func(code string) string) string {
	line := data.ShanghaiTime(e.At.UTC().Format("2006-01-02T15:04:05Z")) + "　" + lang.L(e.Kind.Label())
	d := e.Data
	var parts []string
	if d.Track != "" {
		parts = append(parts, lang.L(d.Track.Label()))
	}
	if d.Due != "" {
		parts = append(parts, lang.L("期限 ")+d.Due)
	}
	if d.ExplainDue != "" {
		parts = append(parts, lang.L("说明期限 ")+d.ExplainDue)
	}
	switch {
	case e.Kind == pb.Escalated:
		parts = append(parts, dept(d.Department)) // 上报：自然资源和规划局

	case d.From != "":
		parts = append(parts, lang.L("中心下发：")+d.From)
	case d.Department != "":
		parts = append(parts, lang.L("牵头 ")+dept(d.Department))
	}
	if len(d.Helpers) > 0 {
		var hs []string
		for _, h := range d.Helpers {
			hs = append(hs, dept(h))
		}
		parts = append(parts, lang.L("协办 ")+strings.Join(hs, "、"))
	}
	if d.Verdict != "" {
		parts = append(parts, lang.L(d.Verdict.Label()))
	}
	if d.Promised != "" {
		parts = append(parts, lang.L("承诺 ")+d.Promised)
	}
	for _, t := range []string{d.Reason, d.Text} {
		if t != "" {
			parts = append(parts, t)
		}
	}
	if len(parts) > 0 {
		line += "：" + strings.Join(parts, "；")
	}
	return line + "（" + e.Actor + "）"
}

// actions are what the problem's state allows this user.
func (ps *problemsScreen) actions(p pb.Problem) []pb.Kind {
	s := p.State
	user := ps.session()
	role := user.Role
	if p.SiteCode != ps.site.Code {
		// Another site's problem, as its bundles brought it: only read —
		// unless it was reported up to this centre and waits for the
		// department's answer.
		if ps.site.Kind == data.SiteCentre && s.EscalatedTo != "" && s.Status.Pending() &&
			(user.Department == s.EscalatedTo || user.Department == "" && role != data.RoleClerk) {
			return []pb.Kind{replyKind}
		}
		return nil
	}
	var out []pb.Kind
	switch s.Status {
	case pb.Received:
		out = append(out, pb.Triaged, pb.Assigned)
	case pb.Open:
		out = append(out, pb.Assigned, pb.Answered)
		if s.Track == pb.Explain {
			if s.Explained == 0 {
				out = append(out, pb.Explained)
			} else {
				out = append(out, pb.Progressed)
			}
		}
		out = append(out, pb.TrackChanged, pb.ClosedKind)
		if s.EscalatedTo == "" && ps.site.Kind != data.SiteCentre {
			out = append(out, pb.Escalated)
		}
	case pb.Closed:
		out = append(out, pb.Revisited)
	}
	if s.Status.Pending() && (role == data.RoleSupervisor || role == data.RoleAdmin) {
		out = append(out, pb.Urged)
	}
	// A department's user sees what that department may record.
	return slices.DeleteFunc(out, func(k pb.Kind) bool { return pb.CheckDepartment(s, k, user.Department) != nil })
}

// replyKind is the centre's answer to a problem reported up to it (an
// action of the screen, stored as a reply, not as an event here).
const replyKind pb.Kind = "reply"

// actionLabel is an action's button.
func actionLabel(k pb.Kind) string {
	switch k {
	case replyKind:
		return "答复上报问题"
	case pb.Escalated:
		return "上报县级部门"
	}
	return k.Label()
}

// ask shows the small form of one action and records it.
func (ps *problemsScreen) ask(p pb.Problem, k pb.Kind, done func(pb.Problem), msg *widget.Label) {
	tracks := make([]string, len(pb.Tracks))
	for i, t := range pb.Tracks {
		tracks[i] = lang.L(t.Label())
	}
	track := widget.NewSelect(tracks, nil) // a Select: Space opens it, arrows and Enter choose
	// Enter in a one-line field, or Shift+Enter in the text, confirms the
	// form (Tab reaches 确定 too).
	var d *dialog.FormDialog
	submit := func(string) { d.Submit() }
	text := newScreenEntry()
	text.MultiLine, text.Wrapping = true, fyne.TextWrapWord
	text.SetPlaceHolder(lang.L("Shift+Enter 确定"))
	reason := newScreenEntry()
	promised := newScreenEntry()
	text.OnSubmitted, reason.OnSubmitted, promised.OnSubmitted = submit, submit, submit
	promised.SetPlaceHolder("YYYY-MM-DD")
	var deptNames []string
	for _, d := range ps.depts {
		deptNames = append(deptNames, d.Name)
	}
	dept := widget.NewSelect(deptNames, nil)
	helpers := widget.NewCheckGroup(deptNames, nil)
	helpers.Horizontal = true
	verdicts := []pb.Verdict{pb.Satisfied, pb.Fair, pb.Unsatisfied}
	verdict := widget.NewSelect([]string{lang.L(pb.Satisfied.Label()), lang.L(pb.Fair.Label()), lang.L(pb.Unsatisfied.Label())}, nil)
	replyChoices := []pb.Kind{pb.Answered, pb.Explained, pb.Progressed}
	replyKinds := widget.NewSelect([]string{lang.L(pb.Answered.Label()), lang.L(pb.Explained.Label()), lang.L(pb.Progressed.Label())}, nil)
	replyKinds.SetSelectedIndex(0)
	var items []*widget.FormItem
	switch k {
	case pb.Triaged:
		items = append(items, widget.NewFormItem(lang.L("处理方式"), track))
	case pb.TrackChanged:
		items = append(items, widget.NewFormItem(lang.L("处理方式"), track), widget.NewFormItem(lang.L("改变理由"), reason))
	case pb.Assigned:
		items = append(items, widget.NewFormItem(lang.L("牵头部门"), dept),
			widget.NewFormItem(lang.L("协办部门"), container.NewVScroll(container.NewPadded(helpers))))
	case pb.Explained, pb.Progressed:
		items = append(items, widget.NewFormItem(lang.L("内容"), text), widget.NewFormItem(lang.L("承诺解决日期"), promised))
	case pb.Revisited:
		items = append(items, widget.NewFormItem(lang.L("企业评价"), verdict), widget.NewFormItem(lang.L("意见"), text))
	case pb.Escalated:
		items = append(items, widget.NewFormItem(lang.L("上报部门"), dept), widget.NewFormItem(lang.L("上报理由"), text))
	case replyKind:
		items = append(items, widget.NewFormItem(lang.L("答复种类"), replyKinds), widget.NewFormItem(lang.L("内容"), text),
			widget.NewFormItem(lang.L("承诺解决日期"), promised))
	default:
		items = append(items, widget.NewFormItem(lang.L("内容"), text))
	}
	d = dialog.NewForm(lang.L(actionLabel(k)), lang.L("确定"), lang.L("取消"), items, func(ok bool) {
		if !ok {
			return
		}
		if k == replyKind {
			r := pb.Reply{Problem: p.Number, Kind: replyChoices[max(replyKinds.SelectedIndex(), 0)], Text: text.Text, Promised: strings.TrimSpace(promised.Text)}
			ps.reply(r, msg)
			return
		}
		e := pb.Event{Kind: k, Data: pb.EventData{Text: text.Text, Reason: reason.Text, Promised: strings.TrimSpace(promised.Text)}}
		for i, t := range tracks {
			if track.Selected == t {
				e.Data.Track = pb.Tracks[i]
			}
		}
		if i := dept.SelectedIndex(); i >= 0 {
			e.Data.Department = ps.depts[i].Code
		}
		for _, name := range helpers.Selected {
			for _, d := range ps.depts {
				if d.Name == name && d.Code != e.Data.Department {
					e.Data.Helpers = append(e.Data.Helpers, d.Code)
				}
			}
		}
		for i, v := range []string{lang.L(pb.Satisfied.Label()), lang.L(pb.Fair.Label()), lang.L(pb.Unsatisfied.Label())} {
			if verdict.Selected == v {
				e.Data.Verdict = verdicts[i]
			}
		}
		ps.record(p.Number, e, done, msg)
	}, ps.win)
	d.Resize(dialogSize(ps.win, 560, 360))
	d.Show()
	ps.asked = items
	// The keyboard starts in the form's first field.
	if f, ok := items[0].Widget.(fyne.Focusable); ok {
		ps.win.Canvas().Focus(f)
	}
}

// reply records the centre's answer to a problem reported up to it; the
// next publication carries it back to the township.
func (ps *problemsScreen) reply(r pb.Reply, msg *widget.Label) {
	actor := ps.session().ID
	ps.bg.run(func() {
		got, err := ps.store.ReplyProblem(context.Background(), actor, r)
		fyne.Do(func() {
			if err != nil {
				say(msg, wrong, problem(err))
				return
			}
			say(msg, done, fmt.Sprintf(lang.L("已记录%s的%s，随下一个下发包发回站点"), got.DepartmentName, lang.L(got.Kind.Label())))
		})
	})
}

func (ps *problemsScreen) record(number string, e pb.Event, done func(pb.Problem), msg *widget.Label) {
	actor := ps.session().ID
	ps.bg.run(func() {
		p, err := ps.store.RecordProblem(context.Background(), number, actor, e)
		fyne.Do(func() {
			if err != nil {
				say(msg, wrong, problem(err))
				return
			}
			done(p)
		})
	})
}
