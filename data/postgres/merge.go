package postgres

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/exchange"
)

// ApplyBundle merges one verified bundle in one transaction. A per-site
// advisory lock, taken first, serialises importers of one site (a second
// scheduled job finds the bundle merged and leaves it); importers of
// different sites run side by side and take row locks on shared rows (the
// applicants) in one order, so they do not deadlock.
func (t target) ApplyBundle(ctx context.Context, b *exchange.Bundle, pub ed25519.PublicKey, want exchange.Manifest) (int, error) {
	if err := b.Verify(pub); err != nil {
		return 0, err
	}
	if b.Manifest.Site != want.Site || b.Manifest.Seq != want.Seq {
		return 0, exchange.BundleError("第 %d 号数据包文件在导入过程中被替换", want.Seq)
	}
	s := t.s
	m := &merger{b: b, pub: pub, ctx: ctx, staged: map[string]bool{}}
	err := s.write(ctx, func(tx pgx.Tx) error {
		actor, err := requireAdmin(ctx, tx, t.actorID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('onewindow-site:' || $1))", want.Site); err != nil {
			return err
		}
		var last int64
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(seq), 0) FROM bundles WHERE site_code = $1", want.Site).Scan(&last); err != nil {
			return err
		}
		if last != want.Seq-1 {
			return data.Errorf(data.ECONFLICT, "站点 %s 第 %d 号数据包已由另一次导入处理", want.Site, want.Seq)
		}
		m.tx = tx
		if err := m.run(); err != nil {
			return err
		}
		mf := b.Manifest
		if _, err := tx.Exec(ctx, `INSERT INTO bundles (site_code, seq, sha256, created_at, imported_at, cases, events, audit_to, audit_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, mf.Site, mf.Seq, b.SHA256, mf.CreatedAt, data.FormatTime(s.now()), len(b.Cases), len(b.Events), m.auditTo, m.auditHash); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "bundle.import", exchange.BundleName(mf.Site, mf.Seq),
			fmt.Sprintf(`{"sha256":%q,"cases":%d,"events":%d,"changed":%d}`, b.SHA256, len(b.Cases), len(b.Events), m.changed))
	})
	return m.changed, err
}

// merger writes one bundle's records inside a transaction.
type merger struct {
	ctx       context.Context
	tx        pgx.Tx
	b         *exchange.Bundle
	pub       ed25519.PublicKey
	changed   int
	auditTo   int64
	auditHash string
	staged    map[string]bool // temporary tables made in this transaction
}

func (m *merger) run() error {
	site := m.b.Manifest.Site
	b := m.b
	siteName := b.Manifest.SiteName
	// What the records name must come with them, as the SQLite centre
	// insists: an item's department, a user's window.
	depts, wins := map[string]bool{}, map[string]bool{}
	for _, d := range b.Departments {
		depts[d.Code] = true
	}
	for _, w := range b.Windows {
		wins[w.Code] = true
	}
	for _, it := range b.Items {
		if !depts[it.Department] {
			return exchange.BundleError("事项 %s 的部门 %q 不在数据包中", it.Code, it.Department)
		}
	}
	for _, u := range b.Users {
		if u.Window != nil && !wins[*u.Window] {
			return exchange.BundleError("用户 %s 的窗口 %q 不在数据包中", u.Login, *u.Window)
		}
	}
	steps := []func() error{
		func() error {
			return m.addNew("departments", []string{"code", "name"}, len(b.Departments), func(i int) []any {
				return exchange.Values(&b.Departments[i])
			})
		},
		func() error {
			return m.addNew("items", []string{"code", "name", "department", "kind", "statutory", "promised", "materials", "active"}, len(b.Items), func(i int) []any {
				it := b.Items[i]
				// Not offered at a counter here: kept for the reports.
				return []any{it.Code, it.Name, it.Department, it.Kind, it.Statutory, it.Promised, it.Materials, 0}
			})
		},
		func() error {
			if err := m.addNew("waiver_policies", []string{"code", "name", "basis", "valid_from", "valid_to", "rule"}, len(b.Policies), func(i int) []any {
				return exchange.Values(&b.Policies[i])
			}); err != nil {
				return err
			}
			// A policy known already takes the rule a bundle brings (as at a
			// SQLite centre); one without a rule leaves it as it is.
			for _, p := range b.Policies {
				if p.Rule == "" {
					continue
				}
				if _, err := m.tx.Exec(m.ctx, "UPDATE waiver_policies SET rule = $1 WHERE code = $2 AND rule <> $1", p.Rule, p.Code); err != nil {
					return fmt.Errorf("waiver policy %s rule: %w", p.Code, err)
				}
			}
			return nil
		},
		func() error {
			return m.upsert("windows", []string{"site_code", "code", "name"}, 2, len(b.Windows), func(i int) []any {
				w := b.Windows[i]
				return []any{site, w.Code, siteName + " " + w.Name}
			})
		},
		func() error {
			return m.upsert("site_users", []string{"site_code", "login", "name", "role", "window_code", "active"}, 2, len(b.Users), func(i int) []any {
				return append([]any{site}, exchange.Values(&b.Users[i])...)
			})
		},
		m.calendar,
		m.applicants,
		m.cases,
		m.events,
		m.caseRecords,
		m.problems,
		m.siteAudit,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// stage copies rows into a temporary table shaped like table (emptied at
// commit) with COPY.
func (m *merger) stage(table string, cols []string, n int, row func(i int) []any) (string, error) {
	// Made once per connection and emptied at every commit: making and
	// dropping a table per bundle costs catalogue writes each time.
	tmp := "stage_" + table
	if !m.staged[tmp] {
		var missing bool
		if err := m.tx.QueryRow(m.ctx, "SELECT to_regclass($1) IS NULL", "pg_temp."+tmp).Scan(&missing); err != nil {
			return "", err
		}
		if missing {
			if _, err := m.tx.Exec(m.ctx, fmt.Sprintf("CREATE TEMP TABLE %s (LIKE %s) ON COMMIT DELETE ROWS", tmp, table)); err != nil {
				return "", err
			}
			// The centre numbers these rows itself (the ids the screens
			// use): a bundle does not carry them.
			if numbered[table] {
				if _, err := m.tx.Exec(m.ctx, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN id DROP NOT NULL", tmp)); err != nil {
					return "", err
				}
			}
		}
		m.staged[tmp] = true
	}
	_, err := m.tx.CopyFrom(m.ctx, pgx.Identifier{tmp}, cols, pgx.CopyFromSlice(n, func(i int) ([]any, error) { return row(i), nil }))
	return tmp, err
}

// numbered are the tables with an id column of the centre's own.
var numbered = map[string]bool{"departments": true, "items": true, "windows": true, "applications": true}

// addNew adds the rows whose key (the first column) is not here yet and
// leaves the others as they are: the shared catalogue.
func (m *merger) addNew(table string, cols []string, n int, row func(i int) []any) error {
	if n == 0 {
		return nil
	}
	tmp, err := m.stage(table, cols, n, row)
	if err != nil {
		return err
	}
	list := strings.Join(cols, ", ")
	tag, err := m.tx.Exec(m.ctx, fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s ORDER BY %s ON CONFLICT DO NOTHING", table, list, list, tmp, cols[0]))
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	m.changed += int(tag.RowsAffected())
	return nil
}

// upsert loads rows keyed by their first keyN columns: new ones are added,
// changed ones updated, the same left alone; the count of rows added or
// changed is kept.
func (m *merger) upsert(table string, cols []string, keyN, n int, row func(i int) []any) error {
	if n == 0 {
		return nil
	}
	tmp, err := m.stage(table, cols, n, row)
	if err != nil {
		return err
	}
	return m.insertFrom(tmp, table, cols, keyN, "")
}

func (m *merger) insertFrom(tmp, table string, cols []string, keyN int, where string) error {
	list := strings.Join(cols, ", ")
	var set, old, neu []string
	for _, c := range cols[keyN:] {
		set = append(set, c+" = excluded."+c)
		old = append(old, table+"."+c)
		neu = append(neu, "excluded."+c)
	}
	cond := fmt.Sprintf("(%s) IS DISTINCT FROM (%s)", strings.Join(old, ", "), strings.Join(neu, ", "))
	if len(cols[keyN:]) == 1 {
		cond = fmt.Sprintf("%s IS DISTINCT FROM %s", old[0], neu[0])
	}
	if where != "" {
		cond += " AND " + where
	}
	q := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s ORDER BY %s ON CONFLICT (%s) DO UPDATE SET %s WHERE %s",
		table, list, list, tmp, strings.Join(cols[:keyN], ", "), strings.Join(cols[:keyN], ", "), strings.Join(set, ", "), cond)
	tag, err := m.tx.Exec(m.ctx, q)
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	m.changed += int(tag.RowsAffected())
	return nil
}

// applicants are shared by the sites: the newest version wins. Rows are
// written in the order of their key, as every importer does.
func (m *merger) applicants() error {
	b := m.b
	if len(b.Applicants) == 0 {
		return nil
	}
	cols := []string{"id_code", "kind", "name", "contact", "phone", "address", "updated_at"}
	tmp, err := m.stage("applicants", cols, len(b.Applicants), func(i int) []any {
		a := b.Applicants[i]
		return []any{a.IDCode, a.Kind, a.Name, a.Contact, a.Phone, a.Address, a.UpdatedAt}
	})
	if err != nil {
		return err
	}
	// The newer version wins; at the same time, the greater (as the SQLite
	// centre decides), so that the order of arrival does not matter. Those
	// that would not win are dropped first: an upsert that changes nothing
	// still locks the row, and another importer would wait on it.
	if _, err := m.tx.Exec(m.ctx, `DELETE FROM `+tmp+` s USING applicants a WHERE a.id_code = s.id_code
		AND (s.updated_at, s.name, s.contact, s.phone, s.address, s.kind) <= (a.updated_at, a.name, a.contact, a.phone, a.address, a.kind)`); err != nil {
		return fmt.Errorf("applicants: %w", err)
	}
	return m.insertFrom(tmp, "applicants", cols, 1, `(excluded.updated_at, excluded.name, excluded.contact, excluded.phone, excluded.address, excluded.kind) >
		(applicants.updated_at, applicants.name, applicants.contact, applicants.phone, applicants.address, applicants.kind)`)
}

var caseCols = []string{"received_date", "number", "site_code", "item", "applicant", "window_code", "clerk", "received_at", "status",
	"start_date", "due_promised", "due_statutory", "closed_date", "yellow_promised", "yellow_statutory", "accepted_date", "used_days",
	"ontime_promised", "ontime_statutory", "pause_days", "extra_days", "supplemented", "red_promised", "red_statutory", "rated_date", "rating_level"}

// cases upserts the bundle's cases, making the year partitions they need.
func (m *merger) cases() error {
	b := m.b
	if len(b.Cases) == 0 {
		return nil
	}
	years := map[string]bool{}
	for _, c := range b.Cases {
		if !strings.HasPrefix(c.Number, b.Manifest.Site) {
			return exchange.BundleError("办件 %s 不属于站点 %s", c.Number, b.Manifest.Site)
		}
		if len(c.ReceivedDate) < 4 {
			return exchange.BundleError("办件 %s 的收件日期不正确", c.Number)
		}
		years[c.ReceivedDate[:4]] = true
	}
	for _, c := range b.Cases {
		if _, err := calendar.ParseDate(c.ReceivedDate); err != nil {
			return exchange.BundleError("办件 %s 的收件日期 %q 不正确", c.Number, c.ReceivedDate)
		}
	}
	for y := range years {
		if err := ensureYear(m.ctx, m.tx, y); err != nil {
			return err
		}
	}
	tmp, err := m.stage("applications", caseCols, len(b.Cases), func(i int) []any {
		c := b.Cases[i]
		return []any{day(c.ReceivedDate), c.Number, b.Manifest.Site, c.Item, c.Applicant, c.Window, c.Clerk, c.ReceivedAt, c.Status,
			optDay(c.StartDate), optDay(c.DuePromised), optDay(c.DueStatutory), optDay(c.ClosedDate), optDay(c.YellowPromised), optDay(c.YellowStatutory),
			optDay(c.AcceptedDate), c.UsedDays, c.OntimePromised, c.OntimeStatutory, c.PauseDays, c.ExtraDays, c.Supplemented,
			optDay(c.RedPromised), optDay(c.RedStatutory), optDay(c.RatedDate), c.RatingLevel}
	})
	if err != nil {
		return err
	}
	// The report's daily totals follow the cases: out with what they
	// were, in with what they are. The money's are taken out now, while the fee lines and waivers are as they were, and put
	// back after they are written (caseRecords).
	if err := snapshotCases(m.ctx, m.tx); err != nil {
		return err
	}
	if err := adjustTotals(m.ctx, m.tx, true, true, false); err != nil {
		return err
	}
	if err := m.insertFrom(tmp, "applications", caseCols, 2, ""); err != nil {
		return err
	}
	return adjustTotals(m.ctx, m.tx, false, true, true)
}

// events are appended: a case's events never change once recorded.
func (m *merger) events() error {
	b := m.b
	if len(b.Events) == 0 {
		return nil
	}
	received := make(map[string]string, len(b.Cases))
	for _, c := range b.Cases {
		received[c.Number] = c.ReceivedDate
	}
	cols := []string{"received_date", "number", "seq", "kind", "at", "actor", "data"}
	tmp, err := m.stage("events", cols, len(b.Events), func(i int) []any {
		e := b.Events[i]
		return []any{day(received[e.Case]), e.Case, e.Seq, e.Kind, e.At, e.Actor, e.Data}
	})
	if err != nil {
		return err
	}
	tag, err := m.tx.Exec(m.ctx, fmt.Sprintf("INSERT INTO events (%[1]s) SELECT %[1]s FROM %[2]s ORDER BY received_date, number, seq ON CONFLICT DO NOTHING",
		strings.Join(cols, ", "), tmp))
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	m.changed += int(tag.RowsAffected())
	return nil
}

// caseRecords upserts what hangs off the bundle's cases, each by its
// natural key: the case number, or the site and its own row id.
func (m *merger) caseRecords() error {
	b, site := m.b, m.b.Manifest.Site
	steps := []struct {
		table string
		cols  []string
		keyN  int
		n     int
		row   func(i int) []any
	}{
		{"case_fees", []string{"number", "fee_code", "name", "amount_fen", "unit", "basis"}, 2, len(b.Fees), func(i int) []any { return exchange.Values(&b.Fees[i]) }},
		{"waivers", []string{"site_code", "id", "number", "fee_code", "kind", "amount_fen", "policy", "reason", "status", "requested_by", "requested_at", "decided_by", "decided_at", "note"}, 2, len(b.Waivers),
			func(i int) []any { return append([]any{site}, exchange.Values(&b.Waivers[i])...) }},
		{"extensions", []string{"site_code", "id", "number", "days", "reason", "status", "requested_by", "requested_at", "decided_by", "decided_at", "note"}, 2, len(b.Extensions),
			func(i int) []any { return append([]any{site}, exchange.Values(&b.Extensions[i])...) }},
		{"ratings", []string{"number", "level", "comment", "at", "clerk"}, 1, len(b.Ratings), func(i int) []any { return exchange.Values(&b.Ratings[i]) }},
		{"rectifications", []string{"number", "status", "due_date", "opened_at", "done_date", "measures", "revisit", "appeal", "decision", "updated_at"}, 1, len(b.Rectifications),
			func(i int) []any { return exchange.Values(&b.Rectifications[i]) }},
		{"documents", []string{"doc_number", "kind", "year", "seq", "number", "issued_at", "issued_by", "content", "hash", "reprints"}, 1, len(b.Documents),
			func(i int) []any { return exchange.Values(&b.Documents[i]) }},
	}
	for _, st := range steps {
		if err := m.upsert(st.table, st.cols, st.keyN, st.n, st.row); err != nil {
			return err
		}
	}
	if err := m.themes(); err != nil {
		return err
	}
	// Each waiver carries its case's group, for the report.
	if len(b.Waivers) > 0 {
		if _, err := m.tx.Exec(m.ctx, `UPDATE waivers w SET item = a.item, window_code = a.window_code, clerk = a.clerk
			FROM applications a WHERE a.number = w.number AND w.site_code = $1 AND w.id IN (SELECT id FROM stage_waivers)
			AND (w.item, w.window_code, w.clerk) IS DISTINCT FROM (a.item, a.window_code, a.clerk)`, site); err != nil {
			return fmt.Errorf("waivers: %w", err)
		}
	}
	// The money totals of the bundle's cases, now that their fee lines and
	// waivers are written (taken out before, with the rest).
	if len(b.Cases) > 0 {
		return adjustTotals(m.ctx, m.tx, true, false, true)
	}
	return nil
}

// siteAudit appends the site's audit entries, which must continue its chain
// from where the last bundle left it.
func (m *merger) siteAudit() error {
	site := m.b.Manifest.Site
	m.auditHash = data.AuditGenesis
	err := m.tx.QueryRow(m.ctx, "SELECT audit_to, audit_hash FROM bundles WHERE site_code = $1 ORDER BY seq DESC LIMIT 1", site).Scan(&m.auditTo, &m.auditHash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	a := m.b.Audit
	if len(a) == 0 {
		return nil
	}
	if a[0].Seq != m.auditTo+1 || a[0].PrevHash != m.auditHash {
		return exchange.BundleError("站点 %s 的审计记录不连续（应从第 %d 条接续，数据包从第 %d 条开始）", site, m.auditTo+1, a[0].Seq)
	}
	if _, err := m.tx.CopyFrom(m.ctx, pgx.Identifier{"site_audit"}, []string{"site_code", "seq", "at", "actor", "action", "entity", "detail", "prev_hash", "hash"},
		pgx.CopyFromSlice(len(a), func(i int) ([]any, error) {
			e := a[i]
			return []any{site, e.Seq, e.At, e.Actor, e.Action, e.Entity, e.Detail, e.PrevHash, e.Hash}, nil
		})); err != nil {
		return err
	}
	m.changed += len(a)
	last := a[len(a)-1]
	m.auditTo, m.auditHash = last.Seq, last.Hash
	// The site's signed checkpoints of what it carried, kept so that the
	// centre's copy of the chain can be held to them.
	for _, c := range m.b.Manifest.Checkpoints {
		if !c.Verify(site, m.pub) {
			return exchange.BundleError("站点 %s 的审计检查点（第 %d 条）签名无效", site, c.Seq)
		}
		if _, err := m.tx.Exec(m.ctx, "INSERT INTO site_checkpoints (site_code, seq, hash, at, signature) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
			site, c.Seq, c.Hash, c.At, c.Signature); err != nil {
			return err
		}
	}
	return nil
}

// calendar makes the site's calendar here the one in the bundle (which
// carries it whole, as the SQLite centre takes it), and moves the site's
// calendar stamp when a day changed, so that the centre's clocks read it
// again.
func (m *merger) calendar() error {
	b, site := m.b, m.b.Manifest.Site
	before := m.changed
	cols := []string{"site_code", "layer", "day", "working", "name"}
	tmp, err := m.stage("calendar_days", cols, len(b.Calendar), func(i int) []any {
		return append([]any{site}, exchange.Values(&b.Calendar[i])...)
	})
	if err != nil {
		return err
	}
	if err := m.insertFrom(tmp, "calendar_days", cols, 3, ""); err != nil {
		return err
	}
	tag, err := m.tx.Exec(m.ctx, fmt.Sprintf(`DELETE FROM calendar_days c WHERE c.site_code = $1
		AND NOT EXISTS (SELECT 1 FROM %s t WHERE t.layer = c.layer AND t.day = c.day)`, tmp), site)
	if err != nil {
		return fmt.Errorf("calendar_days: %w", err)
	}
	m.changed += int(tag.RowsAffected())
	if m.changed == before {
		return nil
	}
	_, err = m.tx.Exec(m.ctx, "UPDATE sites SET calendar_stamp = $1 WHERE code = $2", b.SHA256, site)
	return err
}

// themes upserts the bundle's theme cases (一件事) and their members.
func (m *merger) themes() error {
	b, site := m.b, m.b.Manifest.Site
	if len(b.Themes) == 0 {
		return nil
	}
	type member struct {
		theme    string
		position int
		item     string
		number   *string
	}
	var members []member
	for i := range b.Themes {
		_, ms, err := b.Themes[i].Decode(site)
		if err != nil {
			return err
		}
		for _, x := range ms {
			members = append(members, member{b.Themes[i].Number, x.Position, x.Item, x.Case})
		}
	}
	if err := m.upsert("theme_cases", []string{"number", "site_code", "theme_code", "theme_name", "limit_days", "together", "steps", "applicant", "window_code", "clerk",
		"received_at", "materials", "proofs", "delivered_at"}, 1, len(b.Themes), func(i int) []any {
		return append([]any{b.Themes[i].Number, site}, exchange.Values(&b.Themes[i])[1:13]...)
	}); err != nil {
		return fmt.Errorf("theme cases: %w", err)
	}
	if err := m.upsert("theme_members", []string{"theme_number", "position", "item", "case_number"}, 2, len(members), func(i int) []any {
		x := members[i]
		return []any{x.theme, x.position, x.item, x.number}
	}); err != nil {
		return fmt.Errorf("theme members: %w", err)
	}
	return nil
}
