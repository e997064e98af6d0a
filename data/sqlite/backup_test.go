package sqlite_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// A backup taken while clerks keep registering is consistent: it passes
// the check, holds a case count between the one before and the one after,
// and opens as a working database with the site's key beside it.
func TestBackupWhileWriting(t *testing.T) {
	s, _ := testkit.Open(t)
	f := load(t, s)
	if _, err := s.IssueDocument(ctx, mustRegister(t, s, f).Number, data.DocAccept, f.clerk.ID); err != nil {
		t.Fatal(err) // makes the site key
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var written atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			if _, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept)); err != nil {
				t.Error(err)
				return
			}
			written.Add(1)
		}
	}()
	for written.Load() < 20 {
		time.Sleep(5 * time.Millisecond)
	}
	before := written.Load()
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, path, "钥匙口令 2026"); err != nil {
		t.Fatal(err)
	}
	after := written.Load()
	stop.Store(true)
	wg.Wait()
	info, err := sqlite.CheckBackup(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if int64(info.Cases) < before || int64(info.Cases) > after+2 || !info.HasKey || !strings.HasPrefix(info.Site, "330102001") {
		t.Fatalf("backup %+v; cases written before %d, after %d", info, before, after)
	}
	if err := s.Backup(ctx, path, ""); data.ErrorField(err) != "file" {
		t.Fatalf("a backup over an existing file: %v", err)
	}
	b, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if r, err := b.Verify(ctx); err != nil || !r.OK() {
		t.Fatalf("the backup opened: %+v %v", r, err)
	}
	// Its key travels encrypted: the copy opened as it is cannot sign
	// (restore opens the key with the passphrase, TestBackupKeyEncrypted).
	if _, err := b.IssueDocument(ctx, mustRegister(t, b, f).Number, data.DocAccept, f.clerk.ID); !strings.Contains(data.ErrorMessage(err), "私钥") {
		t.Fatalf("the backup signed without its key: %v", err)
	}
}

func mustRegister(t *testing.T, s *sqlite.Store, f fixture) data.Application {
	t.Helper()
	a, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Restore checks the backup before replacing anything: a truncated file, a
// file with an altered audit entry and a file that is not a database are
// refused and the database stays as it was; a good backup replaces it and
// the replaced database is kept aside, whole.
func TestRestore(t *testing.T) {
	s, c := testkit.Open(t)
	f := load(t, s)
	mustRegister(t, s, f)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	if err := s.Backup(ctx, good, ""); err != nil {
		t.Fatal(err)
	}
	mustRegister(t, s, f)
	mustRegister(t, s, f)
	dbPath := s.Path()
	s.Close()

	raw, _ := os.ReadFile(good)
	truncated := filepath.Join(dir, "truncated.db")
	os.WriteFile(truncated, raw[:len(raw)/2], 0o644)
	notDB := filepath.Join(dir, "notes.db")
	os.WriteFile(notDB, []byte("这不是数据库"), 0o644)
	edited := filepath.Join(dir, "edited.db")
	os.WriteFile(edited, raw, 0o644)
	db := testkit.RawDB(t, edited)
	if _, err := db.Exec("DROP TRIGGER audit_no_update"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE audit SET detail = '{}' WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// The file SQLite would have read up to the '#': backup.db#.db is a
	// name of its own, and junk.
	hash := filepath.Join(dir, "good.db#.db")
	os.WriteFile(hash, []byte("这不是数据库"), 0o644)
	// A backup of another site.
	other, _ := testkit.Open(t)
	if err := other.SaveSite(ctx, adminID(t, other), data.Site{Code: "330106001", Name: "西湖区行政服务中心", Kind: data.SiteCentre}); err != nil {
		t.Fatal(err)
	}
	otherSite := filepath.Join(dir, "other.db")
	if err := other.Backup(ctx, otherSite, ""); err != nil {
		t.Fatal(err)
	}
	asAdmin := sqlite.RestoreOptions{Login: "admin", PIN: "1234"}
	before, _ := os.ReadFile(dbPath)
	for file, want := range map[string]string{truncated: "备份文件", notDB: "不是本程序的数据库备份", edited: "审计链不完整", filepath.Join(dir, "missing.db"): "无法读取",
		hash: "不是本程序的数据库备份", otherSite: "--force"} {
		if _, _, err := sqlite.Restore(ctx, file, dbPath, c.Now(), asAdmin); err == nil || !strings.Contains(data.ErrorMessage(err), want) {
			t.Errorf("restore from %s: %v, want %q", filepath.Base(file), err, want)
		}
	}
	for _, o := range []sqlite.RestoreOptions{{Login: "admin", PIN: "0000"}, {Login: "zhangli", PIN: "1234"}} {
		if _, _, err := sqlite.Restore(ctx, good, dbPath, c.Now(), o); err == nil {
			t.Errorf("restore by %s with PIN %s", o.Login, o.PIN)
		}
	}
	if after, _ := os.ReadFile(dbPath); string(after) != string(before) {
		t.Fatal("a refused restore changed the database")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dbPath), ".*.part*")); len(left) > 0 {
		t.Errorf("refused restores left %v", left)
	}

	info, aside, err := sqlite.Restore(ctx, good, dbPath, c.Now(), asAdmin)
	if err != nil || info.Cases != 1 || aside == "" {
		t.Fatalf("restore: %+v %q %v", info, aside, err)
	}
	r, err := sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n := count(t, testkit.RawDB(t, r.Path()), "SELECT count(*) FROM applications"); n != 1 {
		t.Fatalf("restored database holds %d cases", n)
	}
	if n := count(t, testkit.RawDB(t, r.Path()), "SELECT count(*) FROM audit WHERE action = 'backup.restore' AND actor = 'admin'"); n != 1 {
		t.Errorf("%d audit entries for the restore", n)
	}
	if rep, err := r.Verify(ctx); err != nil || !rep.OK() {
		t.Errorf("the restored database does not verify: %+v %v", rep, err)
	}
	old, err := sqlite.Open(aside)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if n := count(t, testkit.RawDB(t, old.Path()), "SELECT count(*) FROM applications"); n != 3 {
		t.Fatalf("the database kept aside holds %d cases, want 3", n)
	}
}

// Automatic backups: one a day, compressed; the last 7 days, the newest of
// each of the last 4 weeks and of the last 12 months kept (instead of 30
// full copies); what an interrupted backup left is removed; the compressed
// backup checks and restores like a plain one.
func TestDailyBackup(t *testing.T) {
	s, c := testkit.Open(t)
	dir := s.BackupDir()
	first, err := s.DailyBackup(ctx, c.Now())
	if err != nil || !strings.HasSuffix(first, ".db.gz") {
		t.Fatalf("the first backup: %q %v", first, err)
	}
	if made, err := s.DailyBackup(ctx, c.Now().Add(time.Hour)); err != nil || made != "" {
		t.Fatalf("the same day again: %q %v", made, err)
	}
	// 400 earlier days of backups (their content does not matter here) and
	// what a start killed during a backup leaves.
	base := strings.TrimSuffix(filepath.Base(s.Path()), ".db")
	today := calendar.DateOf(c.Now())
	for i := 1; i <= 400; i++ {
		os.WriteFile(filepath.Join(dir, base+"-"+(today-calendar.Date(i)).Time().Format("20060102")+".db.gz"), []byte("x"), 0o600)
	}
	os.WriteFile(filepath.Join(dir, "."+base+"-20260301.db.gz.part.db"), make([]byte, 1<<20), 0o600)
	next := c.Now().AddDate(0, 0, 1)
	if _, err := s.DailyBackup(ctx, next); err != nil {
		t.Fatal(err)
	}
	if stale, _ := filepath.Glob(filepath.Join(dir, ".*")); len(stale) > 0 {
		t.Errorf("partial files left: %v", stale)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.db.gz"))
	kept := map[calendar.Date]bool{}
	for _, f := range files {
		day, err := time.Parse("20060102", strings.TrimPrefix(filepath.Base(f), base+"-")[:8])
		if err != nil {
			t.Fatal(err)
		}
		kept[calendar.NewDate(day.Date())] = true
	}
	newest := calendar.DateOf(next)
	for i := 0; i < sqlite.KeepDaily; i++ {
		if !kept[newest-calendar.Date(i)] {
			t.Errorf("day %s not kept", newest-calendar.Date(i))
		}
	}
	if len(kept) > sqlite.KeepDaily+sqlite.KeepWeekly+sqlite.KeepMonthly {
		t.Errorf("%d backups kept", len(kept))
	}
	months := map[string]bool{}
	oldest := newest
	for d := range kept {
		months[d.Time().Format("200601")] = true
		oldest = min(oldest, d)
	}
	if len(months) != sqlite.KeepMonthly || newest-oldest > 366 {
		t.Errorf("%d months kept, the oldest %s", len(months), oldest)
	}
	// The compressed backup is a backup.
	info, err := sqlite.CheckBackup(ctx, first)
	if err != nil || info.Code != "330102001" {
		t.Fatalf("the compressed backup: %+v %v", info, err)
	}
	n, size := s.BackupSpace()
	if n != len(files) || size <= 0 {
		t.Errorf("space: %d backups, %d bytes (%d files)", n, size, len(files))
	}
	dbPath := s.Path()
	s.Close()
	if _, _, err := sqlite.Restore(ctx, first, dbPath, c.Now(), sqlite.RestoreOptions{Login: "admin", PIN: "1234"}); err != nil {
		t.Fatalf("restore from the compressed backup: %v", err)
	}
}

// Every file that holds the site's records or its key is its user's alone:
// the folder the program makes 0700, the database, its journal, the key,
// a backup and the daily backups' folder 0600 / 0700 (on Windows the same
// through an ACL, internal/private).
func TestFilesArePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "新 文件夹", "onewindow.db")
	s := testkit.OpenAt(t, path)
	if _, err := s.Registration(ctx); err != nil { // makes the key pair
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if err := s.Backup(ctx, backup, "钥匙口令 2026"); err != nil {
		t.Fatal(err)
	}
	daily, err := s.DailyBackup(ctx, time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]os.FileMode{
		filepath.Dir(path): 0o700, path: 0o600, path + "-wal": 0o600, s.KeyPath(): 0o600,
		backup: 0o600, backup + ".key.enc": 0o600, filepath.Dir(daily): 0o700, daily: 0o600,
	} {
		st, err := os.Stat(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", filepath.Base(f), st.Mode().Perm(), want)
		}
	}
}

// A backup the user takes away carries the site key only encrypted with a
// passphrase they type (or not at all); restoring it needs the passphrase,
// and a wrong one changes nothing.
func TestBackupKeyEncrypted(t *testing.T) {
	s, c := testkit.Open(t)
	if _, err := s.Registration(ctx); err != nil { // makes the key pair
		t.Fatal(err)
	}
	seed, _ := os.ReadFile(s.KeyPath())
	dir := t.TempDir()
	if err := s.Backup(ctx, filepath.Join(dir, "short.db"), "1234567"); data.ErrorField(err) != "passphrase" {
		t.Fatalf("a 7-character passphrase: %v", err)
	}
	bare, sealed := filepath.Join(dir, "bare.db"), filepath.Join(dir, "sealed.db")
	if err := s.Backup(ctx, bare, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, sealed, "钥匙口令 2026"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bare + ".key"); err == nil {
		t.Error("the site key lies in the clear beside a backup")
	}
	enc, err := os.ReadFile(sealed + ".key.enc")
	if err != nil || strings.Contains(string(enc), strings.TrimSpace(string(seed))) {
		t.Fatalf("the encrypted key: %v", err)
	}
	if info, err := sqlite.CheckBackup(ctx, sealed); err != nil || !info.HasKey || !info.KeySealed {
		t.Fatalf("check: %+v %v", info, err)
	}
	dbPath := s.Path()
	s.Close()
	os.Remove(dbPath + ".key") // a new PC: only the backup's copy remains
	admin := sqlite.RestoreOptions{Login: "admin", PIN: "1234"}
	before, _ := os.ReadFile(dbPath)
	for _, pass := range []string{"", "错误的口令 2026"} {
		o := admin
		o.KeyPassphrase = pass
		if _, _, err := sqlite.Restore(ctx, sealed, dbPath, c.Now(), o); data.ErrorField(err) != "passphrase" {
			t.Errorf("passphrase %q: %v", pass, err)
		}
	}
	if after, _ := os.ReadFile(dbPath); string(after) != string(before) {
		t.Fatal("a refused restore changed the database")
	}
	admin.KeyPassphrase = "钥匙口令 2026"
	if _, _, err := sqlite.Restore(ctx, sealed, dbPath, c.Now(), admin); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dbPath + ".key"); string(got) != string(seed) {
		t.Error("the restored key differs")
	}
	r, err := sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Registration(ctx); err != nil {
		t.Errorf("the restored site cannot use its key: %v", err)
	}
}
