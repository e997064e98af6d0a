package app

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data/calendar"
)

// The site's automatic export: with 自动导出 on, the program writes the
// changes since the last export into the chosen folder (a share on the
// e-government network, or a stick) every so many minutes while the
// folder is there, and when a user logs out at the end of the day. A
// folder that is away is said once and tried again at the next turn.
// This PC's settings (the folder, on or off, how often).

const (
	prefAutoExport      = "exchange_auto"
	prefAutoExportEvery = "exchange_every" // minutes
)

// autoEvery are the choices offered, in minutes.
var autoEvery = []int{5, 15, 30, 60}

type autoExport struct {
	x       *exchangeScreen
	on      *widget.Check
	every   *widget.Select
	status  *widget.Label
	mu      sync.Mutex // one export at a time
	lastErr string
	stop    chan struct{}
	now     func() time.Time
}

func newAutoExport(x *exchangeScreen) *autoExport {
	a := &autoExport{x: x, now: time.Now}
	a.status = widget.NewLabel("")
	a.status.Wrapping = fyne.TextWrapWord
	a.on = widget.NewCheck(lang.L("自动导出到此文件夹"), func(on bool) {
		x.prefs.SetBool(prefAutoExport, on)
		if on {
			if dir := strings.TrimSpace(x.outDir.Text); dir != "" {
				x.prefs.SetString(prefExchangeDir, dir)
			}
		}
		a.describe()
	})
	opts := make([]string, len(autoEvery))
	for i, m := range autoEvery {
		opts[i] = fmt.Sprintf(lang.L("每 %d 分钟"), m)
	}
	a.every = widget.NewSelect(opts, func(string) {
		if i := a.every.SelectedIndex(); i >= 0 {
			x.prefs.SetInt(prefAutoExportEvery, autoEvery[i])
		}
		a.describe()
	})
	a.on.Checked = x.prefs.Bool(prefAutoExport)
	minutes := x.prefs.IntWithFallback(prefAutoExportEvery, 15)
	for i, m := range autoEvery {
		if m == minutes {
			a.every.SetSelectedIndex(i)
		}
	}
	a.describe()
	return a
}

func (a *autoExport) content() fyne.CanvasObject {
	return container.NewVBox(container.NewHBox(a.on, a.every), a.status)
}

func (a *autoExport) minutes() int {
	return a.x.prefs.IntWithFallback(prefAutoExportEvery, 15)
}

func (a *autoExport) describe() {
	if !a.x.prefs.Bool(prefAutoExport) {
		a.status.SetText(lang.L("自动导出未开启：开启后，程序按时把变动写入上面的文件夹，并在退出登录时再写一次。"))
		return
	}
	a.status.SetText(fmt.Sprintf(lang.L("自动导出已开启：每 %d 分钟，以及每次退出登录时，写入 %s。"), a.minutes(), a.x.prefs.String(prefExchangeDir)))
}

// start runs the turns until stopped; the first one comes after a turn's
// wait, not at once (the program has just opened).
func (a *autoExport) start() {
	a.stop = make(chan struct{})
	go func() {
		for {
			select {
			case <-a.stop:
				return
			case <-time.After(time.Duration(a.minutes()) * time.Minute):
				a.turn("")
			}
		}
	}()
}

// turn exports if automatic export is on, the folder is there and there is
// anything to export; why says what prompted it ("" = the clock). It runs
// on the caller's goroutine and reports on the screen.
func (a *autoExport) turn(why string) {
	x := a.x
	if !x.prefs.Bool(prefAutoExport) {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	dir := x.prefs.String(prefExchangeDir)
	at := a.now().In(calendar.Shanghai).Format("15:04")
	if st, err := os.Stat(dir); dir == "" || err != nil || !st.IsDir() {
		msg := fmt.Sprintf(lang.L("%s 自动导出：文件夹 %s 暂不可用，%d 分钟后再试。"), at, dir, a.minutes())
		if a.lastErr == "" {
			a.say(msg, widget.WarningImportance)
		}
		a.lastErr = msg
		return
	}
	ctx := context.Background()
	n, err := x.store.PendingExport(ctx)
	if np, perr := x.store.PendingProblems(ctx); err == nil {
		n, err = n+np, perr
	}
	if err == nil && n == 0 {
		if a.lastErr != "" {
			a.say(fmt.Sprintf(lang.L("%s 自动导出：文件夹已恢复，没有新的变动。"), at), widget.MediumImportance)
		}
		a.lastErr = ""
		return
	}
	var res []string
	if err == nil {
		out, e := x.store.Export(ctx, dir, Program, nil)
		err = e
		for _, r := range out {
			res = append(res, fmt.Sprintf(lang.L("第 %d 号（%d 件办件）"), r.Seq, r.Cases))
		}
	}
	if err != nil {
		msg := fmt.Sprintf(lang.L("%s 自动导出未完成：%s；%d 分钟后再试。"), at, problem(err), a.minutes())
		a.lastErr = msg
		a.say(msg, widget.DangerImportance)
		return
	}
	a.lastErr = ""
	text := fmt.Sprintf(lang.L("%s 自动导出%s：已写入 %s。"), at, why, strings.Join(res, lang.L("、")))
	a.say(text, widget.SuccessImportance)
}

func (a *autoExport) say(text string, imp widget.Importance) {
	fyne.Do(func() {
		a.status.Importance = imp
		a.status.SetText(text)
		a.x.load()
	})
}
