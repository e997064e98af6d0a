package render

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/catalogue"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/internal/testkit"
)

func writeBook(tb testing.TB, b catalogue.Book) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := WriteBook(&buf, b); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func parseFile(tb testing.TB, name string, b []byte) *catalogue.Catalogue {
	tb.Helper()
	book, err := ReadBook(name, b)
	if err != nil {
		tb.Fatal(err)
	}
	c, problems := catalogue.Parse(book)
	if len(problems) > 0 {
		tb.Fatalf("%s: %v", name, problems)
	}
	return c
}

func sameBook(a, b catalogue.Book) bool {
	return slices.EqualFunc(a.Sheets, b.Sheets, func(x, y catalogue.Sheet) bool {
		return x.Name == y.Name && slices.EqualFunc(x.Rows, y.Rows, slices.Equal)
	})
}

// A generated county catalogue of 1,200 items goes to XLSX and back as
// the same records, row for row.
func TestBookXLSXRoundTrip(t *testing.T) {
	gen := demo.Catalogue(3, 1200)
	b := writeBook(t, gen.Book())
	c := parseFile(t, "事项清单.xlsx", b)
	if len(c.Items) != 1200 || len(c.Users) != 60 || len(c.Fees) != 40 {
		t.Fatalf("read back %d items, %d users, %d fees", len(c.Items), len(c.Users), len(c.Fees))
	}
	if !sameBook(c.Book(), gen.Book()) {
		t.Error("the catalogue changed on its way through XLSX")
	}
	// What a spreadsheet user sees: 说明 first, headers, codes as text.
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"说明", "部门", "窗口", "人员", "收费标准", "减免政策", "事项"}) {
		t.Errorf("sheets %v", got)
	}
	if v, _ := f.GetCellValue("事项", "E1"); v != "法定时限（工作日）" {
		t.Errorf("事项 E1 = %q", v)
	}
	// No type attribute is a number in OOXML.
	if typ, _ := f.GetCellType("事项", "E2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("a limit is stored as %v, not a number", typ)
	}
	dvs, _ := f.GetDataValidations("事项")
	if len(dvs) == 0 || !strings.Contains(dvs[0].Formula1, "承诺件") {
		t.Errorf("办件类型 offers no list: %+v", dvs)
	}
}

// The template opens in LibreOffice, as a real spreadsheet program; every
// sheet LibreOffice writes out as CSV, and the workbook it saves again as
// XLSX, read back as the template.
func TestTemplateInLibreOffice(t *testing.T) {
	testkit.NeedTools(t, "soffice")
	dir := t.TempDir()
	tpl := catalogue.Template()
	path := filepath.Join(dir, "template.xlsx")
	if err := os.WriteFile(path, writeBook(t, tpl), 0o600); err != nil {
		t.Fatal(err)
	}
	profile := "-env:UserInstallation=file://" + filepath.Join(dir, "profile")
	// 44,34,76: comma, double quote, UTF-8; the last -1: every sheet to its own file.
	run := func(args ...string) {
		cmd := exec.Command("soffice", append([]string{profile, "--headless", "--norestore"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice %v: %v\n%s", args, err, out)
		}
	}
	run("--convert-to", `csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1`, "--outdir", filepath.Join(dir, "csv"), path)
	want := parseFile(t, "template.xlsx", writeBook(t, tpl)).Book()
	got := &catalogue.Catalogue{}
	var sheets []catalogue.Sheet
	for _, tb := range catalogue.Tables {
		name := filepath.Join(dir, "csv", "template-"+tb.Name+".csv")
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("LibreOffice wrote no %s: %v", tb.Name, err)
		}
		book, err := ReadBook(name, b)
		if err != nil {
			t.Fatal(err)
		}
		sheets = append(sheets, book.Sheets...)
	}
	got, problems := catalogue.Parse(catalogue.Book{Sheets: sheets})
	if len(problems) > 0 {
		t.Fatalf("LibreOffice's CSV: %v", problems)
	}
	if !sameBook(got.Book(), want) {
		t.Errorf("LibreOffice's CSV reads as\n%v\nwant\n%v", got.Book(), want)
	}
	run("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", filepath.Join(dir, "xlsx"), path)
	b, err := os.ReadFile(filepath.Join(dir, "xlsx", "template.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if again := parseFile(t, "LibreOffice.xlsx", b); !sameBook(again.Book(), want) {
		t.Errorf("LibreOffice's XLSX reads as\n%v\nwant\n%v", again.Book(), want)
	}
}

// A CSV saved by Chinese Excel or WPS is GBK; it reads as the same text.
func TestBookGBKCSV(t *testing.T) {
	b, err := os.ReadFile("testdata/items-gbk.csv")
	if err != nil {
		t.Fatal(err)
	}
	book, err := ReadBook("事项.csv", b)
	if err != nil {
		t.Fatal(err)
	}
	c, problems := catalogue.Parse(book)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if len(c.Items) != 3 || c.Items[0].Name != "取水许可（新办）" || !slices.Equal(c.Items[0].Materials, []string{"取水许可申请书", "建设项目水资源论证报告", "营业执照复印件"}) ||
		!slices.Equal(c.Items[1].Materials, []string{"申请书", "防洪评价报告"}) || c.Items[2].Active || c.Items[2].Kind != data.KindImmediate {
		t.Errorf("GBK CSV read as %+v", c.Items)
	}
	// The same in UTF-8 with a BOM, and as Excel's UTF-16 "Unicode text".
	utf8 := []byte("\ufeff事项编码,事项名称,部门编码,办件类型,法定时限,承诺时限\r\nA-1,取水许可,SLJ,承诺件,20,10\r\n")
	tab := strings.ReplaceAll(strings.TrimPrefix(string(utf8), "\ufeff"), ",", "\t")
	u16 := []byte{0xFF, 0xFE}
	for _, r := range tab {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	for name, in := range map[string][]byte{"utf8.csv": utf8, "unicode.txt": u16} {
		c := parseFile(t, name, in)
		if len(c.Items) != 1 || c.Items[0].Name != "取水许可" || c.Items[0].Statutory != 20 {
			t.Errorf("%s read as %+v", name, c.Items)
		}
	}
}

// Files that are not a catalogue get a message that says what to do.
func TestBookBadFiles(t *testing.T) {
	tpl := writeBook(t, catalogue.Template())
	// Excel's password protection, as excelize writes it (ECMA-376 agile
	// encryption in an OLE container, as Excel and WPS do).
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		t.Fatal(err)
	}
	var locked bytes.Buffer
	if err := f.Write(&locked, excelize.Options{Password: "123456"}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	damaged := slices.Clone(tpl[:len(tpl)/2])
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"加密.xlsx", locked.Bytes(), "设有打开密码"},
		{"损坏.xlsx", damaged, "已损坏或不是有效的 .xlsx 工作簿"},
		{"旧版.xls", append(append([]byte{}, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1), make([]byte, 600)...), "旧版 Excel 97-2003 工作簿"},
		{"扫描件.pdf", []byte("%PDF-1.7\n..."), "不是电子表格"},
		{"照片.png", []byte("\x89PNG\r\n\x1a\n\x00\x00"), "不是电子表格"},
		{"程序.exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), "不是电子表格"},
		{"空.csv", nil, "是空文件"},
		{"巨大.csv", make([]byte, MaxBookBytes+1), "超过 20 MB"},
	} {
		_, err := ReadBook(tc.name, tc.b)
		if err == nil || !strings.Contains(data.ErrorMessage(err), tc.want) || !strings.Contains(data.ErrorMessage(err), tc.name) {
			t.Errorf("%s: %v, want a message with %q", tc.name, err, tc.want)
		}
	}
}

func TestPINSlips(t *testing.T) {
	var slips []Slip
	for i, n := range []string{"王伟", "李芳", "张娜", "刘敏", "陈静", "杨丽", "黄强", "赵磊", "吴军", "周洋", "徐勇"} {
		slips = append(slips, Slip{Login: "ck" + string(rune('a'+i)), Name: n, Role: data.RoleClerk, Window: "A01", PIN: "1234567" + string(rune('0'+i%10))})
	}
	slips[10].Role, slips[10].Window = data.RoleSupervisor, ""
	b, err := PINSlips("示例县行政服务中心", slips, time.Date(2026, 12, 2, 6, 5, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	text := squash(pdfText(t, b))
	if strings.ContainsRune(text, Replacement) {
		t.Errorf("slips print %c for a character:\n%s", Replacement, text)
	}
	for _, want := range []string{"示例县行政服务中心", "新用户登录密码条", "姓名：王伟", "角色：窗口人员", "窗口：A01", "登录名：cka", "12345670", "登录名：ckk", "角色：督查人员",
		"首次登录时须改为自己的6–8位数字PIN", "打印于2026-12-0214:05", "第2页/共2页"} {
		if !strings.Contains(text, want) {
			t.Errorf("slips lack %q:\n%s", want, text)
		}
	}
	if _, err := PINSlips("x", nil, time.Now()); err == nil {
		t.Error("no slips made a PDF")
	}
}

func FuzzReadBook(f *testing.F) {
	f.Add("a.csv", []byte("事项编码,事项名称\nA,B\n"))
	f.Add("b.csv", []byte("\xca\xc2\xcf\xee\xb1\xe0\xc2\xeb,x\n"))
	f.Add("c.txt", []byte("\xff\xfea\x00\t\x00b\x00"))
	f.Add("d.xlsx", []byte("PK\x03\x04\x14\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, name string, b []byte) {
		book, err := ReadBook(name, b)
		if err != nil {
			if data.ErrorCode(err) != data.EINVALID {
				t.Fatalf("not a coded error: %v", err)
			}
			return
		}
		catalogue.Parse(book)
	})
}

// BenchmarkReadBook1200 reads a 1,200-item catalogue workbook and checks it.
func BenchmarkReadBook1200(b *testing.B) {
	x := writeBook(b, demo.Catalogue(3, 1200).Book())
	b.SetBytes(int64(len(x)))
	for i := 0; i < b.N; i++ {
		parseFile(b, "x.xlsx", x)
	}
}
