package sqlite

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/exchange"
)

// ImportDir merges every bundle (*.owb) in dir, each site's in sequence,
// each bundle in one transaction with its audit entry. A bundle is applied
// only after its site's previous one; one whose predecessor is missing is
// held (left in the folder for the next run) and the gap is named. A
// damaged, truncated, forged or unknown-site bundle is rejected with
// nothing changed. progress, if set, is called after each file.
// Administrators only.
func (s *Store) ImportDir(ctx context.Context, actorID int64, dir string, progress func(done, total int, r exchange.ImportResult)) (out []exchange.ImportResult, err error) {
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	if err := s.read(ctx, func(tx *sql.Tx) error { _, err := requireAdmin(tx, actorID); return err }); err != nil {
		return nil, err
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*"+exchange.BundleExt))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	run := &importRun{s: s, ctx: ctx, actorID: actorID, reads: map[string]chan loadedBundle{}}
	run.report = func(r exchange.ImportResult) {
		if r.Outcome == exchange.ImportRejected && !r.Kept {
			r.Message += setAside(r.File, r.Message)
		}
		out = append(out, r)
		if progress != nil {
			progress(len(out), len(paths), r)
		}
	}
	bySite := run.manifests(paths)
	if run.own, err = s.Site(ctx); err != nil {
		return out, err
	}
	if run.keys, err = s.siteKeys(ctx); err != nil {
		return out, err
	}
	if run.sample, err = s.SampleData(ctx); err != nil {
		return out, err
	}
	if err := s.bulkImport(ctx, bySite); err != nil {
		return out, err
	}
	defer func() {
		if ierr := s.ensureIndexes(); ierr != nil && err == nil {
			err = ierr
		}
	}()
	codes := make([]string, 0, len(bySite))
	for code := range bySite {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		if err := run.site(code, bySite[code]); err != nil {
			return out, err
		}
	}
	return out, nil
}

// importRun is one ImportDir: the sites' keys, the results so far, and the
// bundles being read ahead.
type importRun struct {
	s       *Store
	ctx     context.Context
	actorID int64
	own     data.Site
	sample  bool // a centre made for trials: demo bundles are welcome
	keys    map[string]ed25519.PublicKey
	report  func(exchange.ImportResult)
	reads   map[string]chan loadedBundle
}

type loadedBundle struct {
	b   *exchange.Bundle
	err error
}

// manifests reads each file's manifest only (the members are read when
// the bundle's turn comes) and groups the bundles by site; a file that is
// no bundle is rejected here.
func (run *importRun) manifests(paths []string) map[string][]candidate {
	bySite := map[string][]candidate{}
	for _, p := range paths {
		raw, err := readBundleFile(p)
		var b *exchange.Bundle
		if err == nil {
			b, _, err = exchange.OpenBundle(raw)
		}
		if err != nil {
			run.report(exchange.ImportResult{File: p, Outcome: exchange.ImportRejected, Message: errorText(err)})
			continue
		}
		bySite[b.Manifest.Site] = append(bySite[b.Manifest.Site], candidate{p, b.Manifest, b.SHA256})
	}
	return bySite
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

// prefetch reads and decodes a bundle on another goroutine (the other
// core) while the one before it is written.
func (run *importRun) prefetch(path string) chan loadedBundle {
	if ch, ok := run.reads[path]; ok {
		return ch
	}
	ch := make(chan loadedBundle, 1)
	run.reads[path] = ch
	go func() {
		raw, err := readBundleFile(path)
		if err != nil {
			ch <- loadedBundle{nil, err}
			return
		}
		// The signature first: a forged file is refused before any of
		// its members is decompressed.
		b, err := exchange.ReadVerified(raw, func(site string) (ed25519.PublicKey, bool) {
			k, ok := run.keys[site]
			return k, ok
		})
		ch <- loadedBundle{b, err}
	}()
	return ch
}

// site merges one site's bundles in sequence order. Only the storage
// failing (disk full, read-only) ends the import with an error; anything
// wrong with a bundle is that bundle's result.
func (run *importRun) site(code string, list []candidate) error {
	sort.SliceStable(list, func(i, j int) bool { return list[i].m.Seq < list[j].m.Seq })
	last, err := run.s.lastBundle(run.ctx, code)
	if err != nil {
		return err
	}
	for i, c := range list {
		r := exchange.ImportResult{File: c.path, Site: code, Seq: c.m.Seq, Cases: c.m.Count("cases.jsonl"), Events: c.m.Count("events.jsonl")}
		pub, known := run.keys[code]
		switch {
		case code == run.own.Code:
			r.Outcome, r.Message = exchange.ImportRejected, fmt.Sprintf("数据包来自本站点 %s，不能导入自身", code)
		case !known:
			// Kept in the folder: it is applied once the site is registered.
			r.Outcome, r.Message, r.Kept = exchange.ImportRejected, fmt.Sprintf("站点 %s 尚未在本中心登记，请先登记其登记文件", code), true
		case c.m.Sample && !run.sample:
			r.Outcome, r.Message = exchange.ImportRejected, "演示数据的数据包（"+data.SampleMark+"）：本中心不接收；试用中心请用 site init --kind centre --demo 另建"
		case c.m.Seq <= last:
			r.Outcome, r.Message = run.s.alreadyApplied(run.ctx, code, c.m.Seq, c.sha)
		case c.m.Seq > last+1:
			r.Outcome, r.Message = exchange.ImportHeld, fmt.Sprintf("站点 %s 缺少第 %d 号数据包，第 %d 号暂不导入", code, last+1, c.m.Seq)
		default:
			ch := run.prefetch(c.path)
			if i+1 < len(list) {
				run.prefetch(list[i+1].path)
			}
			got := <-ch
			delete(run.reads, c.path)
			if err := run.apply(&r, got, pub, c.m); err != nil {
				return err
			}
			if r.Outcome == exchange.ImportApplied {
				last++
			}
		}
		run.report(r)
	}
	return nil
}

// apply merges one bundle that is next in its site's sequence and says how
// it went in r; it returns an error only when the storage fails.
func (run *importRun) apply(r *exchange.ImportResult, got loadedBundle, pub ed25519.PublicKey, m exchange.Manifest) error {
	err := got.err
	if err == nil {
		r.Changed, err = run.s.applyBundle(run.ctx, run.actorID, got.b, pub, m)
	}
	if err != nil {
		var e *data.Error
		if errors.As(err, &e) && e.Code == data.EINTERNAL {
			return err
		}
		r.Outcome, r.Message = exchange.ImportRejected, errorText(err)
		if e == nil {
			r.Message = "数据包的内容无法写入本数据库（" + err.Error() + "），未作改动"
		}
		return nil
	}
	r.Outcome, r.Message = exchange.ImportApplied, fmt.Sprintf("第 %d 号：%d 件办件、%d 条事件，%d 行新增或更新", m.Seq, r.Cases, r.Events, r.Changed)
	return nil
}

// setAside moves a rejected bundle into rejected/ beside it, with a note of
// why, so that the next scheduled run does not read it again, and says so
// for the result's message ("" when it could not be moved).
func setAside(path, why string) string {
	dir := filepath.Join(filepath.Dir(path), "rejected")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return ""
	}
	dest := filepath.Join(dir, filepath.Base(path))
	if _, err := os.Stat(dest); err == nil {
		dest = filepath.Join(dir, time.Now().UTC().Format("20060102T150405Z")+"-"+filepath.Base(path))
	}
	if err := os.Rename(path, dest); err != nil {
		return ""
	}
	os.WriteFile(dest+".txt", []byte("拒收原因："+why+"\n"), 0o644)
	return "；文件已移至 rejected 文件夹"
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
func (s *Store) bulkImport(ctx context.Context, bySite map[string][]candidate) error {
	incoming := 0
	for code, list := range bySite {
		last, err := s.lastBundle(ctx, code)
		if err != nil {
			return err
		}
		for _, c := range list {
			if c.m.Seq > last {
				incoming += c.m.Count("cases.jsonl")
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

// readBundleFile reads a bundle file, refusing one too large to be a
// bundle before reading it.
func readBundleFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, exchange.BundleError("无法读取 %s（%v）", filepath.Base(path), err)
	}
	if st.Size() > exchange.MaxBundleBytes {
		return nil, exchange.BundleError("文件过大（%d 字节），不是数据包", st.Size())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, exchange.BundleError("无法读取 %s（%v）", filepath.Base(path), err)
	}
	return raw, nil
}

// candidate is a bundle file found in the import folder.
type candidate struct {
	path string
	m    exchange.Manifest
	sha  string
}

// errorText is an error's message for a person.
func errorText(err error) string {
	var e *data.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
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

func (s *Store) alreadyApplied(ctx context.Context, site string, seq int64, sha string) (exchange.ImportOutcome, string) {
	var got, at string
	if err := s.db.QueryRowContext(ctx, "SELECT sha256, imported_at FROM bundles WHERE site_code = ? AND seq = ?", site, seq).Scan(&got, &at); err != nil {
		return exchange.ImportRejected, fmt.Sprintf("读取第 %d 号的导入记录失败：%v", seq, err)
	}
	if got != sha {
		return exchange.ImportRejected, fmt.Sprintf("与已导入的站点 %s 第 %d 号数据包内容不同（文件损坏或被改动），未导入", site, seq)
	}
	return exchange.ImportAlready, fmt.Sprintf("第 %d 号已于 %s 导入，未作改动", seq, data.ShanghaiTime(at))
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
