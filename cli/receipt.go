package cli

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/theme"
)

// parseOne parses fs from args holding one positional argument anywhere
// among the flags ("receipt NUMBER -o f.pdf", "receipt -o f.pdf NUMBER
// --user zhangli") and returns it ("" when there is none).
func parseOne(e *env, fs *flag.FlagSet, args []string) (string, error) {
	var pos []string
	for rest := args; ; {
		if err := parse(e, fs, rest, true); err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			break
		}
		pos, rest = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if len(pos) > 1 {
		return "", usageError{fmt.Errorf("多余的参数：%s", strings.Join(pos[1:], " "))}
	}
	if len(pos) == 0 {
		return "", nil
	}
	return pos[0], nil
}

// runReceipt issues (or reprints) a document of a case and writes its PDF.
func runReceipt(e *env, args []string) error {
	fs := flag.NewFlagSet("receipt", flag.ContinueOnError)
	db := dbFlag(fs)
	kind := fs.String("kind", "accept", "文书种类：accept 受理通知书，supplement 补正材料通知书，refuse 不予受理通知书，complete 办结通知书，waiver 减免审批单；企业反映问题：receipt 问题受理回执（默认），explain 情况说明函")
	out := fs.String("o", "", "输出的 PDF 文件")
	size := fs.String("size", "A4", "纸张：A4 或 A5")
	two := fs.Bool("two-part", false, "一张 A4 横向纸上印两联（申请人联和存档联）")
	sg := userFlags(fs, "出具人")
	number, err := parseOne(e, fs, args)
	if err != nil {
		return err
	}
	if number == "" || *out == "" {
		return usageError{fmt.Errorf("用法：onewindow receipt 办件编号或问题编号 [--kind accept] -o 文件.pdf")}
	}
	// A problem's number: its papers (问题受理回执 unless --kind explain).
	forProblem := problem.NumberRE.MatchString(number)
	var k data.DocKind
	var err2 error
	switch {
	case forProblem && *kind == "accept":
		k = problem.DocReceipt
	case forProblem:
		k, err2 = problem.ParseDocKind(*kind)
	default:
		k, err2 = data.ParseDocKind(*kind)
	}
	if err2 != nil {
		return usageError{err2}
	}
	if *size != "A4" && *size != "A5" {
		return usageError{fmt.Errorf("--size 应为 A4 或 A5")}
	}
	s, u, err := e.openSigned(*db, sg)
	if err != nil {
		return err
	}
	defer s.Close()
	issue := s.IssueDocument
	switch {
	case forProblem:
		issue = s.IssueProblemDocument
	case theme.NumberRE.MatchString(number): // a 主题件: its one 受理通知书 or 办结通知书
		issue = s.IssueThemeDocument
		switch k {
		case data.DocAccept:
			k = data.DocThemeAccept
		case data.DocComplete:
			k = data.DocThemeComplete
		case data.DocSupplement:
			k = data.DocThemeSupplement
		default:
			return usageError{fmt.Errorf("一件事的文书：--kind accept（受理通知书）、supplement（补正材料通知书）或 complete（办结通知书）")}
		}
	}
	doc, err := issue(e.ctx, number, k, u.ID)
	if err != nil {
		return err
	}
	res, err := render.Render(doc, render.Options{Size: render.Size(*size), TwoPart: *two})
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, res.PDF, 0o644); err != nil {
		return fmt.Errorf("写入 %s：%w", *out, err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(e.stderr, "注意：", w)
	}
	reprint := ""
	if doc.Reprints > 0 {
		reprint = fmt.Sprintf("（补打第 %d 次）", doc.Reprints)
	}
	fmt.Fprintf(e.stdout, "%s %s%s，%d 页，已写入 %s\n", doc.Notice.Title, doc.Number, reprint, res.Pages, *out)
	return nil
}

// runVerifyReceipt checks a QR token offline and prints what the paper must say.
func runVerifyReceipt(e *env, args []string) error {
	fs := flag.NewFlagSet("verify-receipt", flag.ContinueOnError)
	db := dbFlag(fs)
	token, err := parseOne(e, fs, args)
	if err != nil {
		return err
	}
	if token == "" {
		return usageError{fmt.Errorf("用法：onewindow verify-receipt 二维码内容")}
	}
	s, err := e.open(*db)
	if err != nil {
		return err
	}
	defer s.Close()
	doc, err := s.VerifyReceipt(e.ctx, token)
	if err != nil {
		return verifyError{"核验未通过：" + data.ErrorMessage(err)}
	}
	fmt.Fprintf(e.stdout, "核验通过：本站点签发的%s，内容未被改动。\n\n%s", doc.Notice.Title, doc.Summary())
	return nil
}
