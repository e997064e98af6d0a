package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/catalogue"
	"github.com/onewindow/onewindow/data/sqlite"
)

// catalogueStore is what the spreadsheet import and export need.
type catalogueStore interface {
	Site(ctx context.Context) (data.Site, error)
	Catalogue(ctx context.Context) (*catalogue.Catalogue, error)
	ImportCatalogue(ctx context.Context, actorID int64, c *catalogue.Catalogue, o sqlite.CatalogueImport) (sqlite.CatalogueResult, error)
}

// catalogueIO is 设置 → 服务事项's 导入/导出/模板: the centre's catalogue as
// the spreadsheet it keeps. An import is checked whole first and shown —
// every problem with its sheet, row and column, or what would change —
// and only then applied; new users' one-time PINs go to a PDF of slips
// that is written before the import commits.
type catalogueIO struct {
	store      catalogueStore
	session    func() data.User
	win        fyne.Window
	bg         *worker
	now        func() time.Time
	onImported func()

	// The check on screen: its title, its lines (problems or changes),
	// and the catalogue waiting to be applied (nil when it has problems
	// or changes nothing).
	title   string
	lines   []string
	pending *catalogue.Catalogue
	files   []catalogue.File
	newUser int
	dlg     dialog.Dialog
	msg     *widget.Label
}

func newCatalogueIO(s catalogueStore, session func() data.User, win fyne.Window, msg *widget.Label) *catalogueIO {
	return &catalogueIO{store: s, session: session, win: win, msg: msg, now: time.Now}
}

var bookFilter = storage.NewExtensionFileFilter([]string{".xlsx", ".csv", ".txt", ".XLSX", ".CSV", ".TXT"})

// chooseImport asks for the file and checks it.
func (ci *catalogueIO) chooseImport() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			say(ci.msg, wrong, problem(err))
			return
		}
		if r == nil {
			return
		}
		ci.check(r.URI().Name(), r)
	}, ci.win)
	d.SetFilter(bookFilter)
	d.Show()
}

// check reads and checks a file in the background, then shows the result.
func (ci *catalogueIO) check(name string, r io.ReadCloser) {
	actor := ci.session().ID
	say(ci.msg, plain, lang.L("正在检查 ")+name+"……")
	ci.bg.run(func() {
		defer r.Close()
		book, file, err := render.ReadBookFile(name, r)
		var c *catalogue.Catalogue
		var problems []catalogue.Problem
		var res sqlite.CatalogueResult
		if err == nil {
			c, problems = catalogue.Parse(book)
			if len(problems) == 0 {
				res, err = ci.store.ImportCatalogue(context.Background(), actor, c, sqlite.CatalogueImport{DryRun: true, Files: []catalogue.File{file}})
				problems = res.Problems
			}
		}
		fyne.Do(func() {
			ci.pending, ci.files, ci.newUser = nil, []catalogue.File{file}, 0
			switch {
			case len(problems) > 0:
				ci.title = fmt.Sprintf(lang.L("%s 中有 %d 处问题，没有导入任何内容。请在电子表格中改正后重新导入："), name, len(problems))
				ci.lines = nil
				for _, p := range problems {
					ci.lines = append(ci.lines, p.String())
				}
				say(ci.msg, wrong, ci.title)
			case err != nil:
				say(ci.msg, wrong, problem(err))
				return
			default:
				ci.title, ci.lines = checkSummary(name, res), res.Changes
				if len(res.Changes) > 0 {
					ci.pending, ci.newUser = c, len(c.NewUsers())
				} else {
					ci.lines = []string{lang.L("文件与系统中的目录一致，没有需要导入的变化。")}
				}
				say(ci.msg, plain, ci.title)
			}
			ci.showCheck()
		})
	})
}

func checkSummary(name string, res sqlite.CatalogueResult) string {
	var parts []string
	for _, n := range res.Counts {
		parts = append(parts, fmt.Sprintf(lang.L("%s：新增 %d、修改 %d、不变 %d"), lang.L(n.Table), n.Added, n.Changed, n.Same))
	}
	return fmt.Sprintf(lang.L("%s 检查无误。导入将："), name) + strings.Join(parts, lang.L("；"))
}

// showCheck shows the check: the lines in a list, and 导入 when there is
// something to apply.
func (ci *catalogueIO) showCheck() {
	head := widget.NewLabel(ci.title)
	head.Wrapping = fyne.TextWrapWord
	list := widget.NewList(func() int { return len(ci.lines) },
		func() fyne.CanvasObject { l := widget.NewLabel(""); l.Wrapping = fyne.TextWrapWord; return l },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(ci.lines[i]) })
	copyBtn := widget.NewButton(lang.L("复制清单"), func() {
		fyne.CurrentApp().Clipboard().SetContent(ci.title + "\n" + strings.Join(ci.lines, "\n"))
	})
	note := ""
	if ci.newUser > 0 {
		note = fmt.Sprintf(lang.L("其中 %d 名新用户将得到一次性 PIN：导入前请选择密码条（PDF）的保存位置，打印后当面交本人。"), ci.newUser)
	}
	top := container.NewVBox(head)
	if note != "" {
		noteLabel := widget.NewLabel(note)
		noteLabel.Wrapping = fyne.TextWrapWord
		top.Add(noteLabel)
	}
	body := container.NewBorder(top, container.NewHBox(copyBtn), nil, nil, list)
	if ci.pending == nil {
		ci.dlg = dialog.NewCustom(lang.L("导入事项目录"), lang.L("关闭"), body, ci.win)
	} else {
		c, files := ci.pending, ci.files
		ci.dlg = dialog.NewCustomConfirm(lang.L("导入事项目录"), lang.L("导入"), lang.L("取消"), body, func(ok bool) {
			if ok {
				ci.confirm(c, files)
			}
		}, ci.win)
	}
	ci.dlg.Resize(fyne.NewSize(780, 520))
	ci.dlg.Show()
}

// confirm applies the checked catalogue, asking first where the PIN slips
// go when it adds users.
func (ci *catalogueIO) confirm(c *catalogue.Catalogue, files []catalogue.File) {
	if len(c.NewUsers()) == 0 {
		ci.apply(c, files, nil)
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			say(ci.msg, wrong, problem(err))
			return
		}
		if w == nil {
			say(ci.msg, plain, lang.L("未导入：新用户的密码条需要一个保存位置。"))
			return
		}
		ci.apply(c, files, w)
	}, ci.win)
	d.SetFileName(fmt.Sprintf(lang.L("新用户密码条-%s.pdf"), ci.now().In(calendar.Shanghai).Format("20060102-1504")))
	d.Show()
}

// apply imports; the slips, when users are added, go to w inside the
// import's transaction, so an unwritable file leaves nothing imported.
func (ci *catalogueIO) apply(c *catalogue.Catalogue, files []catalogue.File, w io.WriteCloser) {
	actor := ci.session().ID
	say(ci.msg, plain, lang.L("正在导入……"))
	ci.bg.run(func() {
		ctx := context.Background()
		site, err := ci.store.Site(ctx)
		var res sqlite.CatalogueResult
		if err == nil {
			res, err = ci.store.ImportCatalogue(ctx, actor, c, sqlite.CatalogueImport{Files: files, Deliver: func(users []sqlite.NewUser) error {
				return writeSlips(w, site.Name, users, ci.now())
			}})
		}
		if w != nil {
			if cerr := w.Close(); err == nil && cerr != nil {
				err = cerr
			}
			if uw, ok := w.(fyne.URIWriteCloser); ok && err != nil {
				storage.Delete(uw.URI()) // an empty or partial slips file
			}
		}
		fyne.Do(func() {
			if len(res.Problems) > 0 {
				ci.title = fmt.Sprintf(lang.L("检查之后目录已被修改，有 %d 处问题，没有导入任何内容："), len(res.Problems))
				ci.lines = nil
				for _, p := range res.Problems {
					ci.lines = append(ci.lines, p.String())
				}
				ci.pending = nil
				ci.showCheck()
				return
			}
			if err != nil {
				say(ci.msg, wrong, lang.L("未导入：")+problem(err))
				return
			}
			text := fmt.Sprintf(lang.L("已导入 %d 项变化。"), len(res.Changes))
			if n := len(res.NewUsers); n > 0 {
				text += fmt.Sprintf(lang.L("%d 名新用户的一次性 PIN 已写入密码条：请打印、裁开、当面交本人，然后删除该文件。"), n)
			}
			say(ci.msg, done, text)
			if ci.onImported != nil {
				ci.onImported()
			}
		})
	})
}

func writeSlips(w io.Writer, site string, users []sqlite.NewUser, now time.Time) error {
	if w == nil {
		return data.Errorf(data.EINVALID, "新用户的密码条没有保存位置")
	}
	slips := make([]render.Slip, len(users))
	for i, u := range users {
		slips[i] = render.Slip{Login: u.Login, Name: u.Name, Role: u.Role, Window: u.Window, PIN: u.PIN}
	}
	pdf, err := render.PINSlips(site, slips, now)
	if err != nil {
		return err
	}
	if _, err := w.Write(pdf); err != nil {
		return data.Errorf(data.EINVALID, "密码条无法写入（%v），没有导入任何内容", err)
	}
	return nil
}

// export writes the catalogue, or the empty template, where the user says.
func (ci *catalogueIO) export(template bool) {
	name := fmt.Sprintf(lang.L("事项目录-%s.xlsx"), ci.now().In(calendar.Shanghai).Format("20060102"))
	if template {
		name = lang.L("事项目录模板.xlsx")
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			say(ci.msg, wrong, problem(err))
			return
		}
		if w != nil {
			ci.writeBook(w, template)
		}
	}, ci.win)
	d.SetFileName(name)
	d.Show()
}

func (ci *catalogueIO) writeBook(w io.WriteCloser, template bool) {
	ci.bg.run(func() {
		var book catalogue.Book
		var err error
		if template {
			book = catalogue.Template()
		} else {
			var c *catalogue.Catalogue
			if c, err = ci.store.Catalogue(context.Background()); err == nil {
				book = c.Book()
			}
		}
		var buf bytes.Buffer
		if err == nil {
			err = render.WriteBook(&buf, book)
		}
		if err == nil {
			_, err = w.Write(buf.Bytes())
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		fyne.Do(func() {
			if err != nil {
				say(ci.msg, wrong, lang.L("未能保存：")+problem(err))
				return
			}
			if template {
				say(ci.msg, done, lang.L("模板已保存：每张工作表一种记录，“说明”表列出每一列及其允许的值。"))
			} else {
				say(ci.msg, done, lang.L("事项目录已导出：在 Excel 或 WPS 中修改后可再导入。"))
			}
		})
	})
}
