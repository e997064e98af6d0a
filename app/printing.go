package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data"
)

// errNoPrinter is what a printer returns when the PC has neither a default
// printer nor a program that opened the PDF: nothing came out and nothing
// is on the screen, and the clerk is offered 另存为 instead.
var errNoPrinter = errors.New("no printer and no PDF viewer")

// prefAutoPrint is the PC's setting "print the notice as soon as a case is
// registered" (设置 → 站点).
const prefAutoPrint = "intake.autoprint"

// paperDesk issues a case's documents, renders them and prints or saves
// them; the intake form and the case view share it. Each output issues the
// document (or counts a 补打) in the store, audited, before the PDF is made.
type paperDesk struct {
	store   docStore
	bg      *worker
	win     fyne.Window
	print   printer
	session func() data.User
	notice  *dialog.ConfirmDialog // "未能打印", while it is open
}

// answer is Enter (yes) or Esc (no) for the open "未能打印" dialog; false
// when there is none.
func (p *paperDesk) answer(yes bool) bool {
	if p.notice == nil {
		return false
	}
	if yes {
		p.notice.Confirm()
	} else {
		p.notice.Dismiss()
	}
	return true
}

// shown is where a screen puts the outcome of a document: the text and how
// it should look.
type shown func(text string, imp widget.Importance)

// issue issues the document of kind for the case (or, for a problem's
// paper, the problem), renders it on opt's
// paper, and prints it — or, with save, asks where to keep it. Characters
// that could not be printed are shown to the clerk.
func (p *paperDesk) issue(number string, kind data.DocKind, opt render.Options, save bool, show shown) {
	actor := p.session().ID
	show(lang.L("正在生成文书……"), widget.MediumImportance)
	p.bg.run(func() {
		issue := p.store.IssueDocument
		switch {
		case kind.ForProblem():
			issue = p.store.IssueProblemDocument
		case kind.ForTheme(): // number is a 主题件's
			issue = p.store.IssueThemeDocument
		}
		doc, err := issue(context.Background(), number, kind, actor)
		var res render.Result
		if err == nil {
			res, err = render.Render(doc, opt)
		}
		var path, printed string
		var printErr error
		if err == nil && !save {
			if path, printErr = writeTemp(doc.Number, res.PDF); printErr == nil {
				printed, printErr = p.print(path)
			}
		}
		fyne.Do(func() {
			if err != nil {
				show(problem(err), widget.DangerImportance)
				return
			}
			what := doc.Notice.Title + " " + doc.Number
			if doc.Reprints > 0 {
				what += fmt.Sprintf(lang.L("（补打第 %d 次）"), doc.Reprints)
			}
			if len(res.Warnings) > 0 {
				dialog.ShowInformation(lang.L("有字符无法打印"), strings.Join(res.Warnings, "\n"), p.win)
			}
			switch {
			case save:
				p.saveAs(doc.Number+".pdf", res.PDF, what, show)
			case errors.Is(printErr, errNoPrinter):
				// Nothing came out and nothing opened: say so, and offer
				// to keep the file where the clerk can print it from.
				text := what + lang.L("：已出具，但本机没有默认打印机，也没有能打开 PDF 的程序，未能打印。")
				show(text, widget.WarningImportance)
				// Enter saves, Esc closes (the window's keys).
				p.notice = dialog.NewCustomConfirm(lang.L("未能打印"), lang.L("另存为……（Enter）"), lang.L("关闭（Esc）"),
					widget.NewLabel(text+"\n"+lang.L("可另存为 PDF 文件，拷到有打印机的电脑上打印。")), func(ok bool) {
						p.notice = nil
						if ok {
							p.saveAs(doc.Number+".pdf", res.PDF, what, show)
						}
					}, p.win)
				p.notice.Show()
			case printErr != nil:
				// The document is issued; the paper did not come out. Say
				// why, and where the file is, so it can be printed by hand.
				show(printErr.Error()+"\n"+lang.L("文书已出具，PDF 文件在：")+path, widget.DangerImportance)
			default:
				show(what+lang.L("：")+printed, widget.SuccessImportance)
			}
		})
	})
}

func (p *paperDesk) saveAs(name string, b []byte, what string, show shown) {
	saveFile(p.win, name, b, func(path string, err error) {
		if err != nil {
			show(lang.L("保存失败：")+err.Error(), widget.DangerImportance)
			return
		}
		show(what+lang.L(" 已保存到 ")+path, widget.SuccessImportance)
	})
}

// noticeFor is the notice that goes with a registration's decision.
func noticeFor(s data.Status) (data.DocKind, bool) {
	switch s {
	case data.StatusAccepted:
		return data.DocAccept, true
	case data.StatusSupplement:
		return data.DocSupplement, true
	case data.StatusRefused:
		return data.DocRefuse, true
	}
	return "", false
}
