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
	"github.com/onewindow/onewindow/data/clock"
	pb "github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/sqlite"
)

// problemStore is what 企业问题 needs.
type problemStore interface {
	ApplicantByCode(ctx context.Context, code string) (data.Applicant, error)
	ProblemCategories(ctx context.Context) ([]string, error)
	Departments(ctx context.Context) ([]data.Department, error)
	RegisterProblem(ctx context.Context, actorID int64, in pb.Intake) (pb.Problem, error)
	RecordProblem(ctx context.Context, number string, actorID int64, e pb.Event) (pb.Problem, error)
	Problems(ctx context.Context, f sqlite.ProblemFilter) ([]pb.Problem, error)
	ProblemClock(ctx context.Context, st pb.State, today calendar.Date) (pb.Clock, error)
	Site(ctx context.Context) (data.Site, error)
	ReplyProblem(ctx context.Context, actorID int64, r pb.Reply) (pb.Reply, error)
	boardStore
}

// problemRow is one line of the list, prepared off the UI goroutine.
type problemRow struct {
	p     pb.Problem
	clock pb.Clock
	cells []string
}

var problemHeaders = []string{"", "问题编号", "企业", "类别", "处理方式", "牵头部门", "状态", "期限", "剩余"}

// problemsScreen is 企业问题: a problem an enterprise raises is registered
// here (the credit code fills in an enterprise seen before), put on a
// track, assigned, answered or explained, urged, closed and revisited.
type problemsScreen struct {
	store   problemStore
	bg      *worker
	session func() data.User
	win     fyne.Window
	now     func() time.Time
	desk    *paperDesk // prints the enterprise's papers

	shown    *fyne.Container // the open problem's buttons, and its message
	shownMsg *widget.Label
	asked    []*widget.FormItem // the open action form's fields

	depts []data.Department
	rows  []problemRow
	site  data.Site // this database's site: others' problems are only read (or answered, at a centre)

	code, name, contact, phone, caseNo *formEntry
	text                               *formEntry
	category, source                   *widget.Select
	registerB                          *widget.Button
	msg                                *widget.Label
	pendingOnly                        *widget.Check
	list                               *widget.Table
	summary                            *widget.Label
	board                              *problemBoard
}

func newProblemsScreen(s problemStore, session func() data.User, win fyne.Window) *problemsScreen {
	ps := &problemsScreen{store: s, session: session, win: win, now: time.Now, msg: wrapped(""), summary: wrapped(""), board: newProblemBoard()}
	ps.code, ps.name, ps.contact, ps.phone, ps.caseNo = newScreenEntry(), newScreenEntry(), newScreenEntry(), newScreenEntry(), newScreenEntry()
	ps.code.SetPlaceHolder(lang.L("统一社会信用代码"))
	ps.code.OnChanged = func(string) { ps.lookup() }
	ps.name.SetPlaceHolder(lang.L("企业名称"))
	ps.contact.SetPlaceHolder(lang.L("联系人"))
	ps.phone.SetPlaceHolder(lang.L("联系电话"))
	ps.caseNo.SetPlaceHolder(lang.L("相关办件编号（可空）"))
	ps.text = newScreenEntry()
	ps.text.MultiLine = true
	ps.text.OnSubmitted = func(string) { ps.register() } // Shift+Enter
	ps.text.SetPlaceHolder(lang.L("企业反映的问题（Tab 到“登记问题”，或 Shift+Enter 直接登记）"))
	ps.text.Wrapping = fyne.TextWrapWord
	ps.text.SetMinRowsVisible(3)
	ps.category = widget.NewSelect(nil, nil)
	ps.category.PlaceHolder = lang.L("问题类别")
	ps.source = widget.NewSelect(pb.Sources, nil)
	ps.source.SetSelected(pb.Sources[0])
	ps.registerB = widget.NewButton(lang.L("登记问题"), ps.register)
	ps.registerB.Importance = widget.HighImportance
	ps.pendingOnly = widget.NewCheck(lang.L("只看未办结"), func(bool) { ps.load() })
	ps.pendingOnly.Checked = true
	ps.list = widget.NewTableWithHeaders(func() (int, int) { return len(ps.rows), len(problemHeaders) },
		func() fyne.CanvasObject { return truncatedLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			r := ps.rows[id.Row]
			l.SetText(r.cells[id.Col])
			l.Importance = widget.MediumImportance
			if id.Col == 0 || id.Col == 8 {
				l.Importance = warningImportance(r.clock.Warning)
			}
			l.Refresh()
		})
	ps.list.ShowHeaderColumn = false
	ps.list.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	ps.list.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 {
			l := o.(*widget.Label)
			if h := problemHeaders[id.Col]; h != "" {
				l.SetText(lang.L(h))
			}
			l.TextStyle.Bold = true
			l.Refresh()
		}
	}
	for i, w := range []float32{30, 190, 220, 80, 140, 140, 70, 100, 50} {
		ps.list.SetColumnWidth(i, w)
	}
	ps.list.OnSelected = func(id widget.TableCellID) {
		ps.list.UnselectAll()
		if id.Row >= 0 && id.Row < len(ps.rows) {
			ps.open(ps.rows[id.Row].p)
		}
	}
	return ps
}

func (ps *problemsScreen) content() fyne.CanvasObject {
	form := container.NewVBox(
		bold(lang.L("登记企业反映的问题")),
		container.NewGridWithColumns(3, ps.code, ps.name, ps.category),
		container.NewGridWithColumns(4, ps.contact, ps.phone, ps.source, ps.caseNo),
		ps.text,
		container.NewBorder(nil, nil, nil, ps.registerB, ps.msg),
	)
	top := container.NewVBox(form, widget.NewSeparator(), container.NewBorder(nil, nil, bold(lang.L("问题台账")), ps.pendingOnly, ps.summary))
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("登记与台账"), container.NewBorder(top, nil, nil, nil, ps.list)),
		container.NewTabItem(lang.L("督查看板"), ps.board.content()),
	)
	tabs.OnSelected = func(t *container.TabItem) {
		if t.Text == lang.L("督查看板") {
			ps.board.load(ps.bg, ps.store, calendar.DateOf(ps.now()))
		}
	}
	return tabs
}

// load reads the categories, departments and problems.
func (ps *problemsScreen) load() {
	pending := ps.pendingOnly.Checked
	ps.bg.run(func() {
		ctx := context.Background()
		cats, err := ps.store.ProblemCategories(ctx)
		depts, derr := ps.store.Departments(ctx)
		rows, lerr := ps.readRows(ctx, pending)
		site, serr := ps.store.Site(ctx)
		fyne.Do(func() {
			for _, e := range []error{err, derr, lerr, serr} {
				if e != nil {
					say(ps.msg, wrong, problem(e))
				}
			}
			ps.category.SetOptions(cats)
			ps.depts, ps.rows, ps.site = depts, rows, site
			ps.list.Refresh()
			red := 0
			for _, r := range rows {
				if r.clock.Warning == clock.Red {
					red++
				}
			}
			ps.summary.SetText(fmt.Sprintf(lang.L("共 %d 个，其中超期 %d 个；计时截至 %s"), len(rows), red, calendar.DateOf(ps.now())))
		})
	})
}

// readRows reads the problems, pending first by deadline, then the rest
// newest first.
func (ps *problemsScreen) readRows(ctx context.Context, pending bool) ([]problemRow, error) {
	f := sqlite.ProblemFilter{Limit: 1000}
	if pending {
		f.Statuses = []pb.Status{pb.Received, pb.Open}
	}
	today := calendar.DateOf(ps.now())
	var rows []problemRow
	for {
		list, err := ps.store.Problems(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			c, err := ps.store.ProblemClock(ctx, p.State, today)
			if err != nil {
				return nil, err
			}
			rows = append(rows, problemRow{p: p, clock: c, cells: problemCells(p, c)})
		}
		if len(list) < f.Limit || len(rows) >= 5000 {
			break
		}
		f.AfterID = list[len(list)-1].ID
	}
	sortProblemRows(rows)
	return rows, nil
}

func problemCells(p pb.Problem, c pb.Clock) []string {
	dot, due, left := "", "—", "—"
	switch c.Warning {
	case clock.Red, clock.Yellow, clock.Green:
		dot = "●"
		left = fmt.Sprint(c.Remaining)
	}
	if c.Next != 0 {
		due = c.Next.String()
	} else if c.Due != 0 {
		due = c.Due.String()
	}
	dept := p.DepartmentName
	if dept == "" {
		dept = lang.L("未交办")
	}
	return []string{dot, p.Number, p.EnterpriseName, p.Category, lang.L(p.State.Track.Label()), dept, lang.L(p.State.Status.Label()), due, left}
}

// sortProblemRows puts the pending ones first, soonest deadline first;
// then the others, newest first.
func sortProblemRows(rows []problemRow) {
	less := func(a, b problemRow) bool {
		pa, pb := a.p.State.Status.Pending(), b.p.State.Status.Pending()
		switch {
		case pa != pb:
			return pa
		case pa && a.clock.Next != b.clock.Next:
			return a.clock.Next < b.clock.Next
		}
		return a.p.ID > b.p.ID
	}
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && less(rows[j], rows[j-1]); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

// lookup fills the enterprise from an earlier applicant once the credit
// code is whole and valid.
func (ps *problemsScreen) lookup() {
	code, err := data.ValidateCreditCode(ps.code.Text)
	if err != nil {
		return
	}
	ps.bg.run(func() {
		a, err := ps.store.ApplicantByCode(context.Background(), code)
		if err != nil {
			return
		}
		fyne.Do(func() {
			for _, p := range []struct {
				e *formEntry
				v string
			}{{ps.name, a.Name}, {ps.contact, a.Contact}, {ps.phone, a.Phone}} {
				if p.e.Text == "" {
					p.e.SetText(p.v)
				}
			}
		})
	})
}

func (ps *problemsScreen) register() {
	in := pb.Intake{EnterpriseCode: ps.code.Text, EnterpriseName: ps.name.Text, Contact: ps.contact.Text, Phone: ps.phone.Text,
		Category: ps.category.Selected, Source: ps.source.Selected, Text: ps.text.Text, Case: strings.TrimSpace(ps.caseNo.Text)}
	actor := ps.session().ID
	ps.bg.run(func() {
		p, err := ps.store.RegisterProblem(context.Background(), actor, in)
		fyne.Do(func() {
			if err != nil {
				say(ps.msg, wrong, problem(err))
				return
			}
			say(ps.msg, done, fmt.Sprintf(lang.L("已登记 %s：%s。请分流并交办。"), p.Number, p.EnterpriseName))
			for _, e := range []*formEntry{ps.code, ps.name, ps.contact, ps.phone, ps.caseNo} {
				e.SetText("")
			}
			ps.text.SetText("")
			ps.load()
			ps.open(p)
		})
	})
}
