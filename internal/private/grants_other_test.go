//go:build !windows

package private

import (
	"os"
	"testing"
)

// grants checks the mode: 0700 for a folder, 0600 for a file.
func grants(t *testing.T, path string, folder bool) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	want := os.FileMode(0o600)
	if folder {
		want = 0o700
	}
	if st.Mode().Perm() != want {
		t.Errorf("%s: mode %v, want %v", path, st.Mode().Perm(), want)
	}
}
