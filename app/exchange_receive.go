package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/sqlite"
)

// receiveStore is what 接收中心下发 needs: the centre this site takes
// publications from, and taking them.
type receiveStore interface {
	Centre(ctx context.Context) (sqlite.CentreTrust, error)
	TrustCentre(ctx context.Context, actorID int64, r exchange.Registration, replace bool) (bool, error)
	ReceivePublications(ctx context.Context, actorID int64, dir string, o sqlite.Receive) ([]sqlite.PublicationResult, error)
	ReceivedPublications(ctx context.Context) ([]sqlite.ReceivedPublication, error)
}

// receivePane is 数据交换 → 接收中心下发: a site registers its centre once,
// then takes the centre's publications (catalogue, fees, policies, holiday
// schedule; its windows and staff if it wishes) from the exchange folder.
type receivePane struct {
	x       *exchangeScreen
	centre  *widget.Label
	trustB  *widget.Button
	dir     *widget.Entry
	staff   *widget.Check
	recvB   *widget.Button
	msg     *widget.Label
	results []sqlite.PublicationResult
	history []sqlite.ReceivedPublication
	list    *widget.List
}

func newReceivePane(x *exchangeScreen) *receivePane {
	p := &receivePane{x: x, centre: wrapped(""), msg: wrapped("")}
	p.trustB = widget.NewButton(lang.L("登记中心…"), p.trust)
	p.dir = widget.NewEntry()
	p.dir.SetPlaceHolder(lang.L("文件夹路径，如 U 盘或共享文件夹"))
	p.dir.SetText(x.prefs.String(prefExchangeDir))
	p.staff = widget.NewCheck(lang.L("同时采用发给本站点的窗口和人员（新用户的一次性 PIN 写入密码条）"), nil)
	p.recvB = widget.NewButton(lang.L("接收"), p.receive)
	p.recvB.Importance = widget.HighImportance
	p.list = widget.NewList(func() int { return len(p.results) + len(p.history) },
		func() fyne.CanvasObject { return truncatedLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if i < len(p.results) {
				r := p.results[i]
				l.SetText(fmt.Sprintf("%s　%s", filepath.Base(r.File), receiveText(r)))
				l.Importance = outcomeImportance(r.Outcome)
			} else {
				h := p.history[i-len(p.results)]
				l.SetText(fmt.Sprintf(lang.L("已接收　第 %d 号　%s　%s"), h.Seq, data.ShanghaiTime(h.AppliedAt), h.Summary))
				l.Importance = widget.MediumImportance
			}
			l.Refresh()
		})
	return p
}

// receiveText says what became of a publication in this pane's words.
func receiveText(r sqlite.PublicationResult) string {
	switch r.Outcome {
	case exchange.ImportApplied:
		return lang.L("已接收：") + r.Message
	case exchange.ImportAlready:
		return lang.L("以前已接收")
	case exchange.ImportHeld:
		return lang.L("暂缓：") + r.Message
	}
	return lang.L("拒收：") + r.Message
}

func outcomeImportance(o exchange.ImportOutcome) widget.Importance {
	switch o {
	case exchange.ImportRejected:
		return widget.DangerImportance
	case exchange.ImportHeld:
		return widget.WarningImportance
	case exchange.ImportApplied:
		return widget.SuccessImportance
	}
	return widget.MediumImportance
}

func (p *receivePane) content() fyne.CanvasObject {
	pick := widget.NewButton(lang.L("选择文件夹…"), func() { p.x.chooseFolder(p.dir) })
	return container.NewBorder(container.NewVBox(
		wrapped(lang.L("站点：按序号依次接收中心签发的下发包（事项目录、收费标准、减免政策、节假日安排）；本站点自己增加的内容保留，已受理的办件保持受理时的时限和收费：")),
		container.NewBorder(nil, nil, nil, p.trustB, p.centre),
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("下发包所在文件夹：")), container.NewHBox(pick, p.recvB), p.dir),
		p.staff, p.msg,
	), nil, nil, nil, p.list)
}

// load shows the registered centre and what was taken.
func (p *receivePane) load() {
	admin := p.x.session().Role == data.RoleAdmin
	for _, b := range []*widget.Button{p.trustB, p.recvB} {
		if admin {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	p.x.bg.run(func() {
		ctx := context.Background()
		c, err := p.x.store.Centre(ctx)
		history, herr := p.x.store.ReceivedPublications(ctx)
		fyne.Do(func() {
			switch {
			case data.ErrorCode(err) == data.ENOTFOUND:
				p.centre.SetText(lang.L("尚未登记中心：请用中心给的登记文件登记（只需一次）。"))
			case err != nil:
				p.centre.SetText(problem(err))
			default:
				p.centre.SetText(fmt.Sprintf(lang.L("中心：%s（%s）"), c.Name, c.Code))
			}
			if herr == nil {
				p.history = history
			}
			if !admin {
				say(p.msg, plain, lang.L("只有管理员可以登记中心和接收下发包。"))
			}
			p.list.Refresh()
		})
	})
}

func (p *receivePane) trust() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		p.trustFile(path)
	}, p.x.win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// trustFile registers the centre from its registration file.
func (p *receivePane) trustFile(path string) {
	actor := p.x.session().ID
	p.x.bg.run(func() {
		b, err := os.ReadFile(path)
		var reg exchange.Registration
		changed := false
		if err == nil {
			if reg, err = exchange.ParseRegistration(b); err == nil {
				changed, err = p.x.store.TrustCentre(context.Background(), actor, reg, false)
			}
		}
		fyne.Do(func() {
			switch {
			case err != nil:
				say(p.msg, wrong, lang.L("登记未完成：")+problem(err))
			case !changed:
				say(p.msg, plain, fmt.Sprintf(lang.L("中心 %s %s 已登记，未作改动。"), reg.Code, reg.Name))
			default:
				say(p.msg, done, fmt.Sprintf(lang.L("已登记中心 %s %s。请与中心电话核对公钥指纹：%s"), reg.Code, reg.Name, reg.Fingerprint()))
			}
			p.load()
		})
	})
}

// receive takes the publications in the folder; with staff, the slips of
// new users go where the administrator says first.
func (p *receivePane) receive() {
	dir := p.dir.Text
	if dir == "" {
		say(p.msg, wrong, lang.L("下发包所在文件夹：请先选择"))
		return
	}
	if !p.staff.Checked {
		p.run(dir, nil)
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		p.run(dir, w)
	}, p.x.win)
	d.SetFileName(fmt.Sprintf(lang.L("密码条-%s.pdf"), p.x.now().In(calendar.Shanghai).Format("20060102")))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

func (p *receivePane) run(dir string, slips fyne.URIWriteCloser) {
	actor := p.x.session().ID
	say(p.msg, plain, lang.L("正在接收……"))
	p.x.bg.run(func() {
		ctx := context.Background()
		site, err := p.x.store.Site(ctx)
		var res []sqlite.PublicationResult
		delivered := 0
		if err == nil {
			o := sqlite.Receive{WithStaff: slips != nil, Deliver: func(users []sqlite.NewUser) error {
				delivered += len(users)
				if slips == nil {
					return data.Errorf(data.EINVALID, "新用户的密码条没有保存位置")
				}
				return writeSlips(slips, site.Name, users, p.x.now())
			}}
			res, err = p.x.store.ReceivePublications(ctx, actor, dir, o)
		}
		if slips != nil {
			slips.Close()
			if delivered == 0 {
				storage.Delete(slips.URI()) // nothing was written into it
			}
		}
		fyne.Do(func() {
			p.results = res
			if err != nil {
				say(p.msg, wrong, lang.L("未接收：")+problem(err))
			} else {
				n := map[exchange.ImportOutcome]int{}
				for _, r := range res {
					n[r.Outcome]++
				}
				text := fmt.Sprintf(lang.L("共 %d 个下发包：接收 %d，已接收过 %d，暂缓 %d，拒收 %d。"), len(res), n[exchange.ImportApplied], n[exchange.ImportAlready], n[exchange.ImportHeld], n[exchange.ImportRejected])
				if delivered > 0 {
					text += fmt.Sprintf(lang.L("%d 名新用户的一次性 PIN 已写入密码条：请打印、裁开、当面交本人，然后删除该文件。"), delivered)
				}
				level := done
				if n[exchange.ImportRejected]+n[exchange.ImportHeld] > 0 {
					level = wrong
				}
				say(p.msg, level, text)
			}
			p.load()
			if p.x.onReceived != nil && err == nil {
				p.x.onReceived()
			}
		})
	})
}
