package sqlite

import (
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/internal/private"
)

// Backups: a consistent copy made with VACUUM INTO (one read transaction,
// so the program keeps writing while it runs; never a copy of the file,
// which could catch a half-written page or miss the WAL), with the site's
// private key beside it; a check of a copy before anything is replaced; and
// a restore that keeps the replaced database aside.

// The automatic backups kept: the last KeepDaily days, the newest of each
// of the last KeepWeekly weeks and of the last KeepMonthly months (a
// backup may count for all three).
const (
	KeepDaily   = 7
	KeepWeekly  = 4
	KeepMonthly = 12
)

// Backup writes a consistent copy of the database to path for the user to
// keep elsewhere (a USB stick, a shared folder). The site's private key goes
// with it only encrypted: with a passphrase the user types, as
// path+".key.enc"; without one, not at all — a restored site then needs its
// key file from this PC. path must not exist yet.
func (s *Store) Backup(ctx context.Context, path, passphrase string) error {
	if passphrase != "" {
		if err := CheckPassphrase(passphrase); err != nil {
			return err
		}
	}
	return s.backup(ctx, path, func(key []byte) (string, []byte, error) {
		if passphrase == "" {
			return "", nil, nil
		}
		sealed, err := sealKey(key, passphrase)
		return ".key.enc", sealed, err
	})
}

// backup writes the copy; keyCopy says what goes beside it of the site's
// key: the file's suffix and content ("" for none).
func (s *Store) backup(ctx context.Context, path string, keyCopy func(key []byte) (string, []byte, error)) error {
	if _, err := os.Stat(path); err == nil {
		return data.FieldError("file", "备份文件", "%s 已存在，请换一个文件名", path)
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return data.FieldError("file", "备份文件", "文件夹 %s 不存在", dir)
	}
	tmp := filepath.Join(dir, "."+filepath.Base(path)+".part")
	os.Remove(tmp)
	defer os.Remove(tmp)
	// On a connection of its own, whose page cache is given back when the
	// copy is done (a million-case file left ~140 MB held after it).
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return classify(err)
	}
	_, err = conn.ExecContext(ctx, "VACUUM INTO ?", tmp)
	conn.ExecContext(ctx, "PRAGMA shrink_memory")
	conn.Close()
	trimCHeap()
	if err != nil {
		return classify(fmt.Errorf("backup: %w", err))
	}
	if err := syncFile(tmp); err != nil {
		return classify(err)
	}
	if err := private.File(tmp); err != nil { // every record of the site
		return data.FieldError("file", "备份文件", "无法限制 %s 的访问权限（%v）", path, err)
	}
	if key, err := os.ReadFile(s.KeyPath()); err == nil {
		suffix, content, err := keyCopy(key)
		if err != nil {
			return err
		}
		if suffix != "" {
			if err := writeFileAtomic(path+suffix, content, 0o600); err != nil {
				return data.FieldError("file", "备份文件", "写入站点私钥 %s%s 失败（%v）", path, suffix, err)
			}
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return data.FieldError("file", "备份文件", "写入 %s 失败（%v）", path, err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// BackupInfo is what CheckBackup found in a backup.
type BackupInfo struct {
	Schema   int
	Site     string // code and name
	Cases    int
	Audit    int64  // entries, chain verified
	LastSave string // the last audit entry's time (UTC)
	HasKey   bool   // the site's private key is beside it
	// KeySealed: the key beside it is encrypted with a passphrase
	// (path+".key.enc"), as a backup the user chose to make carries it.
	KeySealed bool
	Code      string // the site's code
	Key       string // the site's public key (base64), "" before it had one
}

// CheckBackup checks a backup without changing it: a SQLite database
// whose integrity check passes, made by this or an older program, holding
// a site, and whose audit chain verifies.
func CheckBackup(ctx context.Context, path string) (BackupInfo, error) {
	var info BackupInfo
	bad := func(format string, args ...any) error {
		return data.FieldError("file", "备份文件", format, args...)
	}
	plain, done, err := gunzipIfNeeded(path, os.TempDir())
	if err != nil {
		return info, bad("无法读取 %s（%v）", path, err)
	}
	defer done()
	info, err = checkPlain(ctx, plain, bad)
	info.HasKey, info.KeySealed = keyBeside(path)
	return info, err
}

func checkPlain(ctx context.Context, path string, bad func(string, ...any) error) (BackupInfo, error) {
	var info BackupInfo
	f, err := os.Open(path)
	if err != nil {
		return info, bad("无法读取 %s（%v）", path, err)
	}
	head := make([]byte, 16)
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || string(head) != "SQLite format 3\x00" {
		return info, bad("%s 不是本程序的数据库备份", path)
	}
	db, err := sql.Open(driverName, fileURI(path, "mode=ro&_query_only=1"))
	if err != nil {
		return info, err
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&info.Schema); err != nil {
		return info, bad("无法读取（%v），文件已损坏", err)
	}
	if info.Schema > SchemaVersion() {
		return info, bad("由较新版本的程序创建（结构版本 %d，本程序 %d），请先升级程序", info.Schema, SchemaVersion())
	}
	if info.Schema < 1 {
		return info, bad("不是本程序的数据库备份")
	}
	r, err := verifyDB(ctx, db)
	if err != nil {
		return info, bad("检查失败（%s）", data.ErrorMessage(err))
	}
	if r.Integrity != "ok" {
		return info, bad("SQLite 完整性检查未通过：%s", r.Integrity)
	}
	if r.BadSeq != 0 {
		return info, bad("审计链不完整：%s", r.Problem)
	}
	info.Audit = r.Entries
	var code, name string
	if err := db.QueryRowContext(ctx, "SELECT code, name FROM site WHERE id = 1").Scan(&code, &name); err != nil {
		return info, bad("没有站点信息，不是完整的数据库")
	}
	info.Site, info.Code = code+" "+name, code
	db.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'site_public_key'").Scan(&info.Key)
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM applications").Scan(&info.Cases); err != nil {
		return info, bad("无法读取办件（%v）", err)
	}
	db.QueryRowContext(ctx, "SELECT at FROM audit ORDER BY seq DESC LIMIT 1").Scan(&info.LastSave)
	return info, nil
}

// RestoreOptions say who restores and whether a backup of another site
// may replace this one.
type RestoreOptions struct {
	// Login and PIN of an administrator, checked in the backup itself
	// (the database being replaced may be what is broken); the restore is
	// audited under that login in the restored database.
	Login, PIN string
	// Force installs a backup of another site (another code or key).
	Force bool
	// KeyPassphrase opens the site key of a backup that carries it
	// encrypted (path+".key.enc").
	KeyPassphrase string
}

// Restore replaces the database at dbPath with the backup at path. The
// backup is first copied beside the database, and that copy — not the
// file named, which could change meanwhile — is checked (CheckBackup), the
// administrator's PIN checked in it, the restore audited in it, and then
// put in place. The replaced database (with its WAL and key) is kept aside
// as dbPath+".replaced-<time>" and that name returned. The program must
// not have dbPath open.
func Restore(ctx context.Context, path, dbPath string, now time.Time, opt RestoreOptions) (BackupInfo, string, error) {
	var info BackupInfo
	if abs(path) == abs(dbPath) {
		return info, "", data.FieldError("file", "备份文件", "不能用数据库自身恢复")
	}
	if err := makePrivateDir(filepath.Dir(dbPath)); err != nil {
		return info, "", data.FieldError("file", "恢复", "无法建立文件夹 %s（%v）", filepath.Dir(dbPath), err)
	}
	tmp := filepath.Join(filepath.Dir(dbPath), "."+filepath.Base(dbPath)+".restore.part")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
		defer os.Remove(tmp + suffix)
	}
	plain, done, err := gunzipIfNeeded(path, filepath.Dir(dbPath)) // an automatic backup is compressed
	if err != nil {
		return info, "", data.FieldError("file", "备份文件", "无法读取 %s（%v）", path, err)
	}
	defer done()
	if err := copyFileAtomic(plain, tmp, 0o600); err != nil {
		return info, "", data.FieldError("file", "备份文件", "无法读取 %s（%v）", path, err)
	}
	info, err = CheckBackup(ctx, tmp)
	if err != nil {
		return info, "", err
	}
	info.HasKey, info.KeySealed = keyBeside(path)
	if err := sameSite(ctx, dbPath, info, opt.Force); err != nil {
		return info, "", err
	}
	key, err := backupKey(path, info, opt.KeyPassphrase)
	if err != nil {
		return info, "", err
	}
	aside := fmt.Sprintf("%s.replaced-%s", dbPath, now.In(calendar.Shanghai).Format("20060102-150405"))
	if err := auditRestore(ctx, tmp, path, aside, info, opt); err != nil {
		return info, "", err
	}
	if _, err := os.Stat(dbPath); err == nil {
		for _, suffix := range []string{"", "-wal", "-shm", ".key"} {
			if _, err := os.Stat(dbPath + suffix); err != nil {
				continue
			}
			if suffix == ".key" && !info.HasKey {
				// A backup made before the site had its key: the key
				// stays in place, and a copy goes aside for the record.
				if b, err := os.ReadFile(dbPath + suffix); err == nil {
					writeFileAtomic(aside+suffix, b, 0o600)
				}
				continue
			}
			if err := os.Rename(dbPath+suffix, aside+suffix); err != nil {
				return info, "", data.FieldError("file", "恢复", "无法移开原数据库 %s（%v）", dbPath+suffix, err)
			}
		}
	} else {
		aside = ""
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return info, aside, data.FieldError("file", "恢复", "写入 %s 失败（%v）；原数据库保存在 %s", dbPath, err, aside)
	}
	if key != nil {
		if err := writeFileAtomic(dbPath+".key", key, 0o600); err != nil {
			return info, aside, data.FieldError("file", "恢复", "写入站点私钥失败（%v）", err)
		}
	}
	return info, aside, nil
}

// keyBeside says whether a backup has the site key beside it, and whether
// that copy is encrypted.
func keyBeside(path string) (has, sealed bool) {
	if _, err := os.Stat(path + ".key"); err == nil {
		return true, false
	}
	if _, err := os.Stat(path + ".key.enc"); err == nil {
		return true, true
	}
	return false, false
}

// backupKey reads the key beside a backup, opening an encrypted one with
// the passphrase; nil when there is none.
func backupKey(path string, info BackupInfo, passphrase string) ([]byte, error) {
	switch {
	case !info.HasKey:
		return nil, nil
	case !info.KeySealed:
		return os.ReadFile(path + ".key")
	}
	if passphrase == "" {
		return nil, data.FieldError("passphrase", "私钥口令", "备份旁的站点私钥已加密，请提供备份时设定的口令")
	}
	file, err := os.ReadFile(path + ".key.enc")
	if err != nil {
		return nil, err
	}
	return openKey(file, passphrase)
}

// sameSite refuses, unless forced, a backup of another site than the
// database it would replace (another code, or another key for it). A
// database that cannot be read is not asked: replacing it is what a
// restore is for.
func sameSite(ctx context.Context, dbPath string, info BackupInfo, force bool) error {
	if _, err := os.Stat(dbPath); err != nil || force {
		return nil
	}
	db, err := sql.Open(driverName, fileURI(dbPath, "mode=ro&_query_only=1"))
	if err != nil {
		return nil
	}
	defer db.Close()
	var code, key string
	if db.QueryRowContext(ctx, "SELECT code FROM site WHERE id = 1").Scan(&code) != nil {
		return nil
	}
	db.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'site_public_key'").Scan(&key)
	if code != info.Code || (key != "" && info.Key != "" && key != info.Key) {
		return data.FieldError("file", "备份文件", "属于站点 %s，不是本数据库的站点 %s（或其密钥不同）；确需用它替换，请加 --force", info.Site, code)
	}
	return nil
}

// auditRestore checks the administrator's PIN in the copy about to be
// installed and records the restore there, so the restored database says
// who put it back and from where.
func auditRestore(ctx context.Context, tmp, from, aside string, info BackupInfo, opt RestoreOptions) error {
	s, err := Open(tmp)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := s.Login(ctx, opt.Login, opt.PIN)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := requireAdmin(tx, u.ID); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"from": from, "replaced": aside, "site": info.Site, "force": opt.Force})
		return s.audit(tx, u.Login, "backup.restore", info.Code, string(detail))
	})
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

func copyFileAtomic(from, to string, perm os.FileMode) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return writeFileAtomic(to, b, perm)
}

// BackupDir is the folder of the automatic daily backups: backups/ beside
// the database.
func (s *Store) BackupDir() string { return filepath.Join(filepath.Dir(s.path), "backups") }

// DailyBackup makes today's automatic backup (Shanghai date) unless it
// exists: the consistent copy Backup makes, compressed (gzip) as
// <name>-YYYYMMDD.db.gz with the site key beside it. It first removes what
// an interrupted backup left, and keeps the backups Keep* say. It returns
// the path of the backup made, or "" when today's was already there.
func (s *Store) DailyBackup(ctx context.Context, now time.Time) (string, error) {
	dir := s.BackupDir()
	if err := makePrivateDir(dir); err != nil {
		return "", data.FieldError("file", "自动备份", "无法建立文件夹 %s（%v）", dir, err)
	}
	// A start killed during yesterday's backup left its partial files.
	stale, _ := filepath.Glob(filepath.Join(dir, ".*.part*"))
	for _, f := range stale {
		os.Remove(f)
	}
	base := strings.TrimSuffix(filepath.Base(s.path), filepath.Ext(s.path))
	path := filepath.Join(dir, base+"-"+now.In(calendar.Shanghai).Format("20060102")+".db.gz")
	made := ""
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		// Once a day the chain's head is signed (also for a site that
		// seldom exports); the backup carries the checkpoint.
		if err := s.Checkpoint(ctx); err != nil {
			return "", err
		}
		if err := s.compressedBackup(ctx, path); err != nil {
			return "", err
		}
		made = path
	}
	for _, f := range dailyToDrop(dir, base) {
		os.Remove(f)
		os.Remove(f + ".key")
	}
	return made, nil
}

// compressedBackup writes Backup's copy as gzip to path (and the key to
// path+".key"), through a partial file; the plain copy goes once
// compressed.
func (s *Store) compressedBackup(ctx context.Context, path string) error {
	plain := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".part.db")
	os.Remove(plain)
	defer os.Remove(plain)
	// On this PC, beside the database: the key as it is.
	if err := s.backup(ctx, plain, func(key []byte) (string, []byte, error) { return ".key", key, nil }); err != nil {
		return err
	}
	defer os.Remove(plain + ".key")
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".part")
	defer os.Remove(tmp)
	if err := gzipFile(plain, tmp); err != nil {
		return data.FieldError("file", "自动备份", "压缩失败（%v）", err)
	}
	if key, err := os.ReadFile(plain + ".key"); err == nil {
		if err := writeFileAtomic(path+".key", key, 0o600); err != nil {
			return data.FieldError("file", "自动备份", "写入站点私钥失败（%v）", err)
		}
	}
	return os.Rename(tmp, path)
}

// gzipFile compresses from into a new private file to, synced to disk.
func gzipFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := private.File(to); err != nil {
		out.Close()
		return err
	}
	zw, _ := gzip.NewWriterLevel(out, gzip.BestSpeed)
	if _, err := io.Copy(zw, in); err != nil {
		out.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// gunzipIfNeeded returns path itself, or — for a compressed backup — a
// private temporary file next to dir with its content and a function that
// removes it.
func gunzipIfNeeded(path, dir string) (string, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	magic := make([]byte, 2)
	if _, err := io.ReadFull(f, magic); err != nil || magic[0] != 0x1f || magic[1] != 0x8b {
		return path, func() {}, nil
	}
	f.Seek(0, io.SeekStart)
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", nil, err
	}
	out, err := os.CreateTemp(dir, ".gunzip-*.part")
	if err != nil {
		return "", nil, err
	}
	done := func() { os.Remove(out.Name()) }
	private.File(out.Name())
	if _, err := io.Copy(out, zr); err != nil {
		out.Close()
		done()
		return "", nil, err
	}
	if err := out.Close(); err != nil {
		done()
		return "", nil, err
	}
	return out.Name(), done, nil
}

// dailyToDrop lists the automatic backups in dir beyond what is kept: the
// newest KeepDaily days, and the newest backup of each of the newest
// KeepWeekly ISO weeks and KeepMonthly months.
func dailyToDrop(dir, base string) []string {
	var files []string
	for _, pat := range []string{".db", ".db.gz"} {
		f, _ := filepath.Glob(filepath.Join(dir, base+"-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]"+pat))
		files = append(files, f...)
	}
	day := func(f string) string { return strings.TrimPrefix(filepath.Base(f), base+"-")[:8] }
	sort.Slice(files, func(i, j int) bool { return day(files[i]) > day(files[j]) }) // newest first
	keep := map[string]bool{}
	days, weeks, months := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, f := range files {
		t, err := time.Parse("20060102", day(f))
		if err != nil {
			keep[f] = true // not ours to judge
			continue
		}
		y, w := t.ISOWeek()
		week, month := fmt.Sprintf("%d-%02d", y, w), t.Format("200601")
		if !days[day(f)] && len(days) < KeepDaily {
			days[day(f)], keep[f] = true, true
		}
		if !weeks[week] && len(weeks) < KeepWeekly {
			weeks[week], keep[f] = true, true
		}
		if !months[month] && len(months) < KeepMonthly {
			months[month], keep[f] = true, true
		}
	}
	var drop []string
	for _, f := range files {
		if !keep[f] {
			drop = append(drop, f)
		}
	}
	return drop
}

// BackupSpace is how many automatic backups there are and the bytes they
// (and their key files) take.
func (s *Store) BackupSpace() (n int, bytes int64) {
	files, _ := filepath.Glob(filepath.Join(s.BackupDir(), "*"))
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil || st.IsDir() || strings.HasPrefix(filepath.Base(f), ".") {
			continue
		}
		if strings.HasSuffix(f, ".db") || strings.HasSuffix(f, ".db.gz") {
			n++
		}
		bytes += st.Size()
	}
	return n, bytes
}
