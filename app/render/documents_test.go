package render

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/clock"
)

// qrText renders page 1 of the PDF at 150 dpi and returns what zbarimg reads.
func qrText(tb testing.TB, b []byte) string {
	tb.Helper()
	dir := tb.TempDir()
	path := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		tb.Fatalf("pdftoppm: %v %s", err, out)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pngs) != 1 {
		tb.Fatalf("pages rendered: %v", pngs)
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", pngs[0]).Output()
	if err != nil {
		tb.Fatalf("zbarimg found no code: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func TestQRCodeVerifies(t *testing.T) {
	w := newWorld(t)
	app := w.register(t, "BDC-001", longCompany(), data.DecideAccept, "")
	doc := w.issue(t, app.Number, data.DocAccept)
	for _, opt := range []Options{{Size: A4}, {Size: A5}, {TwoPart: true}} {
		res, err := Render(doc, opt)
		if err != nil {
			t.Fatal(err)
		}
		read := qrText(t, res.PDF)
		if opt.TwoPart {
			// Both copies carry the code: zbarimg prints it once per copy.
			if lines := strings.Split(read, "\n"); len(lines) != 2 || lines[0] != lines[1] {
				t.Fatalf("two-part codes: %q", read)
			}
			read = strings.Split(read, "\n")[0]
		}
		if read != doc.Token {
			t.Fatalf("%+v: read %q, issued %q", opt, read, doc.Token)
		}
		got, err := w.s.VerifyReceipt(ctx, read)
		if err != nil || got.Number != doc.Number || got.Notice.Applicant != longCompany().Name {
			t.Fatalf("%+v: the code read back does not verify: %v", opt, err)
		}
	}
	// A token with one field changed (another date) does not verify.
	forged := strings.Replace(doc.Token, ":20261126:", ":20261127:", 1)
	if _, err := w.s.VerifyReceipt(ctx, forged); err == nil || !strings.Contains(err.Error(), "签名无效") {
		t.Fatalf("forged date: %v", err)
	}
}

// Every kind of document prints whole: the numbered lists, the reasons and
// the rights of appeal.
func TestEveryKind(t *testing.T) {
	w := newWorld(t)
	// Long materials make the 补正 notice's numbered list wrap.
	long := []string{"营业执照副本复印件（加盖公章）", "法定代表人身份证明，须与营业执照登记信息一致；如委托办理，另附授权委托书及受托人身份证件", "场所平面图"}
	it := w.items["SCJG-003"]
	it.Materials = append(slices.Clone(it.Materials), long...)
	admin, _ := w.s.UserByLogin(ctx, "admin")
	if _, err := w.s.SaveItem(ctx, admin.ID, it); err != nil {
		t.Fatal(err)
	}
	w.items["SCJG-003"] = it
	sup := w.register(t, "SCJG-003", longCompany(), data.DecideSupplement, "", long...)
	ref := w.register(t, "SCJG-003", longCompany(), data.DecideRefuse, "申请事项依法不需要取得行政许可（《中华人民共和国行政许可法》第三十二条第一款第（一）项）")
	done := w.register(t, "BDC-001", longCompany(), data.DecideAccept, "")
	small, err := policyOf(w, "XWQY-BDC")
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.s.RequestWaiver(ctx, done.Number, w.clerk.ID, data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverFull, PolicyID: small, Reason: "申请人为小微企业，已核验《小微企业名录》截图"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = w.s.DecideWaiver(ctx, a.Waivers[0].ID, w.super.ID, true, "符合政策"); err != nil {
		t.Fatal(err)
	}
	w.now = w.now.AddDate(0, 0, 1)
	if _, err := w.s.Record(ctx, done.Number, w.clerk.ID, data.Event{Kind: clock.Completed, Data: data.EventData{Result: data.ResultGranted}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Record(ctx, done.Number, w.clerk.ID, data.Event{Kind: clock.Delivered, Data: data.EventData{Method: data.MethodPost}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		number string
		kind   data.DocKind
		want   []string
	}{
		{sup.Number, data.DocSupplement, []string{"一次性告知", "营业执照副本复印件（加盖公章）", "2. 法定代表人身份证明", "3. 场所平面图", "受理前不收取费用"}},
		{ref.Number, data.DocRefuse, []string{"不予受理", "第三十二条第一款第（一）项", "六十日内", "行政复议", "六个月内", "行政诉讼"}},
		{done.Number, data.DocComplete, []string{"办结通知书", "准予许可", "邮寄送达", "领取人（签字）"}},
		{done.Number, data.DocWaiver, []string{"减免审批单", "免收 80.00 元", "财税〔2016〕79号", "小微企业名录", "已批准", "符合政策", "审批人（签字）"}},
		{done.Number, data.DocAccept, []string{"受理通知书", "免收 80.00 元", "合计应缴：10.00 元"}},
	} {
		doc := w.issue(t, c.number, c.kind)
		for _, size := range []Size{A4, A5} {
			res, err := Render(doc, Options{Size: size})
			if err != nil {
				t.Fatal(err)
			}
			keep(t, string(c.kind)+"-"+string(size)+".pdf", res.PDF)
			got := squash(pdfText(t, res.PDF))
			for _, s := range c.want {
				if !strings.Contains(got, squash(s)) {
					t.Errorf("%s %s: %q missing", c.kind, size, s)
				}
			}
			for _, item := range doc.Notice.List {
				if !strings.Contains(got, squash(item)) {
					t.Errorf("%s %s: list item %q not whole", c.kind, size, item)
				}
			}
		}
	}
}

func policyOf(w *world, code string) (int64, error) {
	ps, err := w.s.WaiverPolicies(ctx)
	for _, p := range ps {
		if p.Code == code {
			return p.ID, nil
		}
	}
	return 0, err
}

// Rare characters outside the BMP and characters the font lacks never make
// the PDF library panic: they print as 〓 and the clerk is told.
func TestUnprintableCharacters(t *testing.T) {
	w := newWorld(t)
	a := data.Applicant{Kind: data.ApplicantIndividual, Name: "𠮷田ก😀", IDCode: "11010519491231002X"}
	app := w.register(t, "GAJ-001", a, data.DecideAccept, "")
	doc := w.issue(t, app.Number, data.DocAccept)
	if bad := CheckText(a.Name); len(bad) != 3 {
		t.Errorf("CheckText found %q", string(bad))
	}
	res, err := Render(doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"U+0E01", "U+1F600", "U+20BB7"}
	if len(res.Warnings) != len(want) {
		t.Fatalf("warnings %q", res.Warnings)
	}
	for i, w := range want {
		if !strings.Contains(res.Warnings[i], w) || !strings.Contains(res.Warnings[i], "〓") {
			t.Errorf("warning %q lacks %s", res.Warnings[i], w)
		}
	}
	if got := pdfText(t, res.PDF); !strings.Contains(got, "〓田〓〓") {
		t.Errorf("the name is not printed with replacements: %q", got)
	}
}

// A document of demo data says so on the paper, where nobody can miss it.
func TestSampleMarkPrinted(t *testing.T) {
	w := newWorld(t)
	app := w.register(t, "BDC-001", longCompany(), data.DecideAccept, "")
	doc, err := w.s.IssueDocument(ctx, app.Number, data.DocAccept, w.clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, sample := range []bool{false, true} {
		doc.Notice.Sample = sample
		res, err := Render(doc, Options{Size: A4})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(squash(pdfText(t, res.PDF)), data.SampleMark); got != sample {
			t.Errorf("sample %v: the mark printed %v", sample, got)
		}
	}
}
