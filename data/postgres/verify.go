package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/onewindow/onewindow/data"
)

// VerifyReport is what Verify found.
type VerifyReport struct {
	Entries     int64    // centre audit entries checked
	SiteEntries int64    // site audit entries checked, over every site
	Sites       int      // sites whose chains were checked
	Problems    []string // what is wrong, in Chinese; empty when all holds
	Totals      []string // the tables of daily totals that differ from the cases (also in Problems)
}

// OnlyTotals reports whether the daily totals are all that is wrong:
// RebuildTotals mends them.
func (r VerifyReport) OnlyTotals() bool { return len(r.Totals) > 0 && len(r.Totals) == len(r.Problems) }

// OK reports whether everything held.
func (r VerifyReport) OK() bool { return len(r.Problems) == 0 }

// Verify checks the centre's audit chain, every site's chain as received
// (link by link, and against the checkpoints the site signed), and that
// every case's events are numbered without a gap.
func (s *Store) Verify(ctx context.Context) (VerifyReport, error) {
	var r VerifyReport
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return r, classify(err)
	}
	defer tx.Rollback(ctx)
	// The centre's own chain.
	chain := data.NewChain(0, data.AuditGenesis)
	if err := scanChain(ctx, tx, "SELECT seq, at, actor, action, entity, detail, prev_hash, hash FROM audit ORDER BY seq", nil, chain); err != nil {
		return r, classify(err)
	}
	r.Entries = chain.Entries
	if chain.BadSeq != 0 {
		r.Problems = append(r.Problems, "中心审计链："+chain.Problem)
	}
	// Each site's chain as received.
	rows, err := tx.Query(ctx, "SELECT code FROM sites ORDER BY code")
	if err != nil {
		return r, classify(err)
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return r, classify(err)
	}
	for _, code := range codes {
		chain := data.NewChain(0, data.AuditGenesis)
		if err := scanChain(ctx, tx, "SELECT seq, at, actor, action, entity, detail, prev_hash, hash FROM site_audit WHERE site_code = $1 ORDER BY seq", []any{code}, chain); err != nil {
			return r, classify(err)
		}
		r.Sites++
		r.SiteEntries += chain.Entries
		if chain.BadSeq != 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("站点 %s 的审计链：%s", code, chain.Problem))
		}
	}
	// The checkpoints the sites signed: the entry must still have that hash.
	rows, err = tx.Query(ctx, `SELECT c.site_code, c.seq FROM site_checkpoints c LEFT JOIN site_audit a ON a.site_code = c.site_code AND a.seq = c.seq
		WHERE a.hash IS DISTINCT FROM c.hash ORDER BY 1, 2 LIMIT 20`)
	if err != nil {
		return r, classify(err)
	}
	for rows.Next() {
		var code string
		var seq int64
		if err := rows.Scan(&code, &seq); err != nil {
			return r, classify(err)
		}
		r.Problems = append(r.Problems, fmt.Sprintf("站点 %s 的审计记录第 %d 条与站点签名的检查点不符", code, seq))
	}
	if err := rows.Err(); err != nil {
		return r, classify(err)
	}
	// The report's daily totals against the cases.
	differ, err := totalsDiffer(ctx, tx)
	if err != nil {
		return r, classify(err)
	}
	r.Totals = differ
	for _, t := range differ {
		r.Problems = append(r.Problems, fmt.Sprintf("统计报表的每日汇总（%s）与办件不一致；办件记录本身无误，可用 verify --repair 从办件重建汇总", t))
	}
	// Every case's events numbered 1…n.
	rows, err = tx.Query(ctx, `SELECT number FROM events GROUP BY received_date, number HAVING max(seq) <> count(*) OR min(seq) <> 1 ORDER BY number LIMIT 20`)
	if err != nil {
		return r, classify(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return r, classify(err)
		}
		r.Problems = append(r.Problems, fmt.Sprintf("办件 %s 的事件编号不连续（记录被删除？）", n))
	}
	return r, classify(rows.Err())
}

func scanChain(ctx context.Context, tx pgx.Tx, q string, args []any, chain *data.Chain) error {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e data.AuditEntry
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Entity, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return err
		}
		if !chain.Next(&e) {
			return nil
		}
	}
	return rows.Err()
}
