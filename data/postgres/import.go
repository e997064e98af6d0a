package postgres

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/exchange"
)

// RegisterSite records a site's registration file: the key its bundles
// must be signed with. The same file again changes nothing; another key
// for a registered code is refused. Administrators only.
func (s *Store) RegisterSite(ctx context.Context, actorID int64, r exchange.Registration) (changed bool, err error) {
	if r, err = exchange.ParseRegistration(exchange.MarshalRegistration(r)); err != nil {
		return false, err
	}
	err = s.write(ctx, func(tx pgx.Tx) error {
		actor, err := requireAdmin(ctx, tx, actorID)
		if err != nil {
			return err
		}
		var old string
		err = tx.QueryRow(ctx, "SELECT public_key FROM sites WHERE code = $1 FOR UPDATE", r.Code).Scan(&old)
		switch {
		case err == nil && old == r.PublicKey:
			return nil
		case err == nil:
			return &data.Error{Code: data.ECONFLICT, Field: "public_key", Message: fmt.Sprintf("站点 %s 已登记了另一把公钥；如确需更换，请先核实并注销原登记", r.Code)}
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO sites (code, name, kind, public_key, registered_at) VALUES ($1, $2, $3, $4, $5)",
			r.Code, r.Name, r.Kind, r.PublicKey, data.FormatTime(s.now())); err != nil {
			return err
		}
		changed = true
		detail, _ := json.Marshal(map[string]string{"name": r.Name, "kind": string(r.Kind), "fingerprint": r.Fingerprint()})
		return s.audit(ctx, tx, actor, "site.register", r.Code, string(detail))
	})
	return changed, err
}

// Sites lists the registered sites by code.
func (s *Store) Sites(ctx context.Context) ([]exchange.RegisteredSite, error) {
	rows, err := s.pool.Query(ctx, "SELECT code, name, kind, public_key, registered_at FROM sites ORDER BY code")
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []exchange.RegisteredSite
	for rows.Next() {
		var r exchange.RegisteredSite
		r.Format = exchange.RegistrationFormat
		if err := rows.Scan(&r.Code, &r.Name, &r.Kind, &r.PublicKey, &r.RegisteredAt); err != nil {
			return nil, classify(err)
		}
		out = append(out, r)
	}
	return out, classify(rows.Err())
}

// ImportDir merges every bundle in dir (exchange.ImportDir decides the
// order and the outcomes); administrators only.
func (s *Store) ImportDir(ctx context.Context, actorID int64, dir string, progress func(done, total int, r exchange.ImportResult)) ([]exchange.ImportResult, error) {
	if err := s.write(ctx, func(tx pgx.Tx) error { _, err := requireAdmin(ctx, tx, actorID); return err }); err != nil {
		return nil, err
	}
	own, err := s.Site(ctx)
	if err != nil {
		return nil, err
	}
	// Two sites at a time: their transactions do not block each other on
	// the server, and the reading of the next bundles overlaps.
	run := exchange.Run{Own: own.Code, Progress: progress, Keys: map[string]ed25519.PublicKey{}, Parallel: 2}
	sites, err := s.Sites(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range sites {
		k, _ := base64.StdEncoding.DecodeString(x.PublicKey)
		run.Keys[x.Code] = k
	}
	if run.Sample, err = s.SampleData(ctx); err != nil {
		return nil, err
	}
	return exchange.ImportDir(ctx, target{s, actorID}, dir, run)
}

// target is the store as exchange.ImportDir's target, merging as actorID.
type target struct {
	s       *Store
	actorID int64
}

func (t target) LastBundle(ctx context.Context, site string) (int64, error) {
	var last int64
	err := t.s.pool.QueryRow(ctx, "SELECT coalesce(max(seq), 0) FROM bundles WHERE site_code = $1", site).Scan(&last)
	return last, classify(err)
}

func (t target) AppliedBundle(ctx context.Context, site string, seq int64) (string, string, error) {
	var sha, at string
	err := t.s.pool.QueryRow(ctx, "SELECT sha256, imported_at FROM bundles WHERE site_code = $1 AND seq = $2", site, seq).Scan(&sha, &at)
	return sha, at, err
}
