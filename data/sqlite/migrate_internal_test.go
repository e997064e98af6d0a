package sqlite

import (
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"
)

// A migration that fails leaves the old database exactly as it was: every
// migration of an upgrade runs in one transaction, so the file keeps its
// schema version and none of the earlier steps of the same upgrade.
func TestFailedMigrationLeavesOldDatabase(t *testing.T) {
	src := filepath.Join("testdata", "schema", "v1.db")
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	broken := fstest.MapFS{}
	names, _ := fs.Glob(migrationFS, "migrations/*.sql")
	for _, n := range names {
		b, _ := migrationFS.ReadFile(n)
		broken[n] = &fstest.MapFile{Data: b}
	}
	broken["migrations/9999_broken.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);")}
	db, err := sql.Open(driverName, "file:"+path+"?_foreign_keys=on&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{db: db, path: path, Now: time.Now}
	schema := func() (int, int) {
		var v, n int
		db.QueryRow("PRAGMA user_version").Scan(&v)
		db.QueryRow("SELECT count(*) FROM sqlite_master").Scan(&n)
		return v, n
	}
	v0, n0 := schema()
	if err := s.migrateFS(broken); err == nil {
		t.Fatal("a broken migration succeeded")
	}
	if v, n := schema(); v != v0 || n != n0 || v != 1 {
		t.Fatalf("after the failed upgrade: version %d (was %d), %d schema objects (were %d)", v, v0, n, n0)
	}
	var tables int
	db.QueryRow("SELECT count(*) FROM sqlite_master WHERE name IN ('sites', 'documents', 'half_done')").Scan(&tables)
	if tables != 0 {
		t.Fatalf("%d tables of the failed upgrade remain", tables)
	}
	// The real upgrade still works afterwards.
	if err := s.migrate(); err != nil {
		t.Fatal(err)
	}
	if v, _ := schema(); v != SchemaVersion() {
		t.Fatalf("version %d after the upgrade", v)
	}
	db.Close()
}
