package render

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/report"
)

// Format is a report file's format.
type Format string

// The report formats.
const (
	PDF  Format = "pdf"  // the printable report: tables, ranking, weekly chart
	XLSX Format = "xlsx" // every table as its own sheet, numbers as numbers
	CSV  Format = "csv"  // the main table, UTF-8 with a byte-order mark
)

// Formats are the report formats, in the order they are offered.
var Formats = []Format{PDF, XLSX, CSV}

// ParseFormat reads a format name ("pdf", "XLSX", ".csv").
func ParseFormat(s string) (Format, error) {
	f := Format(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "."))
	for _, x := range Formats {
		if f == x {
			return f, nil
		}
	}
	return "", data.FieldError("format", "格式", "应为 pdf、xlsx 或 csv，不是 %q", s)
}

// Encode writes the report in format f; generated is the time printed on a
// PDF as when it was made.
func Encode(w io.Writer, f Format, rep *report.Report, generated time.Time) error {
	switch f {
	case PDF:
		b, err := RenderReport(rep, generated)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	case XLSX:
		return writeXLSX(w, rep)
	case CSV:
		return writeCSV(w, rep)
	}
	return fmt.Errorf("report format %q", f)
}

// writeCSV writes the main table as CSV, UTF-8 with a byte-order mark so
// that Excel shows the Chinese.
func writeCSV(w io.Writer, rep *report.Report) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	t := rep.Tables()[0]
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	for _, row := range t.Rows {
		rec := make([]string, len(row))
		for i, c := range row {
			rec[i] = csvValue(c)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvValue writes numbers plainly (rates as fractions, money in yuan) so a
// spreadsheet reads them as numbers; "no such cases" is empty.
func csvValue(c report.Cell) string {
	if !c.IsNum {
		return c.Text
	}
	if math.IsNaN(c.Num) {
		return ""
	}
	switch c.Format {
	case report.Yuan:
		return strconv.FormatFloat(c.Num/100, 'f', 2, 64)
	case report.Int:
		return strconv.FormatFloat(c.Num, 'f', 0, 64)
	}
	return strconv.FormatFloat(c.Num, 'f', -1, 64)
}

// writeXLSX writes every table as its own sheet: numbers stored as numbers
// (rates with a percent format, money in yuan), the header row frozen.
func writeXLSX(w io.Writer, rep *report.Report) error {
	f := excelize.NewFile()
	defer f.Close()
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return err
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return err
	}
	dec, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return err
	}
	for i, t := range rep.Tables() {
		name := sheetName(t.Name)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		for c, h := range t.Header {
			cell, _ := excelize.CoordinatesToCellName(c+1, 1)
			if err := f.SetCellStr(name, cell, h); err != nil {
				return err
			}
			if err := f.SetCellStyle(name, cell, cell, head); err != nil {
				return err
			}
		}
		for r, row := range t.Rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
				var err error
				switch {
				case !v.IsNum:
					err = f.SetCellStr(name, cell, v.Text)
				case math.IsNaN(v.Num):
					// left empty: no such cases
				case v.Format == report.Yuan:
					if err = f.SetCellFloat(name, cell, v.Num/100, 2, 64); err == nil {
						err = f.SetCellStyle(name, cell, cell, money)
					}
				case v.Format == report.Percent:
					if err = f.SetCellFloat(name, cell, v.Num, -1, 64); err == nil {
						err = f.SetCellStyle(name, cell, cell, pct)
					}
				case v.Format == report.Decimal:
					if err = f.SetCellFloat(name, cell, v.Num, -1, 64); err == nil {
						err = f.SetCellStyle(name, cell, cell, dec)
					}
				default:
					err = f.SetCellInt(name, cell, int64(v.Num))
				}
				if err != nil {
					return err
				}
			}
		}
		if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		if err := f.SetColWidth(name, "A", "A", 24); err != nil {
			return err
		}
	}
	return f.Write(w)
}

// sheetName fits a table name into Excel's 31 characters without []:*?/\.
func sheetName(s string) string {
	s = strings.NewReplacer("[", "（", "]", "）", ":", "：", "*", "", "?", "", "/", "／", "\\", "").Replace(s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}
