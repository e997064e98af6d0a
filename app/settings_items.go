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
	"github.com/onewindow/onewindow/data/pinyin"
)

// itemStore is what the catalogue editor needs.
type itemStore interface {
	Items(ctx context.Context) ([]data.ServiceItem, error)
	Departments(ctx context.Context) ([]data.Department, error)
	SaveItem(ctx context.Context, actorID int64, it data.ServiceItem) (data.ServiceItem, error)
	catalogueStore
}

var itemKinds = []data.ItemKind{data.KindImmediate, data.KindPromised, data.KindReported, data.KindJoint}

// itemSettings lists the service catalogue and edits an item in a form.
// Changed limits apply to applications received afterwards.
type itemSettings struct {
	store   itemStore
	session func() data.User
	win     fyne.Window
	bg      *worker

	items  []itemEntry // with their pinyin initials, for the filter
	shown  []int       // the items the filter lets through
	filter *widget.Entry
	deps   []data.Department
	list   *widget.List
	msg    *widget.Label
	io     *catalogueIO
	// onChanged tells the counter that the catalogue changed, so that its
	// item search offers what was saved or imported.
	onChanged func()
}

func newItemSettings(s itemStore, session func() data.User, win fyne.Window) *itemSettings {
	is := &itemSettings{store: s, session: session, win: win}
	is.list = widget.NewList(
		func() int { return len(is.shown) },
		func() fyne.CanvasObject { return truncatedLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			it := is.items[is.shown[id]].item
			o.(*widget.Label).SetText(fmt.Sprintf(lang.L("%s　%s · %s · %s · 承诺 %d / 法定 %d 日"), it.Code, it.Name, it.Department, lang.L(it.Kind.Label()), it.Promised, it.Statutory))
		})
	is.list.OnSelected = func(id widget.ListItemID) {
		is.list.UnselectAll()
		if id < len(is.shown) {
			is.edit(is.items[is.shown[id]].item)
		}
	}
	is.msg = widget.NewLabel(lang.L("点击事项进行修改；修改后的时限只用于此后收件的办件。"))
	is.msg.Wrapping = fyne.TextWrapWord
	is.filter = widget.NewEntry()
	is.filter.SetPlaceHolder(lang.L("筛选：事项名称、编码或拼音首字母"))
	is.filter.OnChanged = func(string) { is.applyFilter() }
	is.io = newCatalogueIO(s, session, win, is.msg)
	is.io.onImported = is.changed
	return is
}

func (is *itemSettings) changed() {
	is.load()
	if is.onChanged != nil {
		is.onChanged()
	}
}

func (is *itemSettings) applyFilter() {
	is.shown = matchItems(is.items, is.filter.Text)
	is.list.UnselectAll()
	is.list.Refresh()
}

func (is *itemSettings) content() fyne.CanvasObject {
	add := widget.NewButton(lang.L("新增事项……"), func() { is.edit(data.ServiceItem{Kind: data.KindPromised}) })
	imp := widget.NewButton(lang.L("从电子表格导入……"), is.io.chooseImport)
	exp := widget.NewButton(lang.L("导出到电子表格……"), func() { is.io.export(false) })
	tpl := widget.NewButton(lang.L("下载空白模板……"), func() { is.io.export(true) })
	if is.session().Role != data.RoleAdmin {
		// The store refuses them too; the buttons say so before a click.
		add.Disable()
		imp.Disable()
		exp.Disable()
	}
	bar := container.NewBorder(nil, nil, container.NewHBox(add, imp, exp, tpl), nil, is.filter)
	return container.NewBorder(container.NewVBox(bar, is.msg), nil, nil, nil, is.list)
}

func (is *itemSettings) load() {
	is.io.bg = is.bg
	is.bg.run(func() {
		ctx := context.Background()
		items, err1 := is.store.Items(ctx)
		entries := make([]itemEntry, len(items))
		for i, it := range items {
			entries[i] = itemEntry{item: it, initials: pinyin.Initials(it.Name)}
		}
		deps, err2 := is.store.Departments(ctx)
		fyne.Do(func() {
			if err := firstErr(err1, err2); err != nil {
				is.msg.SetText(lang.L("读取设置失败：") + problem(err))
				return
			}
			is.items, is.deps = entries, deps
			is.applyFilter()
		})
	})
}

// edit shows the item's form; saving goes through the store's checks.
func (is *itemSettings) edit(it data.ServiceItem) {
	code, name := widget.NewEntry(), widget.NewEntry()
	code.SetText(it.Code)
	name.SetText(it.Name)
	depOpts := make([]string, len(is.deps))
	for i, d := range is.deps {
		depOpts[i] = d.Name
	}
	dep := widget.NewSelect(depOpts, nil)
	dep.PlaceHolder = lang.L("请选择部门")
	kindOpts := make([]string, len(itemKinds))
	for i, k := range itemKinds {
		kindOpts[i] = lang.L(k.Label())
	}
	kind := widget.NewSelect(kindOpts, nil)
	kind.PlaceHolder = lang.L("请选择类型")
	for i, k := range itemKinds {
		if k == it.Kind {
			kind.SetSelectedIndex(i)
		}
	}
	for i, d := range is.deps {
		if d.ID == it.DepartmentID {
			dep.SetSelectedIndex(i)
		}
	}
	statutory, promised := widget.NewEntry(), widget.NewEntry()
	statutory.SetText(strconv.Itoa(it.Statutory))
	promised.SetText(strconv.Itoa(it.Promised))
	materials := widget.NewMultiLineEntry()
	materials.SetText(strings.Join(it.Materials, "\n"))
	materials.SetMinRowsVisible(5)
	form := dialog.NewForm(lang.L("服务事项"), lang.L("确定"), lang.L("取消"), []*widget.FormItem{
		widget.NewFormItem(lang.L("编码"), code), widget.NewFormItem(lang.L("名称"), name),
		widget.NewFormItem(lang.L("部门"), dep), widget.NewFormItem(lang.L("办件类型"), kind),
		widget.NewFormItem(lang.L("法定时限（工作日）"), statutory), widget.NewFormItem(lang.L("承诺时限（工作日）"), promised),
		widget.NewFormItem(lang.L("申请材料（每行一项）"), materials),
	}, func(ok bool) {
		if !ok {
			return
		}
		out := data.ServiceItem{ID: it.ID, Code: strings.TrimSpace(code.Text), Name: strings.TrimSpace(name.Text)}
		if i := dep.SelectedIndex(); i >= 0 {
			out.DepartmentID = is.deps[i].ID
		}
		if i := kind.SelectedIndex(); i >= 0 {
			out.Kind = itemKinds[i]
		}
		var err1, err2 error
		out.Statutory, err1 = strconv.Atoi(strings.TrimSpace(statutory.Text))
		out.Promised, err2 = strconv.Atoi(strings.TrimSpace(promised.Text))
		if firstErr(err1, err2) != nil {
			is.msg.SetText(lang.L("时限：应为整数个工作日"))
			return
		}
		for _, m := range strings.Split(materials.Text, "\n") {
			if m = strings.TrimSpace(m); m != "" {
				out.Materials = append(out.Materials, m)
			}
		}
		is.save(out)
	}, is.win)
	form.Resize(fyne.NewSize(640, 520))
	form.Show()
}

func (is *itemSettings) save(it data.ServiceItem) {
	actor := is.session().ID
	is.bg.run(func() {
		_, err := is.store.SaveItem(context.Background(), actor, it)
		fyne.Do(func() {
			if err != nil {
				is.msg.Importance = widget.DangerImportance
				is.msg.SetText(problem(err))
				return
			}
			is.msg.Importance = widget.SuccessImportance
			is.msg.SetText(lang.L("已保存。") + " " + it.Name)
			is.changed()
		})
	})
}
