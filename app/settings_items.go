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
)

// itemStore is what the catalogue editor needs.
type itemStore interface {
	Items(ctx context.Context) ([]data.ServiceItem, error)
	Departments(ctx context.Context) ([]data.Department, error)
	SaveItem(ctx context.Context, actorID int64, it data.ServiceItem) (data.ServiceItem, error)
}

var itemKinds = []data.ItemKind{data.KindImmediate, data.KindPromised, data.KindReported, data.KindJoint}

// itemSettings lists the service catalogue and edits an item in a form.
// Changed limits apply to applications received afterwards.
type itemSettings struct {
	store   itemStore
	session func() data.User
	win     fyne.Window
	bg      *worker

	items []data.ServiceItem
	deps  []data.Department
	list  *widget.List
	msg   *widget.Label
}

func newItemSettings(s itemStore, session func() data.User, win fyne.Window) *itemSettings {
	is := &itemSettings{store: s, session: session, win: win}
	is.list = widget.NewList(
		func() int { return len(is.items) },
		func() fyne.CanvasObject { return truncatedLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			it := is.items[id]
			o.(*widget.Label).SetText(fmt.Sprintf(lang.L("%s　%s · %s · %s · 承诺 %d / 法定 %d 日"), it.Code, it.Name, it.Department, lang.L(it.Kind.Label()), it.Promised, it.Statutory))
		})
	is.list.OnSelected = func(id widget.ListItemID) {
		is.list.UnselectAll()
		if id < len(is.items) {
			is.edit(is.items[id])
		}
	}
	is.msg = widget.NewLabel(lang.L("点击事项进行修改；修改后的时限只用于此后收件的办件。"))
	is.msg.Wrapping = fyne.TextWrapWord
	return is
}

func (is *itemSettings) content() fyne.CanvasObject {
	add := widget.NewButton(lang.L("新增事项……"), func() { is.edit(data.ServiceItem{Kind: data.KindPromised}) })
	return container.NewBorder(container.NewVBox(container.NewHBox(add), is.msg), nil, nil, nil, is.list)
}

func (is *itemSettings) load() {
	is.bg.run(func() {
		ctx := context.Background()
		items, err1 := is.store.Items(ctx)
		deps, err2 := is.store.Departments(ctx)
		fyne.Do(func() {
			if err := firstErr(err1, err2); err != nil {
				is.msg.SetText(lang.L("读取设置失败：") + problem(err))
				return
			}
			is.items, is.deps = items, deps
			is.list.Refresh()
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
			is.load()
		})
	})
}
