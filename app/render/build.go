package render

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/onewindow/onewindow/data"
)

// build turns the notice into rows. Every word printed comes from the
// notice (whose hash the QR code carries) or is a fixed label here.
func (r *renderer) build() {
	n := r.doc.Notice
	g := r.g
	body := style{size: g.body}
	label := style{size: g.body, colour: grey}
	small := style{size: g.small, colour: grey}
	head := style{size: g.body + 1}
	one := func(text string, st style) {
		r.rows = append(r.rows, row{kind: rowText, cells: []cell{{0, 1, text, st}}})
	}
	gap := func(h float64) {
		if g.compact {
			h /= 2
		}
		r.rows = append(r.rows, row{kind: rowGap, height: h})
	}
	// Labelled facts; two short ones in a row share a line.
	var facts []data.Fact
	pair := func(l, v string) { facts = append(facts, data.Fact{Label: l, Value: v}) }
	short := func(f data.Fact) bool { return utf8.RuneCountInString(f.Value) <= 14 }
	flush := func() {
		lw := 0.2
		if g.compact {
			lw = 0.17
		}
		for i := 0; i < len(facts); i++ {
			f := facts[i]
			if i+1 < len(facts) && short(f) && short(facts[i+1]) {
				h := facts[i+1]
				r.rows = append(r.rows, row{kind: rowText, cells: []cell{{0, lw, f.Label, label}, {lw, 0.5, f.Value, body},
					{0.5, 0.5 + lw, h.Label, label}, {0.5 + lw, 1, h.Value, body}}})
				i++
				continue
			}
			r.rows = append(r.rows, row{kind: rowText, cells: []cell{{0, lw, f.Label, label}, {lw, 1, f.Value, body}}})
		}
		facts = nil
	}

	r.rows = append(r.rows, row{kind: rowHeader, cells: []cell{
		{text: n.Site}, {text: n.Title},
		{text: "文书编号：" + n.Number}, {text: "办件编号：" + n.Case}, {text: "出具日期：" + n.Issued},
	}})
	r.rows = append(r.rows, row{kind: rowRule})
	if n.Kind != data.DocWaiver { // the waiver form is the office's, not a letter
		one(n.Applicant+"：", head)
		gap(1)
	}
	for _, p := range n.Body {
		one("　　"+p, body)
	}
	for i, item := range n.List {
		one(fmt.Sprintf("%d. %s", i+1, item), body)
	}
	for _, p := range n.After {
		one("　　"+p, body)
	}
	gap(2)
	if n.Kind == data.DocWaiver || !g.compact {
		pair("申请人", n.Applicant) // on A5 the salutation names the applicant
	}
	pair("证件号码", n.ApplicantCode)
	if n.Contact != "" {
		pair("联系人", n.Contact)
	}
	if n.Address != "" && !g.compact {
		pair("地址", n.Address)
	}
	pair("申请事项", n.Item)
	pair("实施部门", n.Department)
	flush() // the applicant and the item one per line; dates may pair up
	for _, f := range n.Facts {
		pair(f.Label, f.Value)
	}
	flush()
	if n.Note != "" {
		gap(1)
		one(n.Note, small)
	}
	gap(2)
	one("收费情况", head)
	if len(n.Fees) == 0 {
		one(n.FeeNote, body)
	} else {
		th := style{size: g.small}
		td := style{size: g.small}
		cols := []float64{0, 0.34, 0.52, 0.86, 1}
		r.rows = append(r.rows, row{kind: rowText, boxed: true, cells: []cell{
			{cols[0], cols[1], "收费项目及依据", th}, {cols[1], cols[2], "收费标准", th}, {cols[2], cols[3], "减免及政策依据", th}, {cols[3], cols[4], "应缴", th}}})
		for _, f := range n.Fees {
			waiver := f.Waiver
			if waiver == "" {
				waiver = "无"
			}
			r.rows = append(r.rows, row{kind: rowText, boxed: true, cells: []cell{
				{cols[0], cols[1], f.Name + "\n" + f.Basis, td}, {cols[1], cols[2], f.Amount, td},
				{cols[2], cols[3], waiver, td}, {cols[3], cols[4], f.Due, style{size: g.small, align: 'R'}}}})
		}
		r.rows = append(r.rows, row{kind: rowText, cells: []cell{{0, 1, "合计应缴：" + n.AmountDue, style{size: g.body, align: 'R'}}}})
	}
	if len(n.Materials) > 0 {
		gap(2)
		if g.compact {
			// On A5 the list runs on as one paragraph, so the signatures
			// stay on the first sheet.
			ms := make([]string, len(n.Materials))
			for i, m := range n.Materials {
				ms[i] = fmt.Sprintf("%d. %s", i+1, m)
			}
			one("已收材料："+strings.Join(ms, "；"), body)
		} else {
			one("已收材料", head)
			for i, m := range n.Materials {
				one(fmt.Sprintf("%d. %s", i+1, m), body)
			}
		}
	}
	gap(3)
	contact := []string{"窗口：" + n.Window, "经办人：" + n.Clerk}
	if n.Phone != "" {
		contact = append(contact, "咨询电话："+n.Phone)
	}
	one(strings.Join(contact, "　　"), body)
	gap(3)
	sign := row{kind: rowSign}
	for _, s := range n.Signatures {
		sign.cells = append(sign.cells, cell{text: s, st: body})
	}
	sign.cells = append(sign.cells, cell{text: n.Seal})
	r.rows = append(r.rows, sign)
}
