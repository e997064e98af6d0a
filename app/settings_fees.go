package app

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/policy"
)

// feeStore is what the 收费与减免 settings need. Every change is checked
// (and refused to anyone but an administrator) by the store.
type feeStore interface {
	FeeItems(ctx context.Context) ([]data.FeeItem, error)
	SaveFeeItem(ctx context.Context, actorID int64, f data.FeeItem) (data.FeeItem, error)
	ItemFees(ctx context.Context) (map[int64][]string, error)
	SetItemFees(ctx context.Context, actorID, itemID int64, codes []string) error
	WaiverPolicies(ctx context.Context) ([]data.WaiverPolicy, error)
	SaveWaiverPolicy(ctx context.Context, actorID int64, p data.WaiverPolicy) (data.WaiverPolicy, error)
	RectifyDays(ctx context.Context) int
	SetRectifyDays(ctx context.Context, actorID int64, days int) error
	Items(ctx context.Context) ([]data.ServiceItem, error)
}

// feeSettings maintains the fee schedules, which fees each service item
// charges, the waiver policies and the rectification deadline for 差评.
type feeSettings struct {
	store   feeStore
	session func() data.User
	win     fyne.Window
	bg      *worker

	fees     []data.FeeItem
	policies []data.WaiverPolicy
	items    []data.ServiceItem
	links    map[int64][]string

	feeList    *widget.List
	policyList *widget.List
	item       *widget.Select
	itemFees   *widget.CheckGroup
	days       *widget.Entry
	msg        *widget.Label
}

func newFeeSettings(s feeStore, session func() data.User, win fyne.Window) *feeSettings {
	fs := &feeSettings{store: s, session: session, win: win}
	fs.feeList = widget.NewList(func() int { return len(fs.fees) },
		func() fyne.CanvasObject { return truncatedLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(feeItemText(fs.fees[id])) })
	fs.feeList.OnSelected = func(id widget.ListItemID) {
		fs.feeList.UnselectAll()
		if id < len(fs.fees) {
			fs.editFee(fs.fees[id])
		}
	}
	fs.policyList = widget.NewList(func() int { return len(fs.policies) },
		func() fyne.CanvasObject { return truncatedLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(policyText(fs.policies[id]))
		})
	fs.policyList.OnSelected = func(id widget.ListItemID) {
		fs.policyList.UnselectAll()
		if id < len(fs.policies) {
			fs.editPolicy(fs.policies[id])
		}
	}
	fs.item = widget.NewSelect(nil, func(string) { fs.showItemFees() })
	fs.item.PlaceHolder = lang.L("请选择事项")
	fs.itemFees = widget.NewCheckGroup(nil, nil)
	fs.days = widget.NewEntry()
	fs.msg = widget.NewLabel(lang.L("点击收费标准或减免政策进行修改。收费标准按受理日期适用：调整标准时请为旧标准填写失效日期，再新增新标准。"))
	fs.msg.Wrapping = fyne.TextWrapWord
	return fs
}

func (fs *feeSettings) content() fyne.CanvasObject {
	admin := fs.session().Role == data.RoleAdmin
	addFee := widget.NewButton(lang.L("新增收费标准……"), func() { fs.editFee(data.FeeItem{Unit: "件"}) })
	addPolicy := widget.NewButton(lang.L("新增减免政策……"), func() { fs.editPolicy(data.WaiverPolicy{}) })
	saveLinks := widget.NewButton(lang.L("保存事项收费"), fs.saveItemFees)
	saveDays := widget.NewButton(lang.L("保存"), fs.saveDays)
	if !admin {
		for _, b := range []*widget.Button{addFee, addPolicy, saveLinks, saveDays} {
			b.Disable()
		}
	}
	bold := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	links := container.NewBorder(container.NewVBox(bold(lang.L("事项收费")), fs.item), container.NewHBox(saveLinks), nil, nil,
		container.NewVScroll(fs.itemFees))
	days := container.NewVBox(widget.NewSeparator(), bold(lang.L("差评整改期限")),
		container.NewHBox(container.NewGridWrap(fyne.NewSize(80, fs.days.MinSize().Height), fs.days), widget.NewLabel(lang.L("个工作日")), saveDays))
	fees := container.NewBorder(container.NewHBox(bold(lang.L("收费标准")), addFee), nil, nil, nil, fs.feeList)
	policies := container.NewBorder(container.NewHBox(bold(lang.L("减免政策")), addPolicy), nil, nil, nil, fs.policyList)
	lists := container.NewVSplit(fees, policies)
	lists.Offset = 0.55
	split := container.NewHSplit(lists, container.NewBorder(nil, days, nil, nil, links))
	split.Offset = 0.68
	return container.NewBorder(fs.msg, nil, nil, nil, split)
}

func (fs *feeSettings) load() {
	fs.bg.run(func() {
		ctx := context.Background()
		fees, err1 := fs.store.FeeItems(ctx)
		policies, err2 := fs.store.WaiverPolicies(ctx)
		items, err3 := fs.store.Items(ctx)
		links, err4 := fs.store.ItemFees(ctx)
		days := fs.store.RectifyDays(ctx)
		fyne.Do(func() {
			if err := firstErr(err1, err2, err3, err4); err != nil {
				say(fs.msg, wrong, lang.L("读取设置失败：")+problem(err))
				return
			}
			fs.fees, fs.policies, fs.items, fs.links = fees, policies, items, links
			fs.feeList.Refresh()
			fs.policyList.Refresh()
			opts := make([]string, len(items))
			for i, it := range items {
				opts[i] = it.Code + " " + it.Name
			}
			sel := fs.item.SelectedIndex()
			fs.item.Options = opts
			fs.item.Refresh()
			if sel >= 0 && sel < len(opts) {
				fs.item.SetSelectedIndex(sel)
			}
			fs.showItemFees()
			fs.days.SetText(strconv.Itoa(days))
		})
	})
}

// feeCodes lists every fee code once, as "code name" of its latest schedule.
func (fs *feeSettings) feeCodes() (codes, labels []string) {
	name := map[string]string{}
	for _, f := range fs.fees {
		if _, seen := name[f.Code]; !seen {
			codes = append(codes, f.Code)
		}
		name[f.Code] = f.Name
	}
	sort.Strings(codes)
	for _, c := range codes {
		labels = append(labels, c+" "+name[c])
	}
	return codes, labels
}

// showItemFees ticks the fees the selected item charges.
func (fs *feeSettings) showItemFees() {
	_, labels := fs.feeCodes()
	fs.itemFees.Options = labels
	fs.itemFees.Selected = nil
	if i := fs.item.SelectedIndex(); i >= 0 && i < len(fs.items) {
		on := map[string]bool{}
		for _, c := range fs.links[fs.items[i].ID] {
			on[c] = true
		}
		for _, l := range labels {
			if code, _, _ := strings.Cut(l, " "); on[code] {
				fs.itemFees.Selected = append(fs.itemFees.Selected, l)
			}
		}
	}
	fs.itemFees.Refresh()
}

func (fs *feeSettings) saveItemFees() {
	i := fs.item.SelectedIndex()
	if i < 0 || i >= len(fs.items) {
		say(fs.msg, wrong, lang.L("事项：请先选择事项"))
		return
	}
	it := fs.items[i]
	codes := []string{}
	for _, l := range fs.itemFees.Selected {
		code, _, _ := strings.Cut(l, " ")
		codes = append(codes, code)
	}
	actor := fs.session().ID
	fs.bg.run(func() {
		err := fs.store.SetItemFees(context.Background(), actor, it.ID, codes)
		fyne.Do(func() {
			if err != nil {
				say(fs.msg, wrong, problem(err))
				return
			}
			say(fs.msg, done, fmt.Sprintf(lang.L("已保存：%s 收取 %d 项费用，自此后受理的办件起适用。"), it.Name, len(codes)))
			fs.load()
		})
	})
}

func (fs *feeSettings) saveDays() {
	n, err := strconv.Atoi(strings.TrimSpace(fs.days.Text))
	if err != nil {
		say(fs.msg, wrong, lang.L("差评整改期限：应为整数个工作日"))
		return
	}
	actor := fs.session().ID
	fs.bg.run(func() {
		err := fs.store.SetRectifyDays(context.Background(), actor, n)
		fyne.Do(func() {
			if err != nil {
				say(fs.msg, wrong, problem(err))
				return
			}
			say(fs.msg, done, fmt.Sprintf(lang.L("已保存：此后的差评须在 %d 个工作日内整改。"), n))
		})
	})
}

// validityEntries are the two date fields of a schedule or policy.
func validityEntries(from, to calendar.Date) (*widget.Entry, *widget.Entry) {
	f, t := widget.NewEntry(), widget.NewEntry()
	f.SetPlaceHolder("2026-01-01")
	t.SetPlaceHolder(lang.L("长期有效可不填"))
	if from != 0 {
		f.SetText(from.String())
	}
	if to != 0 {
		t.SetText(to.String())
	}
	return f, t
}

// parseValidity reads the two date fields; the message names the field.
func parseValidity(from, to string) (calendar.Date, calendar.Date, error) {
	f, err := calendar.ParseDate(strings.TrimSpace(from))
	if err != nil {
		return 0, 0, fmt.Errorf("%s", lang.L("生效日期：应为“年-月-日”，如 2026-01-01"))
	}
	var t calendar.Date
	if s := strings.TrimSpace(to); s != "" {
		if t, err = calendar.ParseDate(s); err != nil {
			return 0, 0, fmt.Errorf("%s", lang.L("失效日期：应为“年-月-日”，或留空表示长期有效"))
		}
	}
	return f, t, nil
}

func (fs *feeSettings) editFee(f data.FeeItem) {
	code, name, amount, unit, basis := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	code.SetText(f.Code)
	name.SetText(f.Name)
	if f.ID != 0 {
		amount.SetText(strings.TrimSuffix(data.Yuan(f.AmountFen), " 元"))
	}
	amount.SetPlaceHolder("80.00")
	unit.SetText(f.Unit)
	basis.SetText(f.Basis)
	basis.SetPlaceHolder("发改价格规〔2016〕2559号")
	from, to := validityEntries(f.ValidFrom, f.ValidTo)
	form := dialog.NewForm(lang.L("收费标准"), lang.L("确定"), lang.L("取消"), []*widget.FormItem{
		widget.NewFormItem(lang.L("编码"), code), widget.NewFormItem(lang.L("名称"), name),
		widget.NewFormItem(lang.L("收费标准（元）"), amount), widget.NewFormItem(lang.L("计费单位"), unit),
		widget.NewFormItem(lang.L("收费依据文号"), basis),
		widget.NewFormItem(lang.L("生效日期"), from), widget.NewFormItem(lang.L("失效日期"), to),
	}, func(ok bool) {
		if !ok {
			return
		}
		fs.saveFee(data.FeeItem{ID: f.ID, Code: strings.TrimSpace(code.Text), Name: strings.TrimSpace(name.Text),
			Unit: strings.TrimSpace(unit.Text), Basis: strings.TrimSpace(basis.Text)}, amount.Text, from.Text, to.Text)
	}, fs.win)
	form.Resize(fyne.NewSize(600, 460))
	form.Show()
}

// saveFee reads the amount and dates typed into the form and saves f.
func (fs *feeSettings) saveFee(f data.FeeItem, amount, from, to string) {
	var err error
	if f.AmountFen, err = parseYuan(amount); err != nil {
		say(fs.msg, wrong, lang.L("收费标准：应为不超过两位小数的元数，如 80 或 80.50"))
		return
	}
	if f.ValidFrom, f.ValidTo, err = parseValidity(from, to); err != nil {
		say(fs.msg, wrong, err.Error())
		return
	}
	actor := fs.session().ID
	fs.bg.run(func() {
		_, err := fs.store.SaveFeeItem(context.Background(), actor, f)
		fs.saved(err, f.Code+" "+f.Name)
	})
}

func (fs *feeSettings) editPolicy(p data.WaiverPolicy) {
	code, name, basis := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	code.SetText(p.Code)
	name.SetText(p.Name)
	basis.SetText(p.Basis)
	basis.SetPlaceHolder("财税〔2016〕79号")
	from, to := validityEntries(p.ValidFrom, p.ValidTo)
	var form dialog.Dialog
	rule := widget.NewButton(lang.L("设置适用条件……"), func() { form.Hide(); fs.editRule(p) })
	said := lang.L("未设（由窗口判断）")
	if r, err := policy.ParseRule(p.Rule); err == nil && r != nil {
		said = r.Describe()
	}
	if p.ID == 0 {
		rule.Disable()
		said = lang.L("保存政策后再设置")
	}
	form = dialog.NewForm(lang.L("减免政策"), lang.L("确定"), lang.L("取消"), []*widget.FormItem{
		widget.NewFormItem(lang.L("编码"), code), widget.NewFormItem(lang.L("名称"), name),
		widget.NewFormItem(lang.L("减免依据文号"), basis),
		widget.NewFormItem(lang.L("生效日期"), from), widget.NewFormItem(lang.L("失效日期"), to),
		widget.NewFormItem(lang.L("适用条件"), container.NewBorder(nil, nil, nil, rule, wrapped(said))),
	}, func(ok bool) {
		if !ok {
			return
		}
		// The rule is kept as it is (适用条件 edits it).
		fs.savePolicy(data.WaiverPolicy{ID: p.ID, Code: strings.TrimSpace(code.Text), Name: strings.TrimSpace(name.Text),
			Basis: strings.TrimSpace(basis.Text), Rule: p.Rule}, from.Text, to.Text)
	}, fs.win)
	form.Resize(fyne.NewSize(600, 380))
	form.Show()
}

// savePolicy reads the dates typed into the form and saves p.
func (fs *feeSettings) savePolicy(p data.WaiverPolicy, from, to string) {
	var err error
	if p.ValidFrom, p.ValidTo, err = parseValidity(from, to); err != nil {
		say(fs.msg, wrong, err.Error())
		return
	}
	fs.storePolicy(p)
}

// storePolicy saves p in the background.
func (fs *feeSettings) storePolicy(p data.WaiverPolicy) {
	actor := fs.session().ID
	fs.bg.run(func() {
		_, err := fs.store.SaveWaiverPolicy(context.Background(), actor, p)
		fs.saved(err, p.Code+" "+p.Name)
	})
}

// saved reports a save from the background and reloads the lists.
func (fs *feeSettings) saved(err error, what string) {
	fyne.Do(func() {
		if err != nil {
			say(fs.msg, wrong, problem(err))
			return
		}
		say(fs.msg, done, lang.L("已保存。")+" "+what)
		fs.load()
	})
}

func validityText(from, to calendar.Date) string {
	if to == 0 {
		return fmt.Sprintf(lang.L("%s 起"), from)
	}
	return fmt.Sprintf(lang.L("%s 至 %s"), from, to)
}

func feeItemText(f data.FeeItem) string {
	return fmt.Sprintf(lang.L("%s　%s　%s/%s · 依据 %s · %s"), f.Code, f.Name, yuan(f.AmountFen), f.Unit, f.Basis, validityText(f.ValidFrom, f.ValidTo))
}

func policyText(p data.WaiverPolicy) string {
	s := fmt.Sprintf(lang.L("%s　%s · 依据 %s · %s"), p.Code, p.Name, p.Basis, validityText(p.ValidFrom, p.ValidTo))
	if r, err := policy.ParseRule(p.Rule); err == nil && r != nil {
		s += lang.L(" · 适用：") + r.Describe()
	}
	return s
}
