package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/onewindow/onewindow/data"
)

// audit appends an entry to the chain inside tx.
func (s *Store) audit(tx *sql.Tx, actor, action, entity, detail string) error {
	e := data.AuditEntry{At: data.FormatTime(s.now()), Actor: actor, Action: action, Entity: entity, Detail: detail}
	err := tx.QueryRow("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").Scan(&e.Seq, &e.PrevHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		e.Seq, e.PrevHash = 0, data.AuditGenesis
	case err != nil:
		return fmt.Errorf("audit: %w", err)
	}
	e.Seq++
	e.Hash = e.ComputeHash()
	_, err = tx.Exec(`INSERT INTO audit (seq, at, actor, action, entity, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, e.At, e.Actor, e.Action, e.Entity, e.Detail, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// VerifyReport is the outcome of Verify.
type VerifyReport struct {
	Entries   int64  // audit entries checked
	Integrity string // PRAGMA integrity_check's answer ("ok" when sound)
	BadSeq    int64  // first audit entry that does not match; 0 when the chain holds
	Problem   string // what is wrong with it, in Chinese
	// Totals names the report's daily-totals tables that differ from the
	// cases they add up ("" when all agree); RebuildDayTotals mends them.
	Totals string
	// Records names cases and waivers whose rows disagree with the events
	// that made them (the first few; checkRecords).
	Records []string
}

// OK reports whether the file, the audit chain, the records and the
// report's totals are sound.
func (r VerifyReport) OK() bool {
	return r.Integrity == "ok" && r.BadSeq == 0 && r.Totals == "" && len(r.Records) == 0
}

// Verify runs SQLite's integrity check, walks the audit chain, naming the
// first entry whose hash, link or number does not match, and checks that
// the report's daily totals equal the cases they add up.
func (s *Store) Verify(ctx context.Context) (VerifyReport, error) {
	r, err := verifyDB(ctx, s.db)
	if err != nil || !r.OK() {
		return r, err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return r, err
	}
	items, err := s.Items(ctx)
	if err != nil {
		return r, err
	}
	byID := make(map[int64]data.ServiceItem, len(items))
	for _, it := range items {
		byID[it.ID] = it
	}
	if r.Records, err = checkRecords(ctx, s.db, byID, cal, s.Threshold(ctx)); err != nil {
		return r, err
	}
	cps, err := s.checkCheckpoints(ctx)
	if err != nil {
		return r, err
	}
	r.Records = append(r.Records, cps...)
	probs, err := s.checkProblems(ctx)
	if err != nil {
		return r, err
	}
	r.Records = append(r.Records, probs...)
	r.Totals, err = checkDayTotals(ctx, s.db)
	return r, err
}

// RebuildDayTotals recomputes the report's daily totals from the cases (in
// one transaction; no record changes).
func (s *Store) RebuildDayTotals(ctx context.Context) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	return ensureDayTotals(ctx, conn, true)
}

func verifyDB(ctx context.Context, db *sql.DB) (VerifyReport, error) {
	var r VerifyReport
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&r.Integrity); err != nil {
		return r, classify(fmt.Errorf("integrity check: %w", err))
	}
	rows, err := db.QueryContext(ctx, "SELECT seq, at, actor, action, entity, detail, prev_hash, hash FROM audit ORDER BY seq")
	if err != nil {
		return r, classify(fmt.Errorf("read audit: %w", err))
	}
	defer rows.Close()
	chain := data.NewChain(0, data.AuditGenesis)
	for rows.Next() {
		var e data.AuditEntry
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Entity, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return r, err
		}
		ok := chain.Next(&e)
		r.Entries = chain.Entries
		if !ok {
			r.BadSeq, r.Problem = chain.BadSeq, chain.Problem
			return r, nil
		}
	}
	return r, rows.Err()
}
