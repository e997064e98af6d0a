package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/catalogue"
)

// A centre's catalogue as a spreadsheet: read from an XLSX or CSV file
// (ReadBook) and written as XLSX (WriteBook) with a 说明 sheet, so that the
// file the program writes is the file it reads back.

// MaxBookBytes is the largest spreadsheet file the program reads: a county
// catalogue of 1,500 items is about 200 KB.
const MaxBookBytes = 20 << 20

// The most an XLSX may unpack to, and its largest part: a file that claims
// more is a zip bomb, not a catalogue.
const (
	maxUnzip    = 128 << 20
	maxUnzipXML = 64 << 20
)

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

func bookErr(format string, args ...any) error {
	return &data.Error{Code: data.EINVALID, Field: "file", Message: fmt.Sprintf(format, args...)}
}

// ReadBookFile reads a spreadsheet file from r (at most MaxBookBytes) and
// names it by its SHA-256 for the audit entry.
func ReadBookFile(name string, r io.Reader) (catalogue.Book, catalogue.File, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBookBytes+1))
	if err != nil {
		return catalogue.Book{}, catalogue.File{}, bookErr("%s 无法读取（%v）", filepath.Base(name), err)
	}
	book, err := ReadBook(name, b)
	sum := sha256.Sum256(b)
	return book, catalogue.File{Name: filepath.Base(name), SHA256: hex.EncodeToString(sum[:]), Bytes: int64(len(b))}, err
}

// ReadBook reads an XLSX workbook or a CSV file (UTF-8 with or without a
// BOM, UTF-16 as Excel's "Unicode text", or GBK/GB18030 as Chinese Excel
// and WPS save it) into a book of text cells. name is the file's name,
// shown in messages and used as a CSV's sheet name. A file that is not a
// spreadsheet, a password-protected or damaged workbook, or an old .xls
// gets a message that says what to do.
func ReadBook(name string, b []byte) (catalogue.Book, error) {
	base := filepath.Base(name)
	switch {
	case len(b) == 0:
		return catalogue.Book{}, bookErr("%s 是空文件", base)
	case len(b) > MaxBookBytes:
		return catalogue.Book{}, bookErr("%s 有 %.1f MB，超过 %d MB，不像事项清单", base, float64(len(b))/(1<<20), MaxBookBytes>>20)
	case bytes.HasPrefix(b, oleMagic):
		if bytes.Contains(b, utf16Bytes("EncryptedPackage")) {
			return catalogue.Book{}, bookErr("%s 设有打开密码，程序无法读取：请在 Excel 或 WPS 中打开，取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存为 .xlsx 再导入", base)
		}
		return catalogue.Book{}, bookErr("%s 是旧版 Excel 97-2003 工作簿（.xls）：请在 Excel 或 WPS 中另存为 .xlsx 再导入", base)
	case bytes.HasPrefix(b, zipMagic):
		return readXLSX(base, b)
	case bytes.HasPrefix(b, []byte("%PDF")), bytes.HasPrefix(b, []byte{0x89, 'P', 'N', 'G'}), bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}),
		bytes.HasPrefix(b, []byte("{\\rtf")), bytes.HasPrefix(b, []byte("Rar!")), bytes.HasPrefix(b, []byte{0x1F, 0x8B}):
		return catalogue.Book{}, bookErr("%s 不是电子表格：请选择 .xlsx 工作簿或 .csv 文件", base)
	}
	return readCSV(base, b)
}

func utf16Bytes(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func readXLSX(base string, b []byte) (catalogue.Book, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxUnzip, UnzipXMLSizeLimit: maxUnzipXML})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookFileFormat) || strings.Contains(err.Error(), "zip") {
			return catalogue.Book{}, bookErr("%s 已损坏或不是有效的 .xlsx 工作簿（%v）：请在 Excel 或 WPS 中打开并另存为 .xlsx", base, err)
		}
		return catalogue.Book{}, bookErr("%s 无法读取（%v）：请在 Excel 或 WPS 中打开并另存为 .xlsx", base, err)
	}
	defer f.Close()
	var book catalogue.Book
	names := f.GetSheetList()
	if len(names) == 0 {
		return book, bookErr("%s 中没有工作表", base)
	}
	if len(names) > catalogue.MaxSheet {
		return book, bookErr("%s 有 %d 张工作表，超过 %d 张，不像事项清单", base, len(names), catalogue.MaxSheet)
	}
	for _, n := range names {
		// Raw values: a date is its serial number (catalogue.ParseDate
		// reads it) rather than text in whatever format the cell shows.
		rows, err := f.GetRows(n, excelize.Options{RawCellValue: true})
		if err != nil {
			return book, bookErr("%s 的工作表“%s”已损坏（%v）", base, n, err)
		}
		if len(rows) > catalogue.MaxRows+1 {
			return book, bookErr("%s 的工作表“%s”有 %d 行，超过 %d 行", base, n, len(rows)-1, catalogue.MaxRows)
		}
		book.Sheets = append(book.Sheets, catalogue.Sheet{Name: n, Rows: rows})
	}
	return book, nil
}

// readCSV decodes the text and reads one sheet named after the file.
func readCSV(base string, b []byte) (catalogue.Book, error) {
	text, err := decodeText(b)
	if err != nil {
		return catalogue.Book{}, bookErr("%s 不是电子表格：请选择 .xlsx 工作簿或 .csv 文件", base)
	}
	first, _, _ := strings.Cut(text, "\n")
	r := csv.NewReader(strings.NewReader(text))
	if strings.Count(first, "\t") > strings.Count(first, ",") {
		r.Comma = '\t' // Excel's "Unicode text"
	}
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return catalogue.Book{}, bookErr("%s 第 %d 行不是有效的 CSV（%v）", base, pe.Line, pe.Err)
			}
			return catalogue.Book{}, bookErr("%s 不是有效的 CSV（%v）", base, err)
		}
		if len(rows) > catalogue.MaxRows {
			return catalogue.Book{}, bookErr("%s 超过 %d 行", base, catalogue.MaxRows)
		}
		rows = append(rows, rec)
	}
	name := strings.TrimSuffix(base, filepath.Ext(base))
	return catalogue.Book{Sheets: []catalogue.Sheet{{Name: name, Rows: rows}}}, nil
}

// decodeText turns a text file into UTF-8: a BOM says which encoding;
// without one, valid UTF-8 is taken as it is and anything else is read as
// GB18030 (which contains GBK and GB 2312). Binary data is refused.
func decodeText(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		if len(b)%2 != 0 {
			return "", errors.New("odd UTF-16")
		}
		big := b[0] == 0xFE
		u := make([]uint16, 0, len(b)/2-1)
		for i := 2; i+1 < len(b); i += 2 {
			if big {
				u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
			} else {
				u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
			}
		}
		b = []byte(string(utf16.Decode(u)))
	case !utf8.Valid(b):
		out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		if err != nil {
			return "", err
		}
		b = out
	}
	if bytes.IndexByte(b, 0) >= 0 || bytes.ContainsRune(b, utf8.RuneError) {
		return "", errors.New("binary")
	}
	return string(b), nil
}

// WriteBook writes a book as an XLSX workbook: the 说明 sheet first, then
// every table with its header in bold and frozen, codes and dates as text
// (so that 001 stays 001), limits and amounts as numbers, a list of the
// allowed values where a column has them.
func WriteBook(w io.Writer, b catalogue.Book) error {
	f := excelize.NewFile()
	defer f.Close()
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top"}}) // @
	if err != nil {
		return err
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 2, Alignment: &excelize.Alignment{Vertical: "top"}}) // 0.00
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", catalogue.SheetHelp); err != nil {
		return err
	}
	if err := writeHelp(f, head, wrap); err != nil {
		return err
	}
	for _, s := range b.Sheets {
		t, ok := catalogue.TableNamed(s.Name)
		if !ok {
			return fmt.Errorf("no table %q", s.Name)
		}
		if _, err := f.NewSheet(s.Name); err != nil {
			return err
		}
		st := sheetStyles{head: head, wrap: wrap, text: text, money: money}
		if err := writeTable(f, t, s, st); err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

type sheetStyles struct{ head, wrap, text, money int }

func writeHelp(f *excelize.File, head, wrap int) error {
	name := catalogue.SheetHelp
	for r, row := range catalogue.Help() {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellStr(name, cell, v); err != nil {
				return err
			}
		}
	}
	for r, row := range catalogue.Help() {
		// Spreadsheet programs do not always grow a row for wrapped text
		// they did not lay out themselves; the long notes get their height.
		if err := fitRow(f, name, r+1, row, []float64{12, 22, 6, 90}); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(4, len(catalogue.Help()))
	if err := f.SetCellStyle(name, "A2", last, wrap); err != nil {
		return err
	}
	if err := f.SetCellStyle(name, "A1", "D1", head); err != nil {
		return err
	}
	for col, width := range map[string]float64{"A": 12, "B": 22, "C": 6, "D": 90} {
		if err := f.SetColWidth(name, col, col, width); err != nil {
			return err
		}
	}
	if err := fitWidth(f, name); err != nil {
		return err
	}
	return f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// fitRow sets the height of a row whose cells need more than one line at
// their column's width (a CJK character is about 1.8 units of width).
func fitRow(f *excelize.File, sheet string, row int, cells []string, widths []float64) error {
	lines := 1
	for c, v := range cells {
		if c >= len(widths) || v == "" {
			continue
		}
		n := 0
		for _, para := range strings.Split(v, "\n") {
			units := 0.0
			for _, r := range para {
				if r > 0x2E80 {
					units += 1.8
				} else {
					units++
				}
			}
			n += max(1, int(units/(widths[c]-2))+1)
		}
		lines = max(lines, n)
	}
	if lines == 1 {
		return nil
	}
	return f.SetRowHeight(sheet, row, float64(lines)*15)
}

// fitWidth prints a sheet landscape, every column on one page's width.
func fitWidth(f *excelize.File, sheet string) error {
	fit, landscape, one, any := true, "landscape", 1, 0
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &one, FitToHeight: &any})
}

func writeTable(f *excelize.File, t catalogue.Table, s catalogue.Sheet, st sheetStyles) error {
	lastRow := max(len(s.Rows), 2) + 500 // styles and lists reach rows a user adds
	for c, col := range t.Columns {
		letter := catalogue.ColumnLetter(c)
		if err := f.SetColWidth(s.Name, letter, letter, col.Width); err != nil {
			return err
		}
		style := st.wrap
		switch {
		case col.Text:
			style = st.text
		case col.Key() == "收费标准":
			style = st.money
		}
		if err := f.SetColStyle(s.Name, letter, style); err != nil {
			return err
		}
		if len(col.Choices) > 0 {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = fmt.Sprintf("%s2:%s%d", letter, letter, lastRow)
			if err := dv.SetDropList(col.Choices); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, col.Key(), "请从列表中选择："+strings.Join(col.Choices, "、"))
			if err := f.AddDataValidation(s.Name, dv); err != nil {
				return err
			}
		}
	}
	widths := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = c.Width
	}
	for r, row := range s.Rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := setCell(f, s.Name, cell, t, c, r, v); err != nil {
				return err
			}
		}
		if err := fitRow(f, s.Name, r+1, row, widths); err != nil {
			return err
		}
	}
	lastCol := catalogue.ColumnLetter(len(t.Columns) - 1)
	if err := f.SetCellStyle(s.Name, "A1", lastCol+"1", st.head); err != nil {
		return err
	}
	if err := fitWidth(f, s.Name); err != nil {
		return err
	}
	return f.SetPanes(s.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// setCell stores a value: limits and amounts as numbers (a spreadsheet can
// sum and sort them), everything else as text.
func setCell(f *excelize.File, sheet, cell string, t catalogue.Table, c, r int, v string) error {
	if r > 0 && c < len(t.Columns) && v != "" {
		switch t.Columns[c].Key() {
		case "法定时限", "承诺时限":
			if n, err := strconv.Atoi(v); err == nil {
				return f.SetCellInt(sheet, cell, int64(n))
			}
		case "收费标准":
			if fen, err := catalogue.ParseYuan(v); err == nil {
				return f.SetCellFloat(sheet, cell, float64(fen)/100, 2, 64)
			}
		}
	}
	return f.SetCellStr(sheet, cell, v)
}
