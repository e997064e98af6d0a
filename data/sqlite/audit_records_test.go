package sqlite_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data/exchange"

	"github.com/onewindow/onewindow/data"

	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/internal/testkit"
)

// verify replays every case's events: a status, a closed case's clock or a
// waiver's state edited behind the program's back is named, though the
// audit chain itself is untouched. (Before, verify said OK, and the store
// then signed a 减免审批单 for a forged approval.)
func TestVerifyNamesEditedRecords(t *testing.T) {
	s, c := testkit.Open(t)
	c.Set("2026-11-20 18:00")
	if _, err := demo.Run(ctx, s, demo.Options{Cases: 400, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, s, "the demo")
	db := testkit.RawDB(t, s.Path())
	var open, openDue, closed, waived string
	db.QueryRow("SELECT number FROM applications WHERE status = 'accepted' ORDER BY id LIMIT 1").Scan(&open)
	db.QueryRow("SELECT number FROM applications WHERE status = 'accepted' ORDER BY id DESC LIMIT 1").Scan(&openDue)
	db.QueryRow("SELECT number FROM applications WHERE status = 'completed' AND used_days > 2 ORDER BY id LIMIT 1").Scan(&closed)
	db.QueryRow("SELECT a.number FROM waivers w JOIN applications a ON a.id = w.app_id WHERE w.status = 'rejected' ORDER BY w.id LIMIT 1").Scan(&waived)
	if open == "" || openDue == "" || openDue == open || closed == "" || waived == "" {
		t.Fatalf("the demo lacks a case to edit: %q %q %q", open, closed, waived)
	}
	for _, q := range []string{
		"UPDATE applications SET status = 'withdrawn' WHERE number = '" + open + "'",
		"UPDATE applications SET due_statutory = '2027-12-31' WHERE number = '" + openDue + "'",
		"UPDATE applications SET used_days = 1 WHERE number = '" + closed + "'",
		"UPDATE waivers SET status = 'approved' WHERE status = 'rejected' AND app_id = (SELECT id FROM applications WHERE number = '" + waived + "')",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || len(r.Records) != 4 {
		t.Fatalf("verify after four edits: %+v", r)
	}
	all := strings.Join(r.Records, "\n")
	for _, want := range []string{open + "：状态为“已撤回”", openDue + "：计时记录（起算日", closed + "：计时记录（办结日", waived + " 收费"} {
		if !strings.Contains(all, want) {
			t.Errorf("%q not named in:\n%s", want, all)
		}
	}
}

// Every event of a case this site registered has its audit entry: an event
// inserted behind the program's back is named, and so is a case with no
// registration in the audit chain.
func TestVerifyEventsHaveAudit(t *testing.T) {
	s, _ := testkit.Open(t)
	app := testkit.Register(t, s, "zhangli", "BDC-001", data.DecideAccept)
	if _, err := s.RequestExtension(ctx, app.Number, app.ClerkID, 5, "需要现场核查"); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, s, "a registered case with a request")
	db := testkit.RawDB(t, s.Path())
	if _, err := db.Exec(`INSERT INTO events (app_id, seq, kind, at, actor_id, data)
		SELECT id, 4, 'rated', '2026-03-02T02:00:00Z', clerk_id, '{"level":5}' FROM applications WHERE number = ?`, app.Number); err != nil {
		t.Fatal(err)
	}
	r, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || len(r.Records) != 1 || !strings.Contains(r.Records[0], app.Number+"：有 4 个事件，审计记录说明的是 3 个") {
		t.Fatalf("an inserted event: %+v", r.Records)
	}
}

// rewrite changes the detail of audit entry seq in table (audit, or a
// centre's site_audit of site) and hashes it and every later entry again:
// a consistent rewrite, as an insider with the file could make it.
func rewrite(t *testing.T, db *sql.DB, table, site string, seq int64) {
	t.Helper()
	where := ""
	args := []any{}
	if site != "" {
		where, args = " WHERE site_code = ?", []any{site}
	}
	db.Exec("DROP TRIGGER IF EXISTS audit_no_update")
	db.Exec("DROP TRIGGER IF EXISTS site_audit_no_update")
	rows, err := db.Query("SELECT seq, at, actor, action, entity, detail, prev_hash, hash FROM "+table+where+" ORDER BY seq", args...)
	if err != nil {
		t.Fatal(err)
	}
	var all []data.AuditEntry
	for rows.Next() {
		var e data.AuditEntry
		rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Entity, &e.Detail, &e.PrevHash, &e.Hash)
		all = append(all, e)
	}
	rows.Close()
	prev := ""
	for i := range all {
		e := &all[i]
		if i > 0 {
			e.PrevHash = prev
		}
		if e.Seq == seq {
			e.Detail = `{"rewritten":true}`
		}
		if e.Seq >= seq {
			e.Hash = e.ComputeHash()
			if _, err := db.Exec("UPDATE "+table+" SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?"+strings.ReplaceAll(where, "WHERE", "AND"),
				append([]any{e.Detail, e.PrevHash, e.Hash, e.Seq}, args...)...); err != nil {
				t.Fatal(err)
			}
		}
		prev = e.Hash
	}
}

// A history rewritten after a signed checkpoint — at the site, or in the
// centre's copy of a site's chain — verifies as a chain but not against the
// checkpoint, and verify names it.
func TestCheckpoints(t *testing.T) {
	c := newCounty(t, 1)
	site := c.sites[0]
	work(t, site, 5, 1)
	out := t.TempDir()
	if _, err := site.Export(ctx, out, "test", nil); err != nil {
		t.Fatal(err)
	}
	if rs, err := c.central.ImportDir(ctx, c.admin.ID, out, nil); err != nil || rs[0].Outcome != exchange.ImportApplied {
		t.Fatalf("%+v %v", rs, err)
	}
	mustVerify(t, site, "the site after the export")
	mustVerify(t, c.central, "the centre after the import")
	if n := count(t, testkit.RawDB(t, c.central.Path()), "SELECT count(*) FROM site_checkpoints"); n != 1 {
		t.Fatalf("%d checkpoints at the centre", n)
	}
	// The site rewrites its second audit entry, consistently.
	rewrite(t, testkit.RawDB(t, site.Path()), "audit", "", 2)
	r, err := site.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.BadSeq != 0 || r.OK() || !strings.Contains(strings.Join(r.Records, "\n"), "与其签名检查点不符") {
		t.Fatalf("a rewritten history at the site: %+v", r)
	}
	// Someone at the centre rewrites the site's chain there.
	code, _ := site.Site(ctx)
	rewrite(t, testkit.RawDB(t, c.central.Path()), "site_audit", code.Code, 2)
	r, err = c.central.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || !strings.Contains(strings.Join(r.Records, "\n"), "站点 "+code.Code+" 的审计记录") {
		t.Fatalf("a rewritten copy at the centre: %+v", r)
	}
}

// An extension request marked approved behind the program's back (no
// supervisor's decision among the events) is named.
func TestVerifyNamesEditedExtension(t *testing.T) {
	s, _ := testkit.Open(t)
	app := testkit.Register(t, s, "zhangli", "BDC-001", data.DecideAccept)
	if _, err := s.RequestExtension(ctx, app.Number, app.ClerkID, 5, "需要现场核查"); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, s, "a pending request")
	if _, err := testkit.RawDB(t, s.Path()).Exec("UPDATE extension_requests SET status = 'approved'"); err != nil {
		t.Fatal(err)
	}
	r, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || len(r.Records) != 1 || !strings.Contains(r.Records[0], app.Number+" 的延期申请") {
		t.Fatalf("an approval nobody made: %+v", r.Records)
	}
}

// A fee line changed behind the program's back no longer matches what the
// 受理 event recorded, and is named.
func TestVerifyNamesEditedFee(t *testing.T) {
	s, _ := testkit.Open(t)
	app := testkit.Register(t, s, "zhangli", "BDC-001", data.DecideAccept)
	if len(app.Fees) == 0 {
		t.Fatal("BDC-001 charges no fee")
	}
	mustVerify(t, s, "an accepted case with fees")
	if _, err := testkit.RawDB(t, s.Path()).Exec("UPDATE case_fees SET amount_fen = 100 WHERE fee_code = ?", app.Fees[0].Code); err != nil {
		t.Fatal(err)
	}
	r, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || len(r.Records) != 1 || !strings.Contains(r.Records[0], app.Number+" 的收费为") || !strings.Contains(r.Records[0], app.Fees[0].Code+" 100") {
		t.Fatalf("an edited fee: %+v", r.Records)
	}
}
