package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/exchange"
)

// Export writes every change this site made since its last export into
// bundles in dir (several when there are more than MaxBundleCases cases),
// and returns them; none when nothing changed. program is written into the
// manifest. Each bundle is made in one transaction that records it (kept
// whole in the exports table) and clears what it carries from the list of
// changes, with its audit entry; only then is the file written, through a
// temporary file and a rename, so a pulled USB stick never leaves a half
// bundle that looks whole. If writing fails, ExportAgain writes the same
// bundle later. The transaction holds the write lock while it reads: a
// day's bundle takes milliseconds, a full one of 10,000 cases about a
// second, during which a registration waits.
func (s *Store) Export(ctx context.Context, dir, program string, progress func(done, total int)) ([]exchange.ExportResult, error) {
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return nil, err
	}
	site, err := s.Site(ctx)
	if err != nil {
		return nil, err
	}
	// Every export signs the chain's head; the checkpoint travels with it.
	if err := s.Checkpoint(ctx); err != nil {
		return nil, err
	}
	total, err := s.PendingExport(ctx)
	if err != nil {
		return nil, err
	}
	var out []exchange.ExportResult
	done := 0
	for {
		var res exchange.ExportResult
		var raw []byte
		err := s.write(ctx, func(tx *sql.Tx) error {
			b, err := s.nextBundle(ctx, tx, site, program)
			if err != nil {
				return err
			}
			if raw, err = b.Encode(key); err != nil {
				return err
			}
			m := b.Manifest
			res = exchange.ExportResult{Seq: m.Seq, Cases: len(b.Cases), Events: len(b.Events), Problems: len(b.Problems), Audit: len(b.Audit), SHA256: b.SHA256,
				Path: filepath.Join(dir, exchange.BundleName(site.Code, m.Seq))}
			if _, err := tx.Exec(`INSERT INTO exports (seq, created_at, period_from, period_to, cases, audit_to, sha256, bundle)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, m.Seq, m.CreatedAt, m.From, m.To, len(b.Cases), m.AuditTo, b.SHA256, raw); err != nil {
				return err
			}
			if _, err := tx.Exec("DELETE FROM export_dirty WHERE app_id IN (SELECT app_id FROM temp.export_ids)"); err != nil {
				return err
			}
			if _, err := tx.Exec("DELETE FROM problem_dirty WHERE problem_id IN (SELECT problem_id FROM temp.export_problems)"); err != nil {
				return err
			}
			return s.audit(tx, "system", "bundle.export", exchange.BundleName(site.Code, m.Seq),
				fmt.Sprintf(`{"cases":%d,"events":%d,"audit":%d,"sha256":%q}`, res.Cases, res.Events, res.Audit, res.SHA256))
		})
		if errors.Is(err, exchange.ErrNoChanges) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if err := writeFileAtomic(res.Path, raw, 0o644); err != nil {
			return out, data.FieldError("dir", "导出文件夹", "第 %d 号数据包已生成，但写入 %s 失败（%v）；请检查存储设备后重新导出第 %d 号", res.Seq, dir, err, res.Seq)
		}
		out = append(out, res)
		done += res.Cases
		if progress != nil {
			progress(min(done, total), total)
		}
	}
}

// checkDir makes sure dir is a folder that exists.
func checkDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return data.FieldError("dir", "文件夹", "%s 不存在或不是文件夹", dir)
	}
	return nil
}

// nextBundle reads the next bundle's content inside tx: up to
// MaxBundleCases changed cases of this site with all their records, the
// audit entries not yet carried, and the catalogue and calendar the cases
// refer to. It returns errNoChanges when there is nothing to carry. The
// ids of the cases carried are left in temp.export_ids.
func (s *Store) nextBundle(ctx context.Context, tx *sql.Tx, site data.Site, program string) (*exchange.Bundle, error) {
	b := &exchange.Bundle{Manifest: exchange.Manifest{Format: exchange.BundleFormat, Site: site.Code, SiteName: site.Name, Program: program,
		Schema: SchemaVersion(), CreatedAt: data.FormatTime(s.now())}}
	m := &b.Manifest
	if err := tx.QueryRow("SELECT coalesce((SELECT value FROM settings WHERE key = 'sample_data'), '') = '1'").Scan(&m.Sample); err != nil {
		return nil, err
	}
	var auditTo int64
	err := tx.QueryRow("SELECT seq, period_to, audit_to FROM exports ORDER BY seq DESC LIMIT 1").Scan(&m.Seq, &m.From, &auditTo)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	m.Seq++
	m.To = m.CreatedAt
	if err := scanAll(tx, &b.Audit, "SELECT seq, at, actor, action, entity, detail, prev_hash, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?", auditTo, exchange.MaxBundleAudit); err != nil {
		return nil, err
	}
	for _, stmt := range []string{"CREATE TEMP TABLE IF NOT EXISTS export_ids (app_id INTEGER PRIMARY KEY)", "DELETE FROM temp.export_ids",
		"CREATE TEMP TABLE IF NOT EXISTS export_problems (problem_id INTEGER PRIMARY KEY)", "DELETE FROM temp.export_problems"} {
		if _, err := tx.Exec(stmt); err != nil {
			return nil, err
		}
	}
	res, err := tx.Exec(`INSERT INTO temp.export_ids (app_id) SELECT d.app_id FROM export_dirty d JOIN applications a ON a.id = d.app_id
		WHERE a.site_code = ? ORDER BY d.app_id LIMIT ?`, site.Code, exchange.MaxBundleCases)
	if err != nil {
		return nil, err
	}
	n, _ := res.RowsAffected()
	if res, err = tx.Exec(`INSERT INTO temp.export_problems (problem_id) SELECT d.problem_id FROM problem_dirty d JOIN problems p ON p.id = d.problem_id
		WHERE p.site_code = ? ORDER BY d.problem_id LIMIT ?`, site.Code, exchange.MaxBundleCases); err != nil {
		return nil, err
	}
	np, _ := res.RowsAffected()
	n += np
	// Each export writes an audit entry of its own; those alone are no
	// reason for a new bundle (they travel with the next one).
	news := false
	for _, e := range b.Audit {
		news = news || (e.Action != "bundle.export" && e.Action != "audit.checkpoint")
	}
	if n == 0 && !news {
		return nil, exchange.ErrNoChanges
	}
	if len(b.Audit) > 0 {
		m.AuditFrom, m.AuditTo = b.Audit[0].Seq, b.Audit[len(b.Audit)-1].Seq
		if err := scanAll(tx, &m.Checkpoints, "SELECT seq, hash, at, signature FROM checkpoints WHERE seq BETWEEN ? AND ? ORDER BY seq", m.AuditFrom, m.AuditTo); err != nil {
			return nil, err
		}
	}
	const ids = "temp.export_ids x JOIN applications a ON a.id = x.app_id"
	const problemIDs = "temp.export_problems x JOIN problems p ON p.id = x.problem_id"
	for _, q := range []struct {
		list any
		sql  string
	}{
		{&b.Departments, "SELECT code, name FROM departments ORDER BY code"},
		{&b.Items, "SELECT i.code, i.name, d.code, i.kind, i.statutory, i.promised, i.materials, i.active FROM items i JOIN departments d ON d.id = i.department_id ORDER BY i.code"},
		{&b.Windows, "SELECT code, name FROM windows ORDER BY code"},
		{&b.Users, "SELECT u.login, u.name, u.role, w.code, u.active FROM users u LEFT JOIN windows w ON w.id = u.window_id ORDER BY u.login"},
		{&b.Policies, "SELECT code, name, basis, valid_from, valid_to, rule FROM waiver_policies ORDER BY code"},
		{&b.Calendar, "SELECT layer, date, working, name FROM calendar_days ORDER BY layer, date"},
		{&b.Applicants, "SELECT DISTINCT p.kind, p.name, p.id_code, p.contact, p.phone, p.address, p.updated_at FROM " + ids +
			" JOIN applicants p ON p.id = a.applicant_id ORDER BY p.id_code"},
		{&b.Cases, "SELECT a.number, i.code, p.id_code, w.code, u.login, a.received_at, a.received_date, a." + caseStateColumnsA + " FROM " + ids +
			" JOIN items i ON i.id = a.item_id JOIN applicants p ON p.id = a.applicant_id JOIN windows w ON w.id = a.window_id JOIN users u ON u.id = a.clerk_id ORDER BY a.id"},
		{&b.Events, "SELECT a.number, e.seq, e.kind, e.at, u.login, e.data FROM " + ids + " JOIN events e ON e.app_id = a.id JOIN users u ON u.id = e.actor_id ORDER BY a.id, e.seq"},
		{&b.Fees, "SELECT a.number, f.fee_code, f.name, f.amount_fen, f.unit, f.basis FROM " + ids + " JOIN case_fees f ON f.app_id = a.id ORDER BY a.id, f.fee_code"},
		{&b.Waivers, "SELECT w.id, a.number, f.fee_code, w.kind, w.amount_fen, p.code, w.reason, w.status, ru.login, w.requested_at, du.login, w.decided_at, w.note FROM " + ids +
			" JOIN waivers w ON w.app_id = a.id JOIN case_fees f ON f.id = w.fee_id JOIN waiver_policies p ON p.id = w.policy_id" +
			" JOIN users ru ON ru.id = w.requested_by LEFT JOIN users du ON du.id = w.decided_by ORDER BY w.id"},
		{&b.Extensions, "SELECT r.id, a.number, r.days, r.reason, r.status, ru.login, r.requested_at, du.login, r.decided_at, r.note FROM " + ids +
			" JOIN extension_requests r ON r.app_id = a.id JOIN users ru ON ru.id = r.requested_by LEFT JOIN users du ON du.id = r.decided_by ORDER BY r.id"},
		{&b.Ratings, "SELECT a.number, r.level, r.comment, r.at, u.login FROM " + ids + " JOIN ratings r ON r.app_id = a.id JOIN users u ON u.id = r.clerk_id ORDER BY a.id"},
		{&b.Rectifications, "SELECT a.number, r.status, r.due_date, r.opened_at, r.done_date, r.measures, r.revisit, r.appeal, r.decision, r.updated_at FROM " + ids +
			" JOIN rectifications r ON r.app_id = a.id ORDER BY a.id"},
		{&b.Documents, "SELECT d.number, d.kind, d.year, d.seq, a.number, d.issued_at, u.login, d.content, d.hash, d.reprints FROM " + ids +
			" JOIN documents d ON d.app_id = a.id JOIN users u ON u.id = d.issued_by ORDER BY d.id"},
		{&b.Themes, "SELECT t.number, t.theme_code, t.theme_name, t.limit_days, t.together, t.steps, p.id_code, w.code, u.login, t.received_at, t.materials, t.proofs, t.delivered_at," +
			" (SELECT json_group_array(json_object('position', m.position, 'item', m.item_code, 'case', m.case_number)) FROM (SELECT * FROM theme_members m WHERE m.theme_case_id = t.id ORDER BY m.position) m)" +
			" FROM theme_cases t JOIN applicants p ON p.id = t.applicant_id JOIN windows w ON w.id = t.window_id JOIN users u ON u.id = t.clerk_id" +
			" WHERE t.id IN (SELECT m.theme_case_id FROM temp.export_ids x JOIN theme_members m ON m.app_id = x.app_id) ORDER BY t.id"},
		{&b.Problems, "SELECT p.number, p.enterprise_code, p.enterprise_name, p.category, p.case_number, p.received_at, p.received_date, p.status, p.track," +
			" p.days, p.department, p.helpers, p.explained, p.last_note, p.promised, p.closed_on, p.urges, p.track_changes, p.reopened, p.verdict FROM " + problemIDs +
			" ORDER BY p.id"},
		{&b.ProblemEvents, "SELECT p.number, e.seq, e.kind, e.at, u.login, e.data FROM " + problemIDs +
			" JOIN problem_events e ON e.problem_id = p.id JOIN users u ON u.id = e.actor_id ORDER BY p.id, e.seq"},
		{&b.ProblemDocuments, "SELECT d.number, d.kind, d.year, d.seq, p.number, d.issued_at, u.login, d.content, d.hash, d.reprints FROM " + problemIDs +
			" JOIN problem_documents d ON d.problem_id = p.id JOIN users u ON u.id = d.issued_by ORDER BY d.id"},
	} {
		if err := scanAll(tx, q.list, q.sql); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
	}
	return b, nil
}

// caseStateColumnsA is caseStateColumns qualified by the alias a.
var caseStateColumnsA = func() string {
	out := ""
	for i, c := range splitColumns(caseStateColumns) {
		if i > 0 {
			out += ", a."
		}
		out += c
	}
	return out
}()

// splitColumns splits a column list.
func splitColumns(list string) []string {
	var out []string
	for _, c := range strings.Split(list, ",") {
		out = append(out, strings.TrimSpace(c))
	}
	return out
}

// scanAll appends a record per row of q to the slice list points to.
func scanAll(tx *sql.Tx, list any, q string, args ...any) error {
	rows, err := tx.Query(q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	slice := reflect.ValueOf(list).Elem()
	for rows.Next() {
		rec := reflect.New(slice.Type().Elem())
		if err := rows.Scan(exchange.Fields(rec.Interface())...); err != nil {
			return err
		}
		slice.Set(reflect.Append(slice, rec.Elem()))
	}
	return rows.Err()
}

// ExportAgain writes bundle seq, as first made, into dir again.
func (s *Store) ExportAgain(ctx context.Context, seq int64, dir string) (exchange.ExportResult, error) {
	if err := checkDir(dir); err != nil {
		return exchange.ExportResult{}, err
	}
	site, err := s.Site(ctx)
	if err != nil {
		return exchange.ExportResult{}, err
	}
	var raw []byte
	res := exchange.ExportResult{Seq: seq, Path: filepath.Join(dir, exchange.BundleName(site.Code, seq))}
	err = s.db.QueryRowContext(ctx, "SELECT cases, sha256, bundle FROM exports WHERE seq = ?", seq).Scan(&res.Cases, &res.SHA256, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return res, &data.Error{Code: data.ENOTFOUND, Field: "seq", Message: fmt.Sprintf("数据包序号：本站点没有第 %d 号数据包", seq)}
	}
	if err != nil {
		return res, classify(err)
	}
	if err := writeFileAtomic(res.Path, raw, 0o644); err != nil {
		return res, data.FieldError("dir", "导出文件夹", "写入 %s 失败（%v）", res.Path, err)
	}
	return res, nil
}

// Exports lists the bundles this site has made, newest first.
func (s *Store) Exports(ctx context.Context) ([]exchange.ExportInfo, error) {
	var out []exchange.ExportInfo
	err := s.eachRow(ctx, "SELECT seq, created_at, cases, length(bundle), sha256 FROM exports ORDER BY seq DESC", nil, func(sc func(...any) error) error {
		var x exchange.ExportInfo
		if err := sc(&x.Seq, &x.CreatedAt, &x.Cases, &x.Size, &x.SHA256); err != nil {
			return err
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

// PendingExport counts this site's cases changed since the last export.
func (s *Store) PendingExport(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM export_dirty d JOIN applications a ON a.id = d.app_id
		WHERE a.site_code = (SELECT code FROM site WHERE id = 1)`).Scan(&n)
	return n, classify(err)
}

// PendingProblems counts this site's problems changed since the last
// export.
func (s *Store) PendingProblems(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM problem_dirty d JOIN problems p ON p.id = d.problem_id
		WHERE p.site_code = (SELECT code FROM site WHERE id = 1)`).Scan(&n)
	return n, classify(err)
}

// caseStateColumns are the columns of a case that change over its life.
const caseStateColumns = "status, " + cacheColumns + ", rated_date, rating_level"
