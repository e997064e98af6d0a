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
	g := r.g
	r.st = styles{body: style{size: g.body}, label: style{size: g.body, colour: grey}, small: style{size: g.small, colour: grey}, head: style{size: g.body + 1}}
	r.letter()
	r.factRows()
	if !r.doc.Notice.Kind.ForProblem() { // a problem's papers charge nothing
		r.feeTable()
	}
	r.materials()
	r.signatures()
}

// styles are the text styles of a document.
type styles struct{ body, label, small, head style }

// one is a line of text across the page.
func (r *renderer) one(text string, st style) {
	r.rows = append(r.rows, row{kind: rowText, cells: []cell{{0, 1, text, st}}})
}

// gap is vertical space (half on A5).
func (r *renderer) gap(h float64) {
	if r.g.compact {
		h /= 2
	}
	r.rows = append(r.rows, row{kind: rowGap, height: h})
}

// pair queues a labelled fact; flush lays the queue out, two short facts
// in a row sharing a line.
func (r *renderer) pair(l, v string) { r.facts = append(r.facts, data.Fact{Label: l, Value: v}) }

func (r *renderer) flush() {
	short := func(f data.Fact) bool { return utf8.RuneCountInString(f.Value) <= 14 }
	lw := 0.2
	if r.g.compact {
		lw = 0.17
	}
	body, label := r.st.body, r.st.label
	for i := 0; i < len(r.facts); i++ {
		f := r.facts[i]
		if i+1 < len(r.facts) && short(f) && short(r.facts[i+1]) {
			h := r.facts[i+1]
			r.rows = append(r.rows, row{kind: rowText, cells: []cell{{0, lw, f.Label, label}, {lw, 0.5, f.Value, body},
				{0.5, 0.5 + lw, h.Label, label}, {0.5 + lw, 1, h.Value, body}}})
			i++
			continue
		}
		r.rows = append(r.rows, row{kind: rowText, cells: []cell{{0, lw, f.Label, label}, {lw, 1, f.Value, body}}})
	}
	r.facts = nil
}

// letter: the header, the salutation, the body, the list and what follows.
func (r *renderer) letter() {
	n := &r.doc.Notice
	number, _, _ := n.Kind.Labels()
	r.rows = append(r.rows, row{kind: rowHeader, cells: []cell{
		{text: n.Site}, {text: n.Title},
		{text: "文书编号：" + n.Number}, {text: number + "：" + n.Case}, {text: "出具日期：" + n.Issued},
	}})
	r.rows = append(r.rows, row{kind: rowRule})
	if n.Sample { // demo data: never a paper anyone may rely on
		r.one(data.SampleMark, style{size: r.g.body + 4, align: 'C', colour: red})
		r.gap(1)
	}
	if n.Kind != data.DocWaiver { // the waiver form is the office's, not a letter
		r.one(n.Applicant+"：", r.st.head)
		r.gap(1)
	}
	for _, p := range n.Body {
		r.one("　　"+p, r.st.body)
	}
	for i, item := range n.List {
		r.one(fmt.Sprintf("%d. %s", i+1, item), r.st.body)
	}
	for _, p := range n.After {
		r.one("　　"+p, r.st.body)
	}
	r.gap(2)
}

// factRows: the applicant and the item one per line, then the case's facts
// (dates may pair up) and the note on how days are counted.
func (r *renderer) factRows() {
	n := &r.doc.Notice
	if n.Kind == data.DocWaiver || !r.g.compact {
		r.pair(n.Kind.ApplicantLabel(), n.Applicant) // on A5 the salutation names the applicant
	}
	r.pair("证件号码", n.ApplicantCode)
	if n.Contact != "" {
		r.pair("联系人", n.Contact)
	}
	if n.Address != "" && !r.g.compact {
		r.pair("地址", n.Address)
	}
	_, about, dept := n.Kind.Labels()
	r.pair(about, n.Item)
	r.pair(dept, n.Department)
	r.flush() // the applicant and the item one per line; dates may pair up
	for _, f := range n.Facts {
		r.pair(f.Label, f.Value)
	}
	r.flush()
	if n.Note != "" {
		r.gap(1)
		r.one(n.Note, r.st.small)
	}
	r.gap(2)
}

// feeTable: the fee lines with their waivers and the amount due.
func (r *renderer) feeTable() {
	n := &r.doc.Notice
	r.one("收费情况", r.st.head)
	if len(n.Fees) == 0 {
		r.one(n.FeeNote, r.st.body)
	} else {
		th := style{size: r.g.small}
		td := style{size: r.g.small}
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
				{cols[2], cols[3], waiver, td}, {cols[3], cols[4], f.Due, style{size: r.g.small, align: 'R'}}}})
		}
		r.rows = append(r.rows, row{kind: rowText, cells: []cell{{0, 1, "合计应缴：" + n.AmountDue, style{size: r.g.body, align: 'R'}}}})
	}
}

// materials: what was handed in.
func (r *renderer) materials() {
	n := &r.doc.Notice
	if len(n.Materials) > 0 {
		r.gap(2)
		if r.g.compact {
			// On A5 the list runs on as one paragraph, so the signatures
			// stay on the first sheet.
			ms := make([]string, len(n.Materials))
			for i, m := range n.Materials {
				ms[i] = fmt.Sprintf("%d. %s", i+1, m)
			}
			r.one("已收材料："+strings.Join(ms, "；"), r.st.body)
		} else {
			r.one("已收材料", r.st.head)
			for i, m := range n.Materials {
				r.one(fmt.Sprintf("%d. %s", i+1, m), r.st.body)
			}
		}
	}
}

// signatures: the window, the clerk, the phone, and the places to sign
// and seal.
func (r *renderer) signatures() {
	n := &r.doc.Notice
	r.gap(3)
	contact := []string{"窗口：" + n.Window, "经办人：" + n.Clerk}
	if n.Phone != "" {
		contact = append(contact, "咨询电话："+n.Phone)
	}
	r.one(strings.Join(contact, "　　"), r.st.body)
	r.gap(3)
	sign := row{kind: rowSign}
	for _, s := range n.Signatures {
		sign.cells = append(sign.cells, cell{text: s, st: r.st.body})
	}
	sign.cells = append(sign.cells, cell{text: n.Seal})
	r.rows = append(r.rows, sign)
}
