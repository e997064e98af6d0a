package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data/catalogue"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/internal/testkit"
)

// A centre's day one: the template, its filled-in catalogue of 1,200
// items and 60 staff checked, imported with the PIN slips, exported,
// edited and loaded back.
func TestCatalogueCommands(t *testing.T) {
	testkit.NeedTools(t, "pdftotext")
	dir := t.TempDir()
	db := filepath.Join(dir, "centre.db")
	tpl := filepath.Join(dir, "模板.xlsx")
	if code, out, errOut := run(t, "catalogue", "template", "-o", tpl); code != 0 || !strings.Contains(out, "说明") {
		t.Fatalf("template: %d %s %s", code, out, errOut)
	}
	var buf bytes.Buffer
	if err := render.WriteBook(&buf, demo.Catalogue(11, 1200).Book()); err != nil {
		t.Fatal(err)
	}
	gen := filepath.Join(dir, "事项清单.xlsx")
	os.WriteFile(gen, buf.Bytes(), 0o644)

	code, out, errOut := signed(t, "admin", "catalogue", "import", gen, "--dry-run", "--db", db)
	if code != 0 || !strings.Contains(out, "试运行") || !strings.Contains(out, "事项 新增 1200、修改 0、不变 0") || !strings.Contains(out, "人员 新增 60") {
		t.Fatalf("dry run: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := signed(t, "admin", "catalogue", "import", gen, "--db", db); code != 2 || !strings.Contains(errOut, "60 名新用户") || !strings.Contains(errOut, "--slips") {
		t.Fatalf("import without slips: %d %s", code, errOut)
	}
	if code, _, errOut := signed(t, "zhangli", "catalogue", "import", gen, "--dry-run", "--db", db); code != 1 || !strings.Contains(errOut, "只有管理员") {
		t.Fatalf("a clerk importing: %d %s", code, errOut)
	}
	slips := filepath.Join(dir, "密码条.pdf")
	code, out, errOut = signed(t, "admin", "catalogue", "import", gen, "--slips", slips, "--db", db)
	if code != 0 || !strings.Contains(out, "已导入") || !strings.Contains(out, "60 名新用户") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	if st, err := os.Stat(slips); err != nil || runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Fatalf("slips file: %v %v", st, err)
	}
	txt, err := exec.Command("pdftotext", "-enc", "UTF-8", "-layout", slips, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`登录名：(ck007)\s[\s\S]*?一次性 PIN：\s*([0-9]{4}) ([0-9]{4})`).FindStringSubmatch(string(txt))
	if m == nil {
		t.Fatalf("no slip for ck007 in:\n%s", txt)
	}
	// The new user's PIN from the slip works once, to choose their own.
	if code, _, errOut := signedPIN(t, "ck007", m[2]+m[3], "catalogue", "export", "-o", filepath.Join(dir, "x.xlsx"), "--db", db); code != 1 || !strings.Contains(errOut, "初始 PIN") {
		t.Fatalf("first use of a slip's PIN: %d %s", code, errOut)
	}

	// Export, import again: nothing changes.
	exp := filepath.Join(dir, "导出.xlsx")
	if code, out, errOut := signed(t, "admin", "catalogue", "export", "-o", exp, "--db", db); code != 0 || !strings.Contains(out, "事项 1232 项") {
		t.Fatalf("export: %d %s %s", code, out, errOut)
	}
	code, out, errOut = signed(t, "admin", "catalogue", "import", exp, "--db", db)
	if code != 0 || !strings.Contains(out, "没有变化") || strings.Contains(out, "新增 1") {
		t.Fatalf("re-import of the export: %d %s %s", code, out, errOut)
	}

	// An edited CSV in GBK changes one item; a broken one changes nothing
	// and names every problem.
	gbk, err := os.ReadFile("../app/render/testdata/items-gbk.csv")
	if err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(dir, "事项.csv")
	os.WriteFile(csv, gbk, 0o644)
	code, out, errOut = signed(t, "admin", "catalogue", "import", csv, "--db", db)
	if code != 0 || !strings.Contains(out, "事项 新增 0、修改 3") || !strings.Contains(out, "NYJ-0001（农药经营许可（新办））：修改 申请材料、状态") {
		t.Fatalf("GBK CSV: %d %s %s", code, out, errOut)
	}
	bad := filepath.Join(dir, "坏.csv")
	os.WriteFile(bad, []byte("事项编码,事项名称,部门编码,办件类型,法定时限,承诺时限\nSLJ-0001,取水许可,SLJ,加急件,20,30\nX-1,新事项,NOPE,承诺件,20,5\n"), 0o644)
	code, _, errOut = signed(t, "admin", "catalogue", "import", bad, "--db", db)
	if code != 1 || !strings.Contains(errOut, "工作表“坏”第 2 行 D 列（办件类型）：不认识的办件类型“加急件”") || !strings.Contains(errOut, "没有导入任何内容") {
		t.Fatalf("bad CSV: %d %s", code, errOut)
	}
	os.WriteFile(bad, []byte("事项编码,事项名称,部门编码,办件类型,法定时限,承诺时限\nX-1,新事项,NOPE,承诺件,20,5\n"), 0o644)
	code, _, errOut = signed(t, "admin", "catalogue", "import", bad, "--db", db)
	if code != 1 || !strings.Contains(errOut, "第 2 行 C 列（部门编码）：部门编码“NOPE”在“部门”表和系统中都没有") {
		t.Fatalf("bad reference: %d %s", code, errOut)
	}
	if code, _, errOut := signed(t, "admin", "catalogue", "import", slips, "--db", db); code != 1 || !strings.Contains(errOut, "不是电子表格") {
		t.Fatalf("a PDF: %d %s", code, errOut)
	}
	book, err := render.ReadBook(exp, mustRead(t, exp))
	if err != nil {
		t.Fatal(err)
	}
	if c, problems := catalogue.Parse(book); len(problems) > 0 || len(c.Items) != 1232 {
		t.Fatalf("export reads back as %d items: %v", len(c.Items), problems)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
