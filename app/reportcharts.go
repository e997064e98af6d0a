package app

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data/report"
)

// The charts of 统计报表, drawn with canvas objects laid out for the
// widget's size.

var (
	chartBlue = color.NRGBA{R: 0x42, G: 0x85, B: 0xF4, A: 0xFF}
	chartRed  = color.NRGBA{R: 0xE5, G: 0x39, B: 0x35, A: 0xFF}
	chartGrey = color.NRGBA{R: 0x9E, G: 0x9E, B: 0x9E, A: 0xFF}
)

// chart is a fixed-layout canvas that redraws its objects when resized.
type chart struct {
	widget.BaseWidget
	draw func(size fyne.Size) []fyne.CanvasObject
}

func newChart(draw func(fyne.Size) []fyne.CanvasObject) *chart {
	c := &chart{draw: draw}
	c.ExtendBaseWidget(c)
	return c
}

func (c *chart) CreateRenderer() fyne.WidgetRenderer {
	return &chartRenderer{c: c}
}

type chartRenderer struct {
	c    *chart
	objs []fyne.CanvasObject
}

func (r *chartRenderer) Layout(s fyne.Size)           { r.objs = r.c.draw(s) }
func (r *chartRenderer) MinSize() fyne.Size           { return fyne.NewSize(300, 240) }
func (r *chartRenderer) Refresh()                     { r.objs = r.c.draw(r.c.Size()) }
func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *chartRenderer) Destroy()                     {}

func chartText(s string, x, y float32, size float32, c color.Color) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize = size
	t.Move(fyne.NewPos(x, y))
	return t
}

// barChart: the promised on-time rate of each group, best first.
func barChart(rep *report.Report) fyne.CanvasObject {
	type bar struct {
		name string
		v    float64
	}
	var bs []bar
	for i := range rep.Rows {
		if v := rep.Rows[i].OnTimeRate(); !math.IsNaN(v) {
			bs = append(bs, bar{rep.Rows[i].Name, v})
		}
	}
	sort.SliceStable(bs, func(i, j int) bool { return bs[i].v > bs[j].v })
	if len(bs) > 20 {
		bs = bs[:20]
	}
	fg := theme.Color(theme.ColorNameForeground)
	return newChart(func(s fyne.Size) []fyne.CanvasObject {
		objs := []fyne.CanvasObject{chartText(lang.L("承诺时限内办结率"), 4, 0, 14, fg)}
		if len(bs) == 0 {
			return objs
		}
		label, top := float32(150), float32(26)
		plot := s.Width - label - 60
		bh := (s.Height - top - 10) / float32(len(bs))
		for i, b := range bs {
			y := top + float32(i)*bh
			name := b.name
			if r := []rune(name); len(r) > 10 {
				name = string(r[:10]) + "…"
			}
			objs = append(objs, chartText(name, 4, y+bh/2-8, 11, fg))
			rect := canvas.NewRectangle(chartBlue)
			rect.Move(fyne.NewPos(label, y+bh*0.15))
			rect.Resize(fyne.NewSize(float32(b.v)*plot, bh*0.7))
			objs = append(objs, rect, chartText(pct(b.v), label+float32(b.v)*plot+4, y+bh/2-8, 11, fg))
		}
		return objs
	})
}

// lineChart: received and completed per week, and the weekly median of
// working days used (scaled to its own axis, red).
func lineChart(rep *report.Report) fyne.CanvasObject {
	weeks := rep.Weeks
	fg := theme.Color(theme.ColorNameForeground)
	return newChart(func(s fyne.Size) []fyne.CanvasObject {
		objs := []fyne.CanvasObject{chartText(lang.L("每周收件（灰）、办结（蓝）与中位用时（红，工作日）"), 4, 0, 14, fg)}
		if len(weeks) < 2 {
			return objs
		}
		top, left := float32(30), float32(40)
		pw, ph := s.Width-left-40, s.Height-top-24
		maxN, maxD := 1.0, 1.0
		for _, k := range weeks {
			maxN = math.Max(maxN, float64(max(k.Received, k.Completed)))
			if !math.IsNaN(k.MedianDays) {
				maxD = math.Max(maxD, k.MedianDays)
			}
		}
		step := pw / float32(len(weeks)-1)
		for _, g := range []float64{0, 0.5, 1} {
			y := top + ph - float32(g)*ph
			l := canvas.NewLine(chartGrey)
			l.Position1, l.Position2 = fyne.NewPos(left, y), fyne.NewPos(left+pw, y)
			objs = append(objs, l, chartText(fmt.Sprintf("%.0f", g*maxN), 2, y-8, 10, fg), chartText(fmt.Sprintf("%.0f", g*maxD), left+pw+4, y-8, 10, chartRed))
		}
		for _, sr := range []struct {
			get func(report.Week) float64
			top float64
			c   color.Color
		}{
			{func(k report.Week) float64 { return float64(k.Received) }, maxN, chartGrey},
			{func(k report.Week) float64 { return float64(k.Completed) }, maxN, chartBlue},
			{func(k report.Week) float64 { return k.MedianDays }, maxD, chartRed},
		} {
			var px, py float32
			ok := false
			for i, k := range weeks {
				v := sr.get(k)
				if math.IsNaN(v) {
					ok = false
					continue
				}
				x, y := left+float32(i)*step, top+ph-float32(v/sr.top)*ph
				if ok {
					l := canvas.NewLine(sr.c)
					l.StrokeWidth = 2
					l.Position1, l.Position2 = fyne.NewPos(px, py), fyne.NewPos(x, y)
					objs = append(objs, l)
				}
				px, py, ok = x, y, true
			}
		}
		objs = append(objs, chartText(weeks[0].Monday.String(), left, top+ph+4, 10, fg),
			chartText(weeks[len(weeks)-1].Monday.String(), left+pw-70, top+ph+4, 10, fg))
		return objs
	})
}
