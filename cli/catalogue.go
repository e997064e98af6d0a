package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/catalogue"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/private"
)

// runCatalogue: catalogue import (a centre's spreadsheets), export (the
// same format, to edit and load back) and template (empty, with 说明).
func runCatalogue(e *env, args []string) error {
	if len(args) == 0 {
		return usageError{fmt.Errorf("catalogue 需要子命令：import、export 或 template")}
	}
	switch args[0] {
	case "import":
		return runCatalogueImport(e, args[1:])
	case "export":
		return runCatalogueExport(e, args[1:])
	case "template":
		return runCatalogueTemplate(e, args[1:])
	}
	return usageError{fmt.Errorf("未知的 catalogue 子命令 %q", args[0])}
}

func runCatalogueTemplate(e *env, args []string) error {
	fs := flag.NewFlagSet("catalogue template", flag.ContinueOnError)
	out := fs.String("o", "", "输出的 .xlsx 文件")
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	if *out == "" {
		return usageError{fmt.Errorf("用法：onewindow catalogue template -o 模板.xlsx")}
	}
	if err := writeBookFile(*out, catalogue.Template()); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "模板已写入 %s：每张工作表一种记录，“说明”表列出每一列及其允许的值\n", *out)
	return nil
}

func writeBookFile(path string, b catalogue.Book) error {
	var buf bytes.Buffer
	if err := render.WriteBook(&buf, b); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return data.Errorf(data.EINVALID, "写入 %s：%v", path, err)
	}
	return nil
}

func runCatalogueExport(e *env, args []string) error {
	fs := flag.NewFlagSet("catalogue export", flag.ContinueOnError)
	db := dbFlag(fs)
	out := fs.String("o", "", "输出的 .xlsx 文件")
	sg := userFlags(fs, "系统管理员")
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	if *out == "" {
		return usageError{fmt.Errorf("用法：onewindow catalogue export -o 目录.xlsx --user 登录名")}
	}
	s, u, err := e.openSigned(*db, sg)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := requireAdmin(u, "导出事项目录和人员名单"); err != nil {
		return err
	}
	c, err := s.Catalogue(e.ctx)
	if err != nil {
		return err
	}
	if err := writeBookFile(*out, c.Book()); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已导出部门 %d 个、窗口 %d 个、人员 %d 名、收费标准 %d 条、减免政策 %d 条、事项 %d 项到 %s\n",
		len(c.Departments), len(c.Windows), len(c.Users), len(c.Fees), len(c.Policies), len(c.Items), *out)
	return nil
}

// readCatalogueFiles reads spreadsheet files (one workbook, or a CSV per
// table) into one book; sizes are checked before a file is read.
func readCatalogueFiles(paths []string) (catalogue.Book, []catalogue.File, error) {
	var book catalogue.Book
	var files []catalogue.File
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return book, nil, data.Errorf(data.ENOTFOUND, "文件 %s 无法读取（%v）", p, err)
		}
		if st.Size() > render.MaxBookBytes {
			return book, nil, data.Errorf(data.EINVALID, "%s 有 %.1f MB，超过 %d MB，不像事项清单", filepath.Base(p), float64(st.Size())/(1<<20), render.MaxBookBytes>>20)
		}
		f, err := os.Open(p)
		if err != nil {
			return book, nil, data.Errorf(data.ENOTFOUND, "文件 %s 无法读取（%v）", p, err)
		}
		one, file, err := render.ReadBookFile(p, f)
		f.Close()
		if err != nil {
			return book, nil, err
		}
		files = append(files, file)
		book.Sheets = append(book.Sheets, one.Sheets...)
	}
	return book, files, nil
}

func runCatalogueImport(e *env, args []string) error {
	fs := flag.NewFlagSet("catalogue import", flag.ContinueOnError)
	db := dbFlag(fs)
	dry := fs.Bool("dry-run", false, "只检查并列出将要发生的变化，不写入")
	slips := fs.String("slips", "", "新用户一次性 PIN 密码条（PDF）的保存位置；文件中有新用户时必须给出")
	sg := userFlags(fs, "系统管理员")
	var paths []string
	for rest := args; ; {
		if err := parse(e, fs, rest, true); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		paths, rest = append(paths, fs.Arg(0)), fs.Args()[1:]
	}
	if len(paths) == 0 {
		return usageError{fmt.Errorf("用法：onewindow catalogue import 文件.xlsx|文件.csv… [--dry-run] [--slips 密码条.pdf] --user 登录名")}
	}
	book, files, err := readCatalogueFiles(paths)
	if err != nil {
		return err
	}
	c, problems := catalogue.Parse(book)
	if len(problems) > 0 {
		return printProblems(e, problems)
	}
	s, u, err := e.openSigned(*db, sg)
	if err != nil {
		return err
	}
	defer s.Close()
	// A dry run first: it finds every problem the store can see, and the
	// new users, for whom the slips must have somewhere to go.
	res, err := s.ImportCatalogue(e.ctx, u.ID, c, sqlite.CatalogueImport{DryRun: true, Files: files})
	if len(res.Problems) > 0 {
		return printProblems(e, res.Problems)
	}
	if err != nil {
		return err
	}
	if *dry {
		printCatalogueResult(e, res, "试运行，未写入任何内容：导入后将")
		return nil
	}
	if n := len(c.NewUsers()); n > 0 && *slips == "" {
		return usageError{fmt.Errorf("文件中有 %d 名新用户：请用 --slips 文件.pdf 指定一次性 PIN 密码条的保存位置", n)}
	}
	site, err := s.Site(e.ctx)
	if err != nil {
		return err
	}
	res, err = s.ImportCatalogue(e.ctx, u.ID, c, sqlite.CatalogueImport{Files: files, Deliver: func(users []sqlite.NewUser) error {
		return writeSlips(*slips, site.Name, users, e)
	}})
	if len(res.Problems) > 0 {
		return printProblems(e, res.Problems)
	}
	if err != nil {
		return err
	}
	printCatalogueResult(e, res, "已导入：")
	if len(res.NewUsers) > 0 {
		fmt.Fprintf(e.stdout, "%d 名新用户的一次性 PIN 已写入 %s（仅所有者可读）：请打印、裁开、当面交本人，然后删除该文件\n", len(res.NewUsers), *slips)
	}
	return nil
}

// writeSlips writes the PIN slips where only their owner can read them.
func writeSlips(path, site string, users []sqlite.NewUser, e *env) error {
	slips := make([]render.Slip, len(users))
	for i, u := range users {
		slips[i] = render.Slip{Login: u.Login, Name: u.Name, Role: u.Role, Window: u.Window, PIN: u.PIN}
	}
	pdf, err := render.PINSlips(site, slips, e.now())
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err == nil {
		err = private.File(path)
	}
	if err == nil {
		_, err = f.Write(pdf)
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		os.Remove(path)
		return data.Errorf(data.EINVALID, "密码条无法写入 %s（%v），没有导入任何内容", path, err)
	}
	return nil
}

func printProblems(e *env, problems []catalogue.Problem) error {
	for _, p := range problems {
		fmt.Fprintln(e.stderr, p.String())
	}
	return data.Errorf(data.EINVALID, "文件中有 %d 处问题，没有导入任何内容", len(problems))
}

func printCatalogueResult(e *env, res sqlite.CatalogueResult, head string) {
	var parts []string
	for _, n := range res.Counts {
		parts = append(parts, fmt.Sprintf("%s 新增 %d、修改 %d、不变 %d", n.Table, n.Added, n.Changed, n.Same))
	}
	fmt.Fprintln(e.stdout, head+strings.Join(parts, "；"))
	const show = 40
	for i, c := range res.Changes {
		if i == show {
			fmt.Fprintf(e.stdout, "  ……另有 %d 项\n", len(res.Changes)-show)
			break
		}
		fmt.Fprintln(e.stdout, "  "+c)
	}
	if len(res.Changes) == 0 {
		fmt.Fprintln(e.stdout, "  没有变化")
	}
}
