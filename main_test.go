package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onewindow/onewindow/data/sqlite"
)

// TestSmoke builds the real program, starts it on a virtual display under
// the C locale and checks that it opens its window on a new database
// without printing errors.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		t.Skip("Xvfb is not installed (make test installs it)")
	}
	dir := t.TempDir()
	bin := programBinary(t)
	display := fmt.Sprintf(":%d", 150+os.Getpid()%50)
	x := exec.Command(xvfb, display, "-screen", "0", "1024x768x24", "-nolisten", "tcp")
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	defer x.Process.Kill()
	time.Sleep(time.Second)

	db := filepath.Join(dir, "smoke.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "--db", db)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=C", "LC_ALL=", "LANGUAGE=")
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		t.Fatalf("the program exited at start: %v\n%s", err, stderr.String())
	case <-time.After(4 * time.Second):
	}
	cancel()
	<-exited
	if s := stderr.String(); strings.Contains(s, "Fyne error") || strings.Contains(s, "panic") {
		t.Errorf("errors at start:\n%s", s)
	}
	s, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	site, err := s.Site(context.Background())
	if err != nil || site.Code != "330102001" {
		t.Errorf("the new database has no sample site: %+v %v", site, err)
	}
}
