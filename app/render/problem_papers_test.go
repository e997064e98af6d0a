package render

import (
	"strings"
	"testing"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/problem"
)

// A problem's papers go through the documents' pipeline: issued and
// numbered in the store, laid out on A4 and A5, read back with pdftotext
// (the enterprise, the problem's words, the track's dates, no fee table)
// and the QR code read with zbarimg verifies against the site's key and
// shows the problem number. The 情况说明函 exists only once the problem
// was explained, and says the explanation and the promised date.
func TestProblemPapers(t *testing.T) {
	w := newWorld(t)
	w.now = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC) // Friday 10:00 in Shanghai
	p, err := w.s.RegisterProblem(ctx, w.clerk.ID, problem.Intake{EnterpriseCode: "91330102MA27XL1Q3G", EnterpriseName: longCompany().Name,
		Contact: "欧阳建国", Phone: "0571-88886666", Category: "用地", Source: "座谈会",
		Text: "新厂区的用地预审在自然资源和规划局与发展改革局之间退回了三次。\n企业希望明确由哪个部门牵头。"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.IssueProblemDocument(ctx, p.Number, problem.DocExplain, w.clerk.ID); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("a 情况说明函 before any explanation: %v", err)
	}
	rec := func(e problem.Event) {
		t.Helper()
		if p, err = w.s.RecordProblem(ctx, p.Number, w.clerk.ID, e); err != nil {
			t.Fatal(err)
		}
	}
	rec(problem.Event{Kind: problem.Triaged, Data: problem.EventData{Track: problem.Explain}})
	rec(problem.Event{Kind: problem.Assigned, Data: problem.EventData{Department: "ZRGH", Helpers: []string{"FGJ"}}})
	receipt, err := w.s.IssueProblemDocument(ctx, p.Number, problem.DocReceipt, w.clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if receipt.Number != "330102001-2026-WH000001" || receipt.Case != p.Number {
		t.Errorf("receipt %s for %s", receipt.Number, receipt.Case)
	}
	for _, opt := range []Options{{Size: A4}, {Size: A5}} {
		res, err := Render(receipt, opt)
		if err != nil {
			t.Fatal(err)
		}
		keep(t, "problem-receipt-"+string(opt.Size)+".pdf", res.PDF)
		got := squash(pdfText(t, res.PDF))
		// Explain track from Friday 27 November: the explanation within 3
		// working days (2 December), closing when promised.
		for _, want := range []string{"企业反映问题受理回执", receipt.Number, "问题编号：" + p.Number, "统一社会信用代码：91330102MA27XL1Q3G",
			"问题类别", "用地", "牵头部门", "说明情况、逐步解决", "2026年12月2日前书面说明情况", "座谈会", "协办部门",
			"企业希望明确由哪个部门牵头", "企业联系人签收", "能够解决的，立即解决"} {
			if !strings.Contains(got, squash(want)) {
				t.Errorf("%s receipt lacks %q:\n%s", opt.Size, want, got)
			}
		}
		for _, not := range []string{"收费情况", "申请事项", "实施部门"} {
			if strings.Contains(got, not) {
				t.Errorf("%s receipt says %q", opt.Size, not)
			}
		}
		if opt.Size == A4 {
			token := strings.TrimSpace(qrText(t, res.PDF))
			doc, err := w.s.VerifyReceipt(ctx, token)
			if err != nil || doc.Number != receipt.Number || !strings.Contains(doc.Summary(), "问题编号："+p.Number) {
				t.Errorf("the receipt's QR code: %v %+v", err, doc.Summary())
			}
		}
	}
	// Printed again unchanged: the same number, counted as a reprint.
	again, err := w.s.IssueProblemDocument(ctx, p.Number, problem.DocReceipt, w.clerk.ID)
	if err != nil || again.Number != receipt.Number || again.Reprints != 1 {
		t.Errorf("reprint: %v %s %d", err, again.Number, again.Reprints)
	}

	w.now = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	rec(problem.Event{Kind: problem.Explained, Data: problem.EventData{Text: "用地预审需先调整村庄规划，规划调整须经县政府批准。", Promised: "2027-03-31"}})
	letter, err := w.s.IssueProblemDocument(ctx, p.Number, problem.DocExplain, w.clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Render(letter, Options{Size: A4})
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "problem-explain.pdf", res.PDF)
	got := squash(pdfText(t, res.PDF))
	for _, want := range []string{"情况说明函", letter.Number, "用地预审需先调整村庄规划", "2027年3月31日", "说明日期", "2026年12月1日",
		"每10个工作日内至少告知你单位一次进展", "承办单位（盖章）"} {
		if !strings.Contains(got, squash(want)) {
			t.Errorf("the letter lacks %q:\n%s", want, got)
		}
	}
	if !strings.HasPrefix(letter.Number, "330102001-2026-SM") {
		t.Errorf("letter number %s", letter.Number)
	}
	docs, err := w.s.ProblemDocuments(ctx, p.Number)
	if err != nil || len(docs) != 2 {
		t.Errorf("the problem's papers: %v %d", err, len(docs))
	}
	// A case's documents are not the problem's, and a tampered token fails.
	if _, err := w.s.VerifyReceipt(ctx, strings.Replace(letter.Token, p.Number, "330102001-2026-WT000009", 1)); err == nil {
		t.Error("a token naming another problem verified")
	}
}
