package app

import (
	"context"
	"fmt"
	"image/color"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/pinyin"
	"github.com/onewindow/onewindow/data/sqlite"
)

// settingsStore is what the settings screen reads and changes.
type settingsStore interface {
	Site(ctx context.Context) (data.Site, error)
	SaveSite(ctx context.Context, actorID int64, site data.Site) error
	Users(ctx context.Context) ([]data.User, error)
	SetPIN(ctx context.Context, actorID int64, login, pin string) error
	Calendar(ctx context.Context) (*calendar.Calendar, error)
	ImportCalendar(ctx context.Context, actorID int64, sched calendar.Schedule) (sqlite.CalendarChange, error)
	orgStore
	itemStore
	feeStore
	backupStore
	problemSettingsStore
	themeSettingsStore
}

// settingsScreen is 设置: the site, the users and their PINs, and the
// working-day calendar as month grids with the import of a new year.
type settingsScreen struct {
	store   settingsStore
	session func() data.User
	win     fyne.Window
	prefs   fyne.Preferences // this PC's settings: the interface language, printing at intake
	bg      *worker
	now     func() time.Time

	siteCode  *widget.Entry
	siteName  *widget.Entry
	sitePhone *widget.Entry
	siteKind  *widget.Select
	siteMsg   *widget.Label
	users     []data.User
	userBox   *fyne.Container
	userFind  *widget.Entry // filters the users by login, name or its pinyin initials
	year      *widget.Select
	months    *fyne.Container
	calNote   *widget.Label
	cal       *calendar.Calendar
	org       *orgSettings
	onSite    func(data.Site) // the window title shows the site
	items     *itemSettings
	fees      *feeSettings
	backup    *backupTab
	problems  *problemSettings
	themes    *themeSettings
}

func newSettingsScreen(s settingsStore, session func() data.User, win fyne.Window, prefs fyne.Preferences) *settingsScreen {
	st := &settingsScreen{store: s, session: session, win: win, prefs: prefs, now: time.Now}
	st.siteCode, st.siteName, st.sitePhone = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	st.sitePhone.SetPlaceHolder(lang.L("印在受理通知书等文书上，可不填"))
	st.siteKind = widget.NewSelect([]string{lang.L(data.SiteCentre.Label()), lang.L(data.SiteTownship.Label()), lang.L(data.SiteVillage.Label())}, nil)
	st.siteMsg = widget.NewLabel("")
	st.siteMsg.Wrapping = fyne.TextWrapWord
	st.userBox = container.NewVBox()
	st.userFind = widget.NewEntry()
	st.userFind.SetPlaceHolder(lang.L("筛选：登录名、姓名或拼音首字母"))
	st.userFind.OnChanged = func(string) { st.drawUsers() }
	this := time.Now().In(calendar.Shanghai).Year()
	var years []string
	for y := this - 2; y <= this+1; y++ {
		years = append(years, strconv.Itoa(y))
	}
	st.year = widget.NewSelect(years, func(string) { st.drawMonths() })
	st.year.Selected = strconv.Itoa(this)
	st.months = container.NewGridWithColumns(4)
	st.calNote = widget.NewLabel("")
	st.calNote.Wrapping = fyne.TextWrapWord
	st.org = newOrgSettings(s, session, win)
	st.org.onSaved = st.load
	st.items = newItemSettings(s, session, win)
	// An import may have changed every tab: windows, departments, users,
	// fees and items.
	st.items.io.onImported = func() {
		st.load()
		if st.items.onChanged != nil {
			st.items.onChanged()
		}
	}
	st.fees = newFeeSettings(s, session, win)
	st.backup = newBackupTab(s, win)
	st.problems = newProblemSettings(s, session)
	st.themes = newThemeSettings(s, session, win)
	return st
}

func (st *settingsScreen) content() fyne.CanvasObject {
	importBtn := widget.NewButton(lang.L("导入新年度节假日安排（JSON）……"), st.chooseImport)
	legend := widget.NewLabel(lang.L("红色：节假日休息　蓝色：调休上班　灰色：周末"))
	calTab := container.NewBorder(
		container.NewVBox(container.NewHBox(widget.NewLabel(lang.L("年份")), st.year, importBtn), legend, st.calNote),
		nil, nil, nil, container.NewVScroll(st.months))
	langSel := widget.NewSelect([]string{languages[0].label, languages[1].label}, nil)
	current := st.prefs.StringWithFallback(prefLanguage, "zh")
	for _, l := range languages {
		if l.code == current {
			langSel.Selected = l.label
		}
	}
	langNote := widget.NewLabel("")
	langSel.OnChanged = func(string) {
		i := langSel.SelectedIndex()
		st.prefs.SetString(prefLanguage, languages[i].code)
		langNote.SetText(lang.L("界面语言已保存，重新启动程序后生效。") + " / Restart OneWindow to change the language.")
	}
	siteForm := widget.NewForm(widget.NewFormItem(lang.L("站点编码"), st.siteCode), widget.NewFormItem(lang.L("站点名称"), st.siteName),
		widget.NewFormItem(lang.L("站点类型"), st.siteKind), widget.NewFormItem(lang.L("咨询电话"), st.sitePhone))
	saveSite := widget.NewButton(lang.L("保存站点"), st.saveSite)
	if st.session().Role != data.RoleAdmin {
		saveSite.Disable()
	}
	autoPrint := widget.NewCheck(lang.L("登记后立即打印受理通知书、补正告知书或不予受理通知书（本机设置）"),
		func(on bool) { st.prefs.SetBool(prefAutoPrint, on) })
	autoPrint.Checked = st.prefs.Bool(prefAutoPrint)
	siteTab := container.NewVBox(siteForm, container.NewHBox(saveSite), st.siteMsg,
		container.NewHBox(widget.NewLabel(lang.L("界面语言 Language")), langSel), langNote, autoPrint)
	usersTab := container.NewBorder(st.userFind, nil, nil, nil, container.NewVScroll(st.userBox))
	return container.NewAppTabs(
		container.NewTabItem(lang.L("工作日历"), calTab),
		container.NewTabItem(lang.L("用户与 PIN"), usersTab),
		container.NewTabItem(lang.L("窗口、部门与新用户"), st.org.content()),
		container.NewTabItem(lang.L("服务事项"), st.items.content()),
		container.NewTabItem(lang.L("收费与减免"), st.fees.content()),
		container.NewTabItem(lang.L("一件事"), st.themes.content()),
		container.NewTabItem(lang.L("企业问题"), st.problems.content()),
		container.NewTabItem(lang.L("站点"), siteTab),
		container.NewTabItem(lang.L("备份"), st.backup.content()),
	)
}

// load reads the site, the users and the calendar in the background.
func (st *settingsScreen) load() {
	st.org.bg, st.items.bg, st.fees.bg, st.backup.bg, st.problems.bg, st.themes.bg = st.bg, st.bg, st.bg, st.bg, st.bg, st.bg
	st.themes.load()
	st.backup.showDaily()
	st.problems.load()
	st.org.load()
	st.items.load()
	st.fees.load()
	st.bg.run(func() {
		ctx := context.Background()
		site, err1 := st.store.Site(ctx)
		users, err2 := st.store.Users(ctx)
		cal, err3 := st.store.Calendar(ctx)
		fyne.Do(func() {
			for _, err := range []error{err1, err2, err3} {
				if err != nil {
					st.calNote.SetText(lang.L("读取设置失败：") + problem(err))
					return
				}
			}
			st.showSite(site)
			st.users = users
			st.drawUsers()
			st.cal = cal
			st.drawMonths()
		})
	})
}

func (st *settingsScreen) drawUsers() {
	admin := st.session().Role == data.RoleAdmin
	st.userBox.Objects = nil
	q := strings.ToLower(strings.TrimSpace(st.userFind.Text))
	for _, u := range st.users {
		u := u
		if q != "" && !strings.Contains(strings.ToLower(u.Login), q) && !strings.Contains(u.Name, q) && !strings.Contains(pinyin.Initials(u.Name), q) {
			continue
		}
		b := widget.NewButton(lang.L("设置 PIN"), func() { st.askPIN(u) })
		if !admin {
			b.Disable()
		}
		st.userBox.Add(container.NewBorder(nil, nil, nil, b, widget.NewLabel(userLabel(u))))
	}
	if !admin {
		st.userBox.Add(widget.NewLabel(lang.L("只有管理员可以设置 PIN。")))
	}
	st.userBox.Refresh()
}

func (st *settingsScreen) askPIN(u data.User) {
	pin := widget.NewPasswordEntry()
	dialog.ShowForm(lang.L("设置 ")+u.Name+lang.L(" 的 PIN"), lang.L("确定"), lang.L("取消"), []*widget.FormItem{widget.NewFormItem(lang.L("新 PIN（6–8 位数字）"), pin)}, func(ok bool) {
		if !ok {
			return
		}
		actor, p := st.session().ID, pin.Text
		st.bg.run(func() {
			err := st.store.SetPIN(context.Background(), actor, u.Login, p)
			fyne.Do(func() {
				if err != nil {
					dialog.ShowInformation(lang.L("未能设置 PIN"), problem(err), st.win)
					return
				}
				dialog.ShowInformation(lang.L("已设置"), u.Name+lang.L(" 的 PIN 已更新。"), st.win)
			})
		})
	}, st.win)
}

var (
	holidayColour = color.NRGBA{R: 0xE5, G: 0x39, B: 0x35, A: 0xFF}
	makeupColour  = color.NRGBA{R: 0x42, G: 0x85, B: 0xF4, A: 0xFF}
	weekendColour = color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xFF}
)

// drawMonths draws the selected year as twelve month grids.
func (st *settingsScreen) drawMonths() {
	if st.cal == nil {
		return
	}
	year, _ := strconv.Atoi(st.year.Selected)
	if st.cal.Knows(year) {
		st.calNote.SetText(fmt.Sprintf(lang.L("%d 年：已载入国务院节假日安排；工作日 %d 天。"), year,
			st.cal.CountWorkdays(calendar.NewDate(year, 1, 1)-1, calendar.NewDate(year, 12, 31))))
	} else {
		st.calNote.SetText(fmt.Sprintf(lang.L("%d 年的节假日安排尚未导入：期限暂按周一至周五计算，导入后未办结办件的期限会自动重算。"), year))
	}
	st.months.Objects = nil
	for m := time.January; m <= time.December; m++ {
		st.months.Add(st.month(year, m))
	}
	st.months.Refresh()
}

func (st *settingsScreen) month(year int, m time.Month) fyne.CanvasObject {
	size := theme.TextSize() - 2
	grid := container.NewGridWithColumns(7)
	for _, w := range []string{lang.L("一"), lang.L("二"), lang.L("三"), lang.L("四"), lang.L("五"), lang.L("六"), lang.L("日")} {
		t := canvas.NewText(w, weekendColour)
		t.TextSize, t.Alignment = size, fyne.TextAlignCenter
		grid.Add(t)
	}
	first := calendar.NewDate(year, m, 1)
	for i := 0; i < (int(first.Weekday())+6)%7; i++ {
		grid.Add(canvas.NewText("", nil))
	}
	for d := first; d.Time().Month() == m; d++ {
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		work := st.cal.IsWorkday(d)
		c := theme.Color(theme.ColorNameForeground)
		holiday := !work && (!weekend || st.cal.Name(d) != "") // weekend days inside a holiday count too
		switch {
		case holiday:
			c = holidayColour
		case work && weekend:
			c = makeupColour
		case !work:
			c = weekendColour
		}
		t := canvas.NewText(strconv.Itoa(d.Time().Day()), c)
		t.TextSize, t.Alignment = size, fyne.TextAlignCenter
		t.TextStyle.Bold = holiday || (work && weekend)
		grid.Add(t)
	}
	return container.NewVBox(bold(fmt.Sprintf(lang.L("%d 月"), m)), grid)
}

// chooseImport asks for a year's schedule in the open-data JSON shape.
func (st *settingsScreen) chooseImport() {
	if st.session().Role != data.RoleAdmin {
		dialog.ShowInformation(lang.L("需要管理员"), lang.L("只有管理员可以导入节假日安排。"), st.win)
		return
	}
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		b, err := io.ReadAll(io.LimitReader(r, 1<<20))
		if err != nil {
			dialog.ShowInformation(lang.L("未能读取"), err.Error(), st.win)
			return
		}
		st.importSchedule(b)
	}, st.win)
}

// importSchedule parses and imports a schedule and redraws the calendar.
func (st *settingsScreen) importSchedule(b []byte) {
	sched, err := calendar.ParseJSON(b)
	if err != nil {
		st.calNote.SetText(lang.L("节假日文件有误：") + err.Error())
		return
	}
	actor := st.session().ID
	st.bg.run(func() {
		ctx := context.Background()
		ch, err := st.store.ImportCalendar(ctx, actor, sched)
		var cal *calendar.Calendar
		if err == nil {
			cal, err = st.store.Calendar(ctx)
		}
		fyne.Do(func() {
			if err != nil {
				st.calNote.SetText(lang.L("导入失败：") + problem(err))
				return
			}
			st.cal = cal
			st.year.SetSelected(strconv.Itoa(sched.Years[0]))
			st.drawMonths()
			st.calNote.SetText(st.calNote.Text + fmt.Sprintf(lang.L("\n已导入 %d 年安排（%d 个日期），%d 件未办结办件的期限已重算。"), sched.Years[0], ch.Days, ch.CasesChanged))
		})
	})
}

var siteKinds = []data.SiteKind{data.SiteCentre, data.SiteTownship, data.SiteVillage}

func (st *settingsScreen) showSite(site data.Site) {
	st.siteCode.SetText(site.Code)
	st.siteName.SetText(site.Name)
	st.sitePhone.SetText(site.Phone)
	for i, k := range siteKinds {
		if k == site.Kind {
			st.siteKind.SetSelectedIndex(i)
		}
	}
}

// saveSite stores the site form (the store refuses a new code once cases exist).
func (st *settingsScreen) saveSite() {
	site := data.Site{Code: strings.TrimSpace(st.siteCode.Text), Name: strings.TrimSpace(st.siteName.Text), Phone: strings.TrimSpace(st.sitePhone.Text)}
	if i := st.siteKind.SelectedIndex(); i >= 0 {
		site.Kind = siteKinds[i]
	}
	actor := st.session().ID
	st.bg.run(func() {
		err := st.store.SaveSite(context.Background(), actor, site)
		fyne.Do(func() {
			if err != nil {
				st.siteMsg.Importance = widget.DangerImportance
				st.siteMsg.SetText(problem(err))
				return
			}
			st.siteMsg.Importance = widget.SuccessImportance
			st.siteMsg.SetText(lang.L("已保存。"))
			if st.onSite != nil {
				st.onSite(site)
			}
		})
	})
}
