package sqlite_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/internal/testkit"
)

func TestIssueDocuments(t *testing.T) {
	s, clk := testkit.Open(t)
	f := load(t, s)
	app, err := s.Register(ctx, f.clerk.ID, f.bdcIntake())
	if err != nil {
		t.Fatal(err)
	}
	if kinds := data.IssuableKinds(&app); len(kinds) != 1 || kinds[0] != data.DocAccept {
		t.Fatalf("an accepted case can have %v", kinds)
	}
	if _, err := s.IssueDocument(ctx, app.Number, data.DocComplete, f.clerk.ID); data.ErrorCode(err) != data.ECONFLICT || !strings.Contains(err.Error(), "尚未办结") {
		t.Fatalf("completion notice of an open case: %v", err)
	}
	if _, err := s.IssueDocument(ctx, app.Number, "receipt", f.clerk.ID); data.ErrorField(err) != "kind" {
		t.Fatalf("unknown kind: %v", err)
	}
	doc, err := s.IssueDocument(ctx, app.Number, data.DocAccept, f.clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Number != "330102001-2026-SL000001" || doc.Reprints != 0 || doc.Notice.Title != "受理通知书" {
		t.Fatalf("first document %s reprints %d %q", doc.Number, doc.Reprints, doc.Notice.Title)
	}
	n := doc.Notice
	// Received and accepted Mon 2026-03-02; 不动产登记 promises 5 of 30 working days.
	want := map[string]string{"收件日期": "2026年3月2日", "受理日期": "2026年3月2日"}
	for _, fact := range n.Facts {
		if w, ok := want[fact.Label]; ok && fact.Value != w {
			t.Errorf("%s = %q, want %q", fact.Label, fact.Value, w)
		}
	}
	all := strings.Join(append(append([]string{n.Note, n.AmountDue, n.ApplicantCode, n.Phone}, n.Body...), n.Materials...), "\n")
	for _, s := range []string{"听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审", "90.00 元", "91350100M000100Y43", "0571-12345678", "决定予以受理"} {
		if !strings.Contains(all, s) {
			t.Errorf("notice lacks %q:\n%s", s, all)
		}
	}
	if len(n.Fees) != 2 || n.Fees[0].Basis == "" {
		t.Errorf("fees %+v", n.Fees)
	}
	// The token verifies; the key file is the owner's alone.
	got, err := s.VerifyReceipt(ctx, doc.Token)
	if err != nil || got.Number != doc.Number || got.Notice.Applicant != "杭州示例食品有限公司" {
		t.Fatalf("verify: %+v %v", got.Number, err)
	}
	if st, err := os.Stat(s.KeyPath()); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", st.Mode(), err)
	}
	// Printing it again with nothing changed: the same document, 补打 1.
	again, err := s.IssueDocument(ctx, app.Number, data.DocAccept, f.clerk.ID)
	if err != nil || again.Number != doc.Number || again.Reprints != 1 || again.Token != doc.Token {
		t.Fatalf("reprint: %s %d %v", again.Number, again.Reprints, err)
	}
	// A waiver approved since: the receipt says something else now, so a new document.
	app, err = s.RequestWaiver(ctx, app.Number, f.clerk.ID, data.WaiverRequest{FeeCode: "BDC-DJF-ZZ", Kind: data.WaiverFull, PolicyID: policy(t, s, "XWQY-BDC").ID, Reason: "小微企业"})
	if err != nil {
		t.Fatal(err)
	}
	if app, err = s.DecideWaiver(ctx, app.Waivers[0].ID, f.super.ID, true, "已核实"); err != nil {
		t.Fatal(err)
	}
	clk.Set("2026-03-03 10:00")
	second, err := s.IssueDocument(ctx, app.Number, data.DocAccept, f.clerk.ID)
	if err != nil || second.Number != "330102001-2026-SL000002" || second.Notice.AmountDue != "10.00 元" {
		t.Fatalf("after the waiver: %s due %q %v", second.Number, second.Notice.AmountDue, err)
	}
	if !strings.Contains(second.Notice.Fees[0].Waiver, "财税〔2016〕79号") {
		t.Errorf("waiver on the fee line: %q", second.Notice.Fees[0].Waiver)
	}
	w, err := s.IssueDocument(ctx, app.Number, data.DocWaiver, f.clerk.ID)
	if err != nil || len(w.Notice.List) != 1 || !strings.Contains(w.Notice.List[0], "已批准") || !strings.Contains(w.Notice.List[0], "王") {
		t.Fatalf("waiver form: %+v %v", w.Notice.List, err)
	}
	// Both documents stay verifiable, each with its own content.
	if d, err := s.VerifyReceipt(ctx, doc.Token); err != nil || d.Notice.AmountDue != "90.00 元" {
		t.Errorf("the first receipt after the second: %v", err)
	}
	docs, err := s.Documents(ctx, app.Number)
	if err != nil || len(docs) != 3 || docs[0].Reprints != 1 {
		t.Fatalf("documents of the case: %d %v", len(docs), err)
	}
	// Every issue and the reprint are in the audit chain, which verifies.
	db := testkit.RawDB(t, s.Path())
	if n := count(t, db, "SELECT count(*) FROM audit WHERE action = 'document.issue'"); n != 3 {
		t.Errorf("%d issue entries", n)
	}
	if n := count(t, db, "SELECT count(*) FROM audit WHERE action = 'document.reprint'"); n != 1 {
		t.Errorf("%d reprint entries", n)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("audit chain: %+v %v", rep, err)
	}
}

func TestVerifyReceiptRefuses(t *testing.T) {
	s, _ := testkit.Open(t)
	f := load(t, s)
	app, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideRefuse))
	if err == nil {
		t.Fatal("a refusal without a reason was registered")
	}
	in := f.intake("食品经营许可", data.DecideRefuse)
	in.Reason = "申请事项不属于本机关职权范围"
	if app, err = s.Register(ctx, f.clerk.ID, in); err != nil {
		t.Fatal(err)
	}
	doc, err := s.IssueDocument(ctx, app.Number, data.DocRefuse, f.clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Join(doc.Notice.Body, "")
	for _, want := range []string{"不属于本机关职权范围", "六十日内", "行政复议", "六个月内", "行政诉讼"} {
		if !strings.Contains(body, want) {
			t.Errorf("refusal lacks %q: %s", want, body)
		}
	}
	if doc.Notice.FeeNote != "受理前不收取费用。" {
		t.Errorf("fee note %q", doc.Notice.FeeNote)
	}
	// One changed character anywhere is refused.
	var at []int
	for i := 4; i < len(doc.Token); i += 7 {
		at = append(at, i)
	}
	at = append(at, len(doc.Token)-1, strings.LastIndex(doc.Token, ":")-1) // the spare bits of both base64 fields
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for _, i := range at {
		b := []byte(doc.Token)
		if b[i] == ':' {
			continue
		}
		// The neighbouring value in base64: only its lowest bit differs.
		b[i] = alphabet[strings.IndexByte(alphabet, b[i])^1]
		if _, err := s.VerifyReceipt(ctx, string(b)); err == nil {
			t.Fatalf("changed at %d: %s verified", i, b)
		}
	}
	// A token signed with another key for this site's numbers is refused.
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	tok, _, err := data.ParseToken(doc.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyReceipt(ctx, tok.Sign(other)); err == nil || !strings.Contains(err.Error(), "签名无效") {
		t.Errorf("foreign signature: %v", err)
	}
	// Another site's document is not ours to check.
	tok.Document = "330103001" + tok.Document[9:]
	if _, err := s.VerifyReceipt(ctx, tok.Sign(other)); err == nil || !strings.Contains(err.Error(), "330103001") {
		t.Errorf("foreign site: %v", err)
	}
	for _, junk := range []string{"", "hello", "OW1:a:b:c:d:e", strings.Repeat("x", 1000)} {
		if _, err := s.VerifyReceipt(ctx, junk); data.ErrorField(err) != "token" {
			t.Errorf("%q: %v", junk, err)
		}
	}
}

func TestCompletionNotice(t *testing.T) {
	s, clk := testkit.Open(t)
	f := load(t, s)
	app, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	clk.Set("2026-03-05 15:00")
	if _, err = s.Record(ctx, app.Number, f.clerk.ID, data.Event{Kind: clock.Completed, Data: data.EventData{Result: data.ResultDenied}}); err != nil {
		t.Fatal(err)
	}
	doc, err := s.IssueDocument(ctx, app.Number, data.DocComplete, f.clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	facts := map[string]string{}
	for _, fa := range doc.Notice.Facts {
		facts[fa.Label] = fa.Value
	}
	if facts["办结日期"] != "2026年3月5日" || facts["办理结果"] != "不予许可" || facts["送达方式"] != "待领取" || !strings.HasPrefix(facts["实际用时"], "3 个工作日") {
		t.Errorf("facts %v", facts)
	}
	if !strings.Contains(strings.Join(doc.Notice.Body, ""), "行政复议") {
		t.Error("a denial without the right of appeal")
	}
}
