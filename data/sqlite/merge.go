package sqlite

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/exchange"
)

// Merging one verified bundle into the central database (ImportDir decides
// which bundle, in which order). Records are owned by their site; see the
// note at the top of import.go.

// applyBundle verifies and merges one bundle in one transaction and
// returns how many rows it added or changed. want is the manifest read
// when the folder was listed: the file must not have changed since.
func (s *Store) applyBundle(ctx context.Context, actorID int64, b *exchange.Bundle, pub ed25519.PublicKey, want exchange.Manifest) (int, error) {
	if err := b.Verify(pub); err != nil {
		return 0, err
	}
	if b.Manifest.Site != want.Site || b.Manifest.Seq != want.Seq {
		return 0, exchange.BundleError("第 %d 号数据包文件在导入过程中被替换", want.Seq)
	}
	im := &importer{b: b, pub: pub}
	err := s.write(ctx, func(tx *sql.Tx) error {
		actor, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		// Another import (a second program, a scheduled job) may have
		// merged it meanwhile: sequence is checked again under the lock.
		var last int64
		if err := tx.QueryRow("SELECT coalesce(max(seq), 0) FROM bundles WHERE site_code = ?", want.Site).Scan(&last); err != nil {
			return err
		}
		if last != want.Seq-1 {
			return data.Errorf(data.ECONFLICT, "站点 %s 第 %d 号数据包已由另一次导入处理", want.Site, want.Seq)
		}
		im.tx = tx
		if err := im.run(); err != nil {
			return err
		}
		m := b.Manifest
		if _, err := tx.Exec(`INSERT INTO bundles (site_code, seq, sha256, created_at, imported_at, cases, events, audit_to, audit_hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.Site, m.Seq, b.SHA256, m.CreatedAt, data.FormatTime(s.now()), len(b.Cases), len(b.Events), im.auditTo, im.auditHash); err != nil {
			return err
		}
		return s.audit(tx, actor, "bundle.import", exchange.BundleName(m.Site, m.Seq),
			fmt.Sprintf(`{"sha256":%q,"cases":%d,"events":%d,"changed":%d}`, b.SHA256, len(b.Cases), len(b.Events), im.changed))
	})
	return im.changed, err
}

// importer merges one bundle inside a transaction.
type importer struct {
	pub     ed25519.PublicKey // the site's registered key, for its checkpoints
	tx      *sql.Tx
	b       *exchange.Bundle
	changed int

	depts, items, windows, users, policies, applicants, cases map[string]int64
	auditTo                                                   int64
	auditHash                                                 string
}

// prefixed is the name a site's own window or user gets in the central
// database, where every site has its own 1号窗口 and its own admin.
func (im *importer) prefixed(code string) string { return im.b.Manifest.Site + "/" + code }

func (im *importer) exec(stmt *sql.Stmt, args ...any) error {
	res, err := stmt.Exec(args...)
	if err != nil {
		return err
	}
	n, _ := res.RowsAffected()
	im.changed += int(n)
	return nil
}

// upsertWriter collects rows to insert into table or, when key already
// exists, to update the columns in update with — only when one of them
// differs, so a record arriving again unchanged changes nothing. With no
// update columns an existing row is left as it is.
func upsertWriter(table string, cols []string, key string, update []string) *rowWriter {
	w := &rowWriter{head: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES", cols: len(cols), tail: " ON CONFLICT (" + key + ") DO "}
	if len(update) == 0 {
		w.tail += "NOTHING"
		return w
	}
	var set, same []string
	for _, c := range update {
		set = append(set, c+" = excluded."+c)
		same = append(same, table+"."+c+" IS excluded."+c)
	}
	w.tail += "UPDATE SET " + strings.Join(set, ", ") + " WHERE NOT (" + strings.Join(same, " AND ") + ")"
	return w
}

// flush writes w's rows, chunk rows to a statement, and counts the changes.
func (im *importer) flush(w *rowWriter, chunk int) error {
	n, err := w.writeCount(im.tx, chunk)
	im.changed += int(n)
	return err
}

// updateSQL updates the columns of the row with id, only when one differs;
// the arguments are the values, the id, and the values again.
func updateSQL(table string, cols []string) string {
	var set, same []string
	for _, c := range cols {
		set = append(set, c+" = ?")
		same = append(same, c+" IS ?")
	}
	return "UPDATE " + table + " SET " + strings.Join(set, ", ") + " WHERE id = ? AND NOT (" + strings.Join(same, " AND ") + ")"
}

// keyed upserts the records (args[0] of each is the key as stored here)
// and maps each record's key in the bundle to its row id. lookup selects
// (stored key, id) for the keys in a list.
func (im *importer) keyed(w *rowWriter, lookup string, n int, row func(i int) (key string, args []any)) (map[string]int64, error) {
	keys := make([]string, n)
	stored := make(map[string]string, n)
	for i := 0; i < n; i++ {
		key, args := row(i)
		w.add(args...)
		keys[i] = fmt.Sprint(args[0])
		stored[keys[i]] = key
	}
	if err := im.flush(w, 500); err != nil {
		return nil, err
	}
	found, err := im.ids(lookup, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, n)
	for k, id := range found {
		out[stored[k]] = id
	}
	return out, nil
}

// ref maps a key the bundle refers to, or says what is missing.
func ref(m map[string]int64, key, what, number string) (int64, error) {
	id, ok := m[key]
	if !ok {
		return 0, exchange.BundleError("办件 %s 引用的%s %q 不在数据包中", number, what, key)
	}
	return id, nil
}

// optRef maps an optional reference (nil stays nil).
func optRef(m map[string]int64, key *string, what, number string) (any, error) {
	if key == nil {
		return nil, nil
	}
	return ref(m, *key, what, number)
}

func (im *importer) run() error {
	b := im.b
	var err error
	// The county's catalogue: departments, items and waiver policies are
	// shared by code; a code the central office does not know yet is added
	// as the site has it (an item inactive), one it knows is left as the
	// central office has it.
	if im.depts, err = im.keyed(upsertWriter("departments", []string{"code", "name"}, "code", nil), "SELECT code, id FROM departments WHERE code IN (%s)",
		len(b.Departments), func(i int) (string, []any) { d := b.Departments[i]; return d.Code, []any{d.Code, d.Name} }); err != nil {
		return err
	}
	for _, it := range b.Items {
		if _, ok := im.depts[it.Department]; !ok {
			return exchange.BundleError("事项 %s 的部门 %q 不在数据包中", it.Code, it.Department)
		}
	}
	if im.items, err = im.keyed(upsertWriter("items", []string{"code", "name", "department_id", "kind", "statutory", "promised", "materials", "active"}, "code", nil),
		"SELECT code, id FROM items WHERE code IN (%s)", len(b.Items), func(i int) (string, []any) {
			it := b.Items[i]
			// Not offered at the centre's own counter (inactive): it is
			// here for the reports on the site's cases.
			return it.Code, []any{it.Code, it.Name, im.depts[it.Department], it.Kind, it.Statutory, it.Promised, it.Materials, 0}
		}); err != nil {
		return err
	}
	if im.policies, err = im.keyed(upsertWriter("waiver_policies", []string{"code", "name", "basis", "valid_from", "valid_to", "rule"}, "code", nil),
		"SELECT code, id FROM waiver_policies WHERE code IN (%s)", len(b.Policies), func(i int) (string, []any) {
			p := b.Policies[i]
			return p.Code, []any{p.Code, p.Name, p.Basis, p.ValidFrom, p.ValidTo, p.Rule}
		}); err != nil {
		return err
	}
	// A policy known already takes the rule a bundle brings (a bundle
	// without one leaves it as it is): the centre then judges every site's
	// cases by the rule the sites apply.
	for _, p := range b.Policies {
		if p.Rule == "" {
			continue
		}
		if _, err := im.tx.Exec("UPDATE waiver_policies SET rule = ? WHERE code = ? AND rule <> ?", p.Rule, p.Code, p.Rule); err != nil {
			return fmt.Errorf("waiver policy %s rule: %w", p.Code, err)
		}
	}
	// The site's windows and users are its own: kept under the site's code,
	// named with the site's name, and users cannot log in here.
	siteName := b.Manifest.SiteName
	if im.windows, err = im.keyed(upsertWriter("windows", []string{"code", "name"}, "code", []string{"name"}),
		"SELECT code, id FROM windows WHERE code IN (%s)", len(b.Windows), func(i int) (string, []any) {
			w := b.Windows[i]
			return w.Code, []any{im.prefixed(w.Code), siteName + " " + w.Name}
		}); err != nil {
		return err
	}
	for _, u := range b.Users {
		if _, err := optRef(im.windows, u.Window, "窗口", u.Login); err != nil {
			return err
		}
	}
	if im.users, err = im.keyed(upsertWriter("users", []string{"login", "name", "role", "window_id", "active"}, "login", []string{"name", "role", "window_id"}),
		"SELECT login, id FROM users WHERE login IN (%s)", len(b.Users), func(i int) (string, []any) {
			u := b.Users[i]
			w, _ := optRef(im.windows, u.Window, "窗口", u.Login)
			return u.Login, []any{im.prefixed(u.Login), u.Name, u.Role, w, 0}
		}); err != nil {
		return err
	}
	if err := im.calendar(); err != nil {
		return err
	}
	if im.applicants, err = im.keyed(&rowWriter{head: "INSERT INTO applicants (id_code, kind, name, contact, phone, address, updated_at) VALUES", cols: 7,
		tail: ` ON CONFLICT (id_code) DO UPDATE SET kind = excluded.kind, name = excluded.name, contact = excluded.contact, phone = excluded.phone,
			address = excluded.address, updated_at = excluded.updated_at
		WHERE (excluded.updated_at, excluded.name, excluded.contact, excluded.phone, excluded.address, excluded.kind) >
			(applicants.updated_at, applicants.name, applicants.contact, applicants.phone, applicants.address, applicants.kind)`},
		"SELECT id_code, id FROM applicants WHERE id_code IN (%s)", len(b.Applicants), func(i int) (string, []any) {
			p := b.Applicants[i]
			return p.IDCode, []any{p.IDCode, p.Kind, p.Name, p.Contact, p.Phone, p.Address, p.UpdatedAt}
		}); err != nil {
		return err
	}
	for _, step := range []func() error{im.applyCases, im.applyEvents, im.applyFees, im.applyWaivers, im.applyExtensions,
		im.applyRatings, im.applyDocuments, im.applyThemes, im.applyProblems, im.applyAudit} {
		if err := step(); err != nil {
			return err
		}
	}
	// The triggers marked the merged cases for export; they are not this
	// database's to export.
	del, err := im.tx.Prepare("DELETE FROM export_dirty WHERE app_id = ?")
	if err != nil {
		return err
	}
	defer del.Close()
	for _, id := range im.cases {
		if _, err := del.Exec(id); err != nil {
			return err
		}
	}
	return nil
}

// calendar makes the site's calendar here the one in the bundle.
func (im *importer) calendar() error {
	site := im.b.Manifest.Site
	have := map[string]exchange.CalendarDay{}
	rows, err := im.tx.Query("SELECT layer, date, working, name FROM site_calendar WHERE site_code = ?", site)
	if err != nil {
		return err
	}
	for rows.Next() {
		var d exchange.CalendarDay
		if err := rows.Scan(exchange.Fields(&d)...); err != nil {
			rows.Close()
			return err
		}
		have[d.Layer+"|"+d.Date] = d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	put, err := im.tx.Prepare("INSERT OR REPLACE INTO site_calendar (site_code, layer, date, working, name) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer put.Close()
	for _, d := range im.b.Calendar {
		k := d.Layer + "|" + d.Date
		if old, ok := have[k]; !ok || old != d {
			if err := im.exec(put, site, d.Layer, d.Date, d.Working, d.Name); err != nil {
				return err
			}
		}
		delete(have, k)
	}
	for _, d := range have {
		res, err := im.tx.Exec("DELETE FROM site_calendar WHERE site_code = ? AND layer = ? AND date = ?", site, d.Layer, d.Date)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		im.changed += int(n)
	}
	return nil
}

var caseRowColumns = append([]string{"item_id", "applicant_id", "window_id", "clerk_id", "received_at", "received_date"}, splitColumns(caseStateColumns)...)

func (im *importer) applyCases() error {
	site := im.b.Manifest.Site
	numbers := make([]string, len(im.b.Cases))
	for i, c := range im.b.Cases {
		numbers[i] = c.Number
	}
	var err error
	if im.cases, err = im.ids(caseIDs, numbers); err != nil {
		return err
	}
	upd, err := im.tx.Prepare(updateSQL("applications", caseRowColumns))
	if err != nil {
		return err
	}
	defer upd.Close()
	ins := &rowWriter{head: "INSERT INTO applications (number, site_code, " + strings.Join(caseRowColumns, ", ") + ") VALUES", cols: len(caseRowColumns) + 2}
	var added []string
	for i := range im.b.Cases {
		c := &im.b.Cases[i]
		vals := exchange.Values(c)
		var refs [4]int64
		for j, r := range []struct {
			m    map[string]int64
			key  string
			what string
		}{{im.items, c.Item, "事项"}, {im.applicants, c.Applicant, "申请人"}, {im.windows, c.Window, "窗口"}, {im.users, c.Clerk, "窗口人员"}} {
			if refs[j], err = ref(r.m, r.key, r.what, c.Number); err != nil {
				return err
			}
		}
		row := append([]any{refs[0], refs[1], refs[2], refs[3]}, vals[5:]...)
		if id, ok := im.cases[c.Number]; ok {
			if err := im.exec(upd, append(append(append([]any{}, row...), id), row...)...); err != nil {
				return fmt.Errorf("case %s: %w", c.Number, err)
			}
			continue
		}
		ins.add(append([]any{c.Number, site}, row...)...)
		added = append(added, c.Number)
	}
	if err := im.flush(ins, 300); err != nil {
		return fmt.Errorf("cases: %w", err)
	}
	ids, err := im.ids(caseIDs, added)
	if err != nil {
		return err
	}
	for n, id := range ids {
		im.cases[n] = id
	}
	return nil
}

// ids runs lookup, a query selecting (key, id) for the keys in a list
// (%s), 500 keys at a time, and maps the keys found to their ids.
func (im *importer) ids(lookup string, keys []string) (map[string]int64, error) {
	out := make(map[string]int64, len(keys))
	for len(keys) > 0 {
		part := keys[:min(500, len(keys))]
		keys = keys[len(part):]
		args := make([]any, len(part))
		for i, n := range part {
			args[i] = n
		}
		rows, err := im.tx.Query(fmt.Sprintf(lookup, placeholders(len(part))), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			var id int64
			if err := rows.Scan(&k, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[k] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const caseIDs = "SELECT number, id FROM applications WHERE number IN (%s)"

// applyEvents adds the events not yet here. A case's events are
// append-only at its site, so one already here is the same event.
func (im *importer) applyEvents() error {
	w := &rowWriter{head: "INSERT OR IGNORE INTO events (app_id, seq, kind, at, actor_id, data) VALUES", cols: 6}
	for _, e := range im.b.Events {
		actor, err := ref(im.users, e.Actor, "人员", e.Case)
		if err != nil {
			return err
		}
		w.add(im.cases[e.Case], e.Seq, e.Kind, e.At, actor, e.Data)
	}
	if err := im.flush(w, 2000); err != nil {
		return fmt.Errorf("events: %w", err)
	}
	return nil
}

func (im *importer) applyFees() error {
	w := upsertWriter("case_fees", []string{"app_id", "fee_code", "name", "amount_fen", "unit", "basis"}, "app_id, fee_code",
		[]string{"name", "amount_fen", "unit", "basis"})
	for _, f := range im.b.Fees {
		w.add(im.cases[f.Case], f.Code, f.Name, f.Amount, f.Unit, f.Basis)
	}
	if err := im.flush(w, 1000); err != nil {
		return fmt.Errorf("fees: %w", err)
	}
	return nil
}

// mapped upserts records that have only the site's row id as key, in the
// site's id order (so a rejected waiver is updated before the new one on
// the same fee line is added, as it happened at the site).
func (im *importer) mapped(table string, cols []string, n int, row func(i int) (remote int64, args []any, err error)) error {
	site := im.b.Manifest.Site
	get, err := im.tx.Prepare("SELECT local_id FROM imported_rows WHERE site_code = ? AND tbl = ? AND remote_id = ?")
	if err != nil {
		return err
	}
	defer get.Close()
	ins, err := im.tx.Prepare("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + placeholders(len(cols)) + ")")
	if err != nil {
		return err
	}
	defer ins.Close()
	upd, err := im.tx.Prepare(updateSQL(table, cols))
	if err != nil {
		return err
	}
	defer upd.Close()
	for i := 0; i < n; i++ {
		remote, args, err := row(i)
		if err != nil {
			return err
		}
		var id int64
		switch err := get.QueryRow(site, table, remote).Scan(&id); {
		case errors.Is(err, sql.ErrNoRows):
			res, err := ins.Exec(args...)
			if err != nil {
				return fmt.Errorf("%s %d: %w", table, remote, err)
			}
			id, _ = res.LastInsertId()
			im.changed++
			if _, err := im.tx.Exec("INSERT INTO imported_rows (site_code, tbl, remote_id, local_id) VALUES (?, ?, ?, ?)", site, table, remote, id); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if err := im.exec(upd, append(append(append([]any{}, args...), id), args...)...); err != nil {
				return fmt.Errorf("%s %d: %w", table, remote, err)
			}
		}
	}
	return nil
}

func (im *importer) applyWaivers() error {
	fee, err := im.tx.Prepare("SELECT id FROM case_fees WHERE app_id = ? AND fee_code = ?")
	if err != nil {
		return err
	}
	defer fee.Close()
	ws := im.b.Waivers
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].ID < ws[j].ID })
	return im.mapped("waivers", []string{"app_id", "fee_id", "kind", "amount_fen", "policy_id", "reason", "status", "requested_by", "requested_at",
		"decided_by", "decided_at", "note"}, len(ws), func(i int) (int64, []any, error) {
		w := ws[i]
		app := im.cases[w.Case]
		var feeID int64
		if err := fee.QueryRow(app, w.Fee).Scan(&feeID); err != nil {
			return 0, nil, exchange.BundleError("办件 %s 的减免所指的收费项目 %q 不在数据包中", w.Case, w.Fee)
		}
		policy, err := ref(im.policies, w.Policy, "减免政策", w.Case)
		if err != nil {
			return 0, nil, err
		}
		by, decider, err := im.approvers(w.RequestedBy, w.DecidedBy, w.Case)
		if err != nil {
			return 0, nil, err
		}
		return w.ID, []any{app, feeID, w.Kind, w.Amount, policy, w.Reason, w.Status, by, w.RequestedAt, decider, w.DecidedAt, w.Note}, nil
	})
}

// approvers maps who asked for a waiver or an extension and who decided
// (nil while pending).
func (im *importer) approvers(requestedBy string, decidedBy *string, number string) (int64, any, error) {
	by, err := ref(im.users, requestedBy, "人员", number)
	if err != nil {
		return 0, nil, err
	}
	decider, err := optRef(im.users, decidedBy, "人员", number)
	return by, decider, err
}

func (im *importer) applyExtensions() error {
	xs := im.b.Extensions
	sort.SliceStable(xs, func(i, j int) bool { return xs[i].ID < xs[j].ID })
	return im.mapped("extension_requests", []string{"app_id", "days", "reason", "status", "requested_by", "requested_at", "decided_by", "decided_at", "note"},
		len(xs), func(i int) (int64, []any, error) {
			x := xs[i]
			by, decider, err := im.approvers(x.RequestedBy, x.DecidedBy, x.Case)
			if err != nil {
				return 0, nil, err
			}
			return x.ID, []any{im.cases[x.Case], x.Days, x.Reason, x.Status, by, x.RequestedAt, decider, x.DecidedAt, x.Note}, nil
		})
}

func (im *importer) applyRatings() error {
	w := upsertWriter("ratings", []string{"app_id", "level", "comment", "at", "clerk_id"}, "app_id", []string{"level", "comment", "at", "clerk_id"})
	for _, r := range im.b.Ratings {
		clerk, err := ref(im.users, r.Clerk, "人员", r.Case)
		if err != nil {
			return err
		}
		w.add(im.cases[r.Case], r.Level, r.Comment, r.At, clerk)
	}
	if err := im.flush(w, 1000); err != nil {
		return fmt.Errorf("ratings: %w", err)
	}
	cols := []string{"app_id", "status", "due_date", "opened_at", "done_date", "measures", "revisit", "appeal", "decision", "updated_at"}
	w = upsertWriter("rectifications", cols, "app_id", cols[1:])
	for _, r := range im.b.Rectifications {
		vals := exchange.Values(&r)
		w.add(append([]any{im.cases[r.Case]}, vals[1:]...)...)
	}
	if err := im.flush(w, 500); err != nil {
		return fmt.Errorf("rectifications: %w", err)
	}
	return nil
}

func (im *importer) applyDocuments() error {
	w := upsertWriter("documents", []string{"number", "site_code", "kind", "year", "seq", "app_id", "issued_at", "issued_by", "content", "hash", "reprints"},
		"number", []string{"reprints"})
	for _, d := range im.b.Documents {
		by, err := ref(im.users, d.IssuedBy, "人员", d.Case)
		if err != nil {
			return err
		}
		w.add(d.Number, im.b.Manifest.Site, d.Kind, d.Year, d.Seq, im.cases[d.Case], d.IssuedAt, by, d.Content, d.Hash, d.Reprints)
	}
	if err := im.flush(w, 500); err != nil {
		return fmt.Errorf("documents: %w", err)
	}
	return nil
}

// applyAudit appends the site's audit entries, which must continue the
// chain received so far from the site.
func (im *importer) applyAudit() error {
	site := im.b.Manifest.Site
	im.auditHash = data.AuditGenesis
	err := im.tx.QueryRow("SELECT audit_to, audit_hash FROM bundles WHERE site_code = ? ORDER BY seq DESC LIMIT 1", site).Scan(&im.auditTo, &im.auditHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if len(im.b.Audit) == 0 {
		return nil
	}
	if first := im.b.Audit[0]; first.Seq != im.auditTo+1 || first.PrevHash != im.auditHash {
		return exchange.BundleError("站点 %s 的审计记录不连续（应从第 %d 条接续，数据包从第 %d 条开始）", site, im.auditTo+1, first.Seq)
	}
	ins, err := im.tx.Prepare("INSERT INTO site_audit (site_code, seq, at, actor, action, entity, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, e := range im.b.Audit {
		if err := im.exec(ins, append([]any{site}, exchange.Values(&e)...)...); err != nil {
			return err
		}
	}
	last := im.b.Audit[len(im.b.Audit)-1]
	im.auditTo, im.auditHash = last.Seq, last.Hash
	// The site's signed checkpoints of what it carried: kept, so the
	// centre's copy of the chain can be held to them (Verify).
	for _, c := range im.b.Manifest.Checkpoints {
		if !c.Verify(site, im.pub) {
			return exchange.BundleError("站点 %s 的审计检查点（第 %d 条）签名无效", site, c.Seq)
		}
		if _, err := im.tx.Exec("INSERT OR IGNORE INTO site_checkpoints (site_code, seq, hash, at, signature) VALUES (?, ?, ?, ?, ?)",
			site, c.Seq, c.Hash, c.At, c.Signature); err != nil {
			return err
		}
	}
	return nil
}
