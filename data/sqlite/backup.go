package sqlite

import (
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

// KeepDailyBackups is how many daily backups are kept.
const KeepDailyBackups = 30

// Backup writes a consistent copy of the database to path, and the site's
// private key to path+".key" when the site has one (a restored database
// without its key could not sign documents or bundles). path must not
// exist yet.
func (s *Store) Backup(ctx context.Context, path string) error {
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
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return classify(fmt.Errorf("backup: %w", err))
	}
	if err := syncFile(tmp); err != nil {
		return classify(err)
	}
	if err := private.File(tmp); err != nil { // every record of the site
		return data.FieldError("file", "备份文件", "无法限制 %s 的访问权限（%v）", path, err)
	}
	if key, err := os.ReadFile(s.KeyPath()); err == nil {
		if err := writeFileAtomic(path+".key", key, 0o600); err != nil {
			return data.FieldError("file", "备份文件", "写入站点私钥 %s.key 失败（%v）", path, err)
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
	Code     string // the site's code
	Key      string // the site's public key (base64), "" before it had one
}

// CheckBackup checks a backup without changing it: a SQLite database
// whose integrity check passes, made by this or an older program, holding
// a site, and whose audit chain verifies.
func CheckBackup(ctx context.Context, path string) (BackupInfo, error) {
	var info BackupInfo
	bad := func(format string, args ...any) error {
		return data.FieldError("file", "备份文件", format, args...)
	}
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
	_, err = os.Stat(path + ".key")
	info.HasKey = err == nil
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
	if err := copyFileAtomic(path, tmp, 0o600); err != nil {
		return info, "", data.FieldError("file", "备份文件", "无法读取 %s（%v）", path, err)
	}
	info, err := CheckBackup(ctx, tmp)
	if err != nil {
		return info, "", err
	}
	if err := sameSite(ctx, dbPath, info, opt.Force); err != nil {
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
	if info.HasKey {
		if err := copyFileAtomic(path+".key", dbPath+".key", 0o600); err != nil {
			return info, aside, data.FieldError("file", "恢复", "写入站点私钥失败（%v）", err)
		}
	}
	return info, aside, nil
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
// exists, and keeps only the last KeepDailyBackups. It returns the path of
// the backup made, or "" when today's was already there.
func (s *Store) DailyBackup(ctx context.Context, now time.Time) (string, error) {
	dir := s.BackupDir()
	if err := makePrivateDir(dir); err != nil {
		return "", data.FieldError("file", "自动备份", "无法建立文件夹 %s（%v）", dir, err)
	}
	base := strings.TrimSuffix(filepath.Base(s.path), filepath.Ext(s.path))
	path := filepath.Join(dir, base+"-"+now.In(calendar.Shanghai).Format("20060102")+".db")
	made := ""
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := s.Backup(ctx, path); err != nil {
			return "", err
		}
		made = path
	}
	old, _ := filepath.Glob(filepath.Join(dir, base+"-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9].db"))
	sort.Strings(old)
	for len(old) > KeepDailyBackups {
		os.Remove(old[0])
		os.Remove(old[0] + ".key")
		old = old[1:]
	}
	return made, nil
}
