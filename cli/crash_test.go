package cli_test

import (
	"bufio"
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/onewindow/onewindow/cli"
	"github.com/onewindow/onewindow/data/sqlite"
)

// The crash drill. The child is this test binary re-executed into
// cli.Main — the code the onewindow binary's main runs — writing with
// `onewindow stress` (register, complete, issue documents) and printing a
// line after each commit. It is killed with SIGKILL at a random moment, 24
// times on the same database; after each kill the database must open, pass
// the integrity check, the audit chain and the check of the report's daily
// totals against the cases (Verify), hold every case the child
// reported with at least the events it reported, every document it
// reported, and no case or document number twice — and no daily sequence
// behind a number already used. Every fourth round two programs write to
// the file at once (a second copy of the program opened on the same PC).
func TestCrashKill(t *testing.T) {
	if db := os.Getenv("ONEWINDOW_CRASH_CHILD"); db != "" {
		os.Exit(cli.Main(context.Background(), []string{"stress", "--db", db, "--seed", os.Getenv("ONEWINDOW_CRASH_SEED")}, os.Stdin, os.Stdout, os.Stderr, nil))
	}
	if testing.Short() {
		t.Skip("the crash drill takes about 20 s")
	}
	db := filepath.Join(t.TempDir(), "crash.db")
	rng := rand.New(rand.NewPCG(1, 2))
	reported := map[string]int{} // case number → events reported committed
	docs := map[string]string{}  // document number → case
	var mu sync.Mutex
	lines := 0
	child := func(seed int) (*exec.Cmd, chan struct{}, *strings.Builder) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashKill$")
		cmd.Env = append(os.Environ(), "ONEWINDOW_CRASH_CHILD="+db, "ONEWINDOW_CRASH_SEED="+strconv.Itoa(seed))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		stderr := &strings.Builder{}
		cmd.Stderr = stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				f := strings.Fields(sc.Text())
				mu.Lock()
				switch {
				case len(f) == 3 && f[0] == "case":
					n, _ := strconv.Atoi(f[2])
					reported[f[1]] = max(reported[f[1]], n)
				case len(f) == 3 && f[0] == "document":
					docs[f[1]] = f[2]
				}
				lines++
				mu.Unlock()
			}
		}()
		return cmd, done, stderr
	}
	for round := range 24 {
		// Every fourth round two programs write to the same file at once.
		n := 1
		if round%4 == 3 {
			n = 2
		}
		mu.Lock()
		lines = 0
		mu.Unlock()
		var cmds []*exec.Cmd
		var dones []chan struct{}
		var errs []*strings.Builder
		for i := range n {
			cmd, done, stderr := child(100*round + i + 1)
			cmds, dones, errs = append(cmds, cmd), append(dones, done), append(errs, stderr)
		}
		// Let them write for a while (the first round also creates the
		// file), then pull the plug at a random moment.
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			started := lines > 0
			mu.Unlock()
			if started {
				break
			}
		}
		time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
		for _, cmd := range cmds {
			cmd.Process.Signal(syscall.SIGKILL)
		}
		for i, cmd := range cmds {
			<-dones[i]
			err := cmd.Wait()
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
				t.Fatalf("round %d: a child ended before the kill (%v): %s", round, err, errs[i].String())
			}
		}
		checkAfterCrash(t, round, db, reported, docs)
	}
	if len(reported) < 100 {
		t.Errorf("only %d cases written in 24 rounds", len(reported))
	}
	t.Logf("%d cases and %d documents reported committed, all found after 24 kills", len(reported), len(docs))
}

func checkAfterCrash(t *testing.T, round int, db string, reported map[string]int, docs map[string]string) {
	t.Helper()
	s, err := sqlite.Open(db)
	if err != nil {
		t.Fatalf("round %d: open after the kill: %v", round, err)
	}
	defer s.Close()
	r, err := s.Verify(context.Background())
	if err != nil || !r.OK() {
		t.Fatalf("round %d: verify %+v %v", round, r, err)
	}
	raw, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	events := map[string]int{}
	rows, err := raw.Query("SELECT a.number, count(e.seq) FROM applications a LEFT JOIN events e ON e.app_id = a.id GROUP BY a.id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		var c int
		rows.Scan(&n, &c)
		if _, dup := events[n]; dup {
			t.Fatalf("round %d: case number %s twice", round, n)
		}
		events[n] = c
	}
	rows.Close()
	for n, want := range reported {
		if events[n] < want {
			t.Fatalf("round %d: case %s was reported committed with %d events; the database has %d", round, n, want, events[n])
		}
	}
	held := map[string]string{}
	rows, err = raw.Query("SELECT d.number, a.number FROM documents d JOIN applications a ON a.id = d.app_id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d, a string
		rows.Scan(&d, &a)
		if _, dup := held[d]; dup {
			t.Fatalf("round %d: document number %s twice", round, d)
		}
		held[d] = a
	}
	rows.Close()
	for d, a := range docs {
		if held[d] != a {
			t.Fatalf("round %d: document %s of case %s reported but not found", round, d, a)
		}
	}
	// No daily sequence may be behind a number it handed out, or the next
	// registration would reuse it.
	var behind int
	raw.QueryRow(`SELECT count(*) FROM applications a LEFT JOIN number_seq q ON q.day = substr(a.number, 10, 8)
		WHERE q.last IS NULL OR q.last < CAST(substr(a.number, 18, 4) AS INTEGER)`).Scan(&behind)
	if behind != 0 {
		t.Fatalf("round %d: %d case numbers beyond their day's sequence", round, behind)
	}
}
