package render

import (
	"fmt"
	"image/color"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/onewindow/onewindow/assets"
)

// What every PDF of this package shares: the bundled font, read once, and
// a pen that draws and measures text with the document's cut of it.

// Replacement is printed in place of a character the font cannot draw.
const Replacement = '〓'

var (
	fontOnce sync.Once
	theFont  *font
	fontErr2 error
)

func loadFont() (*font, error) {
	fontOnce.Do(func() { theFont, fontErr2 = parseFont(assets.Font) })
	return theFont, fontErr2
}

// CheckText returns the characters of s that a document cannot print: those
// the bundled font lacks, and those outside the Basic Multilingual Plane.
func CheckText(s string) []rune {
	f, err := loadFont()
	var out []rune
	for _, r := range s {
		if r == '\n' || r == '\t' {
			continue
		}
		if err != nil || r > 0xFFFF || r < 0x20 || !f.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

// style of a run of text.
type style struct {
	size   float64 // points
	align  byte    // 'L', 'C', 'R'
	colour color.NRGBA
}

var (
	black = color.NRGBA{0, 0, 0, 255}
	grey  = color.NRGBA{90, 90, 90, 255}
	red   = color.NRGBA{200, 30, 30, 255}
)

const ptToMM = 25.4 / 72

func lineH(size float64) float64 { return size * ptToMM * 1.42 }

// pen draws text on a PDF with the document's font, measuring as fpdf does.
type pen struct {
	pdf    *fpdf.Fpdf
	widths map[float64]map[rune]float64
}

// newPDF starts a PDF of w × h mm (as drawn: no orientation swap) with the
// bundled font cut to runes, deterministic for a given creation time.
func newPDF(f *font, runes map[rune]bool, w, h float64, title string, created time.Time) (*fpdf.Fpdf, error) {
	list := make([]rune, 0, len(runes))
	for x := range runes {
		list = append(list, x)
	}
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: w, Ht: h}})
	p.SetCatalogSort(true)
	p.SetCreationDate(created)
	p.SetModificationDate(created)
	p.SetTitle(title, true)
	p.SetCreator("一窗通 OneWindow", true)
	p.SetProducer("OneWindow", false)
	p.SetAutoPageBreak(false, 0)
	p.SetMargins(0, 0, 0)
	p.AddUTF8FontFromBytes("doc", "", f.Subset(list))
	// A font that fails to load from bytes is not reported by Err(); its
	// widths would be zero.
	if p.Err() {
		return nil, fmt.Errorf("字体载入失败：%w", p.Error())
	}
	p.SetFont("doc", "", 10)
	if p.Err() || p.GetStringWidth("受") <= 0 {
		return nil, fmt.Errorf("字体载入失败：%v", p.Error())
	}
	return p, nil
}

// width returns the measure of rune c at size, as fpdf will draw it.
func (p *pen) width(size float64) func(rune) float64 {
	if p.widths == nil {
		p.widths = map[float64]map[rune]float64{}
	}
	m := p.widths[size]
	if m == nil {
		m = map[rune]float64{}
		p.widths[size] = m
	}
	return func(c rune) float64 {
		w, ok := m[c]
		if !ok {
			p.pdf.SetFontSize(size)
			w = p.pdf.GetStringWidth(string(c))
			m[c] = w
		}
		return w
	}
}

// text draws s with its top-left at x, y (one line).
func (p *pen) text(x, y float64, s string, st style) {
	p.pdf.SetFontSize(st.size)
	c := st.colour
	if c.A == 0 {
		c = black
	}
	p.pdf.SetTextColor(int(c.R), int(c.G), int(c.B))
	// The baseline sits about 0.8 of the size below the line's top.
	lh := lineH(st.size)
	p.pdf.Text(x, y+(lh-st.size*ptToMM)/2+st.size*ptToMM*0.85, s)
}

// textIn draws a line aligned in a box of width w.
func (p *pen) textIn(x, y, w float64, s string, st style) {
	switch st.align {
	case 'C':
		x += (w - Width(s, p.width(st.size))) / 2
	case 'R':
		x += w - Width(s, p.width(st.size))
	}
	p.text(x, y, strings.TrimRight(s, " "), st)
}
