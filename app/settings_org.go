package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
)

// orgStore is what the windows, departments and users settings change.
type orgStore interface {
	Windows(ctx context.Context) ([]data.Window, error)
	Departments(ctx context.Context) ([]data.Department, error)
	SaveWindow(ctx context.Context, actorID int64, w data.Window) (data.Window, error)
	SaveDepartment(ctx context.Context, actorID int64, d data.Department) (data.Department, error)
	AddUser(ctx context.Context, actorID int64, u data.User, pin string) (data.User, error)
}

// orgSettings lists the site's windows and departments and adds new ones
// and new users (administrators only; the store checks it too).
type orgSettings struct {
	store   orgStore
	session func() data.User
	win     fyne.Window
	bg      *worker
	onSaved func() // reload the lists that show windows and users

	windows []data.Window
	winList *widget.Label
	depList *widget.Label
	msg     *widget.Label
}

func newOrgSettings(s orgStore, session func() data.User, win fyne.Window) *orgSettings {
	o := &orgSettings{store: s, session: session, win: win}
	o.winList = widget.NewLabel("")
	o.depList = widget.NewLabel("")
	o.msg = widget.NewLabel("")
	o.msg.Wrapping = fyne.TextWrapWord
	return o
}

func (o *orgSettings) content() fyne.CanvasObject {
	addWin := widget.NewButton(lang.L("新增窗口……"), func() { o.askCodeName(lang.L("新增窗口"), o.saveWindow) })
	addDep := widget.NewButton(lang.L("新增部门……"), func() { o.askCodeName(lang.L("新增部门"), o.saveDepartment) })
	addUser := widget.NewButton(lang.L("新增用户……"), o.askUser)
	lists := container.NewGridWithColumns(2,
		container.NewBorder(container.NewHBox(bold(lang.L("窗口")), addWin), nil, nil, nil, container.NewVScroll(o.winList)),
		container.NewBorder(container.NewHBox(bold(lang.L("部门")), addDep), nil, nil, nil, container.NewVScroll(o.depList)))
	return container.NewBorder(container.NewVBox(container.NewHBox(addUser), o.msg), nil, nil, nil, lists)
}

func (o *orgSettings) load() {
	o.bg.run(func() {
		ctx := context.Background()
		wins, err1 := o.store.Windows(ctx)
		deps, err2 := o.store.Departments(ctx)
		fyne.Do(func() {
			if err1 != nil || err2 != nil {
				o.msg.SetText(lang.L("读取设置失败：") + problem(firstErr(err1, err2)))
				return
			}
			o.windows = wins
			var w, d []string
			for _, x := range wins {
				w = append(w, x.Code+"　"+x.Name)
			}
			for _, x := range deps {
				d = append(d, x.Code+"　"+x.Name)
			}
			o.winList.SetText(strings.Join(w, "\n"))
			o.depList.SetText(strings.Join(d, "\n"))
		})
	})
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// askCodeName asks for a code and a name, then calls save with them.
func (o *orgSettings) askCodeName(title string, save func(code, name string)) {
	code, name := widget.NewEntry(), widget.NewEntry()
	dialog.ShowForm(title, lang.L("确定"), lang.L("取消"), []*widget.FormItem{
		widget.NewFormItem(lang.L("编码"), code), widget.NewFormItem(lang.L("名称"), name),
	}, func(ok bool) {
		if ok {
			save(strings.TrimSpace(code.Text), strings.TrimSpace(name.Text))
		}
	}, o.win)
}

func (o *orgSettings) saveWindow(code, name string) {
	o.save(func(ctx context.Context, actor int64) error {
		_, err := o.store.SaveWindow(ctx, actor, data.Window{Code: code, Name: name})
		return err
	})
}

func (o *orgSettings) saveDepartment(code, name string) {
	o.save(func(ctx context.Context, actor int64) error {
		_, err := o.store.SaveDepartment(ctx, actor, data.Department{Code: code, Name: name})
		return err
	})
}

func (o *orgSettings) askUser() {
	login, name, pin := widget.NewEntry(), widget.NewEntry(), widget.NewPasswordEntry()
	roles := []data.Role{data.RoleClerk, data.RoleSupervisor, data.RoleAdmin}
	roleSel := widget.NewSelect([]string{roleLabel(roles[0]), roleLabel(roles[1]), roleLabel(roles[2])}, nil)
	roleSel.SetSelectedIndex(0)
	winOpts := []string{lang.L("无")}
	for _, w := range o.windows {
		winOpts = append(winOpts, w.Code+" "+w.Name)
	}
	winSel := widget.NewSelect(winOpts, nil)
	winSel.SetSelectedIndex(0)
	dialog.ShowForm(lang.L("新增用户"), lang.L("确定"), lang.L("取消"), []*widget.FormItem{
		widget.NewFormItem(lang.L("登录名"), login), widget.NewFormItem(lang.L("姓名"), name),
		widget.NewFormItem(lang.L("角色"), roleSel), widget.NewFormItem(lang.L("窗口"), winSel),
		widget.NewFormItem(lang.L("PIN（6–8 位数字）"), pin),
	}, func(ok bool) {
		if !ok {
			return
		}
		u := data.User{Login: strings.TrimSpace(login.Text), Name: strings.TrimSpace(name.Text), Role: roles[max(roleSel.SelectedIndex(), 0)]}
		if i := winSel.SelectedIndex(); i > 0 {
			u.WindowID = o.windows[i-1].ID
		}
		p := pin.Text
		o.save(func(ctx context.Context, actor int64) error {
			_, err := o.store.AddUser(ctx, actor, u, p)
			return err
		})
	}, o.win)
}

// save runs a change in the background and reports it.
func (o *orgSettings) save(change func(ctx context.Context, actor int64) error) {
	actor := o.session().ID
	o.bg.run(func() {
		err := change(context.Background(), actor)
		fyne.Do(func() {
			if err != nil {
				o.msg.Importance = widget.DangerImportance
				o.msg.SetText(problem(err))
				return
			}
			o.msg.Importance = widget.SuccessImportance
			o.msg.SetText(lang.L("已保存。"))
			o.load()
			if o.onSaved != nil {
				o.onSaved()
			}
		})
	})
}
