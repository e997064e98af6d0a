package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// reviewStore is what the 待审批与整改 screen needs.
type reviewStore interface {
	Approvals(ctx context.Context) ([]data.Approval, error)
	DecideWaiver(ctx context.Context, waiverID, deciderID int64, approve bool, note string) (data.Application, error)
	DecideExtension(ctx context.Context, requestID, deciderID int64, approve bool, note string) (data.Application, error)
	Rectifications(ctx context.Context, statuses []data.RectStatus, overdueAt calendar.Date) ([]data.RectRow, error)
}

// reviewScreen is 待审批与整改: the supervisors' queue of waivers and
// extension requests, and the list of 差评 rectifications with the overdue
// ones flagged. Clerks see both; only supervisors get approve and reject
// (and the store refuses anyone else).
type reviewScreen struct {
	store    reviewStore
	bg       *worker
	session  func() data.User
	now      func() time.Time
	openCase func(number string)

	queue    []data.Approval
	rects    []data.RectRow
	queueL   *widget.List
	rectL    *widget.List
	selected int
	note     *widget.Entry
	approve  *widget.Button
	reject   *widget.Button
	show     *widget.Select
	msg      *widget.Label
	counts   *widget.Label
}

func newReviewScreen(s reviewStore, session func() data.User, openCase func(string)) *reviewScreen {
	r := &reviewScreen{store: s, session: session, now: time.Now, openCase: openCase, selected: -1}
	r.queueL = widget.NewList(func() int { return len(r.queue) },
		func() fyne.CanvasObject { return truncatedLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(approvalLine(r.queue[id])) })
	r.queueL.OnSelected = func(id widget.ListItemID) { r.selected = id; r.buttons() }
	r.rectL = widget.NewList(func() int { return len(r.rects) },
		func() fyne.CanvasObject { return truncatedLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			x := r.rects[id]
			l.SetText(rectLine(x, calendar.DateOf(r.now())))
			l.Importance = widget.MediumImportance
			if x.Overdue(calendar.DateOf(r.now())) {
				l.Importance = widget.DangerImportance
			}
			l.Refresh()
		})
	r.rectL.OnSelected = func(id widget.ListItemID) {
		n := r.rects[id].Number
		r.rectL.UnselectAll()
		r.openCase(n)
	}
	r.note = widget.NewEntry()
	r.note.SetPlaceHolder(lang.L("审批意见（可不填）"))
	r.approve = widget.NewButton(lang.L("批准"), func() { r.decide(true) })
	r.approve.Importance = widget.HighImportance
	r.reject = widget.NewButton(lang.L("驳回"), func() { r.decide(false) })
	r.show = widget.NewSelect([]string{lang.L("未完成的整改"), lang.L("已逾期"), lang.L("全部")}, func(string) { r.load() })
	r.msg = widget.NewLabel("")
	r.msg.Wrapping = fyne.TextWrapWord
	r.counts = widget.NewLabel("")
	return r
}

func approvalLine(a data.Approval) string {
	at := a.RequestedAt.In(calendar.Shanghai).Format("01-02 15:04")
	kind := lang.L("减免")
	if a.Kind == "extension" {
		kind = lang.L("延期")
	}
	basis := ""
	if a.Basis != "" {
		basis = lang.L("，依据 ") + a.Basis
	}
	return fmt.Sprintf(lang.L("【%s】%s　%s　%s · %s%s；理由：%s（%s %s）"), kind, a.Number, a.Summary, a.Applicant, a.Item, basis, a.Reason, a.RequestedBy, at)
}

func rectLine(x data.RectRow, today calendar.Date) string {
	flag := ""
	if x.Overdue(today) {
		flag = lang.L("【已逾期】")
	}
	return fmt.Sprintf(lang.L("%s%s　%s　%d %s　%s　期限 %s　%s · %s · 窗口 %s"), flag, lang.L(x.Status.Label()), x.Number, x.Level,
		lang.L(data.RatingLabels[x.Level]), strings.TrimSpace(x.Comment), x.Due, x.Applicant, x.Item, x.Window)
}

func (r *reviewScreen) content() fyne.CanvasObject {
	decide := container.NewBorder(nil, nil, nil, container.NewHBox(r.approve, r.reject), r.note)
	openSel := widget.NewButton(lang.L("查看办件"), func() {
		if r.selected >= 0 && r.selected < len(r.queue) {
			r.openCase(r.queue[r.selected].Number)
		}
	})
	top := container.NewBorder(container.NewHBox(bold(lang.L("待审批（减免、延期）")), r.counts), container.NewVBox(r.msg,
		container.NewBorder(nil, nil, nil, openSel, decide)), nil, nil, r.queueL)
	bottom := container.NewBorder(container.NewHBox(bold(lang.L("差评整改")), r.show), nil, nil, nil, r.rectL)
	split := container.NewVSplit(top, bottom)
	split.Offset = 0.5
	return split
}

func (r *reviewScreen) buttons() {
	ok := r.session().Role == data.RoleSupervisor && r.selected >= 0 && r.selected < len(r.queue) && r.queue[r.selected].RequesterID != r.session().ID
	if ok {
		r.approve.Enable()
		r.reject.Enable()
	} else {
		r.approve.Disable()
		r.reject.Disable()
	}
}

// load reads the queue and the rectifications in the background.
func (r *reviewScreen) load() {
	if r.show.SelectedIndex() < 0 {
		r.show.SetSelectedIndex(0) // calls load again
		return
	}
	which := r.show.SelectedIndex()
	today := calendar.DateOf(r.now())
	r.bg.run(func() {
		ctx := context.Background()
		queue, err := r.store.Approvals(ctx)
		var rects []data.RectRow
		if err == nil {
			switch which {
			case 0:
				rects, err = r.store.Rectifications(ctx, []data.RectStatus{data.RectOpen, data.RectInProgress, data.RectAppealed}, 0)
			case 1:
				rects, err = r.store.Rectifications(ctx, nil, today)
			default:
				rects, err = r.store.Rectifications(ctx, nil, 0)
			}
		}
		fyne.Do(func() {
			if err != nil {
				r.msg.SetText(problem(err))
				return
			}
			r.queue, r.rects, r.selected = queue, rects, -1
			r.queueL.UnselectAll()
			r.counts.SetText(fmt.Sprintf(lang.L("%d 件待审批 · %d 条整改"), len(queue), len(rects)))
			r.queueL.Refresh()
			r.rectL.Refresh()
			r.buttons()
		})
	})
}

func (r *reviewScreen) decide(approve bool) {
	if r.selected < 0 || r.selected >= len(r.queue) {
		return
	}
	a, note, me := r.queue[r.selected], strings.TrimSpace(r.note.Text), r.session().ID
	r.bg.run(func() {
		ctx := context.Background()
		var err error
		if a.Kind == "waiver" {
			_, err = r.store.DecideWaiver(ctx, a.ID, me, approve, note)
		} else {
			_, err = r.store.DecideExtension(ctx, a.ID, me, approve, note)
		}
		fyne.Do(func() {
			if err != nil {
				r.msg.SetText(problem(err))
				return
			}
			verb := lang.L("已驳回")
			if approve {
				verb = lang.L("已批准")
			}
			r.msg.SetText(fmt.Sprintf("%s：%s %s", verb, a.Number, a.Summary))
			r.note.SetText("")
			r.load()
		})
	})
}
