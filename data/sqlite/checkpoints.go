package sqlite

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/exchange"
)

// Checkpoint signs the head of the site's audit chain with the site key,
// unless the head is signed already. Export makes one before each bundle
// and the daily backup once a day; they travel with the bundles and the
// centre keeps them, so a history rewritten after a checkpoint — at the
// site, or in the centre's copy — no longer matches it (Verify).
func (s *Store) Checkpoint(ctx context.Context) error {
	key, err := s.signingKey(ctx) // before the write: it may write the public key
	if err != nil {
		return err
	}
	site, err := s.Site(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var seq int64
		var hash string
		err := tx.QueryRow("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").Scan(&seq, &hash)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow("SELECT count(*) FROM checkpoints WHERE seq = ?", seq).Scan(&n); err != nil || n > 0 {
			return err
		}
		at := data.FormatTime(s.now())
		sig := base64.StdEncoding.EncodeToString(ed25519.Sign(key, exchange.CheckpointMessage(site.Code, seq, hash, at)))
		if _, err := tx.Exec("INSERT INTO checkpoints (seq, hash, at, signature) VALUES (?, ?, ?, ?)", seq, hash, at, sig); err != nil {
			return err
		}
		return s.audit(tx, "system", "audit.checkpoint", fmt.Sprint(seq), fmt.Sprintf(`{"hash":%q}`, hash))
	})
}

// checkCheckpoints holds the audit chains to the signed checkpoints: this
// site's own (a history rewritten after one), and at a centre each
// registered site's as the centre holds it (its copy edited). It returns
// what disagrees.
func (s *Store) checkCheckpoints(ctx context.Context) ([]string, error) {
	var problems []string
	site, err := s.Site(ctx)
	if err != nil {
		return nil, err
	}
	keys := map[string]ed25519.PublicKey{}
	if pub, err := s.PublicKey(ctx); err == nil && pub != nil {
		keys[site.Code] = pub
	}
	sites, err := s.siteKeys(ctx)
	if err != nil {
		return nil, err
	}
	for code, k := range sites {
		keys[code] = k
	}
	for _, q := range []struct {
		what, sql string
	}{
		{"本站点", `SELECT ?, c.seq, c.hash, c.at, c.signature, coalesce(a.hash, '') FROM checkpoints c LEFT JOIN audit a ON a.seq = c.seq ORDER BY c.seq`},
		{"站点", `SELECT c.site_code, c.seq, c.hash, c.at, c.signature, coalesce(a.hash, '') FROM site_checkpoints c
			LEFT JOIN site_audit a ON a.site_code = c.site_code AND a.seq = c.seq WHERE ? <> '' ORDER BY c.site_code, c.seq`},
	} {
		rows, err := s.db.QueryContext(ctx, q.sql, site.Code)
		if err != nil {
			return nil, classify(err)
		}
		for rows.Next() {
			var code, hash, at, sig, have string
			var seq int64
			if err := rows.Scan(&code, &seq, &hash, &at, &sig, &have); err != nil {
				rows.Close()
				return nil, err
			}
			c := exchange.Checkpoint{Seq: seq, Hash: hash, At: at, Signature: sig}
			switch {
			case !c.Verify(code, keys[code]):
				problems = append(problems, fmt.Sprintf("%s %s 的审计检查点（第 %d 条）签名无效（检查点被改动？）", q.what, code, seq))
			case have != hash:
				problems = append(problems, fmt.Sprintf("%s %s 的审计记录第 %d 条与其签名检查点不符（历史被改写？）", q.what, code, seq))
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return problems, nil
}
