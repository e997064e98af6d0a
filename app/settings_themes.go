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
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/theme"
)

// 设置 → 一件事: the administrators' list of themes and their form — code,
// name, the theme's promised limit, 统一出件, and its items, each starting
// at intake or after another item, with what it issues that later items
// need. The store checks the theme against the catalogue and the role.

// themeSettingsStore is what the pane needs.
type themeSettingsStore interface {
	AllThemes(ctx context.Context) ([]theme.Theme, error)
	SaveTheme(ctx context.Context, actorID int64, t theme.Theme) (theme.Theme, error)
	Items(ctx context.Context) ([]data.ServiceItem, error)
}

type themeSettings struct {
	store   themeSettingsStore
	session func() data.User
	win     fyne.Window
	bg      *worker
	themes  []theme.Theme
	items   []data.ServiceItem
	list    *widget.List
	msg     *widget.Label
	add     *widget.Button
	// onChanged tells the counter to read the catalogue again.
	onChanged func()
}

func newThemeSettings(s themeSettingsStore, session func() data.User, win fyne.Window) *themeSettings {
	ts := &themeSettings{store: s, session: session, win: win, msg: wrapped("")}
	ts.list = widget.NewList(func() int { return len(ts.themes) },
		func() fyne.CanvasObject { return truncatedLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			t := ts.themes[id]
			state := ""
			if !t.Active {
				state = lang.L("（已停用）")
			}
			o.(*widget.Label).SetText(fmt.Sprintf(lang.L("%s　%s%s · 承诺 %d 个工作日 · %s"), t.Code, t.Name, state, t.Limit, t.Describe()))
		})
	ts.list.OnSelected = func(id widget.ListItemID) {
		ts.list.UnselectAll()
		if id < len(ts.themes) {
			ts.edit(ts.themes[id])
		}
	}
	ts.add = widget.NewButton(lang.L("新增一件事……"), func() { ts.edit(theme.Theme{Limit: 10, Together: true, Active: true}) })
	return ts
}

func (ts *themeSettings) content() fyne.CanvasObject {
	note := wrapped(lang.L("一件事把几个事项作为一件事综合受理：一份材料清单、一个主题件编号，各事项分别计时和审批；可设前置事项（如先办营业执照）。点一件事进行修改。"))
	return container.NewBorder(container.NewVBox(note, container.NewHBox(ts.add), ts.msg), nil, nil, nil, ts.list)
}

func (ts *themeSettings) load() {
	if ts.session().Role != data.RoleAdmin {
		ts.add.Disable()
	}
	ts.bg.run(func() {
		themes, err := ts.store.AllThemes(context.Background())
		var items []data.ServiceItem
		if err == nil {
			items, err = ts.store.Items(context.Background())
		}
		fyne.Do(func() {
			if err != nil {
				say(ts.msg, wrong, problem(err))
				return
			}
			ts.themes, ts.items = themes, items
			ts.list.Refresh()
		})
	})
}

// themeStepRow is one item of the form.
type themeStepRow struct {
	item, after *widget.Select
	result      *widget.Entry
	box         *fyne.Container
}

// startAtIntake is the 前置事项 choice of an item that starts at intake.
const startAtIntake = "（受理时开始）"

// edit shows the theme's form; saving it asks the store.
func (ts *themeSettings) edit(t theme.Theme) {
	code, name, limit := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	code.SetText(t.Code)
	name.SetText(t.Name)
	limit.SetText(strconv.Itoa(t.Limit))
	together := widget.NewCheck(lang.L("办结后统一出件"), nil)
	together.SetChecked(t.Together)
	active := widget.NewCheck(lang.L("启用（在受理登记中可选）"), nil)
	active.SetChecked(t.Active)
	options := make([]string, len(ts.items))
	for i, it := range ts.items {
		options[i] = it.Code + " " + it.Name
	}
	afterOptions := append([]string{lang.L(startAtIntake)}, options...)
	rows := container.NewVBox()
	var steps []*themeStepRow
	addRow := func(st theme.Step) {
		r := &themeStepRow{item: widget.NewSelect(options, nil), after: widget.NewSelect(afterOptions, nil), result: widget.NewEntry()}
		r.item.PlaceHolder = lang.L("选择事项")
		r.result.SetPlaceHolder(lang.L("如 营业执照（可不填）"))
		for _, o := range options {
			if st.Item.Code != "" && strings.HasPrefix(o, st.Item.Code+" ") {
				r.item.SetSelected(o)
			}
		}
		r.after.SetSelectedIndex(0)
		for _, o := range options {
			if st.After != "" && strings.HasPrefix(o, st.After+" ") {
				r.after.SetSelected(o)
			}
		}
		r.result.SetText(st.Result)
		del := widget.NewButton(lang.L("删除"), func() {
			for i, x := range steps {
				if x == r {
					steps = append(steps[:i], steps[i+1:]...)
					break
				}
			}
			rows.Remove(r.box)
		})
		r.box = container.NewGridWithColumns(4, r.item, r.after, r.result, del)
		steps = append(steps, r)
		rows.Add(r.box)
	}
	for _, st := range t.Steps {
		addRow(st)
	}
	if len(t.Steps) == 0 {
		addRow(theme.Step{})
		addRow(theme.Step{})
	}
	msg := wrapped("")
	head := container.NewGridWithColumns(4, bold(lang.L("事项")), bold(lang.L("前置事项")), bold(lang.L("办理结果")), widget.NewLabel(""))
	form := widget.NewForm(widget.NewFormItem(lang.L("编码"), code), widget.NewFormItem(lang.L("名称"), name),
		widget.NewFormItem(lang.L("一件事承诺时限（工作日）"), limit), widget.NewFormItem("", together), widget.NewFormItem("", active))
	var dlg dialog.Dialog
	save := widget.NewButton(lang.L("保存"), func() {
		n, err := strconv.Atoi(strings.TrimSpace(limit.Text))
		if err != nil {
			say(msg, wrong, lang.L("一件事承诺时限：请填写工作日天数"))
			return
		}
		out := theme.Theme{ID: t.ID, Code: strings.TrimSpace(code.Text), Name: strings.TrimSpace(name.Text), Limit: n, Together: together.Checked, Active: active.Checked}
		for _, r := range steps {
			st := theme.Step{Item: data.ServiceItem{Code: firstField(r.item.Selected)}, Result: strings.TrimSpace(r.result.Text)}
			if r.after.SelectedIndex() > 0 {
				st.After = firstField(r.after.Selected)
			}
			out.Steps = append(out.Steps, st)
		}
		actor := ts.session().ID
		ts.bg.run(func() {
			_, err := ts.store.SaveTheme(context.Background(), actor, out)
			fyne.Do(func() {
				if err != nil {
					say(msg, wrong, problem(err))
					return
				}
				dlg.Hide()
				say(ts.msg, done, fmt.Sprintf(lang.L("已保存一件事 %s"), out.Name))
				ts.load()
				if ts.onChanged != nil {
					ts.onChanged()
				}
			})
		})
	})
	save.Importance = widget.HighImportance
	if ts.session().Role != data.RoleAdmin {
		save.Disable()
		msg.SetText(lang.L("只有管理员可以修改一件事"))
	}
	content := container.NewBorder(form, container.NewVBox(msg, container.NewHBox(widget.NewButton(lang.L("添加事项"), func() { addRow(theme.Step{}) }), save)),
		nil, nil, container.NewVScroll(container.NewVBox(head, rows)))
	dlg = dialog.NewCustom(lang.L("一件事"), lang.L("取消"), content, ts.win)
	dlg.Resize(dialogSize(ts.win, 860, 560))
	dlg.Show()
}

// firstField is the code in "CODE 名称".
func firstField(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i]
	}
	return s
}
