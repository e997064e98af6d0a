package render

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/report"
)

// The report PDF: A4 landscape, the figures in two tables (volume and
// time; money and ratings), the ranking with its weights, the two charts.

const (
	repW, repH = 297.0, 210.0
	repMargin  = 12.0
	repBody    = 7.5
	repRowH    = 5.2
)

// The two halves of the main table, by column header.
var (
	volumeColumns = []string{"收件", "受理", "不予受理", "撤回", "办结", "承诺按期率", "法定按期率", "平均用时（工作日）", "中位用时", "P90 用时",
		"延期办结", "暂停工作日", "补正率", "当日办结率", "黄灯（现在）", "红灯（现在）"}
	moneyColumns = []string{"收费办件", "应收金额（元）", "减免办件", "减免金额（元）", "评价数", "满意度", "差评数", "到期整改", "按期整改", "整改按期率"}
)

type reportPDF struct {
	pen
	rep  *report.Report
	y    float64
	page int
	ok   map[rune]bool // the runes the document's font draws
	gen  time.Time
}

// RenderReport lays out rep as an A4 landscape PDF with its charts.
func RenderReport(rep *report.Report, generated time.Time) ([]byte, error) {
	f, err := loadFont()
	if err != nil {
		return nil, fmt.Errorf("内置字体无法读取：%w", err)
	}
	tables := rep.Tables()
	runes := map[rune]bool{Replacement: true, '…': true}
	add := func(s string) {
		for _, c := range s {
			runes[c] = true
		}
	}
	add("0123456789.%—-：第页共（）年月日至" + chartLabels + rep.Spec.By.Label() + repTitle(rep) + repSubtitle(rep, generated))
	for _, t := range tables {
		add(t.Name + strings.Join(t.Header, ""))
		for _, row := range t.Rows {
			for _, c := range row {
				add(c.String())
			}
		}
	}
	for r := range runes {
		if r > 0xFFFF || !f.Has(r) {
			delete(runes, r)
		}
	}
	p, err := newPDF(f, runes, repW, repH, repTitle(rep), generated)
	if err != nil {
		return nil, err
	}
	d := &reportPDF{pen: pen{pdf: p}, rep: rep, ok: runes, gen: generated}
	d.newPage()
	main := tables[0]
	d.table(main, volumeColumns)
	d.y += 4
	d.table(main, moneyColumns)
	for _, t := range tables[1:] { // the ranking, the problems, the policies, the themes, the waivers
		if len(t.Rows) == 0 || !(strings.HasPrefix(t.Name, "综合排名") || strings.HasPrefix(t.Name, "企业反映问题") || strings.HasPrefix(t.Name, "政策落实") ||
			strings.HasPrefix(t.Name, "一件事") || strings.HasPrefix(t.Name, "减免")) {
			continue
		}
		d.y += 4
		d.table(t, nil)
	}
	d.charts()
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("生成 PDF 失败：%w", err)
	}
	return buf.Bytes(), nil
}

func repTitle(rep *report.Report) string {
	return "办件时效统计报表（按" + rep.Spec.By.Label() + "）"
}

func repSubtitle(rep *report.Report, generated time.Time) string {
	return fmt.Sprintf("统计期间 %s 至 %s　红黄灯截至 %s　生成于 %s", rep.Spec.From, rep.Spec.To, rep.Spec.Today,
		generated.In(calendar.Shanghai).Format("2006-01-02 15:04"))
}

// safe replaces characters the font cannot draw.
func (d *reportPDF) safe(s string) string {
	return strings.Map(func(r rune) rune {
		if !d.ok[r] {
			return Replacement
		}
		return r
	}, s)
}

func (d *reportPDF) newPage() {
	d.pdf.AddPage()
	d.page++
	d.y = repMargin
	if d.page == 1 {
		d.textIn(repMargin, d.y, repW-2*repMargin, repTitle(d.rep), style{size: 15, align: 'C'})
		d.y += lineH(15) + 1
		d.textIn(repMargin, d.y, repW-2*repMargin, d.safe(repSubtitle(d.rep, d.gen)), style{size: 8, align: 'C', colour: grey})
		d.y += lineH(8) + 3
	}
	d.textIn(repMargin, repH-8, repW-2*repMargin, fmt.Sprintf("第 %d 页", d.page), style{size: 7, align: 'C', colour: grey})
}

// fit shortens s with … to width w at size.
func (d *reportPDF) fit(s string, w, size float64) string {
	wf := d.width(size)
	if Width(s, wf) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && Width(string(rs)+"…", wf) > w {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

// table draws t's first column and the named columns (all when nil),
// headers repeated on each page.
func (d *reportPDF) table(t report.Table, names []string) {
	cols := []int{0}
	if names == nil {
		for i := 1; i < len(t.Header); i++ {
			cols = append(cols, i)
		}
	} else {
		for _, n := range names {
			for i, h := range t.Header {
				if h == n {
					cols = append(cols, i)
				}
			}
		}
	}
	avail := repW - 2*repMargin
	first := 48.0
	if t.Name == "说明" {
		first = 30
	}
	w := (avail - first) / float64(len(cols)-1)
	if names == nil && len(cols) > 3 && strings.HasPrefix(t.Name, "减免") {
		first, w = 40, (avail-40)/float64(len(cols)-1)
	}
	widths := make([]float64, len(cols))
	for k := range widths {
		widths[k] = w
	}
	widths[0] = first
	if names == nil && strings.HasPrefix(t.Name, "政策落实") && len(cols) == 11 {
		// The policy's name, its 文号 and the department take their room;
		// the eight figures share the rest.
		widths[0], widths[1], widths[2] = 62, 40, 30
		rest := (avail - 132) / 8
		for k := 3; k < len(widths); k++ {
			widths[k] = rest
		}
	}
	if names == nil && strings.HasPrefix(t.Name, "一件事") && len(cols) == 11 {
		// The theme's name and the item that held it up take their room.
		widths[0], widths[9] = 40, 44
		rest := (avail - 84) / 9
		for k := 1; k < len(widths); k++ {
			if k != 9 {
				widths[k] = rest
			}
		}
	}
	colX := func(k int) (float64, float64) {
		x := repMargin
		for _, cw := range widths[:k] {
			x += cw
		}
		return x, widths[k]
	}
	header := func() {
		d.textIn(repMargin, d.y, avail, d.safe(t.Name), style{size: 9})
		d.y += lineH(9)
		hh := 2 * lineH(repBody-0.5)
		d.pdf.SetFillColor(235, 238, 243)
		d.pdf.Rect(repMargin, d.y, avail, hh, "F")
		for k, c := range cols {
			x, cw := colX(k)
			lines := Break(d.safe(t.Header[c]), cw-1.5, d.width(repBody-0.5))
			for i, l := range lines[:min(2, len(lines))] {
				d.textIn(x+0.75, d.y+float64(i)*lineH(repBody-0.5), cw-1.5, l, style{size: repBody - 0.5, align: 'C'})
			}
		}
		d.y += hh
	}
	header()
	for i, row := range t.Rows {
		if d.y+repRowH > repH-12 {
			d.newPage()
			header()
		}
		if i%2 == 1 {
			d.pdf.SetFillColor(248, 249, 251)
			d.pdf.Rect(repMargin, d.y, avail, repRowH, "F")
		}
		for k, c := range cols {
			x, cw := colX(k)
			cell := row[c]
			st := style{size: repBody, align: 'R'}
			if !cell.IsNum {
				st.align = 'L'
			}
			s := d.fit(d.safe(cell.String()), cw-1.5, repBody)
			d.textIn(x+0.75, d.y+(repRowH-lineH(repBody))/2, cw-1.5, s, st)
		}
		d.y += repRowH
	}
	d.pdf.SetDrawColor(180, 180, 180)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Line(repMargin, d.y, repMargin+avail, d.y)
}

// charts draws the on-time rate by group (bars) and the weekly volume with
// the median working days (lines) side by side on a new page.
func (d *reportPDF) charts() {
	d.newPage()
	half := (repW - 2*repMargin - 10) / 2
	d.bars(repMargin, d.y, half, 150)
	d.lines(repMargin+half+10, d.y, half, 150)
}

var barColour = [3]int{66, 133, 244}

// The charts' fixed texts (their characters go into the document's font).
const (
	barsTitle   = "承诺时限内办结率（按"
	linesTitle  = "每周收件、办结（左轴）与办结中位用时（右轴，工作日）"
	noneDone    = "期间内没有办结的办件"
	chartLabels = barsTitle + linesTitle + noneDone + "收件办结中位用时月"
)

// bars: 承诺按期率 per group, one horizontal bar each, best on top.
func (d *reportPDF) bars(x, y, w, h float64) {
	d.textIn(x, y, w, barsTitle+d.rep.Spec.By.Label()+"）", style{size: 9})
	y += lineH(9) + 2
	type bar struct {
		name string
		v    float64
	}
	var bs []bar
	for i := range d.rep.Rows {
		r := &d.rep.Rows[i]
		if v := r.OnTimeRate(); !math.IsNaN(v) {
			bs = append(bs, bar{r.Name, v})
		}
	}
	sortBars := func(i, j int) bool { return bs[i].v > bs[j].v }
	for i := 1; i < len(bs); i++ {
		for j := i; j > 0 && sortBars(j, j-1); j-- {
			bs[j], bs[j-1] = bs[j-1], bs[j]
		}
	}
	if len(bs) > 24 {
		bs = bs[:24]
	}
	if len(bs) == 0 {
		d.text(x, y, noneDone, style{size: repBody, colour: grey})
		return
	}
	label := 38.0
	bh := math.Min(5.5, (h-10)/float64(len(bs)))
	plot := w - label - 14
	d.pdf.SetDrawColor(200, 200, 200)
	d.pdf.SetLineWidth(0.1)
	for _, t := range []float64{0, 0.25, 0.5, 0.75, 1} {
		gx := x + label + t*plot
		d.pdf.Line(gx, y, gx, y+bh*float64(len(bs)))
		d.textIn(gx-6, y+bh*float64(len(bs))+0.5, 12, fmt.Sprintf("%.0f%%", t*100), style{size: 6, align: 'C', colour: grey})
	}
	d.pdf.SetFillColor(barColour[0], barColour[1], barColour[2])
	for i, b := range bs {
		by := y + float64(i)*bh
		d.textIn(x, by+(bh-lineH(6.5))/2, label-2, d.fit(d.safe(b.name), label-2, 6.5), style{size: 6.5, align: 'R'})
		d.pdf.Rect(x+label, by+bh*0.15, b.v*plot, bh*0.7, "F")
		d.text(x+label+b.v*plot+1, by+(bh-lineH(6))/2, fmt.Sprintf("%.1f%%", b.v*100), style{size: 6})
	}
}

// lines: received and completed per week (left axis) and the median
// working days of the week's completed cases (right axis).
func (d *reportPDF) lines(x, y, w, h float64) {
	d.textIn(x, y, w, linesTitle, style{size: 9})
	y += lineH(9) + 2
	weeks := d.rep.Weeks
	if len(weeks) == 0 {
		return
	}
	px, pw, ph := x+10, w-20, h-20
	maxN, maxD := 1.0, 1.0
	for _, k := range weeks {
		maxN = math.Max(maxN, float64(max(k.Received, k.Completed)))
		if !math.IsNaN(k.MedianDays) {
			maxD = math.Max(maxD, k.MedianDays)
		}
	}
	maxN, maxD = 4*niceCeil(maxN/4), 4*niceCeil(maxD/4) // four whole steps
	d.pdf.SetDrawColor(200, 200, 200)
	d.pdf.SetLineWidth(0.1)
	for i := 0; i <= 4; i++ {
		gy := y + ph - float64(i)/4*ph
		d.pdf.Line(px, gy, px+pw, gy)
		d.textIn(x, gy-lineH(6)/2, 9, fmt.Sprintf("%.0f", maxN*float64(i)/4), style{size: 6, align: 'R', colour: grey})
		d.text(px+pw+1, gy-lineH(6)/2, fmt.Sprintf("%.0f", maxD*float64(i)/4), style{size: 6, colour: grey})
	}
	step := pw / math.Max(1, float64(len(weeks)-1))
	pt := func(i int, v, top float64) (float64, float64) { return px + float64(i)*step, y + ph - v/top*ph }
	series := []struct {
		get  func(report.Week) float64
		top  float64
		rgb  [3]int
		name string
	}{
		{func(k report.Week) float64 { return float64(k.Received) }, maxN, [3]int{120, 120, 120}, "收件"},
		{func(k report.Week) float64 { return float64(k.Completed) }, maxN, barColour, "办结"},
		{func(k report.Week) float64 { return k.MedianDays }, maxD, [3]int{229, 57, 53}, "中位用时"},
	}
	for si, s := range series {
		d.pdf.SetDrawColor(s.rgb[0], s.rgb[1], s.rgb[2])
		d.pdf.SetLineWidth(0.5)
		prevOK := false
		var lx, ly float64
		for i, k := range weeks {
			v := s.get(k)
			if math.IsNaN(v) {
				prevOK = false
				continue
			}
			cx, cy := pt(i, v, s.top)
			if prevOK {
				d.pdf.Line(lx, ly, cx, cy)
			}
			lx, ly, prevOK = cx, cy, true
		}
		lgx := px + float64(si)*32
		d.pdf.Line(lgx, y+ph+9, lgx+6, y+ph+9)
		d.text(lgx+7, y+ph+9-lineH(6.5)/2, s.name, style{size: 6.5})
	}
	// Month labels under the first week of each month.
	last := -1
	for i, k := range weeks {
		if m := int(k.Monday.Time().Month()); m != last {
			last = m
			cx, _ := pt(i, 0, 1)
			d.text(cx-3, y+ph+1, fmt.Sprintf("%d月", m), style{size: 6, colour: grey})
		}
	}
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}
