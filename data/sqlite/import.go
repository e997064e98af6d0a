package sqlite

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"errors"

	"github.com/onewindow/onewindow/data/exchange"
)

// ImportDir merges every bundle (*.owb) in dir, each site's in sequence,
// each bundle in one transaction with its audit entry (exchange.ImportDir
// decides the order and the outcomes). Administrators only.
func (s *Store) ImportDir(ctx context.Context, actorID int64, dir string, progress func(done, total int, r exchange.ImportResult)) (out []exchange.ImportResult, err error) {
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	if err := s.read(ctx, func(tx *sql.Tx) error { _, err := requireAdmin(tx, actorID); return err }); err != nil {
		return nil, err
	}
	run := exchange.Run{Progress: progress}
	own, err := s.Site(ctx)
	if err != nil {
		return nil, err
	}
	run.Own = own.Code
	if run.Keys, err = s.siteKeys(ctx); err != nil {
		return nil, err
	}
	if run.Sample, err = s.SampleData(ctx); err != nil {
		return nil, err
	}
	run.Before = s.bulkImport
	defer func() {
		if ierr := s.ensureIndexes(); ierr != nil && err == nil {
			err = ierr
		}
	}()
	return exchange.ImportDir(ctx, centre{s, actorID}, dir, run)
}

// centre is the store as exchange.ImportDir's target, merging as actorID.
type centre struct {
	s       *Store
	actorID int64
}

func (c centre) LastBundle(ctx context.Context, site string) (int64, error) {
	return c.s.lastBundle(ctx, site)
}

func (c centre) AppliedBundle(ctx context.Context, site string, seq int64) (string, string, error) {
	var sha, at string
	err := c.s.db.QueryRowContext(ctx, "SELECT sha256, imported_at FROM bundles WHERE site_code = ? AND seq = ?", site, seq).Scan(&sha, &at)
	return sha, at, err
}

func (c centre) ApplyBundle(ctx context.Context, b *exchange.Bundle, pub ed25519.PublicKey, want exchange.Manifest) (int, error) {
	return c.s.applyBundle(ctx, c.actorID, b, pub, want)
}

// siteKeys are the public keys of the registered sites.
func (s *Store) siteKeys(ctx context.Context) (map[string]ed25519.PublicKey, error) {
	sites, err := s.Sites(ctx)
	if err != nil {
		return nil, err
	}
	keys := map[string]ed25519.PublicKey{}
	for _, x := range sites {
		k, _ := base64.StdEncoding.DecodeString(x.PublicKey)
		keys[x.Code] = k
	}
	return keys, nil
}

// importBulkAt is the fewest incoming cases that make an import a bulk one.
var importBulkAt = 20000

// bulkImport drops the secondary indexes of applications (and the triggers
// keeping the report's daily totals) when the bundles
// waiting carry many cases compared with those already here (the first
// merge of a site, a long offline period): building them once at the end
// is several times faster than keeping them up to date row by row.
// ImportDir builds them again when it ends, and Open builds any missing
// should the import be interrupted.
func (s *Store) bulkImport(ctx context.Context, bySite map[string][]exchange.Candidate) error {
	incoming := 0
	for code, list := range bySite {
		last, err := s.lastBundle(ctx, code)
		if err != nil {
			return err
		}
		for _, c := range list {
			if c.Manifest.Seq > last {
				incoming += c.Manifest.Count("cases.jsonl")
			}
		}
	}
	if incoming < importBulkAt {
		return nil
	}
	var held int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM applications").Scan(&held); err != nil {
		return classify(err)
	}
	if incoming*4 < held {
		return nil
	}
	if err := s.dropBulkIndexes(); err != nil {
		return err
	}
	// The report's daily totals too: rebuilt once at the end.
	return s.dropDayTriggers()
}

// read runs fn in a transaction that is rolled back.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return classify(err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// lastBundle is the sequence of the last bundle merged from site (0 = none).
func (s *Store) lastBundle(ctx context.Context, site string) (int64, error) {
	var last int64
	err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) FROM bundles WHERE site_code = ?", site).Scan(&last)
	return last, classify(err)
}

// SiteStatuses lists the registered sites with their last bundle.
func (s *Store) SiteStatuses(ctx context.Context) ([]exchange.SiteStatus, error) {
	sites, err := s.Sites(ctx)
	if err != nil {
		return nil, err
	}
	// One pass over the cases for every site's count (no index leads
	// with the site code; a covering index serves the GROUP BY).
	cases := map[string]int{}
	err = s.eachRow(ctx, "SELECT site_code, count(*) FROM applications GROUP BY site_code", nil, func(sc func(...any) error) error {
		var code string
		var n int
		if err := sc(&code, &n); err != nil {
			return err
		}
		cases[code] = n
		return nil
	})
	if err != nil {
		return nil, classify(err)
	}
	out := make([]exchange.SiteStatus, len(sites))
	for i, x := range sites {
		out[i].RegisteredSite = x
		out[i].Cases = cases[x.Code]
		err := s.db.QueryRowContext(ctx, `SELECT seq, created_at, imported_at FROM bundles WHERE site_code = ? ORDER BY seq DESC LIMIT 1`, x.Code).
			Scan(&out[i].LastSeq, &out[i].LastCreated, &out[i].LastImported)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, classify(err)
		}
	}
	return out, nil
}
