package render

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// Slip is one new user's one-time PIN, to be cut out and handed over.
type Slip struct {
	Login, Name string
	Role        data.Role
	Window      string
	PIN         string
}

// Ten slips to an A4 sheet, two across, with dashed lines to cut along.
const (
	slipW, slipH   = 95.0, 54.0
	slipX0, slipY0 = 10.0, 13.5
	slipsPerPage   = 10
)

var roleNames = map[data.Role]string{data.RoleClerk: "窗口人员", data.RoleSupervisor: "督查人员", data.RoleAdmin: "系统管理员"}

// PINSlips lays out the new users' one-time PINs as slips on A4 sheets:
// the site, the person, their login and PIN, and what to do with it.
func PINSlips(site string, slips []Slip, printed time.Time) ([]byte, error) {
	if len(slips) == 0 {
		return nil, fmt.Errorf("没有需要打印的密码条")
	}
	f, err := loadFont()
	if err != nil {
		return nil, fmt.Errorf("内置字体无法读取：%w", err)
	}
	when := printed.In(calendar.Shanghai).Format("2006-01-02 15:04")
	const title, note1, note2 = "一窗通 · 新用户登录密码条", "首次登录时须改为自己的 6–8 位数字 PIN。", "请当面交本人，阅后销毁；不得转交他人。"
	var all strings.Builder
	all.WriteString(title + note1 + note2 + site + when + "0123456789姓名登录名角色窗口一次性：打印于第页共/·　 ")
	for _, s := range slips {
		all.WriteString(s.Login + s.Name + s.Window + s.PIN + roleNames[s.Role])
	}
	runes, safe := charset(f, all.String())
	p, err := newPDF(f, runes, 210, 297, "新用户登录密码条", printed)
	if err != nil {
		return nil, err
	}
	pn := &pen{pdf: p}
	pages := (len(slips) + slipsPerPage - 1) / slipsPerPage
	for i, s := range slips {
		if i%slipsPerPage == 0 {
			p.AddPage()
			cutLines(pn)
			pn.textIn(0, 289, 210, fmt.Sprintf("%s　打印于 %s　第 %d 页 / 共 %d 页", safe(site), when, i/slipsPerPage+1, pages), style{size: 7, align: 'C', colour: grey})
		}
		k := i % slipsPerPage
		x, y := slipX0+float64(k%2)*slipW+5, slipY0+float64(k/2)*slipH+4
		w := slipW - 10
		pn.textIn(x, y, w, safe(site), style{size: 8, colour: grey})
		pn.textIn(x, y+5, w, title, style{size: 11})
		who := "姓名：" + s.Name + "　角色：" + roleNames[s.Role]
		if s.Window != "" {
			who += "　窗口：" + s.Window
		}
		pn.textIn(x, y+12.5, w, safe(who), style{size: 9.5})
		pn.textIn(x, y+18.5, w, safe("登录名："+s.Login), style{size: 9.5})
		pn.textIn(x, y+25, w, "一次性 PIN：", style{size: 9.5})
		pn.textIn(x+24, y+22.5, w-24, spaced(s.PIN), style{size: 18})
		pn.textIn(x, y+34, w, note1, style{size: 8})
		pn.textIn(x, y+38.5, w, note2, style{size: 8})
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("生成 PDF 失败：%w", err)
	}
	return buf.Bytes(), nil
}

// spaced writes a PIN in two groups of four, as it is read aloud.
func spaced(pin string) string {
	if len(pin) == 8 {
		return pin[:4] + " " + pin[4:]
	}
	return pin
}

// cutLines draws the dashed lines between the slips.
func cutLines(pn *pen) {
	p := pn.pdf
	p.SetDrawColor(150, 150, 150)
	p.SetLineWidth(0.2)
	p.SetDashPattern([]float64{2, 1.5}, 0)
	for r := 0; r <= slipsPerPage/2; r++ {
		y := slipY0 + float64(r)*slipH
		p.Line(slipX0, y, slipX0+2*slipW, y)
	}
	for c := 0; c <= 2; c++ {
		x := slipX0 + float64(c)*slipW
		p.Line(x, slipY0, x, slipY0+slipsPerPage/2*slipH)
	}
	p.SetDashPattern(nil, 0)
}

// charset is the characters of text the font has (and the replacement
// mark), to cut the font to, and a function that puts the mark in place
// of any other character.
func charset(f *font, text string) (map[rune]bool, func(string) string) {
	runes := map[rune]bool{Replacement: true}
	for _, r := range text {
		if r <= 0xFFFF && f.Has(r) {
			runes[r] = true
		}
	}
	return runes, func(s string) string {
		return strings.Map(func(r rune) rune {
			if !runes[r] {
				return Replacement
			}
			return r
		}, s)
	}
}
