package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/sqlite"
)

// The most keys a returning clerk may press to log in, register one
// enterprise case, print its 受理通知书 and open the case again from the
// list — the applicant's own data (credit code, name) not counted, a chord
// such as Ctrl+P counted as one. README states the count; keep it from
// growing.
const (
	registerKeyLimit = 13 // log in, register, print the notice
	counterKeyLimit  = 24 // and open it from the list and print it again
)

// TestCounterByKeyboard is a day at the counter without the mouse, on the
// real program: a clerk who used this PC before types the PIN, registers a
// 食品经营许可 case, prints its notice (Ctrl+P), finds it in the case list
// (Ctrl+F, part of the name, Enter, Enter) and prints it again from the
// case (Ctrl+P, Enter). The printer is a stand-in for CUPS (lpstat says
// there is a default printer, lp keeps the file), and both papers are read
// back with pdftotext.
func TestCounterByKeyboard(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real program")
	}
	needTools(t, "pdftotext")
	x := newXSession(t)
	// The stand-in printer: lpstat and lp first on PATH.
	bin, paper := filepath.Join(x.dir, "bin"), filepath.Join(x.dir, "paper")
	os.MkdirAll(bin, 0o755)
	os.MkdirAll(paper, 0o755)
	os.WriteFile(filepath.Join(bin, "lpstat"), []byte("#!/bin/sh\necho 'system default destination: counter'\n"), 0o755)
	os.WriteFile(filepath.Join(bin, "lp"), []byte(fmt.Sprintf("#!/bin/sh\nn=$(ls %[1]s | wc -l)\ncp \"$3\" %[1]s/$n.pdf\necho \"request id is counter-$n (1 file(s))\"\n", paper)), 0o755)
	x.env = append(x.env, "PATH="+bin+":"+os.Getenv("PATH"))
	// This PC's last user was 刘洋 (the preferences Fyne keeps).
	prefs := filepath.Join(x.dir, "config", "fyne", "cn.gov.onewindow", "preferences.json")
	os.MkdirAll(filepath.Dir(prefs), 0o755)
	os.WriteFile(prefs, []byte(`{"login.last":"`+clerkLogin+`"}`), 0o644)

	db := filepath.Join(x.dir, "counter.db")
	x.launch(db, nil, "C.UTF-8")
	s := openStore(t, db)
	keys := 0
	press := func(ms int, names ...string) { keys += len(names); x.keys(ms, names...) }
	typed := func(text string) { keys += len([]rune(text)); x.typeText(12, text) }
	own := func(text string) { x.typeText(12, text) } // the applicant's own data: not counted

	// Log in: the PIN and Enter.
	typed("1234")
	press(30, "Return")
	x.waitFor("the login", func() bool { return auditCount(t, db, "user.login") == 1 }, 20*time.Second)
	time.Sleep(time.Second)

	// Register: the item by its initials, Enter; the code; Tab to the name;
	// the name; Enter.
	typed("spjy")
	press(30, "Return")
	time.Sleep(300 * time.Millisecond)
	own(testCreditCode)
	press(30, "Tab")
	own("Shili Canyin")
	press(30, "Return")
	x.waitFor("the case", func() bool { return caseCount(t, s) == 1 }, 10*time.Second)
	c := onlyCase(t, s)

	// Print its notice: Ctrl+P.
	press(30, "ctrl+p")
	registered := keys
	first := waitPaper(t, x, paper, 1)
	for _, want := range []string{"受理通知书", c.Number, "Shili Canyin", "食品经营许可"} {
		if !strings.Contains(first, want) {
			t.Errorf("the printed notice lacks %q:\n%s", want, first)
		}
	}

	// Find it in the list and open it: Ctrl+F, part of the name, Enter
	// (into the table), Enter (open); print again from the case: Ctrl+P,
	// Enter — a 补打 of the same notice.
	press(30, "ctrl+f")
	typed("Shili")
	time.Sleep(time.Second)
	press(300, "Return", "Return")
	time.Sleep(time.Second)
	press(300, "ctrl+p", "Return")
	second := waitPaper(t, x, paper, 2)
	if !strings.Contains(second, c.Number) || !strings.Contains(second, "补打") {
		t.Errorf("the notice printed from the case is not a 补打 of %s:\n%s", c.Number, second)
	}
	if n := auditCount(t, db, "document.reprint"); n != 1 {
		t.Errorf("%d reprints audited, want 1", n)
	}
	press(30, "Escape")

	t.Logf("log in, register, print (%d keys), open from the list and print again: %d keys besides the applicant's data", registered, keys)
	if keys > counterKeyLimit || registered > registerKeyLimit {
		t.Errorf("%d keys (%d to the printed notice), more than the %d (%d) README states", keys, registered, counterKeyLimit, registerKeyLimit)
	}
}

// onlyCase is the one case in the store.
func onlyCase(t *testing.T, s *sqlite.Store) data.Application {
	t.Helper()
	cs, err := s.Cases(context.Background(), data.CaseFilter{})
	if err != nil || len(cs) != 1 {
		t.Fatalf("%d cases: %v", len(cs), err)
	}
	return cs[0]
}

// waitPaper waits for the n-th paper of the stand-in printer and returns
// its text.
func waitPaper(t *testing.T, x *xsession, dir string, n int) string {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("%d.pdf", n-1))
	x.waitFor(fmt.Sprintf("paper %d from the printer", n), func() bool { _, err := os.Stat(path); return err == nil }, 20*time.Second)
	time.Sleep(200 * time.Millisecond) // cp has finished writing
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}
