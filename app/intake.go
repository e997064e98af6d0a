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

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/pinyin"
	"github.com/onewindow/onewindow/data/policy"
	"github.com/onewindow/onewindow/data/theme"
)

// intakeStore is what the intake form needs.
type intakeStore interface {
	Items(ctx context.Context) ([]data.ServiceItem, error)
	ApplicantByCode(ctx context.Context, code string) (data.Applicant, error)
	Register(ctx context.Context, clerkID int64, in data.Intake) (data.Application, error)
	Clock(ctx context.Context, app *data.Application, today calendar.Date) (clock.Result, error)
	FeesOn(ctx context.Context, itemID int64, day calendar.Date) ([]data.FeeItem, error)
	WaiverPolicies(ctx context.Context) ([]data.WaiverPolicy, error)
	RequestWaiver(ctx context.Context, number string, actorID int64, r data.WaiverRequest) (data.Application, error)
	Themes(ctx context.Context) ([]theme.Theme, error)
	RegisterTheme(ctx context.Context, clerkID int64, in theme.Intake) (theme.Case, error)
}

// itemEntry is a catalogue item with what the picker searches in.
type itemEntry struct {
	item     data.ServiceItem
	initials string
	theme    *theme.Theme // a 一件事 (item then holds its code and name)
}

var applicantKinds = []struct {
	kind  data.ApplicantKind
	label string
}{
	{data.ApplicantEnterprise, "企业"},
	{data.ApplicantIndividual, "个人"},
	{data.ApplicantOrganisation, "其他组织"},
}

// intakeScreen is 受理登记: the form a clerk fills at the counter, in the
// order of the paper form.
type intakeScreen struct {
	store    intakeStore
	bg       *worker
	session  func() data.User
	now      func() time.Time
	onSaved  func(data.Application)
	focus    func(fyne.Focusable) // moves the keyboard focus; set by the window
	items    []itemEntry
	matches  []int               // indexes into items
	selected int                 // index into items, -1 for none
	fees     []data.FeeItem      // the chosen item's fees in force today
	policies []data.WaiverPolicy // read with the catalogue

	search    *formEntry
	matchList *widget.List
	itemInfo  *widget.Label
	kind      *widget.RadioGroup
	code      *formEntry
	codeNote  *widget.Label
	name      *formEntry
	contact   *formEntry
	phone     *formEntry
	address   *formEntry
	materials *checkList
	proofs    map[string]*formEntry // 减免依据 by proof kind
	proofForm *widget.Form
	proofBox  *widget.Accordion
	offer     *widget.Label // the policies the applicant qualifies for, as typed
	reason    *formEntry
	accept    *widget.Button
	notify    *widget.Button
	refuse    *widget.Button
	result    *widget.Label
	filled    string        // the code whose applicant was last filled in
	refused   data.Decision // the decision whose checks failed, while its message shows

	desk      *paperDesk
	autoPrint func() bool      // the PC's setting: print the notice at once
	last      data.Application // the case registered last, whose notice Ctrl+P prints
	lastTheme string           // or the 主题件 registered last, whose one notice it prints
	printBtn  *widget.Button
	printMsg  *widget.Label
}

func newIntakeScreen(s intakeStore, session func() data.User) *intakeScreen {
	f := &intakeScreen{store: s, session: session, now: time.Now, selected: -1}
	f.search = newFormEntry(f.clearAndFocus)
	f.search.SetPlaceHolder(lang.L("事项名称、编码或拼音首字母（如 spjy）"))
	f.search.OnChanged = f.onSearch
	f.search.OnSubmitted = func(string) {
		if len(f.matches) > 0 {
			f.choose(f.matches[0])
		}
	}
	f.matchList = widget.NewList(
		func() int { return len(f.matches) },
		func() fyne.CanvasObject { return truncatedLabel(lang.L("工业企业技术改造项目备案")) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			e := f.items[f.matches[id]]
			if e.theme != nil {
				o.(*widget.Label).SetText(fmt.Sprintf(lang.L("%s　一件事 · %d 个事项 · 整体承诺 %d 个工作日"), e.theme.Name, len(e.theme.Steps), e.theme.Limit))
				return
			}
			it := e.item
			o.(*widget.Label).SetText(fmt.Sprintf(lang.L("%s　%s · %s"), it.Name, it.Department, lang.L(it.Kind.Label())))
		})
	f.matchList.OnSelected = func(id widget.ListItemID) {
		if id < len(f.matches) {
			f.choose(f.matches[id])
		}
	}
	f.itemInfo = widget.NewLabel(lang.L("尚未选择事项"))
	f.itemInfo.Wrapping = fyne.TextWrapWord
	labels := make([]string, len(applicantKinds))
	for i, k := range applicantKinds {
		labels[i] = lang.L(k.label)
	}
	f.kind = widget.NewRadioGroup(labels, func(string) { f.onCode(f.code.Text); f.showProofs(); f.showOffer() })
	f.kind.Horizontal = true
	f.kind.Required = true
	f.code = newFormEntry(f.clearAndFocus)
	f.code.OnChanged = func(text string) { f.onCode(text); f.recheck(); f.showOffer() }
	f.codeNote = wrapped("") // a long complaint wraps instead of widening the window
	f.name = newFormEntry(f.clearAndFocus)
	f.contact = newFormEntry(f.clearAndFocus)
	f.phone = newFormEntry(f.clearAndFocus)
	f.address = newFormEntry(f.clearAndFocus)
	for _, e := range []*formEntry{f.code, f.name, f.contact, f.phone, f.address} {
		e.OnSubmitted = func(string) { f.submit(data.DecideAccept) }
	}
	for _, e := range []*formEntry{f.name, f.contact, f.phone, f.address} {
		e.OnChanged = func(string) { f.recheck() }
	}
	f.materials = newCheckList(func([]string) { f.recheck() })
	f.proofs = map[string]*formEntry{}
	for _, k := range policy.ProofKinds {
		e := newFormEntry(f.clearAndFocus)
		e.OnChanged = func(string) { f.recheck(); f.showOffer() }
		e.OnSubmitted = func(string) { f.submit(data.DecideAccept) }
		e.SetPlaceHolder(lang.L(proofHint(k)))
		f.proofs[k] = e
	}
	f.proofForm = widget.NewForm()
	f.proofBox = widget.NewAccordion(widget.NewAccordionItem(lang.L("减免依据（申请人符合减免政策时填写）"), f.proofForm))
	f.offer = wrapped("")
	f.offer.Importance = widget.SuccessImportance
	f.reason = newFormEntry(f.clearAndFocus)
	f.reason.OnChanged = func(string) { f.recheck() }
	f.reason.SetPlaceHolder(lang.L("不予受理的理由（不予受理时必填）"))
	f.accept = widget.NewButton(lang.L("受理（Enter）"), func() { f.submit(data.DecideAccept) })
	f.accept.Importance = widget.HighImportance
	f.notify = widget.NewButton(lang.L("一次性告知补正"), func() { f.submit(data.DecideSupplement) })
	f.refuse = widget.NewButton(lang.L("不予受理"), func() { f.submit(data.DecideRefuse) })
	f.result = widget.NewLabel("")
	f.result.Wrapping = fyne.TextWrapWord
	f.printBtn = widget.NewButton("", f.printLast)
	f.printBtn.Hide()
	f.printMsg = widget.NewLabel("")
	f.printMsg.Wrapping = fyne.TextWrapWord
	f.clear()
	f.showProofs()
	return f
}

func (f *intakeScreen) content() fyne.CanvasObject {
	// The item results above, the chosen item and its materials below,
	// each taking what the window's height gives (seven results at 720).
	chosen := container.NewBorder(container.NewVBox(f.itemInfo, bold(lang.L("收到的材料（未勾选的即为需补正的材料）"))),
		nil, nil, nil, container.NewVScroll(f.materials.box))
	results := container.NewVSplit(f.matchList, chosen)
	results.Offset = 0.42
	left := container.NewBorder(container.NewVBox(bold(lang.L("办理事项")), f.search), nil, nil, nil, results)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("申请人类型"), f.kind),
		widget.NewFormItem(lang.L("证件号码"), container.NewBorder(nil, f.codeNote, nil, nil, f.code)),
		widget.NewFormItem(lang.L("申请人名称"), f.name),
		widget.NewFormItem(lang.L("联系人"), f.contact),
		widget.NewFormItem(lang.L("联系电话"), f.phone),
		widget.NewFormItem(lang.L("地址"), f.address),
		widget.NewFormItem(lang.L("理由"), f.reason),
	)
	buttons := container.NewHBox(f.accept, f.notify, f.refuse, widget.NewButton(lang.L("清空（Esc）"), f.clear))
	right := container.NewVBox(bold(lang.L("申请人")), form, f.proofBox, f.offer, buttons, f.result, container.NewHBox(f.printBtn), f.printMsg)
	split := container.NewHSplit(container.NewPadded(left), container.NewVScroll(container.NewPadded(right)))
	split.Offset = 0.45
	return split
}

// wrapped is a label whose text wraps to the width it is given: a long
// explanation does not set the window's least width.
func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// load reads the catalogue in the background.
func (f *intakeScreen) load() {
	f.bg.run(func() {
		items, err := f.store.Items(context.Background())
		var policies []data.WaiverPolicy
		var themes []theme.Theme
		if err == nil {
			policies, err = f.store.WaiverPolicies(context.Background())
		}
		if err == nil {
			themes, err = f.store.Themes(context.Background())
		}
		// The themes (一件事) first: a search that finds one finds it on top.
		entries := make([]itemEntry, 0, len(themes)+len(items))
		for i := range themes {
			th := &themes[i]
			entries = append(entries, itemEntry{item: data.ServiceItem{Code: th.Code, Name: th.Name}, initials: pinyin.Initials(th.Name), theme: th})
		}
		for _, it := range items {
			entries = append(entries, itemEntry{item: it, initials: pinyin.Initials(it.Name)})
		}
		fyne.Do(func() {
			if err != nil {
				f.result.SetText(lang.L("读取事项目录失败：") + problem(err))
				return
			}
			f.items, f.policies = entries, policies
			f.onSearch(f.search.Text)
		})
	})
}

// matchItems returns the items whose name, code or pinyin initials contain q.
func matchItems(items []itemEntry, q string) []int {
	q = strings.ToLower(strings.TrimSpace(q))
	var out []int
	for i, e := range items {
		if q == "" || strings.Contains(e.item.Name, q) || strings.Contains(strings.ToLower(e.item.Code), q) || strings.Contains(e.initials, q) {
			out = append(out, i)
		}
	}
	return out
}

func (f *intakeScreen) onSearch(q string) {
	f.matches = matchItems(f.items, q)
	f.matchList.UnselectAll()
	f.matchList.Refresh()
}

func (f *intakeScreen) choose(i int) {
	f.selected = i
	if f.items[i].theme != nil {
		f.chooseTheme(*f.items[i].theme)
		return
	}
	it := f.items[i].item
	info := fmt.Sprintf(lang.L("%s（%s）\n%s · %s · 承诺 %d / 法定 %d 个工作日"), it.Name, it.Code, it.Department, lang.L(it.Kind.Label()), it.Promised, it.Statutory)
	f.itemInfo.SetText(info)
	f.fees = nil
	// The fees in force today, read in the background (受理 fixes them).
	f.bg.run(func() {
		fees, err := f.store.FeesOn(context.Background(), it.ID, calendar.DateOf(f.now()))
		fyne.Do(func() {
			if err != nil || f.selected != i {
				return
			}
			f.itemInfo.SetText(info + "\n" + feesText(fees))
			f.fees = fees
			f.showOffer()
		})
	})
	f.materials.SetOptions(it.Materials)
	f.materials.SetSelected(it.Materials)
	if f.kind.Selected == "" {
		f.kind.SetSelected(lang.L(applicantKinds[0].label))
	}
	if f.focus != nil {
		f.focus(f.code) // the next field on the paper form
	}
}

func (f *intakeScreen) applicantKind() data.ApplicantKind {
	for _, k := range applicantKinds {
		if lang.L(k.label) == f.kind.Selected {
			return k.kind
		}
	}
	return ""
}

// onCode checks the identifier as it is typed and, once it is valid, looks
// up an earlier applicant to fill in the rest.
func (f *intakeScreen) onCode(text string) {
	if strings.TrimSpace(text) == "" {
		f.codeNote.SetText("")
		return
	}
	var (
		code string
		err  error
	)
	if f.applicantKind() == data.ApplicantIndividual {
		code, err = data.ValidateIDNumber(text, f.now())
	} else {
		code, err = data.ValidateCreditCode(text)
	}
	if err != nil {
		f.codeNote.Importance = widget.DangerImportance
		f.codeNote.SetText(problem(err))
		return
	}
	f.codeNote.Importance = widget.SuccessImportance
	f.codeNote.SetText(lang.L("✓ 号码有效"))
	if code == f.filled {
		return
	}
	f.bg.run(func() {
		a, err := f.store.ApplicantByCode(context.Background(), code)
		if err != nil {
			return // a new applicant: nothing to fill
		}
		fyne.Do(func() { f.fill(code, a) })
	})
}

// fill puts an earlier applicant's details into the fields the clerk has
// not typed into.
func (f *intakeScreen) fill(code string, a data.Applicant) {
	f.filled = code
	for _, p := range []struct {
		e *formEntry
		v string
	}{{f.name, a.Name}, {f.contact, a.Contact}, {f.phone, a.Phone}, {f.address, a.Address}} {
		if p.e.Text == "" {
			p.e.SetText(p.v)
		}
	}
	f.codeNote.SetText(lang.L("✓ 号码有效，已填入上次登记的申请人信息"))
}

// clearAndFocus is Esc in any field: an empty form, the cursor in the item search.
func (f *intakeScreen) clearAndFocus() {
	f.clear()
	if f.focus != nil {
		f.focus(f.search)
	}
}

// clear empties the form for the next applicant (Esc, Ctrl+N).
func (f *intakeScreen) clear() {
	if f.refused != "" {
		f.refused = "" // the form it was about is gone
		f.result.SetText("")
	}
	f.selected = -1
	f.filled = ""
	for _, e := range []*formEntry{f.search, f.code, f.name, f.contact, f.phone, f.address, f.reason} {
		e.SetText("")
	}
	for _, e := range f.proofs {
		e.SetText("")
	}
	f.fees = nil
	f.offer.SetText("")
	f.offer.Hide()
	f.proofBox.CloseAll()
	f.codeNote.SetText("")
	f.itemInfo.SetText(lang.L("尚未选择事项"))
	f.materials.SetOptions(nil)
	f.kind.SetSelected(lang.L(applicantKinds[0].label))
}

// intake builds the registration from the form, and names every field
// that is wrong at once (one line each, in the order of the form).
func (f *intakeScreen) intake(d data.Decision) (data.Intake, error) {
	var problems []string
	in := data.Intake{WindowID: f.session().WindowID, Decision: d, Materials: f.materials.Selected,
		Applicant: data.Applicant{Kind: f.applicantKind(), IDCode: f.code.Text, Name: strings.TrimSpace(f.name.Text),
			Contact: strings.TrimSpace(f.contact.Text), Phone: strings.TrimSpace(f.phone.Text), Address: strings.TrimSpace(f.address.Text)},
	}
	if in.WindowID == 0 {
		return in, data.Errorf(data.EFORBIDDEN, "%s", lang.L("当前用户未分配窗口，不能登记办件"))
	}
	if f.selected < 0 {
		problems = append(problems, lang.L("办理事项：请先选择事项"))
	}
	check := in.Applicant // Problems normalises the code; the store does it again
	for _, err := range check.Problems(f.now()) {
		problems = append(problems, problem(err))
	}
	if d == data.DecideRefuse {
		in.Reason = strings.TrimSpace(f.reason.Text)
	}
	in.Proofs = f.typedProofs()
	if _, err := policy.CheckProofs(in.Proofs, in.Applicant, calendar.DateOf(f.now())); err != nil && len(problems) == 0 {
		problems = append(problems, problem(err))
	}
	if th := f.chosenTheme(); th != nil {
		// A theme: the store decides per item (受理, or 补正 for what it
		// lacks); refusing the whole thing is not a decision at the counter.
		if d == data.DecideRefuse {
			problems = append(problems, lang.L("一件事不能整体不予受理：请对具体事项分别办理"))
		}
		if _, unknown := th.Plan(in.Materials); len(unknown) > 0 {
			problems = append(problems, fmt.Sprintf(lang.L("材料：%s 不是本一件事的申请材料"), strings.Join(unknown, lang.L("、"))))
		}
	} else if f.selected >= 0 {
		// The counter's rules (data.Intake.Check), the same the store
		// applies: what is missing, and whether the decision fits.
		it := f.items[f.selected].item
		in.ItemID = it.ID
		for _, err := range in.Check(it) {
			problems = append(problems, problem(err))
		}
	} else if d == data.DecideRefuse && in.Reason == "" {
		problems = append(problems, lang.L("理由：不予受理须写明理由"))
	}
	if len(problems) > 0 {
		return in, data.Errorf(data.EINVALID, "%s", strings.Join(problems, "\n"))
	}
	return in, nil
}

// recheck runs the last refused decision's checks again as the clerk puts
// the fields right: the message names what is still wrong, and goes once
// nothing is.
func (f *intakeScreen) recheck() {
	if f.refused == "" {
		return
	}
	if _, err := f.intake(f.refused); err != nil {
		f.showError(err)
		return
	}
	f.refused = ""
	f.result.SetText("")
}

// submit registers the case in the background and reports the result.
func (f *intakeScreen) submit(d data.Decision) {
	in, err := f.intake(d)
	if err != nil {
		f.refused = d
		f.showError(err)
		return
	}
	clerk := f.session().ID
	if th := f.chosenTheme(); th != nil {
		f.submitTheme(*th, in)
		return
	}
	f.setBusy(true)
	f.bg.run(func() {
		ctx := context.Background()
		app, err := f.store.Register(ctx, clerk, in)
		fyne.Do(func() {
			f.setBusy(false)
			if err != nil {
				f.showError(err)
				return
			}
			f.clear()
			f.result.Importance = widget.SuccessImportance
			f.result.SetText(savedMessage(app, app.Clock) + f.offerAfter(app))
			f.offerPrint(app)
			if f.onSaved != nil {
				f.onSaved(app)
			}
			if f.focus != nil {
				f.focus(f.search)
			}
		})
	})
}

// feesText lists the fees an item charges, or says it charges none.
func feesText(fees []data.FeeItem) string {
	if len(fees) == 0 {
		return lang.L("收费：不收费")
	}
	var parts []string
	var total int64
	for _, fe := range fees {
		parts = append(parts, fe.Name+" "+yuan(fe.AmountFen))
		total += fe.AmountFen
	}
	return fmt.Sprintf(lang.L("收费：%s，合计 %s"), strings.Join(parts, lang.L("、")), yuan(total))
}

func savedMessage(app data.Application, r clock.Result) string {
	switch app.Status {
	case data.StatusAccepted:
		msg := fmt.Sprintf(lang.L("已受理。办件编号 %s\n承诺办结日期 %s（%d 个工作日），法定期限 %s（%d 个工作日）"),
			app.Number, r.Promised.Due, r.Promised.Limit, r.Statutory.Due, r.Statutory.Limit)
		if len(app.Fees) > 0 {
			msg += fmt.Sprintf(lang.L("\n应收 %s；如符合减免政策，请在办件详情中“申请减免”"), yuan(app.AmountDue()))
		}
		return msg
	case data.StatusSupplement:
		return fmt.Sprintf(lang.L("已一次性告知补正。办件编号 %s\n需补正：%s"), app.Number, strings.Join(app.Events[len(app.Events)-1].Data.Missing, lang.L("、")))
	case data.StatusRefused:
		return fmt.Sprintf(lang.L("已登记为不予受理。办件编号 %s"), app.Number)
	}
	return lang.L("已登记。办件编号 ") + app.Number
}

func (f *intakeScreen) showError(err error) {
	f.result.Importance = widget.DangerImportance
	f.result.SetText(problem(err))
}

// offerPrint shows the button for the registered case's notice (Ctrl+P
// anywhere on 受理登记), and prints it at once where the PC is set so.
func (f *intakeScreen) offerPrint(app data.Application) {
	f.last, f.lastTheme = app, ""
	f.printMsg.SetText("")
	kind, ok := noticeFor(app.Status)
	if !ok || f.desk == nil {
		f.printBtn.Hide()
		return
	}
	f.printBtn.SetText(fmt.Sprintf(lang.L("打印%s（Ctrl+P）"), lang.L(kind.Title())))
	f.printBtn.Show()
	if f.autoPrint != nil && f.autoPrint() {
		f.printLast()
	}
}

// printLast prints the notice of the case registered last, on A4.
func (f *intakeScreen) printLast() {
	if f.desk == nil {
		return
	}
	if f.lastTheme != "" {
		f.desk.issue(f.lastTheme, data.DocThemeAccept, render.Options{Size: render.A4}, false, func(text string, imp widget.Importance) {
			f.printMsg.Importance = imp
			f.printMsg.SetText(text)
		})
		return
	}
	kind, ok := noticeFor(f.last.Status)
	if !ok {
		// Ctrl+P before anything was registered (or after a case that
		// has no notice at the counter): say so rather than nothing.
		f.printMsg.Importance = widget.MediumImportance
		f.printMsg.SetText(lang.L("本窗口还没有可打印的通知书：请先登记办件"))
		return
	}
	f.desk.issue(f.last.Number, kind, render.Options{Size: render.A4}, false, func(text string, imp widget.Importance) {
		f.printMsg.Importance = imp
		f.printMsg.SetText(text)
	})
}

// reset forgets the last clerk's work (logging out): an empty form, no
// message and no notice to print.
func (f *intakeScreen) reset() {
	f.clear()
	f.refused = ""
	f.last, f.lastTheme = data.Application{}, ""
	f.result.SetText("")
	f.printMsg.SetText("")
	f.printBtn.Hide()
}

func (f *intakeScreen) setBusy(busy bool) {
	for _, b := range []*widget.Button{f.accept, f.notify, f.refuse} {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}
