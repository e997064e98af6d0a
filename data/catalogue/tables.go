// Package catalogue is a centre's catalogue as it keeps it in spreadsheets:
// its departments, windows, staff, fee schedules, waiver policies and
// service items (事项清单), one sheet each, keyed by their codes.
//
// It reads sheets of text cells (a Book, which app/render fills from an
// XLSX or CSV file and writes back), checks every row and reports each
// problem with its sheet, row, column and a Chinese message (Parse), and
// compares a file with what a store holds (Plan), so that the store writes
// only what changed, in one transaction, and nothing when any row is wrong.
// It knows no file format and no database.
package catalogue

import (
	"strings"
)

// Sheet names, as the template and the export write them.
const (
	SheetDepartments = "部门"
	SheetWindows     = "窗口"
	SheetUsers       = "人员"
	SheetFees        = "收费标准"
	SheetPolicies    = "减免政策"
	SheetItems       = "事项"
	SheetHelp        = "说明"
)

// Column headers. A header may carry a note in brackets, which is ignored
// when a file is read: "法定时限（工作日）" is found as "法定时限".
const (
	colDeptCode    = "部门编码"
	colDeptName    = "部门名称"
	colWinCode     = "窗口编号"
	colWinName     = "窗口名称"
	colLogin       = "登录名"
	colUserName    = "姓名"
	colRole        = "角色"
	colStatus      = "状态"
	colFeeCode     = "收费项目编码"
	colFeeName     = "收费项目名称"
	colAmount      = "收费标准"
	colUnit        = "计费单位"
	colBasis       = "依据文号"
	colFrom        = "生效日期"
	colTo          = "失效日期"
	colPolicyCode  = "政策编码"
	colPolicyName  = "政策名称"
	colItemCode    = "事项编码"
	colItemName    = "事项名称"
	colKind        = "办件类型"
	colStatutory   = "法定时限"
	colPromised    = "承诺时限"
	colMaterials   = "申请材料"
	statusActive   = "在用"
	statusInactive = "停用"
)

// Column is one column of a sheet.
type Column struct {
	Header   string   // as written, with its note: 法定时限（工作日）
	Aliases  []string // other headers that mean the same (the province's 事项库 names)
	Required bool     // a row without it is refused
	Help     string   // the 说明 sheet's text: what it holds and its allowed values
	Example  string   // the template's example row
	Width    float64  // column width in a spreadsheet, in characters
	Text     bool     // stored as text even when it looks like a number (codes)
	Choices  []string // the allowed values, offered as a list in the spreadsheet
}

// Table is one sheet of the catalogue.
type Table struct {
	Name    string
	Help    string
	Columns []Column
}

var kindChoices = []string{"即办件", "承诺件", "上报件", "联办件"}
var roleChoices = []string{"窗口人员", "督查人员", "系统管理员"}
var userStatusChoices = []string{"在岗", "停用"}
var itemStatusChoices = []string{statusActive, statusInactive}

const dateHelp = "日期，写作 2026-01-01（也可用 2026/1/1、2026年1月1日或电子表格的日期格式）"

// Tables are the catalogue's sheets in the order a file lists them: what a
// row refers to comes before it.
var Tables = []Table{
	{Name: SheetDepartments, Help: "进驻中心的部门。事项按部门编码归属部门。", Columns: []Column{
		{Header: colDeptCode, Aliases: []string{"部门代码"}, Required: true, Help: "部门的唯一编码，1–20 个字符（如 SCJG）；已有的编码表示修改该部门的名称", Example: "SCJG", Width: 14, Text: true},
		{Header: colDeptName, Required: true, Help: "部门全称，1–60 个字", Example: "市场监督管理局", Width: 28},
	}},
	{Name: SheetWindows, Help: "中心的服务窗口。", Columns: []Column{
		{Header: colWinCode, Aliases: []string{"窗口代码"}, Required: true, Help: "窗口的唯一编号，1–10 个字符（如 A01）", Example: "A01", Width: 12, Text: true},
		{Header: colWinName, Required: true, Help: "窗口名称，1–60 个字", Example: "综合受理一号窗口", Width: 28},
	}},
	{Name: SheetUsers, Help: "使用本程序的工作人员。新用户得到一次性 PIN（打印在密码条上），首次登录时须改为自己的 PIN。", Columns: []Column{
		{Header: colLogin, Aliases: []string{"账号", "用户名"}, Required: true, Help: "登录名，1–32 个字符，不能与他人重复；已有的登录名表示修改该用户（姓名须相同）", Example: "zhangli", Width: 14, Text: true},
		{Header: colUserName, Required: true, Help: "姓名，1–30 个字", Example: "张丽", Width: 12},
		{Header: colRole, Required: true, Help: "窗口人员、督查人员或系统管理员", Example: "窗口人员", Width: 12, Choices: roleChoices},
		{Header: colWinCode, Help: "窗口人员常在的窗口编号，须在“窗口”表中或系统中已有；可空", Example: "A01", Width: 12, Text: true},
		{Header: colStatus, Help: "在岗或停用；空表示在岗。停用的用户不能登录，其经办记录保留", Example: "在岗", Width: 8, Choices: userStatusChoices},
	}},
	{Name: SheetFees, Help: "行政事业性收费的标准。同一收费项目调整标准时，为旧标准填写失效日期，再加一行新标准；各行的有效期不能重叠。", Columns: []Column{
		{Header: colFeeCode, Required: true, Help: "收费项目编码，1–32 个字母、数字、“-”或“_”", Example: "BDC-DJF", Width: 16, Text: true},
		{Header: colFeeName, Required: true, Help: "收费项目名称，1–100 个字", Example: "不动产登记费（住宅）", Width: 26},
		{Header: colAmount + "（元）", Aliases: []string{"金额", "收费金额"}, Required: true, Help: "每计费单位的金额，以元为单位，最多两位小数（如 80 或 80.00）", Example: "80.00", Width: 12},
		{Header: colUnit, Required: true, Help: "计费单位，如 件、本、证", Example: "件", Width: 10},
		{Header: colBasis, Aliases: []string{"收费依据"}, Required: true, Help: "收费依据的文件文号，不能为空", Example: "发改价格规〔2016〕2559号", Width: 28},
		{Header: colFrom, Required: true, Help: dateHelp, Example: "2016-12-01", Width: 12, Text: true},
		{Header: colTo, Help: "失效日期；空表示长期有效。" + dateHelp, Example: "", Width: 12, Text: true},
	}},
	{Name: SheetPolicies, Help: "减免收费的政策依据。", Columns: []Column{
		{Header: colPolicyCode, Required: true, Help: "政策编码，1–32 个字母、数字、“-”或“_”", Example: "XWQY-MZ", Width: 14, Text: true},
		{Header: colPolicyName, Required: true, Help: "政策名称，1–100 个字", Example: "小微企业免收登记费", Width: 28},
		{Header: colBasis, Aliases: []string{"减免依据"}, Required: true, Help: "政策的文件文号，不能为空", Example: "财税〔2014〕101号", Width: 24},
		{Header: colFrom, Required: true, Help: dateHelp, Example: "2015-01-01", Width: 12, Text: true},
		{Header: colTo, Help: "失效日期；空表示长期有效。" + dateHelp, Example: "", Width: 12, Text: true},
	}},
	{Name: SheetItems, Help: "服务事项清单。修改时限或材料只影响此后收件的办件，已受理的办件保持受理时的时限。", Columns: []Column{
		{Header: colItemCode, Aliases: []string{"实施编码", "事项代码"}, Required: true, Help: "事项的唯一编码，1–40 个字符（可用事项库的实施编码）", Example: "SCJG-001", Width: 16, Text: true},
		{Header: colItemName, Required: true, Help: "事项名称，1–100 个字", Example: "食品经营许可", Width: 30},
		{Header: colDeptCode, Aliases: []string{"实施主体编码", "部门代码"}, Required: true, Help: "所属部门的编码，须在“部门”表中或系统中已有", Example: "SCJG", Width: 12, Text: true},
		{Header: colKind, Aliases: []string{"事项类型"}, Required: true, Help: "即办件、承诺件、上报件或联办件", Example: "承诺件", Width: 10, Choices: kindChoices},
		{Header: colStatutory + "（工作日）", Aliases: []string{"法定办结时限"}, Required: true, Help: "法定办结时限，0–365 的整数，单位为工作日", Example: "20", Width: 10},
		{Header: colPromised + "（工作日）", Aliases: []string{"承诺办结时限"}, Required: true, Help: "承诺办结时限，整数个工作日，不能超过法定时限；即办件为 0", Example: "7", Width: 10},
		{Header: colMaterials, Aliases: []string{"材料清单", "申请材料清单"}, Help: "申请材料，每项一行（单元格内按 Alt+Enter 换行），或用“；”分隔；列缺失时保留系统中的材料", Example: "食品经营许可申请书\n营业执照复印件\n法定代表人身份证明", Width: 40},
		{Header: colFeeCode, Help: "该事项收取的收费项目编码，用“；”分隔，须在“收费标准”表中或系统中已有；空表示不收费", Example: "", Width: 16, Text: true},
		{Header: colStatus, Help: "在用或停用；空表示在用。停用的事项不再出现在收件的事项列表中，已有办件不受影响", Example: statusActive, Width: 8, Choices: itemStatusChoices},
	}},
}

// TableNamed returns the table of the given sheet name.
func TableNamed(name string) (Table, bool) {
	for _, t := range Tables {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}

// key is a header without its bracketed note, spaces or a required-mark:
// "法定时限（工作日）" and " 法定时限 *" are both "法定时限".
func key(h string) string {
	if i := strings.IndexAny(h, "(（"); i >= 0 {
		h = h[:i]
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u3000', '\t', '\n', '\r', '*', '＊', '\u00a0', '\ufeff':
			return -1
		}
		return r
	}, h)
}

// Key is the header's name as the sheet's columns are found by.
func (c Column) Key() string { return key(c.Header) }

// matches reports whether a header read from a file names this column.
func (c Column) matches(h string) bool {
	k := key(h)
	if k == c.Key() {
		return true
	}
	for _, a := range c.Aliases {
		if k == key(a) {
			return true
		}
	}
	return false
}

// Help lists the 说明 sheet: for every sheet and column, whether it is
// required and what it holds.
func Help() [][]string {
	rows := [][]string{{"工作表", "列", "必填", "说明"}}
	rows = append(rows,
		[]string{"", "", "", "每张工作表的第一行是表头，从第二行起每行一条记录；按编码（人员按登录名）对应系统中已有的记录：编码已有表示修改，没有表示新增。文件中没有的记录保持不变。"},
		[]string{"", "", "", "导入前先检查整个文件：任何一处有误，都不会写入任何内容，并列出每处问题的工作表、行、列和原因。重复导入同一文件不会产生变化。"},
		[]string{"", "", "", "示例行只用于说明格式，导入前请改写或删除。也可以把每张表分别保存为 CSV 文件导入（UTF-8 或 GBK 编码均可）。"})
	for _, t := range Tables {
		rows = append(rows, []string{t.Name, "", "", t.Help})
		for _, c := range t.Columns {
			req := "否"
			if c.Required {
				req = "是"
			}
			help := c.Help
			if len(c.Aliases) > 0 {
				help += "（表头也可写作：" + strings.Join(c.Aliases, "、") + "）"
			}
			rows = append(rows, []string{t.Name, c.Header, req, help})
		}
	}
	return rows
}

// Template is a book with every sheet's header and one example row.
func Template() Book {
	var b Book
	for _, t := range Tables {
		head := make([]string, len(t.Columns))
		ex := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			head[i], ex[i] = c.Header, c.Example
		}
		b.Sheets = append(b.Sheets, Sheet{Name: t.Name, Rows: [][]string{head, ex}})
	}
	return b
}
