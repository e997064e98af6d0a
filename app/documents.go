package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data"
)

// docStore issues documents and checks their QR codes.
type docStore interface {
	IssueDocument(ctx context.Context, number string, kind data.DocKind, actorID int64) (data.Document, error)
	IssueProblemDocument(ctx context.Context, number string, kind data.DocKind, actorID int64) (data.Document, error)
	IssueThemeDocument(ctx context.Context, number string, kind data.DocKind, actorID int64) (data.Document, error)
	VerifyReceipt(ctx context.Context, token string) (data.Document, error)
}

// printer sends a PDF file to paper (or to the screen) and says what it did.
type printer func(path string) (string, error)

var paperChoices = []struct {
	label string
	opt   render.Options
}{{"A4", render.Options{Size: render.A4}}, {"A5", render.Options{Size: render.A5}}, {"A4 横向两联", render.Options{TwoPart: true}}}

// askDocument offers the documents this case can have, the paper, and
// 打印 or 另存为. Each output issues the document (or counts a 补打) in the
// store, audited, before the PDF is made.
func (v *caseView) askDocument() {
	kinds := data.IssuableKinds(&v.app)
	opts := make([]string, len(kinds))
	for i, k := range kinds {
		opts[i] = lang.L(k.Title())
	}
	kind := widget.NewSelect(opts, nil)
	kind.PlaceHolder = lang.L("请选择文书")
	// The latest notice of the case's life is the one usually wanted.
	for i, k := range kinds {
		if k != data.DocWaiver || i == 0 {
			kind.SetSelectedIndex(i)
		}
	}
	papers := make([]string, len(paperChoices))
	for i, p := range paperChoices {
		papers[i] = lang.L(p.label)
	}
	paper := widget.NewRadioGroup(papers, nil)
	paper.Horizontal = true
	paper.SetSelected(papers[0])
	var dlg dialog.Dialog
	run := func(save bool) {
		i, j := kind.SelectedIndex(), 0
		for n, p := range papers {
			if p == paper.Selected {
				j = n
			}
		}
		if i < 0 {
			return
		}
		dlg.Hide()
		v.makeDocument(kinds[i], paperChoices[j].opt, save)
	}
	printBtn := widget.NewButton(lang.L("打印（Enter）"), func() { run(false) })
	printBtn.Importance = widget.HighImportance
	saveBtn := widget.NewButton(lang.L("另存为……"), func() { run(true) })
	cancel := widget.NewButton(lang.L("取消"), func() { dlg.Hide() })
	form := widget.NewForm(widget.NewFormItem(lang.L("文书"), kind), widget.NewFormItem(lang.L("纸张"), paper))
	note := widget.NewLabel(lang.L("再次打印内容相同的文书时，编号不变，纸面标注“补打”；内容有变化（如减免已审批）时出具新编号。"))
	note.Wrapping = fyne.TextWrapWord
	dlg = dialog.NewCustomWithoutButtons(lang.L("出具文书"), container.NewVBox(form, note,
		container.NewCenter(container.NewHBox(cancel, saveBtn, printBtn))), v.win)
	dlg.Resize(fyne.NewSize(560, 280))
	// Enter prints, Esc cancels (the window's keys, while nothing in the
	// dialog has the focus).
	v.docPrint, v.docDlg = func() { run(false) }, dlg
	dlg.SetOnClosed(func() { v.docPrint, v.docDlg = nil, nil })
	dlg.Show()
}

// makeDocument issues the document through the paper desk and shows the
// outcome under the case.
func (v *caseView) makeDocument(kind data.DocKind, opt render.Options, save bool) {
	v.desk.issue(v.app.Number, kind, opt, save, func(text string, imp widget.Importance) {
		v.msg.Importance = imp
		v.msg.SetText(text)
	})
}

// writeTemp keeps the PDF to print in the user's temporary folder.
func writeTemp(name string, b []byte) (string, error) {
	dir := filepath.Join(os.TempDir(), "onewindow-print")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name+".pdf")
	return path, os.WriteFile(path, b, 0o600)
}

// saveFile asks where to save b (suggesting name), writes it there and
// reports the path or the error; nothing when the clerk cancels.
func saveFile(win fyne.Window, name string, b []byte, done func(path string, err error)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		_, err = w.Write(b)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		done(w.URI().Path(), err)
	}, win)
	d.SetFileName(name)
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

// verifyScreen is 验证回执: the clerk scans (or types) the QR code of a
// document an applicant brings, and sees whether this site issued it and
// what it must say. It works offline against the site's public key.
type verifyScreen struct {
	store  docStore
	bg     *worker
	entry  *formEntry
	status *widget.Label
	result *widget.Label
}

func newVerifyScreen(s docStore) *verifyScreen {
	vs := &verifyScreen{store: s}
	vs.entry = newScreenEntry()
	vs.entry.SetPlaceHolder(lang.L("扫描文书右上角的二维码，或粘贴其内容后按回车"))
	vs.entry.OnSubmitted = func(string) { vs.check() }
	vs.status = widget.NewLabel("")
	vs.status.TextStyle.Bold = true
	vs.status.Wrapping = fyne.TextWrapWord
	vs.result = widget.NewLabel("")
	vs.result.Wrapping = fyne.TextWrapWord
	return vs
}

func (vs *verifyScreen) content() fyne.CanvasObject {
	btn := widget.NewButton(lang.L("核验"), vs.check)
	btn.Importance = widget.HighImportance
	top := container.NewVBox(
		widget.NewLabel(lang.L("核验申请人持有的受理通知书、告知书等文书是否由本站点出具、内容是否被改动：")),
		container.NewBorder(nil, nil, nil, btn, vs.entry), vs.status)
	return container.NewBorder(top, nil, nil, nil, container.NewVScroll(vs.result))
}

func (vs *verifyScreen) check() {
	token := strings.TrimSpace(vs.entry.Text)
	if token == "" {
		return
	}
	vs.bg.run(func() {
		doc, err := vs.store.VerifyReceipt(context.Background(), token)
		fyne.Do(func() {
			if err != nil {
				vs.status.Importance = widget.DangerImportance
				vs.status.SetText(lang.L("核验未通过：") + problem(err))
				vs.result.SetText("")
				return
			}
			vs.status.Importance = widget.SuccessImportance
			vs.status.SetText(lang.L("核验通过：请与纸面逐项核对以下内容。"))
			vs.result.SetText(doc.Summary())
			vs.entry.SetText("")
		})
	})
}
