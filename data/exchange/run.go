package exchange

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/onewindow/onewindow/data"
)

// The merge of a folder of bundles, whatever store the centre keeps: which
// bundle is next for its site, which waits for a missing one, which was
// merged before, which is refused and set aside. A store supplies the
// three things only it knows (Target); the order, the signature checks and
// the outcomes are the same for every store.

// Target is a central store bundles are merged into.
type Target interface {
	// LastBundle is the sequence of the last bundle merged from site (0 = none).
	LastBundle(ctx context.Context, site string) (int64, error)
	// AppliedBundle is the SHA-256 of bundle seq of site as it was merged,
	// and when.
	AppliedBundle(ctx context.Context, site string, seq int64) (sha, importedAt string, err error)
	// ApplyBundle merges one verified bundle, next in its site's sequence,
	// in one transaction with its audit entry, after checking the sequence
	// again under its own lock (another importer may have been first: it
	// then returns an ECONFLICT error). want is the manifest read when the
	// folder was listed. It returns how many rows it added or changed.
	ApplyBundle(ctx context.Context, b *Bundle, pub ed25519.PublicKey, want Manifest) (int, error)
}

// Run says who merges and what is welcome.
type Run struct {
	Own    string                       // the centre's own site code: its bundles are refused
	Keys   map[string]ed25519.PublicKey // the registered sites' keys
	Sample bool                         // a centre made for trials: demo bundles are welcome
	// Before, if set, sees the bundles waiting (by site) before any is
	// merged: a store prepares a bulk load there.
	Before func(ctx context.Context, bySite map[string][]Candidate) error
	// Progress, if set, is called after each file.
	Progress func(done, total int, r ImportResult)
	// Parallel is how many sites are merged at once (each site's bundles
	// stay in sequence); a store whose writers do not block each other
	// (a database server) sets it. 0 or 1: one at a time.
	Parallel int
}

// Candidate is a bundle file found in the folder, by its manifest.
type Candidate struct {
	Path     string
	Manifest Manifest
	SHA256   string
}

// ImportDir merges every bundle (*.owb) in dir into t, each site's in
// sequence, each bundle in one transaction. A bundle is applied only after
// its site's previous one; one whose predecessor is missing is held (left
// in the folder for the next run) and the gap is named. A damaged,
// truncated, forged or unknown-site bundle is rejected with nothing
// changed, and moved to rejected/ with a note of why (one from a site not
// yet registered stays: it is applied once the site is). Only the storage
// failing ends the run with an error.
func ImportDir(ctx context.Context, t Target, dir string, run Run) (out []ImportResult, err error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, data.FieldError("dir", "文件夹", "%s 不存在或不是文件夹", dir)
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*"+BundleExt))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	r := &dirRun{ctx: ctx, t: t, run: run, reads: map[string]chan loadedBundle{}}
	var mu sync.Mutex
	r.report = func(res ImportResult) {
		if res.Outcome == ImportRejected && !res.Kept {
			res.Message += setAside(res.File, res.Message)
		}
		mu.Lock()
		defer mu.Unlock()
		out = append(out, res)
		if run.Progress != nil {
			run.Progress(len(out), len(paths), res)
		}
	}
	bySite := r.manifests(paths)
	if run.Before != nil {
		if err := run.Before(ctx, bySite); err != nil {
			return out, err
		}
	}
	codes := make([]string, 0, len(bySite))
	for code := range bySite {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	if run.Parallel <= 1 {
		for _, code := range codes {
			if err := r.site(code, bySite[code]); err != nil {
				return out, err
			}
		}
		return out, nil
	}
	// Sites side by side, each with its own read-ahead; the first storage
	// failure stops the others from starting another site.
	next := make(chan string)
	errs := make(chan error, run.Parallel)
	var wg sync.WaitGroup
	for range run.Parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &dirRun{ctx: ctx, t: t, run: run, report: r.report, reads: map[string]chan loadedBundle{}}
			for code := range next {
				if err := w.site(code, bySite[code]); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var failed error
feed:
	for _, code := range codes {
		select {
		case next <- code:
		case failed = <-errs:
			break feed
		}
	}
	close(next)
	wg.Wait()
	if failed == nil {
		select {
		case failed = <-errs:
		default:
		}
	}
	mu.Lock()
	defer mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, failed
}

// dirRun is one ImportDir: the results so far and the bundles being read
// ahead.
type dirRun struct {
	ctx    context.Context
	t      Target
	run    Run
	report func(ImportResult)
	reads  map[string]chan loadedBundle
}

type loadedBundle struct {
	b   *Bundle
	err error
}

// manifests reads each file's manifest only (the members are read when
// the bundle's turn comes) and groups the bundles by site; a file that is
// no bundle is rejected here.
func (r *dirRun) manifests(paths []string) map[string][]Candidate {
	bySite := map[string][]Candidate{}
	for _, p := range paths {
		raw, err := ReadBundleFile(p)
		var b *Bundle
		if err == nil {
			b, _, err = OpenBundle(raw)
		}
		if err != nil {
			r.report(ImportResult{File: p, Outcome: ImportRejected, Message: ErrorText(err)})
			continue
		}
		bySite[b.Manifest.Site] = append(bySite[b.Manifest.Site], Candidate{p, b.Manifest, b.SHA256})
	}
	return bySite
}

// prefetch reads and decodes a bundle on another goroutine (the other
// core) while the one before it is written.
func (r *dirRun) prefetch(path string) chan loadedBundle {
	if ch, ok := r.reads[path]; ok {
		return ch
	}
	ch := make(chan loadedBundle, 1)
	r.reads[path] = ch
	go func() {
		raw, err := ReadBundleFile(path)
		if err != nil {
			ch <- loadedBundle{nil, err}
			return
		}
		// The signature first: a forged file is refused before any of
		// its members is decompressed.
		b, err := ReadVerified(raw, func(site string) (ed25519.PublicKey, bool) {
			k, ok := r.run.Keys[site]
			return k, ok
		})
		ch <- loadedBundle{b, err}
	}()
	return ch
}

// site merges one site's bundles in sequence order.
func (r *dirRun) site(code string, list []Candidate) error {
	sort.SliceStable(list, func(i, j int) bool { return list[i].Manifest.Seq < list[j].Manifest.Seq })
	last, err := r.t.LastBundle(r.ctx, code)
	if err != nil {
		return err
	}
	for i, c := range list {
		res := ImportResult{File: c.Path, Site: code, Seq: c.Manifest.Seq, Cases: c.Manifest.Count("cases.jsonl"), Events: c.Manifest.Count("events.jsonl")}
		pub, known := r.run.Keys[code]
		switch {
		case code == r.run.Own:
			res.Outcome, res.Message = ImportRejected, fmt.Sprintf("数据包来自本站点 %s，不能导入自身", code)
		case !known:
			res.Outcome, res.Message, res.Kept = ImportRejected, fmt.Sprintf("站点 %s 尚未在本中心登记，请先登记其登记文件", code), true
		case c.Manifest.Sample && !r.run.Sample:
			res.Outcome, res.Message = ImportRejected, "演示数据的数据包（"+data.SampleMark+"）：本中心不接收；试用中心请用 site init --kind centre --demo 另建"
		case c.Manifest.Seq <= last:
			res.Outcome, res.Message = r.already(code, c)
		case c.Manifest.Seq > last+1:
			res.Outcome, res.Message = ImportHeld, fmt.Sprintf("站点 %s 缺少第 %d 号数据包，第 %d 号暂不导入", code, last+1, c.Manifest.Seq)
		default:
			ch := r.prefetch(c.Path)
			if i+1 < len(list) {
				r.prefetch(list[i+1].Path)
			}
			got := <-ch
			delete(r.reads, c.Path)
			if err := r.apply(&res, got, pub, c.Manifest); err != nil {
				return err
			}
			if res.Outcome == ImportApplied {
				last++
			}
		}
		r.report(res)
	}
	return nil
}

// already says whether a bundle at or below the site's last is the one
// merged then (nothing to do) or another with its number (refused).
func (r *dirRun) already(code string, c Candidate) (ImportOutcome, string) {
	sha, at, err := r.t.AppliedBundle(r.ctx, code, c.Manifest.Seq)
	if err != nil {
		return ImportRejected, fmt.Sprintf("读取第 %d 号的导入记录失败：%v", c.Manifest.Seq, err)
	}
	if sha != c.SHA256 {
		return ImportRejected, fmt.Sprintf("与已导入的站点 %s 第 %d 号数据包内容不同（文件损坏或被改动），未导入", code, c.Manifest.Seq)
	}
	return ImportAlready, fmt.Sprintf("第 %d 号已于 %s 导入，未作改动", c.Manifest.Seq, data.ShanghaiTime(at))
}

// apply merges one bundle that is next in its site's sequence and says how
// it went in res; it returns an error only when the storage fails.
func (r *dirRun) apply(res *ImportResult, got loadedBundle, pub ed25519.PublicKey, m Manifest) error {
	err := got.err
	if err == nil {
		res.Changed, err = r.t.ApplyBundle(r.ctx, got.b, pub, m)
	}
	if err != nil {
		var e *data.Error
		if errors.As(err, &e) && e.Code == data.EINTERNAL {
			return err
		}
		res.Outcome, res.Message = ImportRejected, ErrorText(err)
		if e == nil {
			res.Message = "数据包的内容无法写入本数据库（" + err.Error() + "），未作改动"
		}
		return nil
	}
	res.Outcome, res.Message = ImportApplied, fmt.Sprintf("第 %d 号：%d 件办件、%d 条事件，%d 行新增或更新", m.Seq, res.Cases, res.Events, res.Changed)
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

// ReadBundleFile reads a bundle file, refusing one too large to be a
// bundle before reading it.
func ReadBundleFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, BundleError("无法读取 %s（%v）", filepath.Base(path), err)
	}
	if st.Size() > MaxBundleBytes {
		return nil, BundleError("文件过大（%d 字节），不是数据包", st.Size())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, BundleError("无法读取 %s（%v）", filepath.Base(path), err)
	}
	return raw, nil
}

// ErrorText is an error's message for a person.
func ErrorText(err error) string {
	var e *data.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
