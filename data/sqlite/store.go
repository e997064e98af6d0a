package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/internal/private"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the SQLite store and the services on it. It is safe for use by
// several goroutines.
type Store struct {
	db   *sql.DB
	path string

	// Now is the wall clock; tests replace it to make times exact.
	Now func() time.Time

	writeMu sync.Mutex // one writer at a time within this process
	keyMu   sync.Mutex // the site key is made once

	calMu     sync.Mutex         // guards the two cached settings below
	cal       *calendar.Calendar // nil until loaded or after a calendar change
	threshold float64            // 0 until read
}

// driverName is the SQLite driver with this program's per-connection
// settings: temporary storage in memory, so the statement journals of
// writes that fire triggers (every write to a case, see migration 0009)
// do not go to temporary files.
const driverName = "sqlite3-onewindow"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec("PRAGMA temp_store = MEMORY", nil)
		return err
	}})
}

// Open opens (creating if needed) the database at path and brings its
// schema up to date.
func Open(path string) (*Store, error) {
	if err := makePrivateDir(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, os.ErrNotExist)
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "FULL") // a registered case survives a power cut
	q.Set("_busy_timeout", "10000")
	q.Set("_txlock", "immediate")   // writers take the lock up front: no deadlock on upgrade
	q.Set("_stmt_cache_size", "64") // re-use prepared statements across calls
	q.Set("_cache_size", "-65536")  // 64 MiB of page cache: a million-case file stays fast
	dsn := fileURI(path, q.Encode())
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	s := &Store{db: db, path: path, Now: time.Now}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.ensureIndexes(); err != nil {
		db.Close()
		return nil, err
	}
	if created {
		// Every record of the site: the user's alone (0600; an ACL on
		// Windows).
		if err := private.File(path); err != nil {
			db.Close()
			return nil, fmt.Errorf("restrict %s: %w", path, err)
		}
		// Its journal files too while they exist, as far as the system
		// lets a file SQLite holds open be changed (SQLite gives them the
		// database's mode on Linux; on Windows those made later inherit
		// the folder's ACL).
		for _, f := range []string{path + "-wal", path + "-shm"} {
			if _, err := os.Stat(f); err == nil {
				_ = private.File(f) // best effort, see above
			}
		}
	}
	return s, nil
}

// fileURI is the SQLite URI of the file at path with the query: the
// characters that end or escape a URI path (%, ? and #) are escaped, so
// "backup.db#.db" names that file, not "backup.db".
func fileURI(path, query string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	if query == "" {
		return "file:" + esc
	}
	return "file:" + esc + "?" + query
}

// makePrivateDir makes dir, and a folder the program makes is its user's
// alone (0700; on Windows an ACL that what is made in it inherits). A
// folder that was there keeps what its owner gave it.
func makePrivateDir(dir string) error {
	if _, err := os.Stat(dir); err == nil || dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return private.Dir(dir)
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// now returns the current time in UTC, truncated to seconds.
func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Second) }

// SchemaVersion is the newest migration this program knows.
func SchemaVersion() int {
	names, _ := fs.Glob(migrationFS, "migrations/*.sql")
	return len(names)
}

// migrate applies the embedded migrations not yet applied, all in one
// transaction, so a failed upgrade leaves the old database untouched.
func (s *Store) migrate() error {
	return s.migrateFS(migrationFS)
}

// migrateFS applies the migrations migrations/*.sql of fsys.
func (s *Store) migrateFS(fsys fs.FS) error {
	var version int
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return classify(fmt.Errorf("read schema version: %w", err))
	}
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	if version > len(names) {
		return data.Errorf(data.ECONFLICT, "数据库由较新版本的程序创建（结构版本 %d），请升级程序", version)
	}
	if version == len(names) {
		return nil
	}
	tx, err := s.db.Begin()
	if err != nil {
		return classify(fmt.Errorf("begin migration: %w", err))
	}
	defer tx.Rollback()
	for i := version; i < len(names); i++ {
		b, err := fs.ReadFile(fsys, names[i])
		if err != nil {
			return err
		}
		if _, err := tx.Exec(string(b)); err != nil {
			return fmt.Errorf("migration %s: %w", names[i], err)
		}
	}
	if _, err := tx.Exec("PRAGMA user_version = " + strconv.Itoa(len(names))); err != nil {
		return err
	}
	return classify(tx.Commit())
}

// bulkIndexes are the secondary indexes of applications (migrations 0001,
// 0007, 0010 and 0011). The demo generator drops them during a large run and builds
// them at the end, which is several times faster than keeping them up to
// date row by row; Open builds any that are missing.
var bulkIndexes = map[string]string{
	"applications_by_status":    "applications (status, window_id, received_date, due_promised)",
	"applications_by_due":       "applications (status, due_promised)",
	"applications_by_received":  "applications (received_date)",
	"applications_by_applicant": "applications (applicant_id)",
	"applications_by_item":      "applications (item_id)",
	"applications_by_accepted":  "applications (accepted_date)",
	"applications_by_due_order": "applications (due_promised IS NULL, due_promised, status, applicant_id)",
}

// ensureIndexes builds any of bulkIndexes that is missing, creates any of
// exportTriggers that is missing, and rebuilds the report's daily totals
// unless they are in place (ensureDayTotals).
func (s *Store) ensureIndexes() error {
	// Building an index sorts every row: about 10 % faster through
	// temporary files than in memory, so this connection sorts on disk,
	// with a helper thread on the second core (another 10–15 %).
	ctx := context.Background()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	for _, p := range []string{"PRAGMA temp_store = FILE", "PRAGMA threads = 2"} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return classify(err)
		}
	}
	defer conn.ExecContext(ctx, "PRAGMA threads = 0")
	defer conn.ExecContext(ctx, "PRAGMA temp_store = MEMORY")
	for name, on := range bulkIndexes {
		if _, err := conn.ExecContext(ctx, "CREATE INDEX IF NOT EXISTS "+name+" ON "+on); err != nil {
			return classify(fmt.Errorf("create index %s: %w", name, err))
		}
	}
	triggers := exportTriggers()
	for name, body := range problemTriggers() {
		triggers[name] = body
	}
	for name, body := range triggers {
		if _, err := s.db.Exec("CREATE TRIGGER IF NOT EXISTS " + name + " " + body); err != nil {
			return classify(fmt.Errorf("create trigger %s: %w", name, err))
		}
	}
	return ensureDayTotals(ctx, conn, false)
}

// exportTriggers mark a case in export_dirty (migration 0009) whenever a
// record of it is written, in the same transaction: its row, events, fee
// lines, waivers, extension requests, rating, rectification and documents.
// Only this site's own cases: the central office merges other sites' cases
// but does not export them. A large demo run drops them (and marks its cases
// itself); Open creates any that are missing.
func exportTriggers() map[string]string {
	const mark = " BEGIN INSERT OR IGNORE INTO export_dirty (app_id) VALUES (NEW.%s); END"
	const own = "(SELECT code FROM site WHERE id = 1)"
	out := map[string]string{
		"export_applications_insert": "AFTER INSERT ON applications WHEN NEW.site_code = " + own + fmt.Sprintf(mark, "id"),
		"export_applications_update": "AFTER UPDATE ON applications WHEN NEW.site_code = " + own + fmt.Sprintf(mark, "id"),
	}
	for _, t := range []struct {
		table  string
		update bool
	}{{"events", false}, {"case_fees", true}, {"waivers", true}, {"extension_requests", true}, {"ratings", true},
		{"rectifications", true}, {"documents", true}} {
		ops := []string{"INSERT"}
		if t.update {
			ops = append(ops, "UPDATE")
		}
		for _, op := range ops {
			out["export_"+t.table+"_"+strings.ToLower(op)] = "AFTER " + op + " ON " + t.table +
				" WHEN (SELECT site_code FROM applications WHERE id = NEW.app_id) = " + own + fmt.Sprintf(mark, "app_id")
		}
	}
	return out
}

// problemTriggers mark a problem of this site in problem_dirty (migration
// 0016) whenever it, its log or its papers are written, so its next bundle
// carries it. Problems are few: a demo run keeps these.
func problemTriggers() map[string]string {
	const own = "(SELECT code FROM site WHERE id = 1)"
	const mark = " BEGIN INSERT OR IGNORE INTO problem_dirty (problem_id) VALUES (NEW.%s); END"
	out := map[string]string{}
	for _, op := range []string{"INSERT", "UPDATE"} {
		out["export_problems_"+strings.ToLower(op)] = "AFTER " + op + " ON problems WHEN NEW.site_code = " + own + fmt.Sprintf(mark, "id")
		out["export_problem_documents_"+strings.ToLower(op)] = "AFTER " + op + " ON problem_documents" +
			" WHEN (SELECT site_code FROM problems WHERE id = NEW.problem_id) = " + own + fmt.Sprintf(mark, "problem_id")
	}
	out["export_problem_events_insert"] = "AFTER INSERT ON problem_events" +
		" WHEN (SELECT site_code FROM problems WHERE id = NEW.problem_id) = " + own + fmt.Sprintf(mark, "problem_id")
	return out
}

// dropExportTriggers drops exportTriggers for a large demo run.
func (s *Store) dropExportTriggers() error {
	for name := range exportTriggers() {
		if _, err := s.db.Exec("DROP TRIGGER IF EXISTS " + name); err != nil {
			return classify(fmt.Errorf("drop trigger %s: %w", name, err))
		}
	}
	return nil
}

func (s *Store) dropBulkIndexes() error {
	for name := range bulkIndexes {
		if _, err := s.db.Exec("DROP INDEX IF EXISTS " + name); err != nil {
			return classify(fmt.Errorf("drop index %s: %w", name, err))
		}
	}
	return nil
}

// write runs fn in one immediate transaction; fn writes its audit entry with
// the same tx, so a change and its trace commit or vanish together.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.writeThen(ctx, fn, nil)
}

// writeThen is write, with after run once the transaction has ended
// (committed or not) but before the next writer may start: a change that
// invalidates a cache drops it there, so no writer reads it stale.
func (s *Store) writeThen(ctx context.Context, fn func(tx *sql.Tx) error, after func()) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if after != nil {
		defer after()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return classify(fmt.Errorf("begin: %w", err))
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return classify(err)
	}
	return classify(tx.Commit())
}

// classify turns storage failures a clerk can act on into messages that say
// what happened; the original error is kept as the Cause, for the log.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var app *data.Error
	if errors.As(err, &app) {
		return err
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrFull:
			return &data.Error{Code: data.EINTERNAL, Message: "磁盘已满，本次操作未保存。请清理磁盘后重试。", Cause: err}
		case sqlite3.ErrReadonly, sqlite3.ErrPerm, sqlite3.ErrCantOpen:
			return &data.Error{Code: data.EINTERNAL, Message: "数据库文件不可写（只读或无权限），本次操作未保存。", Cause: err}
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return &data.Error{Code: data.ECONFLICT, Message: "数据库正被其他程序占用，请稍后重试。", Cause: err}
		case sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
			return &data.Error{Code: data.EINTERNAL, Message: "数据库文件已损坏，请从备份恢复。", Cause: err}
		case sqlite3.ErrConstraint:
			if se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey {
				return &data.Error{Code: data.ECONFLICT, Message: "记录已存在：" + uniqueField(se.Error()), Cause: err}
			}
		}
	}
	return err
}

func uniqueField(msg string) string {
	if _, f, ok := strings.Cut(msg, "failed: "); ok {
		return f
	}
	return msg
}

// setting reads a settings value, or def when it is not set.
func (s *Store) setting(ctx context.Context, key, def string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	return v, err
}

// Threshold is the used share of a limit at which a case turns yellow
// (setting warning_threshold, default 0.8). It is read once per store.
func (s *Store) Threshold(ctx context.Context) float64 {
	s.calMu.Lock()
	defer s.calMu.Unlock()
	if s.threshold > 0 {
		return s.threshold
	}
	v, err := s.setting(ctx, "warning_threshold", "0.8")
	f, perr := strconv.ParseFloat(v, 64)
	if err != nil || perr != nil || f <= 0 || f > 1 {
		return clock.DefaultThreshold
	}
	s.threshold = f
	return f
}
