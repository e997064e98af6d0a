//go:build !windows

package app

import (
	"os"
	"path/filepath"
	"testing"
)

// The system printer says "nothing opened" when the opener fails or is
// missing, and "opened" when it succeeds or keeps running (a viewer).
func TestOpenViewer(t *testing.T) {
	dir := t.TempDir()
	script := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pdf := filepath.Join(dir, "x.pdf")
	if openViewer(script("fails", "exit 3"), pdf, 2e9) {
		t.Error("an opener that found no program counted as opened")
	}
	if openViewer(filepath.Join(dir, "missing"), pdf, 2e9) {
		t.Error("a missing opener counted as opened")
	}
	if !openViewer(script("ok", "exit 0"), pdf, 2e9) {
		t.Error("an opener that succeeded counted as failed")
	}
	if !openViewer(script("viewer", "sleep 5"), pdf, 2e8) {
		t.Error("a viewer still running counted as failed")
	}
}
