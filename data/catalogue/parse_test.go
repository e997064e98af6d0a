package catalogue_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/catalogue"
)

var itemHead = []string{"事项编码", "事项名称", "部门编码", "办件类型", "法定时限（工作日）", "承诺时限（工作日）", "申请材料", "收费项目编码", "状态"}
var feeHead = []string{"收费项目编码", "收费项目名称", "收费标准（元）", "计费单位", "依据文号", "生效日期", "失效日期"}

func book(sheets ...catalogue.Sheet) catalogue.Book { return catalogue.Book{Sheets: sheets} }

func sheet(name string, rows ...[]string) catalogue.Sheet {
	return catalogue.Sheet{Name: name, Rows: rows}
}

// Every message a file can get from Parse, each at its sheet, row and column.
func TestParseProblems(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    catalogue.Book
		want string // one problem, as String() prints it
	}{
		{"promised above statutory", book(sheet("事项", itemHead, []string{"A-1", "食品经营许可", "SCJG", "承诺件", "10", "12"})),
			"工作表“事项”第 2 行 F 列（承诺时限）：不能超过法定时限（10 个工作日）"},
		{"unknown item kind", book(sheet("事项", itemHead, []string{"A-1", "食品经营许可", "SCJG", "加急件", "10", "5"})),
			"工作表“事项”第 2 行 D 列（办件类型）：不认识的办件类型“加急件”：应为即办件、承诺件、上报件或联办件"},
		{"immediate with a promise", book(sheet("事项", itemHead, []string{"A-1", "食品经营许可", "SCJG", "即办件", "0", "1"})),
			"工作表“事项”第 2 行 F 列（承诺时限）：不能超过法定时限（0 个工作日）"},
		{"limit not a number", book(sheet("事项", itemHead, []string{"A-1", "食品经营许可", "SCJG", "承诺件", "二十", "5"})),
			"工作表“事项”第 2 行 E 列（法定时限）：应为整数个工作日，不能是“二十”"},
		{"empty required cell", book(sheet("事项", itemHead, []string{"A-1", "", "SCJG", "承诺件", "20", "5"})),
			"工作表“事项”第 2 行 B 列（事项名称）：不能为空"},
		{"no department", book(sheet("事项", itemHead, []string{"A-1", "取水许可", "", "承诺件", "20", "5"})),
			"工作表“事项”第 2 行 C 列（部门编码）：不能为空"},
		{"duplicate item code", book(sheet("事项", itemHead, []string{"A-1", "取水许可", "SLJ", "承诺件", "20", "5"}, []string{"A-1", "取水许可（变更）", "SLJ", "承诺件", "20", "5"})),
			"工作表“事项”第 3 行 A 列（事项编码）：“A-1”与第 2 行重复"},
		{"item status", book(sheet("事项", itemHead, []string{"A-1", "取水许可", "SLJ", "承诺件", "20", "5", "", "", "暂停"})),
			"工作表“事项”第 2 行 I 列（状态）：应为在用或停用，不能是“暂停”"},
		{"missing column", book(sheet("事项", []string{"事项编码", "事项名称", "部门编码", "办件类型", "法定时限"}, []string{"A-1", "x", "SLJ", "即办件", "0"})),
			"工作表“事项”第 1 行（承诺时限）：缺少这一列（表头应为“承诺时限（工作日）”）"},
		{"fee without basis", book(sheet("收费标准", feeHead, []string{"F-1", "工本费", "10", "本", "", "2026-01-01", ""})),
			"工作表“收费标准”第 2 行 E 列（依据文号）：收费项目须写明依据文号"},
		{"fee amount with three decimals", book(sheet("收费标准", feeHead, []string{"F-1", "工本费", "10.005", "本", "文号", "2026-01-01", ""})),
			"工作表“收费标准”第 2 行 C 列（收费标准）：金额最多两位小数（分），不能是“10.005”"},
		{"fee amount not money", book(sheet("收费标准", feeHead, []string{"F-1", "工本费", "十元", "本", "文号", "2026-01-01", ""})),
			"工作表“收费标准”第 2 行 C 列（收费标准）：应为以元为单位的金额（如 80 或 80.00），不能是“十元”"},
		{"negative fee", book(sheet("收费标准", feeHead, []string{"F-1", "工本费", "-5", "本", "文号", "2026-01-01", ""})),
			"工作表“收费标准”第 2 行 C 列（收费标准）：金额不能为负数"},
		{"date that is not a date", book(sheet("收费标准", feeHead, []string{"F-1", "工本费", "10", "本", "文号", "明年一月", ""})),
			"工作表“收费标准”第 2 行 F 列（生效日期）：“明年一月”不是日期：应写作 2026-01-01"},
		{"impossible date", book(sheet("收费标准", feeHead, []string{"F-1", "工本费", "10", "本", "文号", "2026-02-30", ""})),
			"工作表“收费标准”第 2 行 F 列（生效日期）：“2026-02-30”不是日期：应写作 2026-01-01"},
		{"end before start", book(sheet("收费标准", feeHead, []string{"F-1", "工本费", "10", "本", "文号", "2026-02-01", "2026-01-01"})),
			"工作表“收费标准”第 2 行 G 列（失效日期）：不能早于生效日期 2026-02-01"},
		{"fee code characters", book(sheet("收费标准", feeHead, []string{"工本费", "工本费", "10", "本", "文号", "2026-01-01", ""})),
			"工作表“收费标准”第 2 行 A 列（收费项目编码）：只能包含字母、数字、“-”和“_”"},
		{"same fee schedule twice", book(sheet("收费标准", feeHead, []string{"F-1", "工本费", "10", "本", "文号", "2026-01-01", ""}, []string{"F-1", "工本费", "12", "本", "文号", "2026/1/1", ""})),
			"工作表“收费标准”第 3 行 F 列（生效日期）：“F-1 自 2026-01-01”与第 2 行重复"},
		{"policy without basis", book(sheet("减免政策", []string{"政策编码", "政策名称", "依据文号", "生效日期"}, []string{"P-1", "小微企业免收", "", "2026-01-01"})),
			"工作表“减免政策”第 2 行 C 列（依据文号）：减免政策须写明依据文号"},
		{"unknown role", book(sheet("人员", []string{"登录名", "姓名", "角色"}, []string{"wangwu", "王五", "局长"})),
			"工作表“人员”第 2 行 C 列（角色）：应为窗口人员、督查人员或系统管理员，不能是“局长”"},
		{"duplicate login", book(sheet("人员", []string{"登录名", "姓名", "角色"}, []string{"wangwu", "王五", "窗口人员"}, []string{"wangwu", "王武", "督查人员"})),
			"工作表“人员”第 3 行 A 列（登录名）：“wangwu”与第 2 行重复"},
		{"name too long", book(sheet("部门", []string{"部门编码", "部门名称"}, []string{"D1", strings.Repeat("局", 61)})),
			"工作表“部门”第 2 行 B 列（部门名称）：不能超过 60 个字（现有 61 个）"},
		{"duplicate department", book(sheet("部门", []string{"部门编码", "部门名称"}, []string{"D1", "水利局"}, []string{"D1", "水务局"})),
			"工作表“部门”第 3 行 A 列（部门编码）：“D1”与第 2 行重复"},
		{"duplicate window", book(sheet("窗口", []string{"窗口编号", "窗口名称"}, []string{"A01", "一号"}, []string{"A01", "二号"})),
			"工作表“窗口”第 3 行 A 列（窗口编号）：“A01”与第 2 行重复"},
		{"unknown sheet", book(sheet("Sheet1", []string{"序号", "名称"}, []string{"1", "x"})),
			"工作表“Sheet1”第 1 行：不认识这张工作表：工作表名或第一列的表头应为 “部门”、“窗口”、“人员”、“收费标准”、“减免政策”、“事项” 之一（见模板的“说明”）"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, problems := catalogue.Parse(tc.b)
			var got []string
			for _, p := range problems {
				got = append(got, p.String())
			}
			if !slices.Contains(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// A sheet found by its first column (a CSV file named anything), headers
// with notes, aliases and spaces, cells as spreadsheets write them.
func TestParseLenient(t *testing.T) {
	c, problems := catalogue.Parse(book(
		sheet("事项清单导出.csv", []string{" 实施编码 ", "事项名称", "部门编码 *", "事项类型", "法定办结时限", "承诺办结时限(工作日)", "申请材料", "收费项目编码", "备注"},
			[]string{"11330102MB-001", "食品经营许可（新办）", "SCJG", "承诺件", "20.0", "7个工作日", "申请书；营业执照复印件; 身份证明", "F-1、F-2", "本中心自定"},
			[]string{"", "", "", "", "", "", "", "", ""}),
		sheet("收费", feeHead, []string{"F-1", "工本费", "¥1,200.50", "本", "文号", "46023", "2026年12月31日"},
			[]string{"F-2", "证书费", "12.300000000000001", "本", "文号", "2026.1.1", "2027-1-1 00:00:00"}),
	))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	it := c.Items[0]
	if it.Code != "11330102MB-001" || it.Statutory != 20 || it.Promised != 7 || !slices.Equal(it.Materials, []string{"申请书", "营业执照复印件", "身份证明"}) ||
		!slices.Equal(it.Fees, []string{"F-1", "F-2"}) || !it.Active || it.Row != 2 {
		t.Errorf("item %+v", it)
	}
	f := c.Fees[0]
	if f.AmountFen != 120050 || f.ValidFrom != calendar.NewDate(2026, 1, 1) || f.ValidTo != calendar.NewDate(2026, 12, 31) {
		t.Errorf("fee %+v", f)
	}
	if g := c.Fees[1]; g.AmountFen != 1230 || g.ValidFrom != calendar.NewDate(2026, 1, 1) || g.ValidTo != calendar.NewDate(2027, 1, 1) {
		t.Errorf("fee %+v", g)
	}
	if !c.Missing[catalogue.SheetItems]["状态"] || c.Missing[catalogue.SheetItems]["申请材料"] {
		t.Errorf("missing columns %v", c.Missing)
	}
}

func TestMaterialsRoundTrip(t *testing.T) {
	for _, m := range [][]string{nil, {"申请书"}, {"申请书；附件"}, {"甲", "乙；丙"}, {"a;b", "c"}} {
		if got := catalogue.SplitMaterials(catalogue.JoinMaterials(m)); !slices.Equal(got, m) {
			t.Errorf("%q → %q → %q", m, catalogue.JoinMaterials(m), got)
		}
	}
}

func TestParseYuan(t *testing.T) {
	for in, want := range map[string]int64{"80": 8000, "80.00": 8000, "0.1": 10, "1,234.5": 123450, "¥3": 300, "3元": 300, "1E2": 10000, "0.30000000000000004": 30} {
		if got, err := catalogue.ParseYuan(in); err != nil || got != want {
			t.Errorf("%q → %d %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1/2", "abc", "1e400", "1000001", "0.001", "-1", "NaN", "Inf"} {
		if got, err := catalogue.ParseYuan(in); err == nil {
			t.Errorf("%q accepted as %d", in, got)
		}
	}
}

// The template and an export parse back without problems, and the export
// of a parsed book is the same book.
func TestBookRoundTrip(t *testing.T) {
	tpl := catalogue.Template()
	c, problems := catalogue.Parse(tpl)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if len(c.Items) != 1 || len(c.Users) != 1 || c.Users[0].Role != data.RoleClerk || len(c.Items[0].Materials) != 3 {
		t.Errorf("template parsed as %+v", c)
	}
	again, problems := catalogue.Parse(c.Book())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if b1, b2 := c.Book(), again.Book(); !slices.EqualFunc(b1.Sheets, b2.Sheets, func(a, b catalogue.Sheet) bool {
		return a.Name == b.Name && slices.EqualFunc(a.Rows, b.Rows, slices.Equal)
	}) {
		t.Errorf("book changed on the way round:\n%v\n%v", b1, b2)
	}
}

func TestHelpNamesEveryColumn(t *testing.T) {
	help := catalogue.Help()
	for _, tb := range catalogue.Tables {
		for _, c := range tb.Columns {
			found := false
			for _, r := range help {
				found = found || r[0] == tb.Name && r[1] == c.Header && r[3] != ""
			}
			if !found {
				t.Errorf("说明 lacks %s / %s", tb.Name, c.Header)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("事项", strings.Join(itemHead, "\t"), "A-1\t食品经营许可\tSCJG\t承诺件\t20\t5\t申请书\tF-1\t在用")
	f.Add("收费标准", strings.Join(feeHead, "\t"), "F-1\t工本费\t1.5\t本\t文号\t46023\t")
	f.Add("x", "登录名\t姓名\t角色\t窗口编号\t状态", "a\tb\t窗口人员\tA01\t停用")
	f.Fuzz(func(t *testing.T, name, head, row string) {
		b := book(sheet(name, strings.Split(head, "\t"), strings.Split(row, "\t")))
		c, problems := catalogue.Parse(b)
		for _, p := range problems {
			if p.Message == "" || p.Sheet != name {
				t.Fatalf("problem %+v", p)
			}
		}
		if len(problems) > 0 {
			return
		}
		// What parses cleanly writes out and parses to the same records.
		again, problems := catalogue.Parse(c.Book())
		if len(problems) > 0 {
			t.Fatalf("export of %q does not parse: %v", row, problems)
		}
		if len(again.Items) != len(c.Items) || len(again.Fees) != len(c.Fees) || len(again.Users) != len(c.Users) {
			t.Fatalf("records lost: %+v → %+v", c, again)
		}
	})
}
