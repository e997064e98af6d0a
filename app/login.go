package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
)

// loginStore is what the login screen needs.
type loginStore interface {
	Users(ctx context.Context) ([]data.User, error)
	Login(ctx context.Context, login, pin string) (data.User, error)
	ChangePIN(ctx context.Context, login, oldPIN, newPIN string) error
}

// loginScreen lets a clerk pick their name and enter their PIN.
type loginScreen struct {
	store   loginStore
	bg      *worker
	onLogin func(data.User)
	prefs   fyne.Preferences     // this PC's last user
	focus   func(fyne.Focusable) // moves the keyboard focus; set by the window

	users  []data.User
	user   *widget.Select
	pin    *widget.Entry
	button *widget.Button
	msg    *widget.Label
	form   *widget.Form

	// A user still holding the sample PIN on a real site chooses their
	// own before the working screens open.
	pending       *data.User
	oldPIN        string
	newPIN, again *widget.Entry
	changeForm    *widget.Form
}

// prefLastLogin is the login of the last user who logged in on this PC.
const prefLastLogin = "login.last"

func newLoginScreen(s loginStore, prefs fyne.Preferences, onLogin func(data.User)) *loginScreen {
	l := &loginScreen{store: s, prefs: prefs, onLogin: onLogin}
	l.user = widget.NewSelect(nil, func(string) { l.msg.SetText("") })
	l.user.PlaceHolder = lang.L("选择经办人")
	l.pin = widget.NewPasswordEntry()
	l.pin.SetPlaceHolder("PIN")
	l.pin.OnSubmitted = func(string) { l.submit() }
	l.button = widget.NewButton(lang.L("登录"), func() {
		if l.pending != nil {
			l.choose()
		} else {
			l.submit()
		}
	})
	l.newPIN, l.again = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	l.newPIN.OnSubmitted = func(string) {
		if l.focus != nil {
			l.focus(l.again)
		}
	}
	l.again.OnSubmitted = func(string) { l.choose() }
	l.button.Importance = widget.HighImportance
	l.msg = widget.NewLabel("")
	l.msg.Importance = widget.DangerImportance
	l.msg.Wrapping = fyne.TextWrapWord
	return l
}

func (l *loginScreen) content() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(lang.L("一窗通 · 窗口登录"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.form = widget.NewForm(widget.NewFormItem(lang.L("经办人"), l.user), widget.NewFormItem("PIN", l.pin))
	l.changeForm = widget.NewForm(widget.NewFormItem(lang.L("新 PIN（6–8 位数字）"), l.newPIN), widget.NewFormItem(lang.L("再输一次"), l.again))
	l.changeForm.Hide()
	box := container.NewVBox(title, l.form, l.changeForm, l.button, l.msg)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(360, 260), box))
}

// load fills the user list in the background.
func (l *loginScreen) load() {
	l.bg.run(func() {
		users, err := l.store.Users(context.Background())
		fyne.Do(func() {
			if err != nil {
				l.msg.SetText(lang.L("读取用户失败：") + problem(err))
				return
			}
			l.users = users
			opts := make([]string, len(users))
			for i, u := range users {
				opts[i] = userLabel(u)
			}
			l.user.SetOptions(opts)
			l.ready()
		})
	})
}

// ready preselects this PC's last user (or the only one, as at a central
// office with one administrator) and puts the cursor in the PIN box: a
// returning clerk types the PIN and Enter.
func (l *loginScreen) ready() {
	last := l.prefs.String(prefLastLogin)
	for i, u := range l.users {
		if (u.Login == last || len(l.users) == 1) && l.user.SelectedIndex() < 0 {
			l.user.SetSelectedIndex(i)
		}
	}
	if l.user.SelectedIndex() >= 0 && l.focus != nil {
		l.focus(l.pin)
	}
}

func userLabel(u data.User) string {
	return fmt.Sprintf(lang.L("%s（%s，%s）"), u.Name, u.Login, roleLabel(u.Role))
}

func roleLabel(r data.Role) string {
	switch r {
	case data.RoleClerk:
		return lang.L("窗口人员")
	case data.RoleSupervisor:
		return lang.L("督查")
	case data.RoleAdmin:
		return lang.L("管理员")
	}
	return string(r)
}

func (l *loginScreen) submit() {
	i := l.user.SelectedIndex()
	if i < 0 || i >= len(l.users) {
		l.msg.SetText(lang.L("请先选择经办人"))
		return
	}
	login, pin := l.users[i].Login, l.pin.Text
	l.button.Disable()
	l.bg.run(func() {
		u, err := l.store.Login(context.Background(), login, pin)
		fyne.Do(func() {
			l.button.Enable()
			l.pin.SetText("")
			if err != nil {
				l.msg.SetText(problem(err))
				return
			}
			l.prefs.SetString(prefLastLogin, u.Login)
			if u.MustChange {
				l.askNewPIN(u, pin)
				return
			}
			l.onLogin(u)
		})
	})
}

// askNewPIN turns the login into the first login's PIN choice.
func (l *loginScreen) askNewPIN(u data.User, old string) {
	l.pending, l.oldPIN = &u, old
	l.form.Hide()
	l.changeForm.Show()
	l.button.SetText(lang.L("设置 PIN 并登录"))
	l.msg.SetText(lang.L("首次登录：请设置自己的 PIN（6–8 位数字），初始 PIN 不能再用。"))
	if l.focus != nil {
		l.focus(l.newPIN)
	}
}

// choose sets the chosen PIN and opens the working screens.
func (l *loginScreen) choose() {
	u, old, pin := *l.pending, l.oldPIN, l.newPIN.Text
	if pin != l.again.Text {
		l.msg.SetText(lang.L("两次输入的 PIN 不一致"))
		return
	}
	l.button.Disable()
	l.bg.run(func() {
		err := l.store.ChangePIN(context.Background(), u.Login, old, pin)
		fyne.Do(func() {
			l.button.Enable()
			if err != nil {
				l.msg.SetText(problem(err))
				return
			}
			l.pending, l.oldPIN = nil, ""
			l.newPIN.SetText("")
			l.again.SetText("")
			l.changeForm.Hide()
			l.form.Show()
			l.button.SetText(lang.L("登录"))
			l.msg.SetText("")
			u.MustChange = false
			l.onLogin(u)
		})
	})
}
