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
	Users(ctx context.Context) ([]data.User, error)
	SetUserDepartment(ctx context.Context, actorID int64, login, department string) error
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
	depts   []data.Department
	users   []data.User
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
	userDept := widget.NewButton(lang.L("用户所属部门……"), o.askUserDepartment)
	lists := container.NewGridWithColumns(2,
		container.NewBorder(container.NewHBox(bold(lang.L("窗口")), addWin), nil, nil, nil, container.NewVScroll(o.winList)),
		container.NewBorder(container.NewHBox(bold(lang.L("部门")), addDep), nil, nil, nil, container.NewVScroll(o.depList)))
	return container.NewBorder(container.NewVBox(container.NewHBox(addUser, userDept), o.msg), nil, nil, nil, lists)
}

func (o *orgSettings) load() {
	o.bg.run(func() {
		ctx := context.Background()
		wins, err1 := o.store.Windows(ctx)
		deps, err2 := o.store.Departments(ctx)
		users, err3 := o.store.Users(ctx)
		fyne.Do(func() {
			if err := firstErr(err1, err2, err3); err != nil {
				o.msg.SetText(lang.L("读取设置失败：") + problem(err))
				return
			}
			o.windows, o.depts, o.users = wins, deps, users
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
	deptSel := o.departmentSelect("")
	dialog.ShowForm(lang.L("新增用户"), lang.L("确定"), lang.L("取消"), []*widget.FormItem{
		widget.NewFormItem(lang.L("登录名"), login), widget.NewFormItem(lang.L("姓名"), name),
		widget.NewFormItem(lang.L("角色"), roleSel), widget.NewFormItem(lang.L("窗口"), winSel),
		widget.NewFormItem(lang.L("所属部门"), deptSel),
		widget.NewFormItem(lang.L("PIN（6–8 位数字）"), pin),
	}, func(ok bool) {
		if !ok {
			return
		}
		u := data.User{Login: strings.TrimSpace(login.Text), Name: strings.TrimSpace(name.Text), Role: roles[max(roleSel.SelectedIndex(), 0)]}
		if i := winSel.SelectedIndex(); i > 0 {
			u.WindowID = o.windows[i-1].ID
		}
		u.Department = o.departmentOf(deptSel)
		p := pin.Text
		o.save(func(ctx context.Context, actor int64) error {
			_, err := o.store.AddUser(ctx, actor, u, p)
			return err
		})
	}, o.win)
}

// departmentSelect chooses a user's department: 无 (the window's own
// staff, who record for any department) or one of the departments.
func (o *orgSettings) departmentSelect(code string) *widget.Select {
	opts := []string{lang.L("无（窗口人员）")}
	sel := 0
	for i, d := range o.depts {
		opts = append(opts, d.Code+" "+d.Name)
		if d.Code == code {
			sel = i + 1
		}
	}
	s := widget.NewSelect(opts, nil)
	s.SetSelectedIndex(sel)
	return s
}

func (o *orgSettings) departmentOf(s *widget.Select) string {
	if i := s.SelectedIndex(); i > 0 && i <= len(o.depts) {
		return o.depts[i-1].Code
	}
	return ""
}

// askUserDepartment makes a user answer for a department (部门进驻人员:
// they record the answers, explanations, progress and closings of the
// problems it leads) or the window's own staff again.
func (o *orgSettings) askUserDepartment() {
	var opts []string
	for _, u := range o.users {
		opts = append(opts, u.Login+" "+u.Name)
	}
	userSel := widget.NewSelect(opts, nil)
	deptSel := o.departmentSelect("")
	userSel.OnChanged = func(string) {
		if i := userSel.SelectedIndex(); i >= 0 {
			deptSel.SetSelectedIndex(o.departmentSelect(o.users[i].Department).SelectedIndex())
		}
	}
	note := widget.NewLabel(lang.L("部门进驻人员只能记录本部门牵头问题的答复、情况说明、进展和办结，以及协办问题的答复。"))
	note.Wrapping = fyne.TextWrapWord
	dialog.ShowForm(lang.L("用户所属部门"), lang.L("确定"), lang.L("取消"), []*widget.FormItem{
		widget.NewFormItem(lang.L("用户"), userSel), widget.NewFormItem(lang.L("所属部门"), deptSel), widget.NewFormItem("", note),
	}, func(ok bool) {
		i := userSel.SelectedIndex()
		if !ok || i < 0 {
			return
		}
		login, dept := o.users[i].Login, o.departmentOf(deptSel)
		o.save(func(ctx context.Context, actor int64) error {
			return o.store.SetUserDepartment(ctx, actor, login, dept)
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
