package catalogue

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// Book is a spreadsheet as text: its sheets in order, each a grid of cells
// whose first row is the header.
type Book struct {
	Sheets []Sheet
}

// Sheet is one sheet (or one CSV file).
type Sheet struct {
	Name string // the sheet's name, or the CSV file's name
	Rows [][]string
}

// File names a file an import read, for the audit entry.
type File struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// Limits on what a file may hold; a real county's catalogue is far below.
const (
	MaxRows  = 20000 // data rows per sheet
	MaxCell  = 4000  // characters in one cell
	MaxSheet = 32    // sheets in a book
)

// Problem is one thing wrong in a file: where, and what, in Chinese.
type Problem struct {
	Sheet   string // the sheet's name as the file has it
	Row     int    // 1-based as the spreadsheet numbers it (the header is row 1); 0 = the whole sheet
	Col     string // the column's letter (A, B, …), or ""
	Column  string // the column's header, or ""
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString("工作表“" + p.Sheet + "”")
	if p.Row > 0 {
		fmt.Fprintf(&b, "第 %d 行", p.Row)
	}
	if p.Col != "" {
		b.WriteString(" " + p.Col + " 列")
	}
	if p.Column != "" {
		b.WriteString("（" + p.Column + "）")
	}
	return b.String() + "：" + p.Message
}

// ColumnLetter names a 0-based column as a spreadsheet does: 0 → A, 26 → AA.
func ColumnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// Records of a parsed file. Row is the spreadsheet row it came from (0 for
// a record read from a store); Op and Changed are filled by Plan.
type (
	Department struct {
		data.Department
		Row     int
		Op      Op
		Changed []string
	}
	Window struct {
		data.Window
		Row     int
		Op      Op
		Changed []string
	}
	User struct {
		Login, Name string
		Role        data.Role
		Window      string // window code, "" for none
		Active      bool
		Row         int
		Op          Op
		Changed     []string
	}
	Fee struct {
		data.FeeItem
		Row     int
		Op      Op
		Changed []string
	}
	Policy struct {
		data.WaiverPolicy
		Row     int
		Op      Op
		Changed []string
	}
	Item struct {
		Code, Name string
		Department string // department code
		Kind       data.ItemKind
		Statutory  int
		Promised   int
		Materials  []string
		Fees       []string // fee codes
		Active     bool
		Row        int
		Op         Op
		Changed    []string
	}
)

// Catalogue is what a file (or a store) holds.
type Catalogue struct {
	Departments []Department
	Windows     []Window
	Users       []User
	Fees        []Fee
	Policies    []Policy
	Items       []Item

	// Sheets names the sheets each table was read from, and Missing the
	// optional columns a sheet lacked (their values are kept as the store
	// has them), by table name.
	Sheets  map[string]string
	Missing map[string]map[string]bool
}

// sheetReader reads one sheet's rows into records and collects problems.
type sheetReader struct {
	table    Table
	name     string
	cols     map[string]int // column key → index in the sheet
	row      []string
	rowNo    int
	problems *[]Problem
}

func (r *sheetReader) problem(colKey, format string, args ...any) {
	p := Problem{Sheet: r.name, Row: r.rowNo, Message: fmt.Sprintf(format, args...)}
	if colKey != "" {
		p.Column = colKey
		if i, ok := r.cols[colKey]; ok {
			p.Col = ColumnLetter(i)
		}
	}
	*r.problems = append(*r.problems, p)
}

// cell returns the trimmed text of a column of the current row.
func (r *sheetReader) cell(colKey string) string {
	i, ok := r.cols[colKey]
	if !ok || i >= len(r.row) {
		return ""
	}
	return trim(r.row[i])
}

func trim(s string) string {
	return strings.TrimFunc(s, func(c rune) bool {
		return c == ' ' || c == '\u3000' || c == '\t' || c == '\r' || c == '\n' || c == '\u00a0' || c == '\ufeff'
	})
}

// required returns a required column's text, reporting it when empty.
func (r *sheetReader) required(colKey string) (string, bool) {
	v := r.cell(colKey)
	if v == "" {
		r.problem(colKey, "不能为空")
		return "", false
	}
	return v, true
}

// fieldErr reports a domain validation error against the column its field
// belongs to, without the label the column already names.
func (r *sheetReader) fieldErr(err error, fields map[string]string) {
	var de *data.Error
	if !errors.As(err, &de) {
		r.problem("", "%v", err)
		return
	}
	col := fields[de.Field]
	msg := de.Message
	if _, after, ok := strings.Cut(msg, "："); ok && col != "" {
		msg = after
	}
	r.problem(col, "%s", msg)
}

// identify finds the table a sheet holds: by its name, else by the header
// of its first column (a CSV file named anything).
func identify(s Sheet) (Table, bool) {
	if t, ok := TableNamed(trim(s.Name)); ok {
		return t, true
	}
	if len(s.Rows) == 0 || len(s.Rows[0]) == 0 {
		return Table{}, false
	}
	for _, t := range Tables {
		if t.Columns[0].matches(s.Rows[0][0]) {
			return t, true
		}
	}
	return Table{}, false
}

// Parse reads a book into a catalogue and lists every problem of the file
// itself: unknown sheets, missing columns, empty or malformed cells,
// values out of range, duplicate codes. Whether codes it refers to exist
// is for Plan, which knows the store.
func Parse(b Book) (*Catalogue, []Problem) {
	c := &Catalogue{Sheets: map[string]string{}, Missing: map[string]map[string]bool{}}
	var problems []Problem
	if len(b.Sheets) > MaxSheet {
		return c, []Problem{{Sheet: b.Sheets[0].Name, Message: fmt.Sprintf("文件有 %d 张工作表，超过 %d 张，不像事项清单", len(b.Sheets), MaxSheet)}}
	}
	for _, s := range b.Sheets {
		if trim(s.Name) == SheetHelp || blank(s.Rows) {
			continue
		}
		t, ok := identify(s)
		if !ok {
			names := make([]string, len(Tables))
			for i, t := range Tables {
				names[i] = "“" + t.Name + "”"
			}
			problems = append(problems, Problem{Sheet: s.Name, Row: 1, Message: "不认识这张工作表：工作表名或第一列的表头应为 " + strings.Join(names, "、") + " 之一（见模板的“说明”）"})
			continue
		}
		if prev, dup := c.Sheets[t.Name]; dup {
			problems = append(problems, Problem{Sheet: s.Name, Row: 0, Message: fmt.Sprintf("与工作表“%s”同为“%s”表，一个文件中每种表只能有一张", prev, t.Name)})
			continue
		}
		c.Sheets[t.Name] = s.Name
		c.readSheet(t, s, &problems)
	}
	return c, problems
}

func blank(rows [][]string) bool {
	for _, r := range rows {
		for _, v := range r {
			if trim(v) != "" {
				return false
			}
		}
	}
	return true
}

// readSheet maps the header and reads each non-empty row.
func (c *Catalogue) readSheet(t Table, s Sheet, problems *[]Problem) {
	r := &sheetReader{table: t, name: s.Name, cols: map[string]int{}, problems: problems, rowNo: 1}
	for i, h := range s.Rows[0] {
		if trim(h) == "" {
			continue
		}
		found := false
		for _, col := range t.Columns {
			if col.matches(h) {
				if _, dup := r.cols[col.Key()]; dup {
					r.problem("", "%s 列与 %s 列的表头都表示“%s”", ColumnLetter(r.cols[col.Key()]), ColumnLetter(i), col.Key())
				} else {
					r.cols[col.Key()] = i
				}
				found = true
				break
			}
		}
		_ = found // other columns (备注 …) are the centre's own and are left alone
	}
	missing := map[string]bool{}
	ok := true
	for _, col := range t.Columns {
		if _, has := r.cols[col.Key()]; has {
			continue
		}
		if col.Required {
			r.problem(col.Key(), "缺少这一列（表头应为“%s”）", col.Header)
			ok = false
		}
		missing[col.Key()] = true
	}
	c.Missing[t.Name] = missing
	if !ok {
		return
	}
	if n := len(s.Rows) - 1; n > MaxRows {
		r.problem("", "有 %d 行，超过 %d 行", n, MaxRows)
		return
	}
	for i, row := range s.Rows[1:] {
		r.row, r.rowNo = row, i+2
		if blank([][]string{row}) {
			continue
		}
		if long := r.tooLong(); long {
			continue
		}
		switch t.Name {
		case SheetDepartments:
			c.readDepartment(r)
		case SheetWindows:
			c.readWindow(r)
		case SheetUsers:
			c.readUser(r)
		case SheetFees:
			c.readFee(r)
		case SheetPolicies:
			c.readPolicy(r)
		case SheetItems:
			c.readItem(r)
		}
	}
	c.duplicates(t.Name, r)
}

// tooLong refuses a row with a cell longer than MaxCell or not UTF-8.
func (r *sheetReader) tooLong() bool {
	for i, v := range r.row {
		if !utf8.ValidString(v) {
			r.problem("", "%s 列含有无效字符", ColumnLetter(i))
			return true
		}
		if n := utf8.RuneCountInString(v); n > MaxCell {
			r.problem("", "%s 列有 %d 个字符，超过 %d 个", ColumnLetter(i), n, MaxCell)
			return true
		}
	}
	return false
}

var (
	deptFields   = map[string]string{"code": colDeptCode, "name": colDeptName}
	winFields    = map[string]string{"code": colWinCode, "name": colWinName}
	userFields   = map[string]string{"login": colLogin, "name": colUserName, "role": colRole}
	feeFields    = map[string]string{"code": colFeeCode, "name": colFeeName, "amount_fen": colAmount, "unit": colUnit, "basis": colBasis, "valid_from": colFrom, "valid_to": colTo}
	policyFields = map[string]string{"code": colPolicyCode, "name": colPolicyName, "basis": colBasis, "valid_from": colFrom, "valid_to": colTo}
	itemFields   = map[string]string{"code": colItemCode, "name": colItemName, "kind": colKind, "statutory": colStatutory, "promised": colPromised, "materials": colMaterials}
)

func (c *Catalogue) readDepartment(r *sheetReader) {
	d := data.Department{Code: r.cell(colDeptCode), Name: r.cell(colDeptName)}
	if err := d.Validate(); err != nil {
		r.fieldErr(err, deptFields)
		return
	}
	c.Departments = append(c.Departments, Department{Department: d, Row: r.rowNo})
}

func (c *Catalogue) readWindow(r *sheetReader) {
	w := data.Window{Code: r.cell(colWinCode), Name: r.cell(colWinName)}
	if err := w.Validate(); err != nil {
		r.fieldErr(err, winFields)
		return
	}
	c.Windows = append(c.Windows, Window{Window: w, Row: r.rowNo})
}

// RoleLabel is the role as the sheet writes it.
func RoleLabel(role data.Role) string {
	switch role {
	case data.RoleClerk:
		return roleChoices[0]
	case data.RoleSupervisor:
		return roleChoices[1]
	case data.RoleAdmin:
		return roleChoices[2]
	}
	return string(role)
}

func parseRole(s string) (data.Role, bool) {
	switch strings.ToLower(s) {
	case "窗口人员", "窗口工作人员", "受理人员", "clerk":
		return data.RoleClerk, true
	case "督查人员", "督查", "中心领导", "supervisor":
		return data.RoleSupervisor, true
	case "系统管理员", "管理员", "admin":
		return data.RoleAdmin, true
	}
	return "", false
}

func (c *Catalogue) readUser(r *sheetReader) {
	u := User{Login: r.cell(colLogin), Name: r.cell(colUserName), Window: r.cell(colWinCode), Active: true, Row: r.rowNo}
	ok := true
	if v, has := r.required(colRole); has {
		if u.Role, ok = parseRole(v); !ok {
			r.problem(colRole, "应为窗口人员、督查人员或系统管理员，不能是“%s”", v)
		}
	} else {
		ok = false
	}
	switch v := r.cell(colStatus); v {
	case "", "在岗", "在用", "启用", "正常":
	case "停用", "离岗", "禁用":
		u.Active = false
	default:
		r.problem(colStatus, "应为在岗或停用，不能是“%s”", v)
		ok = false
	}
	du := data.User{Login: u.Login, Name: u.Name, Role: u.Role}
	if u.Role == "" {
		du.Role = data.RoleClerk // the role is reported above; check the rest
	}
	if err := du.Validate(); err != nil {
		r.fieldErr(err, userFields)
		return
	}
	if ok {
		c.Users = append(c.Users, u)
	}
}

func (c *Catalogue) readFee(r *sheetReader) {
	f := data.FeeItem{Code: r.cell(colFeeCode), Name: r.cell(colFeeName), Unit: r.cell(colUnit), Basis: r.cell(colBasis)}
	ok := true
	if v, has := r.required(colAmount); has {
		fen, err := ParseYuan(v)
		if err != nil {
			r.problem(colAmount, "%s", err.Error())
			ok = false
		}
		f.AmountFen = fen
	} else {
		ok = false
	}
	var good bool
	if f.ValidFrom, f.ValidTo, good = r.validity(); !good {
		ok = false
	}
	if !ok {
		return
	}
	if f.Basis == "" {
		r.problem(colBasis, "收费项目须写明依据文号")
		return
	}
	if err := f.Validate(); err != nil {
		r.fieldErr(err, feeFields)
		return
	}
	c.Fees = append(c.Fees, Fee{FeeItem: f, Row: r.rowNo})
}

func (c *Catalogue) readPolicy(r *sheetReader) {
	p := data.WaiverPolicy{Code: r.cell(colPolicyCode), Name: r.cell(colPolicyName), Basis: r.cell(colBasis)}
	var ok bool
	if p.ValidFrom, p.ValidTo, ok = r.validity(); !ok {
		return
	}
	if p.Basis == "" {
		r.problem(colBasis, "减免政策须写明依据文号")
		return
	}
	if err := p.Validate(); err != nil {
		r.fieldErr(err, policyFields)
		return
	}
	c.Policies = append(c.Policies, Policy{WaiverPolicy: p, Row: r.rowNo})
}

// validity reads the 生效日期 and 失效日期 columns.
func (r *sheetReader) validity() (from, to calendar.Date, ok bool) {
	ok = true
	if v, has := r.required(colFrom); has {
		var err error
		if from, err = ParseDate(v); err != nil {
			r.problem(colFrom, "%s", err.Error())
			ok = false
		}
	} else {
		ok = false
	}
	if v := r.cell(colTo); v != "" {
		var err error
		if to, err = ParseDate(v); err != nil {
			r.problem(colTo, "%s", err.Error())
			ok = false
		}
	}
	return from, to, ok
}

func parseKind(s string) (data.ItemKind, bool) {
	switch strings.ToLower(s) {
	case "即办件", "即办", "immediate":
		return data.KindImmediate, true
	case "承诺件", "承诺", "promised":
		return data.KindPromised, true
	case "上报件", "上报", "reported":
		return data.KindReported, true
	case "联办件", "联办", "joint":
		return data.KindJoint, true
	}
	return "", false
}

func (c *Catalogue) readItem(r *sheetReader) {
	it := Item{Code: r.cell(colItemCode), Name: r.cell(colItemName), Department: r.cell(colDeptCode), Active: true, Row: r.rowNo}
	ok := true
	if v, has := r.required(colKind); has {
		var known bool
		if it.Kind, known = parseKind(v); !known {
			r.problem(colKind, "不认识的办件类型“%s”：应为即办件、承诺件、上报件或联办件", v)
			ok = false
		}
	} else {
		ok = false
	}
	for _, lim := range []struct {
		col string
		to  *int
	}{{colStatutory, &it.Statutory}, {colPromised, &it.Promised}} {
		v, has := r.required(lim.col)
		if !has {
			ok = false
			continue
		}
		n, err := parseDays(v)
		if err != nil {
			r.problem(lim.col, "应为整数个工作日，不能是“%s”", v)
			ok = false
		}
		*lim.to = n
	}
	if _, has := r.required(colDeptCode); !has {
		ok = false
	}
	it.Materials = SplitMaterials(r.cell(colMaterials))
	for _, f := range splitCodes(r.cell(colFeeCode)) {
		if !slices.Contains(it.Fees, f) {
			it.Fees = append(it.Fees, f)
		}
	}
	slices.Sort(it.Fees)
	switch v := r.cell(colStatus); v {
	case "", statusActive, "启用", "在岗", "正常":
	case statusInactive, "禁用", "取消":
		it.Active = false
	default:
		r.problem(colStatus, "应为在用或停用，不能是“%s”", v)
		ok = false
	}
	if !ok {
		return
	}
	si := data.ServiceItem{Code: it.Code, Name: it.Name, Kind: it.Kind, Statutory: it.Statutory, Promised: it.Promised, Materials: it.Materials}
	if err := si.Validate(); err != nil {
		r.fieldErr(err, itemFields)
		return
	}
	c.Items = append(c.Items, it)
}

var reDays = regexp.MustCompile(`^([0-9]{1,4})(\.0+)?(个工作日|工作日)?$`)

// parseDays reads a limit in working days: "20", "20.0" (a spreadsheet's
// number), "20个工作日".
func parseDays(s string) (int, error) {
	m := reDays.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("not a number of days")
	}
	return strconv.Atoi(m[1])
}

// SplitMaterials reads a materials cell: one per line, or, in a cell of one
// line, separated by "；" or ";".
func SplitMaterials(s string) []string {
	var parts []string
	if strings.ContainsAny(s, "\n\r") {
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	} else {
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == '；' || r == ';' })
	}
	var out []string
	for _, p := range parts {
		if p = trim(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// JoinMaterials writes a materials cell that SplitMaterials reads back
// as the same list: one per line, with a trailing line break when a single
// material has a "；" of its own.
func JoinMaterials(m []string) string {
	s := strings.Join(m, "\n")
	if len(m) == 1 && strings.ContainsAny(s, "；;") {
		s += "\n"
	}
	return s
}

func splitCodes(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '；' || r == ';' || r == '、' || r == ',' || r == '，' || r == '\n' || r == ' ' || r == '\u3000'
	}) {
		if p = trim(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParseYuan reads an amount in yuan with at most two decimals ("80",
// "80.00", "1,200.5", "¥80") into fen, exactly. A spreadsheet's number may
// carry binary noise ("12.300000000000001"); it is accepted when it is
// within a millionth of a fen value.
func ParseYuan(s string) (int64, error) {
	t := strings.NewReplacer(",", "", "，", "", "¥", "", "￥", "", "元", "", " ", "").Replace(s)
	r, ok := new(big.Rat).SetString(t)
	if !ok || strings.ContainsAny(t, "/eE") && !reSci.MatchString(t) {
		return 0, fmt.Errorf("应为以元为单位的金额（如 80 或 80.00），不能是“%s”", s)
	}
	if r.Sign() < 0 {
		return 0, fmt.Errorf("金额不能为负数")
	}
	fen := new(big.Rat).Mul(r, big.NewRat(100, 1))
	if !fen.IsInt() {
		f, _ := fen.Float64()
		rounded := int64(f + 0.5)
		if d := f - float64(rounded); d > 1e-6 || d < -1e-6 {
			return 0, fmt.Errorf("金额最多两位小数（分），不能是“%s”", s)
		}
		fen.SetInt64(rounded)
	}
	if !fen.Num().IsInt64() || fen.Num().Int64() > data.MaxFeeFen {
		return 0, fmt.Errorf("金额应在 0 到 %s 之间", data.Yuan(data.MaxFeeFen))
	}
	return fen.Num().Int64(), nil
}

var reSci = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?[eE][-+]?[0-9]{1,2}$`)

// FormatYuan writes fen as the sheet's yuan with two decimals.
func FormatYuan(fen int64) string {
	return fmt.Sprintf("%d.%02d", fen/100, fen%100)
}

var (
	reDash  = regexp.MustCompile(`^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$`)
	reHan   = regexp.MustCompile(`^([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日?$`)
	reDigit = regexp.MustCompile(`^([0-9]{4})([0-9]{2})([0-9]{2})$`)
	reSer   = regexp.MustCompile(`^[0-9]{1,6}(\.0+)?$`)
)

// excel1970 is 1970-01-01 as a spreadsheet's date serial number.
const excel1970 = 25569

// ParseDate reads a date as people and spreadsheets write it: 2026-01-01,
// 2026/1/1, 2026.1.1, 2026年1月1日, 20260101, or a spreadsheet's date serial
// number (days since 1899-12-30, as Excel and WPS store dates).
func ParseDate(s string) (calendar.Date, error) {
	bad := fmt.Errorf("“%s”不是日期：应写作 2026-01-01", s)
	if m := reDigit.FindStringSubmatch(s); m != nil {
		return ymd(m[1], m[2], m[3], bad)
	}
	if reSer.MatchString(s) {
		n, _ := strconv.Atoi(strings.SplitN(s, ".", 2)[0])
		// 1 (1900-01-01) … 2958465 (9999-12-31); before 1900-03-01 Excel
		// counts a 29 February that never was, and no fee is that old.
		if n < 61 || n > 2958465 {
			return 0, bad
		}
		d := calendar.Date(n - excel1970)
		if err := data.CheckDate("date", "日期", d); err != nil {
			return 0, fmt.Errorf("%s", strings.TrimPrefix(data.ErrorMessage(err), "日期："))
		}
		return d, nil
	}
	for _, re := range []*regexp.Regexp{reDash, reHan} {
		if m := re.FindStringSubmatch(s); m != nil {
			return ymd(m[1], m[2], m[3], bad)
		}
	}
	// A date with a time of day (a cell formatted as both): the date part.
	if d, _, ok := strings.Cut(s, " "); ok && d != s {
		if m := reDash.FindStringSubmatch(d); m != nil {
			return ymd(m[1], m[2], m[3], bad)
		}
	}
	return 0, bad
}

func ymd(y, m, d string, bad error) (calendar.Date, error) {
	iy, _ := strconv.Atoi(y)
	im, _ := strconv.Atoi(m)
	id, _ := strconv.Atoi(d)
	date, err := calendar.ParseDate(fmt.Sprintf("%04d-%02d-%02d", iy, im, id))
	if err != nil {
		return 0, bad
	}
	if err := data.CheckDate("date", "日期", date); err != nil {
		return 0, fmt.Errorf("%s", strings.TrimPrefix(data.ErrorMessage(err), "日期："))
	}
	return date, nil
}
