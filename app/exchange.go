package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/internal/gctune"
)

// exchangeStore is what 数据交换 needs.
type exchangeStore interface {
	Site(ctx context.Context) (data.Site, error)
	PendingExport(ctx context.Context) (int, error)
	PendingProblems(ctx context.Context) (int, error)
	Exports(ctx context.Context) ([]exchange.ExportInfo, error)
	Export(ctx context.Context, dir, program string, progress func(done, total int)) ([]exchange.ExportResult, error)
	ExportAgain(ctx context.Context, seq int64, dir string) (exchange.ExportResult, error)
	ImportDir(ctx context.Context, actorID int64, dir string, progress func(done, total int, r exchange.ImportResult)) ([]exchange.ImportResult, error)
	SiteStatuses(ctx context.Context) ([]exchange.SiteStatus, error)
	RegisterSite(ctx context.Context, actorID int64, r exchange.Registration) (bool, error)
	receiveStore
}

// Program is written into the manifest of every bundle (set by main).
var Program = "onewindow"

const prefExchangeDir = "exchange_dir"

// siteHeaders are the columns of the registered sites' table.
var siteHeaders = []string{"站点编码", "名称", "类型", "公钥指纹", "最后数据包", "站点生成于", "本机导入于", "办件"}

// exchangeScreen is 数据交换: a site exports its changes into bundles in a
// folder (a shared folder or a USB stick); the central office imports every
// bundle in a folder and sees the registered sites with the last bundle
// received from each.
type exchangeScreen struct {
	store   exchangeStore
	session func() data.User
	win     fyne.Window
	prefs   fyne.Preferences
	bg      *worker

	// 导出
	outDir   *widget.Entry
	pending  *widget.Label
	exportB  *widget.Button
	againB   *widget.Button
	outBar   *widget.ProgressBar
	outMsg   *widget.Label
	exports  []exchange.ExportInfo
	expList  *widget.List
	selected int

	// 导入
	inDir   *widget.Entry
	importB *widget.Button
	inBar   *widget.ProgressBar
	inMsg   *widget.Label
	log     []exchange.ImportResult
	logList *widget.List

	// 站点
	sites     []exchange.SiteStatus
	siteTable *widget.Table
	registerB *widget.Button
	siteMsg   *widget.Label

	auto *autoExport  // 自动导出
	recv *receivePane // 接收中心下发
	tabs *container.AppTabs
	// onReceived runs after publications were taken: the catalogue may
	// have changed.
	onReceived func()
	now        func() time.Time
}

func newExchangeScreen(s exchangeStore, session func() data.User, win fyne.Window, prefs fyne.Preferences) *exchangeScreen {
	x := &exchangeScreen{store: s, session: session, win: win, prefs: prefs, selected: -1, now: time.Now}
	dir := prefs.String(prefExchangeDir)
	x.outDir, x.inDir = widget.NewEntry(), widget.NewEntry()
	for _, e := range []*widget.Entry{x.outDir, x.inDir} {
		e.SetPlaceHolder(lang.L("文件夹路径，如 U 盘或共享文件夹"))
		e.SetText(dir)
	}
	x.pending = widget.NewLabel("")
	x.exportB = widget.NewButton(lang.L("导出"), x.export)
	x.exportB.Importance = widget.HighImportance
	x.againB = widget.NewButton(lang.L("重新导出所选数据包"), x.exportAgain)
	x.againB.Disable()
	x.outBar = widget.NewProgressBar()
	x.outBar.Hide()
	x.outMsg = widget.NewLabel("")
	x.outMsg.Wrapping = fyne.TextWrapWord
	x.expList = widget.NewList(func() int { return len(x.exports) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			e := x.exports[i]
			o.(*widget.Label).SetText(fmt.Sprintf(lang.L("第 %d 号　%s　%d 件办件　%s　SHA-256 %s…"),
				e.Seq, data.ShanghaiTime(e.CreatedAt), e.Cases, sizeLabel(e.Size), e.SHA256[:12]))
		})
	x.expList.OnSelected = func(i widget.ListItemID) { x.selected = i; x.againB.Enable() }

	x.importB = widget.NewButton(lang.L("导入文件夹中的全部数据包"), x.importAll)
	x.importB.Importance = widget.HighImportance
	x.inBar = widget.NewProgressBar()
	x.inBar.Hide()
	x.inMsg = widget.NewLabel("")
	x.inMsg.Wrapping = fyne.TextWrapWord
	x.logList = widget.NewList(func() int { return len(x.log) },
		func() fyne.CanvasObject { l := widget.NewLabel(""); l.Truncation = fyne.TextTruncateEllipsis; return l },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := x.log[i]
			l := o.(*widget.Label)
			l.SetText(fmt.Sprintf("%s　%s　%s", filepath.Base(r.File), lang.L(r.Outcome.Label()), r.Message))
			l.Importance = outcomeImportance(r.Outcome)
			l.Refresh()
		})

	x.siteTable = widget.NewTableWithHeaders(func() (int, int) { return len(x.sites), len(siteHeaders) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(x.siteCell(id.Row, id.Col))
		})
	x.siteTable.ShowHeaderColumn = false
	x.siteTable.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	x.siteTable.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 {
			o.(*widget.Label).SetText(lang.L(siteHeaders[id.Col]))
			o.(*widget.Label).TextStyle.Bold = true
		}
	}
	for i, w := range []float32{95, 160, 160, 150, 85, 130, 130, 60} {
		x.siteTable.SetColumnWidth(i, w)
	}
	x.registerB = widget.NewButton(lang.L("登记站点…"), x.register)
	x.siteMsg = widget.NewLabel("")
	x.siteMsg.Wrapping = fyne.TextWrapWord
	x.auto = newAutoExport(x)
	x.recv = newReceivePane(x)
	return x
}

func (x *exchangeScreen) siteCell(row, col int) string {
	s := x.sites[row]
	switch col {
	case 0:
		return s.Code
	case 1:
		return s.Name
	case 2:
		return lang.L(s.Kind.Label())
	case 3:
		return s.Fingerprint()
	case 4:
		if s.LastSeq == 0 {
			return lang.L("尚未收到")
		}
		return fmt.Sprintf(lang.L("第 %d 号"), s.LastSeq)
	case 5:
		return data.ShanghaiTime(s.LastCreated)
	case 6:
		return data.ShanghaiTime(s.LastImported)
	}
	return fmt.Sprint(s.Cases)
}

func sizeLabel(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", (n+1023)/1024)
}

func (x *exchangeScreen) content() fyne.CanvasObject {
	pick := func(e *widget.Entry) *widget.Button {
		return widget.NewButton(lang.L("选择文件夹…"), func() { x.chooseFolder(e) })
	}
	out := container.NewBorder(container.NewVBox(
		widget.NewLabel(lang.L("把本站点自上次导出以来的所有变动写成签名的数据包，带往或放到中心的文件夹：")),
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("导出到：")), container.NewHBox(pick(x.outDir), x.exportB), x.outDir),
		x.auto.content(),
		x.pending, x.outBar, x.outMsg,
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("已生成的数据包（同一序号重新导出，内容完全相同）：")), x.againB),
	), nil, nil, nil, x.expList)
	in := container.NewBorder(container.NewVBox(
		wrapped(lang.L("中心：导入文件夹中各站点的数据包，按各站点的序号依次合并；缺少前序数据包的暂缓，损坏或伪造的拒收：")),
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("数据包所在文件夹：")), container.NewHBox(pick(x.inDir), x.importB), x.inDir),
		x.inBar, x.inMsg,
	), nil, nil, nil, x.logList)
	sites := container.NewBorder(container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("已在本中心登记的站点及最后收到的数据包：")), x.registerB), x.siteMsg,
	), nil, nil, nil, x.siteTable)
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("导出数据包"), out),
		container.NewTabItem(lang.L("导入数据包（中心）"), in),
		container.NewTabItem(lang.L("站点登记"), sites),
		container.NewTabItem(lang.L("接收中心下发"), x.recv.content()),
	)
	tabs.OnSelected = func(*container.TabItem) { x.load() }
	x.tabs = tabs
	return tabs
}

// load reads the pending count, the bundles made and the sites.
func (x *exchangeScreen) load() {
	if x.session().Role == data.RoleAdmin {
		x.importB.Enable()
		x.registerB.Enable()
	} else {
		x.importB.Disable()
		x.registerB.Disable()
		x.inMsg.SetText(lang.L("只有管理员可以在中心导入数据包和登记站点。"))
		x.siteMsg.SetText(lang.L("只有管理员可以在中心导入数据包和登记站点。"))
	}
	x.recv.load()
	x.bg.run(func() {
		ctx := context.Background()
		n, err := x.store.PendingExport(ctx)
		np, err4 := x.store.PendingProblems(ctx)
		exports, err2 := x.store.Exports(ctx)
		sites, err3 := x.store.SiteStatuses(ctx)
		fyne.Do(func() {
			for _, e := range []error{err, err2, err3, err4} {
				if e != nil {
					x.outMsg.SetText(problem(e))
				}
			}
			switch {
			case n == 0 && np == 0:
				x.pending.SetText(lang.L("自上次导出以来没有办件变动。"))
			case np == 0:
				x.pending.SetText(fmt.Sprintf(lang.L("自上次导出以来有 %d 件办件有变动，等待导出。"), n))
			default:
				x.pending.SetText(fmt.Sprintf(lang.L("自上次导出以来有 %d 件办件、%d 个企业问题有变动，等待导出。"), n, np))
			}
			x.exports, x.sites = exports, sites
			x.expList.UnselectAll()
			x.selected = -1
			x.againB.Disable()
			x.expList.Refresh()
			x.siteTable.Refresh()
		})
	})
}

func (x *exchangeScreen) chooseFolder(e *widget.Entry) {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		e.SetText(u.Path())
	}, x.win)
	if dir := strings.TrimSpace(e.Text); dir != "" {
		if u, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(u)
		}
	}
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// folder returns the folder typed into e, remembered for next time, or
// says what is wrong with it.
func (x *exchangeScreen) folder(e *widget.Entry, msg *widget.Label) (string, bool) {
	dir := strings.TrimSpace(e.Text)
	if st, err := os.Stat(dir); dir == "" || err != nil || !st.IsDir() {
		msg.Importance = widget.DangerImportance
		msg.SetText(lang.L("文件夹：请选择一个存在的文件夹（如 U 盘）"))
		return "", false
	}
	x.prefs.SetString(prefExchangeDir, dir)
	return dir, true
}

func (x *exchangeScreen) export() {
	dir, ok := x.folder(x.outDir, x.outMsg)
	if !ok {
		return
	}
	x.exportB.Disable()
	x.outBar.SetValue(0)
	x.outBar.Show()
	x.outMsg.Importance = widget.MediumImportance
	x.outMsg.SetText(lang.L("正在导出…"))
	x.bg.run(func() {
		res, err := x.store.Export(context.Background(), dir, Program, func(done, total int) {
			fyne.Do(func() {
				if total > 0 {
					x.outBar.SetValue(float64(done) / float64(total))
				}
			})
		})
		fyne.Do(func() {
			x.exportB.Enable()
			x.outBar.Hide()
			var lines []string
			for _, r := range res {
				lines = append(lines, fmt.Sprintf(lang.L("第 %d 号数据包已写入 %s（%d 件办件、%d 条事件、%d 个企业问题）"), r.Seq, r.Path, r.Cases, r.Events, r.Problems))
			}
			switch {
			case err != nil:
				x.outMsg.Importance = widget.DangerImportance
				lines = append(lines, lang.L("导出未完成：")+problem(err))
			case len(res) == 0:
				x.outMsg.Importance = widget.MediumImportance
				lines = append(lines, lang.L("自上次导出以来没有新的变动，未生成数据包。"))
			default:
				x.outMsg.Importance = widget.SuccessImportance
			}
			x.outMsg.SetText(strings.Join(lines, "\n"))
			x.load()
		})
	})
}

func (x *exchangeScreen) exportAgain() {
	if x.selected < 0 || x.selected >= len(x.exports) {
		return
	}
	dir, ok := x.folder(x.outDir, x.outMsg)
	if !ok {
		return
	}
	seq := x.exports[x.selected].Seq
	x.bg.run(func() {
		r, err := x.store.ExportAgain(context.Background(), seq, dir)
		fyne.Do(func() {
			if err != nil {
				x.outMsg.Importance = widget.DangerImportance
				x.outMsg.SetText(problem(err))
				return
			}
			x.outMsg.Importance = widget.SuccessImportance
			x.outMsg.SetText(fmt.Sprintf(lang.L("第 %d 号数据包已重新写入 %s（与第一次导出的内容完全相同）"), r.Seq, r.Path))
		})
	})
}

func (x *exchangeScreen) importAll() {
	dir, ok := x.folder(x.inDir, x.inMsg)
	if !ok {
		return
	}
	x.importB.Disable()
	x.log = nil
	x.logList.Refresh()
	x.inBar.SetValue(0)
	x.inBar.Show()
	x.inMsg.Importance = widget.MediumImportance
	x.inMsg.SetText(lang.L("正在导入…"))
	actor := x.session().ID
	x.bg.run(func() {
		// The central office's PC does this one thing meanwhile.
		restore := gctune.Bulk()
		res, err := x.store.ImportDir(context.Background(), actor, dir, func(done, total int, r exchange.ImportResult) {
			fyne.Do(func() {
				x.log = append(x.log, r)
				x.logList.Refresh()
				x.logList.ScrollToBottom()
				x.inBar.SetValue(float64(done) / float64(max(total, 1)))
			})
		})
		restore()
		fyne.Do(func() {
			x.importB.Enable()
			x.inBar.Hide()
			if err != nil {
				x.inMsg.Importance = widget.DangerImportance
				x.inMsg.SetText(lang.L("导入未完成：") + problem(err))
				return
			}
			n := map[exchange.ImportOutcome]int{}
			var gaps []string
			for _, r := range res {
				n[r.Outcome]++
				if r.Outcome == exchange.ImportHeld {
					gaps = append(gaps, r.Message)
				}
			}
			msg := fmt.Sprintf(lang.L("共 %d 个数据包：导入 %d，已导入过 %d，暂缓 %d，拒收 %d。"), len(res), n[exchange.ImportApplied], n[exchange.ImportAlready], n[exchange.ImportHeld], n[exchange.ImportRejected])
			switch {
			case n[exchange.ImportRejected] > 0:
				x.inMsg.Importance = widget.DangerImportance
				msg += lang.L("拒收的文件未改动任何数据，请让站点重新导出。")
			case n[exchange.ImportHeld] > 0:
				x.inMsg.Importance = widget.WarningImportance
			default:
				x.inMsg.Importance = widget.SuccessImportance
			}
			if len(gaps) > 0 {
				msg += "\n" + strings.Join(gaps, "\n")
			}
			x.inMsg.SetText(msg)
			x.load()
		})
	})
}

// register reads a site's registration file and registers the site.
func (x *exchangeScreen) register() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		x.registerFile(path)
	}, x.win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

func (x *exchangeScreen) registerFile(path string) {
	actor := x.session().ID
	x.bg.run(func() {
		b, err := os.ReadFile(path)
		var reg exchange.Registration
		changed := false
		if err == nil {
			if reg, err = exchange.ParseRegistration(b); err == nil {
				changed, err = x.store.RegisterSite(context.Background(), actor, reg)
			}
		}
		fyne.Do(func() {
			switch {
			case err != nil:
				x.siteMsg.Importance = widget.DangerImportance
				x.siteMsg.SetText(lang.L("登记未完成：") + problem(err))
			case !changed:
				x.siteMsg.Importance = widget.MediumImportance
				x.siteMsg.SetText(fmt.Sprintf(lang.L("站点 %s %s 已登记，公钥相同，未作改动。"), reg.Code, reg.Name))
			default:
				x.siteMsg.Importance = widget.SuccessImportance
				x.siteMsg.SetText(fmt.Sprintf(lang.L("已登记站点 %s %s。请与站点电话核对公钥指纹：%s"), reg.Code, reg.Name, reg.Fingerprint()))
			}
			x.load()
		})
	})
}
