package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/onewindow/onewindow/cli"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/sqlite"
)

func run(t *testing.T, args ...string) (int, string, string) {
	return runIn(t, "", args...)
}

// signed runs a command that changes data as the user login, whose PIN
// (the sample's 1234) goes in on standard input.
func signed(t *testing.T, login string, args ...string) (int, string, string) {
	t.Helper()
	return runIn(t, "1234\n", append(args, "--user", login)...)
}

// signedPIN is signed with a PIN of the user's own.
func signedPIN(t *testing.T, login, pin string, args ...string) (int, string, string) {
	t.Helper()
	return runIn(t, pin+"\n", append(args, "--user", login)...)
}

func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(cli.Opener) error {
		t.Fatal("the GUI must not start for a subcommand")
		return nil
	})
	return code, out.String(), errb.String()
}

func TestDemoCasesVerify(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	if code, out, errs := run(t, "demo", "--db", db, "--cases", "1500", "--quiet"); code != 0 || !strings.Contains(out, "1500") {
		t.Fatalf("demo: %d %q %q", code, out, errs)
	}
	code, out, errs := run(t, "cases", "--db", db, "--json", "--today", "2026-11-26")
	if code != 0 {
		t.Fatalf("cases: %d %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1500 {
		t.Fatalf("%d lines", len(lines))
	}
	kinds, money := map[string]bool{}, map[string]bool{}
	for _, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, l)
		}
		for _, f := range []string{"number", "item_code", "item_name", "applicant_name", "site_code", "window", "clerk", "status", "events", "clock",
			"fees", "waivers", "amount_due_fen", "rating"} {
			if _, ok := v[f]; !ok {
				t.Fatalf("field %s missing in %s", f, l)
			}
		}
		c := v["clock"].(map[string]any)
		for _, track := range []string{"promised", "statutory"} {
			tr := c[track].(map[string]any)
			for _, f := range []string{"limit_days", "due_date", "used_days", "remaining_days", "on_time", "warning"} {
				if _, ok := tr[f]; !ok {
					t.Fatalf("clock.%s.%s missing", track, f)
				}
			}
			if v["status"] == "accepted" && tr["warning"] == nil {
				t.Errorf("open case without warning: %s", l)
			}
			if v["status"] == "delivered" && tr["on_time"] == nil {
				t.Errorf("delivered case without on_time: %s", l)
			}
		}
		if _, ok := c["start_date"]; !ok {
			t.Fatal("clock.start_date missing")
		}
		// Money: the amount due is the fees less the approved waivers.
		var fees, approved float64
		for _, f := range v["fees"].([]any) {
			fee := f.(map[string]any)
			fees += fee["amount_fen"].(float64)
			if fee["code"] == "" || fee["name"] == "" || fee["basis"] == "" {
				t.Errorf("fee without code, name or basis: %s", l)
			}
		}
		for _, w := range v["waivers"].([]any) {
			wv := w.(map[string]any)
			money["waiver "+wv["status"].(string)] = true
			for _, f := range []string{"fee_code", "kind", "amount_fen", "basis", "reason", "status", "requested_by", "decided_by", "decided_at"} {
				if _, ok := wv[f]; !ok {
					t.Fatalf("waivers[].%s missing in %s", f, l)
				}
			}
			if wv["status"] == "approved" {
				approved += wv["amount_fen"].(float64)
			}
		}
		if due := v["amount_due_fen"].(float64); due != max(fees-approved, 0) || due < 0 {
			t.Errorf("amount due %v, fees %v, approved waivers %v", due, fees, approved)
		}
		if fees > 0 {
			money["fees"] = true
		}
		if r, ok := v["rating"].(map[string]any); ok {
			money[fmt.Sprintf("rating %v", r["level"])] = true
			if rect, ok := r["rectification"].(map[string]any); ok {
				money["rectification "+rect["status"].(string)] = true
				if rect["due_date"] == "" {
					t.Errorf("rectification without due date: %s", l)
				}
			}
		}
		for _, e := range v["events"].([]any) {
			ev := e.(map[string]any)
			kinds[ev["kind"].(string)] = true
			if ev["kind"] == "extended" && ev["data"].(map[string]any)["days"] == nil {
				t.Errorf("extended without data.days: %s", l)
			}
		}
	}
	for _, k := range []string{"received", "accepted", "completed", "delivered", "paused", "resumed", "extended", "supplement_requested", "refused", "withdrawn"} {
		if !kinds[k] {
			t.Errorf("no %s event in the output", k)
		}
	}
	for _, k := range []string{"fees", "waiver approved", "waiver rejected", "waiver pending", "rating 1", "rating 2", "rating 3", "rating 4", "rating 5",
		"rectification done", "rectification in_progress", "rectification invalid"} {
		if !money[k] {
			t.Errorf("no %s in the output", k)
		}
	}
	// Filters and limits.
	code, out, _ = run(t, "cases", "--db", db, "--json", "--status", "paused,accepted", "--limit", "3")
	if code != 0 || strings.Count(out, "\n") != 3 || strings.Contains(out, `"status":"delivered"`) {
		t.Errorf("filtered cases: %d %s", code, out)
	}
	if code, out, _ := run(t, "verify", "--db", db); code != cli.ExitOK || !strings.Contains(out, "审计链完好") {
		t.Errorf("verify: %d %s", code, out)
	}
	// The report's totals edited behind the program's back: verify fails
	// with exit code 3 and says how to mend them; --repair rebuilds them.
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE report_closed SET cases = cases + 1 WHERE day = (SELECT min(day) FROM report_closed)"); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "verify", "--db", db); code != cli.ExitVerify || !strings.Contains(errs, "report_closed") || !strings.Contains(errs, "--repair") {
		t.Errorf("verify with edited totals: %d %s", code, errs)
	}
	if code, out, errs := run(t, "verify", "--db", db, "--repair"); code != cli.ExitOK || !strings.Contains(out, "已从办件重建") {
		t.Errorf("verify --repair: %d %s %s", code, out, errs)
	}
	if code, out, _ := run(t, "verify", "--db", db); code != cli.ExitOK || !strings.Contains(out, "统计汇总与办件一致") {
		t.Errorf("verify after the repair: %d %s", code, out)
	}
	// An edit of the audit behind the program's back makes verify fail
	// with exit code 3.
	if _, err := raw.Exec("DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if code, _, errs := run(t, "verify", "--db", db); code != cli.ExitVerify || !strings.Contains(errs, "第 2 条") {
		t.Errorf("verify after tampering: %d %s", code, errs)
	}
}

func TestUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	for _, args := range [][]string{
		{"nonsense"},
		{"cases", "--db", db, "--status", "bogus"},
		{"cases", "--db", db, "--today", "2026-13-01"},
		{"demo", "--db", db, "--cases", "many"},
		{"calendar", "import", "--db", db},
		{"stress", "--count", "1"}, // never on the default database
	} {
		if code, _, errs := run(t, args...); code != cli.ExitUsage || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
	if code, _, errs := run(t, "verify", "--db", filepath.Join(t.TempDir(), "missing.db")); code != cli.ExitError || !strings.Contains(errs, "不存在") {
		t.Errorf("verify of a missing file: %d %q", code, errs)
	}
	if code, _, errs := run(t, "demo", "--db", db, "--cases", "0"); code != cli.ExitError || !strings.Contains(errs, "办件数量") {
		t.Errorf("demo 0: %d %q", code, errs)
	}
}

func TestCalendarImport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	file := filepath.Join(dir, "2027.json")
	os.WriteFile(file, []byte(`{"year":2027,"papers":["国办发明电"],"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true},{"name":"春节","date":"2027-02-20","isOffDay":false}]}`), 0o644)
	code, out, errs := signed(t, "admin", "calendar", "import", "--db", db, file)
	if code != 0 || !strings.Contains(out, "2027") {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	code, out, _ = run(t, "calendar", "show", "--db", db, "--year", "2027")
	if code != 0 || !strings.Contains(out, "2027-02-20 周六 班 春节") || !strings.Contains(out, "2027-01-01 周五 休 元旦") || !strings.Contains(out, "已发布") {
		t.Errorf("show: %s", out)
	}
	os.WriteFile(file, []byte(`{"year":2027,"days":[{"date":"2031-01-01","isOffDay":true}]}`), 0o644)
	if code, _, errs := signed(t, "admin", "calendar", "import", "--db", db, file); code != cli.ExitError || !strings.Contains(errs, "2031-01-01") {
		t.Errorf("wrong-year file: %d %s", code, errs)
	}
}

func TestGUIGetsTheStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	var got string
	code := cli.Main(context.Background(), []string{"--db", db}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, func(o cli.Opener) error {
		s, err := o.Site()
		if err != nil {
			return err
		}
		site, err := s.Site(context.Background())
		got = site.Name
		return err
	})
	if code != 0 || got != "示例县行政服务中心" {
		t.Errorf("GUI start: %d %q", code, got)
	}
	// A database the program cannot open: the GUI gets the reason (to show
	// it in a window) and the exit code says so.
	var shown error
	newer := filepath.Join(t.TempDir(), "newer.db")
	raw, err := sql.Open("sqlite3", newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	var errb bytes.Buffer
	code = cli.Main(context.Background(), []string{"--db", newer}, strings.NewReader(""), &bytes.Buffer{}, &errb, func(o cli.Opener) error {
		_, shown = o.Site()
		return shown
	})
	if code != cli.ExitError || shown == nil || !strings.Contains(shown.Error(), "较新版本") || !strings.Contains(errb.String(), "较新版本") {
		t.Errorf("newer database: exit %d, GUI got %v, stderr %q", code, shown, errb.String())
	}
}

func TestSetPIN(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	if code, out, errs := runIn(t, "1234\n246810\n", "pin", "--db", db, "--user", "admin", "--for", "zhangli"); code != 0 || !strings.Contains(out, "zhangli") {
		t.Fatalf("pin: %d %s %s", code, out, errs)
	}
	s, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Login(context.Background(), "zhangli", "246810"); err != nil {
		t.Errorf("new PIN: %v", err)
	}
	if code, _, errs := runIn(t, "1234\n12\n", "pin", "--db", db, "--user", "admin", "--for", "zhangli"); code != cli.ExitError || !strings.Contains(errs, "6 到 8 位") {
		t.Errorf("short PIN: %d %s", code, errs)
	}
}

func TestSiteDay(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	if code, out, errs := signed(t, "admin", "calendar", "site-day", "--db", db, "--date", "2026-03-07", "--working", "--name", "周六上午窗口开放"); code != 0 || !strings.Contains(out, "2026-03-07") {
		t.Fatalf("site-day: %d %s %s", code, out, errs)
	}
	if _, out, _ := run(t, "calendar", "show", "--db", db, "--year", "2026"); !strings.Contains(out, "2026-03-07 周六 班 周六上午窗口开放") {
		t.Errorf("the site's Saturday is not a working day:\n%s", out)
	}
	if code, _, _ := signed(t, "admin", "calendar", "site-day", "--db", db, "--date", "2026-03-07", "--remove"); code != 0 {
		t.Fatal("remove failed")
	}
	if _, out, _ := run(t, "calendar", "show", "--db", db, "--year", "2026"); strings.Contains(out, "2026-03-07") {
		t.Errorf("the override was not removed:\n%s", out)
	}
	if code, _, _ := signed(t, "admin", "calendar", "site-day", "--db", db, "--date", "2026-03-07"); code != cli.ExitUsage {
		t.Errorf("neither --working nor --off: %d", code)
	}
}

func TestReceiptAndVerify(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	if code, _, errs := run(t, "demo", "--db", db, "--cases", "200", "--quiet"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	code, out, _ := run(t, "cases", "--db", db, "--json")
	if code != 0 {
		t.Fatal("cases")
	}
	var accepted, open string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var v struct {
			Number string `json:"number"`
			Status string `json:"status"`
			Events []struct {
				Kind string `json:"kind"`
			} `json:"events"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatal(err)
		}
		if len(v.Events) > 1 && v.Events[1].Kind == "accepted" && accepted == "" {
			accepted = v.Number
		}
		if v.Status != "completed" && v.Status != "delivered" && open == "" {
			open = v.Number
		}
	}
	pdfPath := filepath.Join(dir, "r.pdf")
	code, out, errs := signed(t, "zhangli", "receipt", accepted, "--kind", "accept", "--size", "A5", "-o", pdfPath, "--db", db)
	if code != 0 || !strings.Contains(out, "受理通知书") {
		t.Fatalf("receipt: %d %q %q", code, out, errs)
	}
	if b, err := os.ReadFile(pdfPath); err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("no PDF: %v", err)
	}
	// The second print is a reprint of the same number.
	code, out2, _ := signed(t, "zhangli", "receipt", "--db", db, "-o", pdfPath, accepted)
	if code != 0 || !strings.Contains(out2, "SL000001（补打第 1 次）") || !strings.Contains(out, "SL000001，") {
		t.Fatalf("reprint: %q after %q", out2, out)
	}
	// A case without the decision is refused with a message, exit 1.
	if code, _, errs := signed(t, "zhangli", "receipt", open, "--kind", "complete", "-o", pdfPath, "--db", db); code != cli.ExitError || !strings.Contains(errs, "尚未办结") {
		t.Errorf("complete notice of a received case: %d %q", code, errs)
	}
	if code, _, _ := signed(t, "zhangli", "receipt", accepted, "--kind", "bill", "-o", pdfPath, "--db", db); code != cli.ExitUsage {
		t.Errorf("unknown kind: %d", code)
	}
	// verify-receipt with the token the store signs for this document.
	s, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := s.Documents(context.Background(), accepted)
	s.Close()
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents %d %v", len(docs), err)
	}
	s, _ = sqlite.Open(db)
	app, _ := s.Case(context.Background(), accepted)
	doc, err := s.IssueDocument(context.Background(), accepted, data.DocAccept, app.ClerkID)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "verify-receipt", doc.Token, "--db", db)
	if code != 0 || !strings.Contains(out, "核验通过") || !strings.Contains(out, docs[0].Notice.Applicant) {
		t.Fatalf("verify-receipt: %d %q %q", code, out, errs)
	}
	// One character of the signature changed (a different one, whatever the key made).
	changed := []byte(doc.Token)
	if i := len(changed) - 10; changed[i] == 'B' {
		changed[i] = 'C'
	} else {
		changed[i] = 'B'
	}
	if code, _, errs := run(t, "verify-receipt", string(changed), "--db", db); code != cli.ExitVerify || !strings.Contains(errs, "核验未通过") {
		t.Errorf("changed token: %d %q", code, errs)
	}
}

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	if code, _, errs := run(t, "demo", "--db", db, "--cases", "400", "--quiet"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	for _, f := range []string{"r.csv", "r.xlsx", "r.pdf"} {
		out := filepath.Join(dir, f)
		code, stdout, errs := run(t, "report", "--db", db, "--from", "2025-01-01", "--to", "2026-12-31", "--by", "window", "-o", out)
		if code != 0 || !strings.Contains(stdout, "按窗口") {
			t.Fatalf("%s: %d %q %q", f, code, stdout, errs)
		}
		b, err := os.ReadFile(out)
		if err != nil || len(b) < 100 {
			t.Fatalf("%s: %d bytes %v", f, len(b), err)
		}
		switch f {
		case "r.csv":
			if !bytes.HasPrefix(b, []byte("\ufeff窗口,收件")) {
				t.Errorf("CSV starts %q", b[:20])
			}
		case "r.pdf":
			txt, err := exec.Command("pdftotext", "-enc", "UTF-8", out, "-").Output()
			if err != nil || !strings.Contains(string(txt), "办件时效统计报表") || !strings.Contains(string(txt), "承诺时限内办结率") {
				t.Errorf("PDF text: %v", err)
			}
		}
	}
	if code, _, _ := run(t, "report", "--db", db, "--from", "2026-02-30", "--to", "2026-03-01", "-o", filepath.Join(dir, "x.csv")); code != cli.ExitUsage {
		t.Errorf("bad date: exit %d", code)
	}
	if code, _, errs := run(t, "report", "--db", db, "--from", "2026-03-02", "--to", "2026-03-01", "-o", filepath.Join(dir, "x.csv")); code != cli.ExitError || !strings.Contains(errs, "截止日期") {
		t.Errorf("reversed period: %d %q", code, errs)
	}
}

func TestSiteCommands(t *testing.T) {
	dir := t.TempDir()
	village, central := filepath.Join(dir, "village.db"), filepath.Join(dir, "central.db")
	code, _, errs := runIn(t, "13579\n", "site", "init", "--db", village, "--code", "330102101", "--name", "示例村民事服务站", "--kind", "village")
	if _, err := os.Stat(village); code != cli.ExitError || !strings.Contains(errs, "6 到 8 位") || err == nil {
		t.Fatalf("site init with a 5-digit PIN: %d %q (database made: %v)", code, errs, err == nil)
	}
	code, out, errs := runIn(t, "135790\n", "site", "init", "--db", village, "--code", "330102101", "--name", "示例村民事服务站", "--kind", "village")
	if code != 0 || !strings.Contains(out, "330102101") {
		t.Fatalf("init: %d %q %q", code, out, errs)
	}
	if st, err := os.Stat(village + ".key"); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v", err)
	}
	if code, _, errs := runIn(t, "246801\n", "site", "init", "--db", village, "--code", "330102101", "--name", "again", "--kind", "village"); code != cli.ExitError || !strings.Contains(errs, "已属于一个站点") {
		t.Errorf("init twice: %d %q", code, errs)
	}
	// The centre for this trial: made for trials, so it takes the demo bundles.
	if code, _, errs := run(t, "site", "init", "--db", central, "--code", "330100000", "--name", "示例县行政服务中心", "--kind", "centre", "--demo"); code != 0 {
		t.Fatalf("site init --demo: %s", errs)
	}
	// A site made this way takes demo data.
	if code, _, errs := run(t, "demo", "--db", village, "--cases", "50", "--quiet"); code != 0 {
		t.Fatalf("demo on the new site: %s", errs)
	}
	// On a real site a sample user signs nothing before choosing a PIN.
	pdf := filepath.Join(dir, "r.pdf")
	if code, _, errs := signed(t, "zhangli", "receipt", firstAccepted(t, village), "-o", pdf, "--db", village); code != cli.ExitError || !strings.Contains(errs, "初始 PIN") {
		t.Errorf("a sample PIN on a real site: %d %q", code, errs)
	}
	if code, _, errs := runIn(t, "1234\n864209\n", "pin", "--db", village, "--user", "zhangli"); code != 0 {
		t.Fatalf("choosing a PIN: %q", errs)
	}
	if code, _, errs := signedPIN(t, "zhangli", "864209", "receipt", firstAccepted(t, village), "-o", pdf, "--db", village); code != 0 {
		t.Errorf("signed with the chosen PIN: %q", errs)
	}
	regFile := filepath.Join(dir, "reg.json")
	if code, out, errs := signedPIN(t, "admin", "135790", "site", "registration", "--db", village, "-o", regFile); code != 0 || !strings.Contains(out, "公钥指纹") {
		t.Fatalf("registration: %d %q %q", code, out, errs)
	}
	if code, out, errs := signed(t, "admin", "site", "register", regFile, "--db", central); code != 0 || !strings.Contains(out, "已登记站点 330102101") {
		t.Fatalf("register: %d %q %q", code, out, errs)
	}
	if code, out, _ := signed(t, "admin", "site", "register", "--db", central, regFile); code != 0 || !strings.Contains(out, "未作改动") {
		t.Fatalf("register again: %d %q", code, out)
	}
	if code, out, _ := run(t, "site", "list", "--db", central); code != 0 || !strings.Contains(out, "示例村民事服务站") {
		t.Fatalf("list: %q", out)
	}
	// Export at the site, import at the centre: exit codes for a scheduled job.
	usb := filepath.Join(dir, "usb")
	os.Mkdir(usb, 0o755)
	if code, out, errs := signedPIN(t, "admin", "135790", "export", "--db", village, "--to", usb); code != 0 || !strings.Contains(out, "第 1 号数据包") {
		t.Fatalf("export: %d %q %q", code, out, errs)
	}
	// Nothing new but the administrator's sign-in, which the centre sees
	// in the audit it receives: a bundle of no cases.
	if code, out, _ := signedPIN(t, "admin", "135790", "export", "--db", village, "--to", usb); code != 0 || !strings.Contains(out, "第 2 号数据包") || !strings.Contains(out, "0 件办件") {
		t.Fatalf("export without new cases: %d %q", code, out)
	}
	first, _ := os.ReadFile(filepath.Join(usb, "330102101-000001.owb"))
	again := filepath.Join(dir, "again")
	os.Mkdir(again, 0o755)
	if code, _, errs := signedPIN(t, "admin", "135790", "export", "--db", village, "--to", again, "--seq", "1"); code != 0 {
		t.Fatalf("export --seq: %q", errs)
	}
	if b, _ := os.ReadFile(filepath.Join(again, "330102101-000001.owb")); !bytes.Equal(b, first) || len(b) == 0 {
		t.Fatal("bundle 1 exported again differs")
	}
	if code, out, errs := signed(t, "admin", "import", usb, "--db", central); code != 0 || !strings.Contains(out, "导入 2，") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	if code, out, _ := signed(t, "admin", "import", "--db", central, usb); code != 0 || !strings.Contains(out, "已导入过 2") {
		t.Fatalf("import again: %d %q", code, out)
	}
	csv := filepath.Join(dir, "by-site.csv")
	if code, _, errs := run(t, "report", "--db", central, "--from", "2025-01-01", "--to", "2027-12-31", "--by", "site", "-o", csv); code != 0 {
		t.Fatalf("report by site: %q", errs)
	}
	if b, _ := os.ReadFile(csv); !strings.Contains(string(b), "示例村民事服务站") {
		t.Fatalf("the merged site is not in the report by site:\n%s", b)
	}
	run(t, "demo", "--db", village, "--cases", "20", "--quiet")
	later := filepath.Join(dir, "later")
	os.Mkdir(later, 0o755)
	signedPIN(t, "admin", "135790", "export", "--db", village, "--to", later)
	run(t, "demo", "--db", village, "--cases", "20", "--quiet")
	signedPIN(t, "admin", "135790", "export", "--db", village, "--to", later)
	os.Remove(filepath.Join(later, "330102101-000003.owb"))
	if code, _, errs := signed(t, "admin", "import", "--db", central, later); code != cli.ExitHeld || !strings.Contains(errs, "暂缓 1") {
		t.Fatalf("a gap: %d %q", code, errs)
	}
	os.WriteFile(filepath.Join(later, "junk.owb"), []byte("junk"), 0o644)
	if code, out, errs := signed(t, "admin", "import", "--db", central, later); code != cli.ExitRejected || !strings.Contains(out, "junk.owb：拒收") || !strings.Contains(out, "缺少第 3 号数据包") {
		t.Fatalf("a damaged file: %d %q %q", code, out, errs)
	}
	if code, _, _ := signed(t, "admin", "import", "--db", central); code != cli.ExitUsage {
		t.Errorf("import without a folder: %d", code)
	}

	os.WriteFile(regFile, []byte("not json"), 0o644)
	if code, _, errs := signed(t, "admin", "site", "register", regFile, "--db", central); code != cli.ExitError || !strings.Contains(errs, "站点登记文件") {
		t.Errorf("damaged file: %d %q", code, errs)
	}
	if code, _, _ := run(t, "site", "fly"); code != cli.ExitUsage {
		t.Errorf("unknown subcommand: %d", code)
	}
}

func TestBackupRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	db, backup := filepath.Join(dir, "w.db"), filepath.Join(dir, "copy.db")
	if code, _, errs := run(t, "demo", "--db", db, "--cases", "30", "--quiet"); code != 0 {
		t.Fatal(errs)
	}
	// The site's key pair, then a backup that takes the key along
	// encrypted: the passphrase follows the PIN.
	if code, _, errs := signed(t, "admin", "site", "registration", "--db", db, "-o", filepath.Join(dir, "reg.json")); code != 0 {
		t.Fatal(errs)
	}
	if code, out, errs := runIn(t, "1234\n钥匙口令 2026\n", "backup", backup, "--db", db, "--user", "admin", "--with-key"); code != 0 || !strings.Contains(out, "30 件办件") || !strings.Contains(out, ".key.enc") {
		t.Fatalf("backup: %d %q %q", code, out, errs)
	}
	if _, err := os.Stat(backup + ".key"); err == nil {
		t.Error("the site key lies in the clear beside the backup")
	}
	run(t, "demo", "--db", db, "--cases", "10", "--quiet")
	if code, _, errs := signed(t, "admin", "restore", filepath.Join(dir, "missing.db"), "--db", db); code != cli.ExitError || !strings.Contains(errs, "备份文件") {
		t.Fatalf("restore from a missing file: %d %q", code, errs)
	}
	code, out, errs := runIn(t, "1234\n钥匙口令 2026\n", "restore", backup, "--db", db, "--user", "admin")
	if code != 0 || !strings.Contains(out, "30 件办件") || !strings.Contains(out, "原数据库已保留为") {
		t.Fatalf("restore: %d %q %q", code, out, errs)
	}
	if code, out, _ := run(t, "cases", "--db", db, "--json"); code != 0 || strings.Count(out, "\n") != 30 {
		t.Fatalf("after the restore: %d cases", strings.Count(out, "\n"))
	}
}

// Commands that change data are signed: --user names the actor, whose PIN
// comes on standard input (or from a file only its owner may read) and is
// checked by the same login as the window; the store decides the role and
// audits the real actor. Read-only commands need no PIN.
func TestCommandsAreSigned(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	if code, _, errs := run(t, "demo", "--db", db, "--cases", "30", "--quiet"); code != 0 {
		t.Fatal(errs)
	}
	day := []string{"calendar", "site-day", "--db", db, "--date", "2026-03-07", "--working", "--name", "周六上午窗口开放"}
	if code, _, errs := run(t, day...); code != cli.ExitUsage || !strings.Contains(errs, "--user") {
		t.Errorf("no --user: %d %q", code, errs)
	}
	if code, _, errs := runIn(t, "0000\n", append(day, "--user", "admin")...); code != cli.ExitError || !strings.Contains(errs, "PIN") {
		t.Errorf("a wrong PIN: %d %q", code, errs)
	}
	if code, _, errs := signed(t, "zhangli", day...); code != cli.ExitError || !strings.Contains(errs, "管理员") {
		t.Errorf("a clerk marking a day: %d %q", code, errs)
	}
	if code, _, errs := runIn(t, "1234\n975310\n", "pin", "--db", db, "--user", "zhangli", "--for", "wangjg"); code != cli.ExitError || !strings.Contains(errs, "管理员") {
		t.Errorf("a clerk setting a supervisor's PIN: %d %q", code, errs)
	}
	// A scheduled job's PIN file: refused while others may read it.
	pinFile := filepath.Join(dir, "admin.pin")
	os.WriteFile(pinFile, []byte("1234\n"), 0o644)
	if code, _, errs := run(t, append(day, "--user", "admin", "--pin-file", pinFile)...); code != cli.ExitError || !strings.Contains(errs, "chmod 600") {
		t.Errorf("a PIN file others can read: %d %q", code, errs)
	}
	os.Chmod(pinFile, 0o600)
	if code, out, errs := run(t, append(day, "--user", "admin", "--pin-file", pinFile)...); code != 0 || !strings.Contains(out, "2026-03-07") {
		t.Fatalf("with the PIN file: %d %q", code, errs)
	}
	// A user changes their own PIN with the old one.
	if code, _, errs := runIn(t, "1234\n864209\n", "pin", "--db", db, "--user", "zhangli"); code != 0 {
		t.Fatalf("own PIN: %q", errs)
	}
	if code, _, errs := runIn(t, "1234\n", "receipt", "--db", db, "-o", filepath.Join(dir, "r.pdf"), "--user", "zhangli", firstAccepted(t, db)); code != cli.ExitError || !strings.Contains(errs, "PIN") {
		t.Errorf("the old PIN after the change: %d %q", code, errs)
	}
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var actor string
	raw.QueryRow("SELECT actor FROM audit WHERE action = 'calendar.site_day'").Scan(&actor)
	if actor != "admin" {
		t.Errorf("the site day was audited as %q", actor)
	}
	var failed int
	raw.QueryRow("SELECT count(*) FROM audit WHERE action = 'user.login_failed'").Scan(&failed)
	if failed < 2 {
		t.Errorf("%d failed sign-ins audited", failed)
	}
	// Reading needs no PIN.
	if code, _, errs := run(t, "cases", "--db", db); code != 0 {
		t.Errorf("cases: %q", errs)
	}
	if code, _, errs := run(t, "verify", "--db", db); code != 0 {
		t.Errorf("verify: %q", errs)
	}
}

// firstAccepted is the number of a case of db that was accepted.
func firstAccepted(t *testing.T, db string) string {
	t.Helper()
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n string
	if err := raw.QueryRow("SELECT a.number FROM applications a JOIN events e ON e.app_id = a.id AND e.kind = 'accepted' ORDER BY a.id LIMIT 1").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// verify exits 3 naming a case whose row was edited behind the program's back.
func TestVerifyEditedRecord(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	if code, _, errs := run(t, "demo", "--db", db, "--cases", "60", "--quiet"); code != 0 {
		t.Fatal(errs)
	}
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	var number string
	raw.QueryRow("SELECT number FROM applications WHERE status IN ('completed', 'delivered') ORDER BY id LIMIT 1").Scan(&number)
	if _, err := raw.Exec("UPDATE applications SET status = 'withdrawn' WHERE number = ?", number); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if code, _, errs := run(t, "verify", "--db", db); code != cli.ExitVerify || !strings.Contains(errs, number) || !strings.Contains(errs, "与其事件不符") {
		t.Errorf("verify after an edit: %d %q", code, errs)
	}
}
