package private

import (
	"os"
	"path/filepath"
	"testing"
)

// A file and a folder restricted, and a file made in that folder
// afterwards, are the current user's alone (see grants for how that is
// read on each system).
func TestRestrict(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "数据 onewindow")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Dir(dir); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "一窗通.db.key")
	if err := os.WriteFile(file, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := File(file); err != nil {
		t.Fatal(err)
	}
	later := filepath.Join(dir, "onewindow.db-wal") // made by SQLite after the folder was restricted
	if err := os.WriteFile(later, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path   string
		folder bool
	}{{dir, true}, {file, false}, {later, false}} {
		grants(t, c.path, c.folder)
	}
	if err := File(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing file restricted without an error")
	}
}
