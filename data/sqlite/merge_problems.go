package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/problem"
)

// applyProblems merges a bundle's 企业反映问题 at a central office: each
// problem with its whole log, and the state the centre replays from that
// log (not the site's cached columns, which verify holds to it there), and
// its papers. A problem arriving again appends the events the centre does
// not have yet; its papers' reprints follow the site's.
func (im *importer) applyProblems() error {
	if len(im.b.Problems) == 0 {
		return nil
	}
	site := im.b.Manifest.Site
	logs, err := im.b.ProblemLogs()
	if err != nil {
		return err
	}
	upsert, err := im.tx.Prepare(`INSERT INTO problems (number, site_code, enterprise_code, enterprise_name, category, case_number, received_at, received_date, status)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (number) DO UPDATE SET enterprise_name = excluded.enterprise_name, category = excluded.category, case_number = excluded.case_number
		WHERE problems.site_code = excluded.site_code RETURNING id, site_code`)
	if err != nil {
		return err
	}
	defer upsert.Close()
	ids := map[string]int64{}
	for _, p := range im.b.Problems {
		var id int64
		var owner string
		err := upsert.QueryRow(p.Number, site, p.EnterpriseCode, p.EnterpriseName, p.Category, p.CaseNumber, p.ReceivedAt, p.ReceivedDate, problem.Received).Scan(&id, &owner)
		if errors.Is(err, sql.ErrNoRows) { // the number is held by another site
			return exchange.BundleError("问题 %s 已由其他站点登记，不能覆盖", p.Number)
		}
		if err != nil {
			return err
		}
		ids[p.Number] = id
		im.changed++
	}
	ins, err := im.tx.Prepare("INSERT OR IGNORE INTO problem_events (problem_id, seq, kind, at, actor_id, data) VALUES (?, ?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, e := range im.b.ProblemEvents {
		actor, err := ref(im.users, e.Actor, "人员", e.Problem)
		if err != nil {
			return err
		}
		if err := im.exec(ins, ids[e.Problem], e.Seq, e.Kind, e.At, actor, e.Data); err != nil {
			return err
		}
	}
	for number, id := range ids {
		if err := saveProblemState(im.tx, id, problem.Replay(logs[number])); err != nil {
			return err
		}
	}
	w := upsertWriter("problem_documents", []string{"number", "site_code", "kind", "year", "seq", "problem_id", "issued_at", "issued_by", "content", "hash", "reprints"},
		"number", []string{"reprints"})
	for _, d := range im.b.ProblemDocuments {
		by, err := ref(im.users, d.IssuedBy, "人员", d.Problem)
		if err != nil {
			return err
		}
		if _, err := time.Parse(time.RFC3339, d.IssuedAt); err != nil {
			return exchange.BundleError("问题文书 %s 的时间不正确", d.Number)
		}
		w.add(d.Number, site, d.Kind, d.Year, d.Seq, ids[d.Problem], d.IssuedAt, by, d.Content, d.Hash, d.Reprints)
	}
	if err := im.flush(w, 500); err != nil {
		return fmt.Errorf("problem documents: %w", err)
	}
	return nil
}
