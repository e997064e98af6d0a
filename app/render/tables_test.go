package render

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/internal/testkit"
)

// The CSV and the XLSX read back give the numbers of the report's tables,
// which are what the screen shows.
func TestReportExports(t *testing.T) {
	s, c := testkit.Open(t)
	c.Set("2026-11-20 18:00")
	if _, err := demo.Run(context.Background(), s, demo.Options{Cases: 1500, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Report(context.Background(), report.Spec{From: calendar.NewDate(2026, 1, 1), To: calendar.NewDate(2026, 11, 20), By: report.ByDepartment, Today: calendar.NewDate(2026, 11, 20)})
	if err != nil {
		t.Fatal(err)
	}
	tables := rep.Tables()
	main := tables[0]
	if len(rep.Ranking) < 2 || main.Rows[len(main.Rows)-1][0].Text != "合计" {
		t.Fatalf("ranking %d, last row %v", len(rep.Ranking), main.Rows[len(main.Rows)-1][0])
	}
	// The demo applies most waivers its applicants qualify for, misses some
	// and grants a few without grounds: the 政策落实督查 has all three.
	pol, ok := report.Find(tables, "政策落实督查")
	if !ok {
		t.Fatal("no 政策落实督查")
	}
	total := pol.Rows[len(pol.Rows)-1]
	if total[4].Num == 0 || total[6].Num == 0 || total[9].Num == 0 {
		t.Errorf("policy totals: granted %v, missed %v, unfounded %v", total[4].Num, total[6].Num, total[9].Num)
	}
	pdf, err := RenderReport(rep, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	if !strings.Contains(text, "政策落实督查（按政策和部门）") || !strings.Contains(text, "应减未减") || !strings.Contains(text, pol.Rows[0][0].Text) {
		t.Errorf("the PDF's policy table is missing")
	}
	// The demo's themes (一件事): a row each, in the PDF too (and in the
	// XLSX below, with every table).
	th, ok := report.Find(tables, "一件事（按主题）")
	if !ok || len(th.Rows) < 2 || th.Rows[len(th.Rows)-1][2].Num == 0 {
		t.Fatalf("一件事 table %+v", th)
	}
	if !strings.Contains(text, "一件事（按主题）") || !strings.Contains(text, th.Rows[0][0].Text) || !strings.Contains(text, "最常拖后的事项") {
		t.Errorf("the PDF's theme table is missing")
	}

	var buf bytes.Buffer
	if err := Encode(&buf, CSV, rep, time.Now()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeff")) {
		t.Fatal("the CSV has no byte-order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(main.Rows)+1 || recs[0][1] != "收件" {
		t.Fatalf("%d CSV records, header %v", len(recs), recs[0])
	}
	for i, row := range main.Rows {
		for j, cell := range row {
			checkNumber(t, fmt.Sprintf("CSV %d,%d", i, j), cell, recs[i+1][j])
		}
	}

	buf.Reset()
	if err := Encode(&buf, XLSX, rep, time.Now()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) != len(tables) {
		t.Fatalf("sheets %v", sheets)
	}
	for k, tab := range tables {
		panes, err := f.GetPanes(sheets[k])
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("sheet %s: header not frozen (%+v, %v)", sheets[k], panes, err)
		}
		for i, row := range tab.Rows {
			for j, cell := range row {
				name, _ := excelize.CoordinatesToCellName(j+1, i+2)
				raw, err := f.GetCellValue(sheets[k], name, excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatal(err)
				}
				typ, _ := f.GetCellType(sheets[k], name)
				if cell.IsNum && !math.IsNaN(cell.Num) && (typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString) {
					t.Errorf("%s %s is stored as text", sheets[k], name)
				}
				checkNumber(t, sheets[k]+" "+name, cell, raw)
			}
		}
	}
}

// checkNumber compares a cell of a table with what a file holds for it.
func checkNumber(t *testing.T, where string, cell report.Cell, got string) {
	t.Helper()
	if !cell.IsNum {
		if got != cell.Text {
			t.Errorf("%s: %q, want %q", where, got, cell.Text)
		}
		return
	}
	if math.IsNaN(cell.Num) {
		if got != "" {
			t.Errorf("%s: %q for no data", where, got)
		}
		return
	}
	v, err := strconv.ParseFloat(got, 64)
	want := cell.Num
	if cell.Format == report.Yuan {
		want /= 100
	}
	if err != nil || math.Abs(v-want) > 1e-9 {
		t.Errorf("%s: %q, want %v", where, got, want)
	}
}
