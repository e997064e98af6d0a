package catalogue

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/onewindow/onewindow/data"
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
	cols    map[string]map[string]int // table → column key → index, for Plan's problems
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
	if c.cols == nil {
		c.cols = map[string]map[string]int{}
	}
	c.cols[t.Name] = r.cols
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
