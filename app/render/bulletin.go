package render

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data/problem"
)

// The 督查通报 on A4 in the layout of an official notice (GB/T 9704's
// proportions, with the bundled font in a size hierarchy for want of
// 小标宋, 黑体 and 仿宋): the issuing office in red over a red rule, the
// number, the title, the addressee, numbered sections, the issuer and the
// date at the foot, page numbers centred.
const (
	bulTop, bulLeft, bulWidth, bulBottom = 37.0, 28.0, 156.0, 262.0
	bulBody                              = 14.0 // points (3号 is 16: 14 keeps a table of problems readable)
)

// RenderBulletin lays out the bulletin.
func RenderBulletin(b problem.Bulletin, generated time.Time) ([]byte, error) {
	f, err := loadFont()
	if err != nil {
		return nil, fmt.Errorf("内置字体无法读取：%w", err)
	}
	var all strings.Builder
	all.WriteString(b.Issuer + "文件" + b.Number + b.Title + b.To + b.Intro + "第页共0123456789—　 ")
	for _, s := range b.Sections {
		all.WriteString(s.Heading + strings.Join(s.Paragraphs, ""))
	}
	all.WriteString(b.Date.String() + "年月日")
	runes, safe := charset(f, all.String())
	p, err := newPDF(f, runes, 210, 297, b.Title, generated)
	if err != nil {
		return nil, err
	}
	pn := &pen{pdf: p}
	y := 0.0
	page := 0
	newPage := func() {
		p.AddPage()
		page++
		y = bulTop
	}
	// para writes wrapped lines, the first indented by two characters.
	para := func(text string, size float64, indent bool, st style) {
		w := pn.width(size)
		first := ""
		if indent {
			first = "　　"
		}
		for _, l := range Break(first+safe(text), bulWidth, w) {
			if y+lineH(size) > bulBottom {
				newPage()
			}
			pn.textIn(bulLeft, y, bulWidth, l, style{size: size, align: st.align, colour: st.colour})
			y += lineH(size) * 1.12
		}
	}
	newPage()
	// 版头: the issuing office in red, the number, a red rule.
	pn.textIn(bulLeft, y, bulWidth, safe(b.Issuer), style{size: 26, align: 'C', colour: red})
	y += lineH(26) + 6
	pn.textIn(bulLeft, y, bulWidth, safe(b.Number), style{size: bulBody, align: 'C'})
	y += lineH(bulBody) + 2
	p.SetDrawColor(200, 16, 16)
	p.SetLineWidth(0.6)
	p.Line(bulLeft, y, bulLeft+bulWidth, y)
	y += 10
	para(b.Title, 20, false, style{align: 'C'})
	y += 5
	para(b.To, bulBody, false, style{})
	para(b.Intro, bulBody, true, style{})
	for _, s := range b.Sections {
		y += 2
		if y+2*lineH(bulBody) > bulBottom {
			newPage()
		}
		para(s.Heading, bulBody+1, true, style{})
		for _, t := range s.Paragraphs {
			para(t, bulBody, true, style{})
		}
	}
	y += 12
	if y+3*lineH(bulBody) > bulBottom {
		newPage()
	}
	yy, mm, dd := b.Date.Time().Date()
	date := fmt.Sprintf("%d年%d月%d日", yy, int(mm), dd)
	pn.textIn(bulLeft, y, bulWidth-16, safe(b.Issuer), style{size: bulBody, align: 'R'})
	y += lineH(bulBody) * 1.2
	pn.textIn(bulLeft, y, bulWidth-16, date, style{size: bulBody, align: 'R'})
	pages := page
	for i := 1; i <= pages; i++ {
		p.SetPage(i)
		pn.textIn(0, 275, 210, fmt.Sprintf("— %d —", i), style{size: 12, align: 'C'})
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("生成 PDF 失败：%w", err)
	}
	return buf.Bytes(), nil
}
