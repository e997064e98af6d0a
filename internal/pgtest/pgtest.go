// Package pgtest starts a private PostgreSQL cluster for a package's tests:
// initdb in a temporary folder (as the postgres user when the tests run as
// root, since PostgreSQL refuses to run as root), a free local port, fsync
// off, and stopped when the tests end. Each test gets a database of its
// own. Test code only.
package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

var (
	baseURL string // the cluster's postgres database; "" when none runs
	why     string // why none runs
	next    atomic.Int64
)

// Main starts the cluster, runs the tests and stops it; a package's
// TestMain calls it. Without PostgreSQL's programs the tests that need it
// are skipped, except in CI, where they fail.
func Main(m *testing.M) {
	stop, err := start()
	if err != nil {
		why = err.Error()
	}
	code := m.Run()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

// bin finds a PostgreSQL server program: the newest of Debian's
// /usr/lib/postgresql/*/bin, else the PATH.
func bin(name string) (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if p := filepath.Join(d, name); exists(p) {
			return p, nil
		}
	}
	return exec.LookPath(name)
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// as runs a server program, as the postgres user when we are root.
func as(root bool, name string, args ...string) *exec.Cmd {
	if root {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	return exec.Command(name, args...)
}

func start() (func(), error) {
	initdb, err := bin("initdb")
	if err != nil {
		return nil, fmt.Errorf("initdb not found (Debian package postgresql): %v", err)
	}
	pgctl, err := bin("pg_ctl")
	if err != nil {
		return nil, fmt.Errorf("pg_ctl not found: %v", err)
	}
	dir, err := os.MkdirTemp("", "onewindow-pg-")
	if err != nil {
		return nil, err
	}
	root := os.Geteuid() == 0
	if root {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root needs the postgres user (Debian package postgresql): %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	pgdata := filepath.Join(dir, "data")
	if out, err := as(root, initdb, "-D", pgdata, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100", port, dir)
	if out, err := as(root, pgctl, "-D", pgdata, "-o", opts, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	baseURL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	return func() {
		as(root, pgctl, "-D", pgdata, "-m", "immediate", "-w", "stop").Run()
		os.RemoveAll(dir)
	}, nil
}

// URL creates an empty database for the test and returns its URL; the
// test is skipped when no cluster runs (and fails in CI).
func URL(tb testing.TB) string {
	tb.Helper()
	if baseURL == "" {
		if os.Getenv("CI") != "" {
			tb.Fatalf("no PostgreSQL for the test: %s", why)
		}
		tb.Skipf("no PostgreSQL for the test: %s", why)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), next.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, baseURL)
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatal(err)
	}
	return fmt.Sprintf("postgres://postgres@%s/%s?sslmode=disable", c.Config().Host+":"+strconv.Itoa(int(c.Config().Port)), name)
}
