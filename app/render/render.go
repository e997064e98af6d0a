// Package render writes what leaves the program as a file: the documents
// handed to applicants — 受理通知书, 补正材料通知书, 不予受理通知书, 办结通知书,
// 减免审批单 — as PDF with the bundled Chinese font and the signed QR code,
// and the reports as PDF, XLSX or CSV (Encode). It does not import Fyne, so
// the command line and the screens write the same files.
//
// fpdf (codeberg.org/go-pdf/fpdf) draws; this package never hands it text
// to wrap (MultiCell/SplitText lose a character at each break), text the
// font cannot draw (it would print an empty box) or characters outside the
// Basic Multilingual Plane (Output panics on them).
package render

import (
	"bytes"
	"fmt"
	"image/color"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"github.com/onewindow/onewindow/data"
)

// Size is the paper size.
type Size string

// Paper sizes.
const (
	A4 Size = "A4"
	A5 Size = "A5"
)

// Options say how a document is printed.
type Options struct {
	Size    Size // A4 (the default) or A5
	TwoPart bool // two copies side by side on one A4 landscape sheet: applicant's and archive's
}

// Result is a rendered document.
type Result struct {
	PDF      []byte
	Pages    int      // sheets
	Warnings []string // characters that could not be printed, in Chinese, for the clerk
}

// cell is one column of a row: a box across a fraction of the panel width.
type cell struct {
	from, to float64 // fractions of the panel width
	text     string
	st       style
}

type rowKind int

const (
	rowText   rowKind = iota // cells of wrapped text
	rowGap                   // vertical space of height mm
	rowRule                  // a thin line across the panel
	rowHeader                // title block with the QR code
	rowSign                  // signatures and the seal
)

// row is one unit of layout; rows are never split across pages, except
// text rows, whose lines are.
type row struct {
	kind   rowKind
	cells  []cell
	boxed  bool    // draw the cells' borders (tables)
	height float64 // rowGap; computed for the others
}

// geometry of a panel: one copy of the document.
type geometry struct {
	pageW, pageH float64
	panels       []float64 // x of each panel
	top, w, h    float64
	body, small  float64 // font sizes
	title        float64
	qr           float64 // QR side, mm
	compact      bool    // A5 panels: lists run on, less space for signatures
}

func geometryOf(opt Options) geometry {
	switch {
	case opt.TwoPart:
		return geometry{pageW: 297, pageH: 210, panels: []float64{12, 148.5 + 12}, top: 12, w: 124.5, h: 186,
			body: 8.5, small: 7, title: 14, qr: 25, compact: true}
	case opt.Size == A5:
		return geometry{pageW: 148, pageH: 210, panels: []float64{12}, top: 12, w: 124, h: 186, body: 8.5, small: 7, title: 14, qr: 25, compact: true}
	}
	return geometry{pageW: 210, pageH: 297, panels: []float64{20}, top: 14, w: 170, h: 269, body: 10.5, small: 8.5, title: 18, qr: 32}
}

// renderer holds one document being drawn.
type renderer struct {
	g geometry
	pen
	doc      data.Document
	rows     []row
	st       styles      // the document's text styles (build)
	facts    []data.Fact // labelled facts waiting to be laid out (pair, flush)
	warnings map[rune]bool
	qr       barcode.Barcode
	qrErr    error
}

// Render lays out doc. Characters the font cannot draw are printed as 〓
// and listed in the result's warnings; nothing panics on any text.
func Render(doc data.Document, opt Options) (Result, error) {
	f, err := loadFont()
	if err != nil {
		return Result{}, fmt.Errorf("内置字体无法读取：%w", err)
	}
	if opt.Size != A5 {
		opt.Size = A4
	}
	r := &renderer{g: geometryOf(opt), doc: doc, warnings: map[rune]bool{}}
	r.build()
	// Clean every text, and cut the font to the characters used.
	runes := map[rune]bool{Replacement: true}
	for _, s := range []string{"0123456789 第页共联续补打（）", copyLabels[0], copyLabels[1], "扫码核验", "沿虚线裁开", "年月日"} {
		for _, c := range s {
			runes[c] = true
		}
	}
	for i := range r.rows {
		for j := range r.rows[i].cells {
			c := &r.rows[i].cells[j]
			c.text = r.clean(c.text, f)
			for _, x := range c.text {
				runes[x] = true
			}
		}
	}
	p, err := newPDF(f, runes, r.g.pageW, r.g.pageH, doc.Notice.Title+" "+doc.Number, doc.IssuedAt)
	if err != nil {
		return Result{}, err
	}
	r.pdf = p
	p.SetFont("doc", "", r.g.body)
	pages := r.paginate()
	for i, pg := range pages {
		p.AddPage()
		for k, x := range r.g.panels {
			r.drawPage(x, pg, i, len(pages), k)
		}
		if opt.TwoPart {
			p.SetDrawColor(120, 120, 120)
			p.SetLineWidth(0.2)
			p.SetDashPattern([]float64{2, 2}, 0)
			p.Line(r.g.pageW/2, 6, r.g.pageW/2, r.g.pageH-6)
			p.SetDashPattern(nil, 0)
			r.text(r.g.pageW/2+1.5, r.g.pageH-4, "沿虚线裁开", style{size: 6.5, colour: grey})
		}
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return Result{}, fmt.Errorf("生成 PDF 失败：%w", err)
	}
	res := Result{PDF: buf.Bytes(), Pages: len(pages)}
	var bad []rune
	for x := range r.warnings {
		bad = append(bad, x)
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i] < bad[j] })
	for _, x := range bad {
		res.Warnings = append(res.Warnings, fmt.Sprintf("“%s”（U+%04X）无法打印，已印为“%c”，请在纸面上手写补正", printable(x), x, Replacement))
	}
	return res, nil
}

func printable(r rune) string {
	if r < 0x20 || r == 0x7f || !utf8.ValidRune(r) {
		return "控制字符"
	}
	return string(r)
}

// clean replaces what cannot be printed by 〓 and notes it.
func (r *renderer) clean(s string, f *font) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '\n':
			b.WriteRune(c)
		case c == '\t':
			b.WriteRune(' ')
		case c > 0xFFFF || c < 0x20 || c == 0x7f || !f.Has(c):
			r.warnings[c] = true
			b.WriteRune(Replacement)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

const cellPad = 1.2 // mm inside boxed cells

// lines wraps a cell's text to its box.
func (r *renderer) lines(c cell, boxed bool) []string {
	w := (c.to - c.from) * r.g.w
	if boxed {
		w -= 2 * cellPad
	}
	return Break(c.text, w, r.width(c.st.size))
}

// measure fills in the height of every row.
func (r *renderer) measure() {
	for i := range r.rows {
		rw := &r.rows[i]
		switch rw.kind {
		case rowText:
			h := 0.0
			for _, c := range rw.cells {
				n := len(r.lines(c, rw.boxed))
				h = max(h, float64(n)*lineH(c.st.size))
			}
			if rw.boxed {
				h += 2 * cellPad
			}
			rw.height = h
		case rowRule:
			rw.height = 2
		case rowHeader:
			rw.height = r.g.qr + 4
		case rowSign:
			rw.height = 2*r.sealRadius() + 3
		}
	}
}

// page is the rows of one sheet; a text row may be split: first/last are
// the line ranges of the first and last row on the page.
type pageRow struct {
	row      int
	from, to int // line range for text rows (unboxed); 0, 0 = whole row
	height   float64
}

const footer = 7 // mm kept for the page footer

// paginate fills pages of the panel's height. Boxed rows, headers and
// signatures move whole to the next page; plain text rows split by lines.
func (r *renderer) paginate() [][]pageRow {
	r.measure()
	avail := r.g.h - footer
	var pages [][]pageRow
	var cur []pageRow
	used := 0.0
	flush := func() {
		pages = append(pages, cur)
		cur, used = nil, 0
	}
	for i, rw := range r.rows {
		if used+rw.height <= avail || (len(cur) == 0 && rw.kind != rowText) {
			cur = append(cur, pageRow{row: i, height: rw.height})
			used += rw.height
			continue
		}
		if rw.kind == rowGap || rw.kind == rowRule {
			flush()
			continue
		}
		if rw.kind != rowText || rw.boxed || len(rw.cells) != 1 {
			flush()
			cur, used = append(cur, pageRow{row: i, height: rw.height}), rw.height
			continue
		}
		// Split a paragraph by lines.
		c := rw.cells[0]
		ls := r.lines(c, false)
		lh := lineH(c.st.size)
		from := 0
		for from < len(ls) {
			fit := int((avail - used) / lh)
			if fit <= 0 {
				flush()
				continue
			}
			to := min(from+fit, len(ls))
			cur = append(cur, pageRow{row: i, from: from, to: to, height: float64(to-from) * lh})
			used += float64(to-from) * lh
			from = to
		}
	}
	if len(cur) > 0 || len(pages) == 0 {
		flush()
	}
	return pages
}

var copyLabels = [2]string{"第一联　申请人收执", "第二联　窗口存档"}

func (r *renderer) drawPage(x0 float64, rows []pageRow, page, pages, copyNo int) {
	y := r.g.top
	two := len(r.g.panels) == 2
	if two {
		r.text(x0, y-4, copyLabels[copyNo], style{size: r.g.small, colour: grey})
	}
	for _, pr := range rows {
		rw := r.rows[pr.row]
		switch rw.kind {
		case rowText:
			r.drawText(x0, y, rw, pr)
		case rowRule:
			r.pdf.SetDrawColor(0, 0, 0)
			r.pdf.SetLineWidth(0.3)
			r.pdf.Line(x0, y+1, x0+r.g.w, y+1)
		case rowHeader:
			r.drawHeader(x0, y, rw)
		case rowSign:
			r.drawSign(x0, y, rw)
		}
		y += pr.height
	}
	foot := fmt.Sprintf("%s　第 %d 页 共 %d 页", r.doc.Number, page+1, pages)
	r.textIn(x0, r.g.top+r.g.h-3, r.g.w, foot, style{size: r.g.small - 0.5, align: 'C', colour: grey})
}

func (r *renderer) drawText(x0, y float64, rw row, pr pageRow) {
	if rw.boxed {
		r.pdf.SetDrawColor(0, 0, 0)
		r.pdf.SetLineWidth(0.2)
	}
	for _, c := range rw.cells {
		x, w := x0+c.from*r.g.w, (c.to-c.from)*r.g.w
		ls := r.lines(c, rw.boxed)
		if pr.to > 0 {
			ls = ls[pr.from:pr.to]
		}
		ty, tx, tw := y, x, w
		if rw.boxed {
			r.pdf.Rect(x, y, w, rw.height, "D")
			ty, tx, tw = y+cellPad, x+cellPad, w-2*cellPad
		}
		for _, l := range ls {
			r.textIn(tx, ty, tw, l, c.st)
			ty += lineH(c.st.size)
		}
	}
}

// drawHeader draws the QR code at the top right, and beside it the site,
// the title, 补打 if this is a reprint, the document and case numbers.
func (r *renderer) drawHeader(x0, y float64, rw row) {
	q := r.g.qr
	qx := x0 + r.g.w - q
	r.drawQR(qx, y, q)
	r.textIn(qx, y+q, q, "扫码核验", style{size: r.g.small - 1, align: 'C', colour: grey})
	w := r.g.w - q - 3
	st := style{size: r.g.small, align: 'C', colour: grey}
	hd := rw.cells // site, title, then the number lines
	r.textIn(x0, y, w, hd[0].text, st)
	ty := y + lineH(r.g.small) + 1
	r.textIn(x0, ty, w, hd[1].text, style{size: r.g.title, align: 'C'})
	ty += lineH(r.g.title) + 1
	if r.doc.Reprints > 0 {
		mark := fmt.Sprintf("补打（第 %d 次）", r.doc.Reprints)
		mw := Width(mark, r.width(r.g.small)) + 3
		r.pdf.SetDrawColor(int(red.R), int(red.G), int(red.B))
		r.pdf.SetLineWidth(0.4)
		mx := x0 + (w-mw)/2
		r.pdf.Rect(mx, ty, mw, lineH(r.g.small), "D")
		r.text(mx+1.5, ty, mark, style{size: r.g.small, colour: red})
		ty += lineH(r.g.small) + 1
	}
	for _, c := range hd[2:] {
		r.textIn(x0, ty, w, c.text, style{size: r.g.small, align: 'C'})
		ty += lineH(r.g.small)
	}
}

// drawQR draws the token as a QR code (error correction M) of side q mm,
// module by module as filled rectangles, with its quiet zone left white.
func (r *renderer) drawQR(x, y, q float64) {
	if r.qr == nil && r.qrErr == nil {
		r.qr, r.qrErr = qr.Encode(r.doc.Token, qr.M, qr.Auto) // once for both copies
	}
	code := r.qr
	if r.qrErr != nil {
		r.text(x, y, "二维码生成失败", style{size: r.g.small, colour: red})
		return
	}
	b := code.Bounds()
	n := b.Dx()
	m := q / float64(n+8) // four modules of quiet zone each side
	r.pdf.SetFillColor(0, 0, 0)
	for j := 0; j < n; j++ {
		for i := 0; i < n; {
			if !dark(code.At(b.Min.X+i, b.Min.Y+j)) {
				i++
				continue
			}
			k := i
			for k < n && dark(code.At(b.Min.X+k, b.Min.Y+j)) {
				k++
			}
			r.pdf.Rect(x+m*float64(4+i), y+m*float64(4+j), m*float64(k-i), m, "F")
			i = k
		}
	}
}

func dark(c color.Color) bool {
	v, _, _, _ := c.RGBA()
	return v < 0x8000
}

// sealRadius is the radius of the seal's circle, which sets the height of
// the signature block.
func (r *renderer) sealRadius() float64 {
	if r.g.compact {
		return 9
	}
	return 13
}

// drawSign draws the signature places and the seal's circle.
func (r *renderer) drawSign(x0, y float64, rw row) {
	st := style{size: r.g.body}
	seal := rw.cells[len(rw.cells)-1].text
	signs := rw.cells[:len(rw.cells)-1]
	colW := r.g.w * 0.62 / float64(max(len(signs), 1))
	rad := r.sealRadius()
	for i, c := range signs {
		x := x0 + float64(i)*colW
		r.text(x, y+2, c.text, st)
		r.pdf.SetDrawColor(0, 0, 0)
		r.pdf.SetLineWidth(0.2)
		r.pdf.Line(x, y+rad+3, x+colW-4, y+rad+3)
		r.text(x, y+rad+5, "年　　月　　日", style{size: r.g.small, colour: grey})
	}
	cx, cy := x0+r.g.w*0.82, y+rad+1
	r.pdf.SetDrawColor(160, 160, 160)
	r.pdf.SetLineWidth(0.2)
	r.pdf.SetDashPattern([]float64{1.2, 1.2}, 0)
	r.pdf.Circle(cx, cy, rad, "D")
	r.pdf.SetDashPattern(nil, 0)
	r.textIn(cx-rad, cy-lineH(r.g.small), 2*rad, "（"+seal+"）", style{size: r.g.small, align: 'C', colour: grey})
	r.textIn(cx-rad, cy+1, 2*rad, r.doc.Notice.Issued, style{size: r.g.small, align: 'C', colour: grey})
}
