package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/sqlite"
)

// A credit code with a right check digit, and what a scanner sends: 200
// characters, then Enter.
const (
	testCreditCode = "91330102MA2J0K3X0C"
	clerkLogin     = "liuyang"
)

func burst() string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXYabcdefghijkmnopqrstuvwxyz-_."
	var b strings.Builder
	for i := 0; b.Len() < 200; i++ {
		b.WriteByte(chars[(i*7+i/len(chars))%len(chars)])
	}
	return b.String()
}

// TestInputMethod drives the real program with a pinyin input method
// connected over XIM, the way a clerk on a UOS or Kylin desktop types:
// separate key events from xdotool, Chinese composed from pinyin, a PIN and
// a scanner's burst typed faster than any hand — with fcitx5 (what UOS and
// Kylin ship), with ibus (GNOME's), and with none. It starts the program
// under the plain C locale, where committed Chinese used to be dropped.
func TestInputMethod(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real program with a real input method")
	}
	for _, im := range []*inputMethod{fcitx5, ibus, nil} {
		name := "none"
		if im != nil {
			name = im.name
		}
		t.Run(name, func(t *testing.T) { typeAtTheCounter(t, im) })
	}
}

// typeAtTheCounter logs in, registers one case by keyboard alone — with
// the input method, composing the applicant's name and pressing Enter, Esc,
// Backspace and Tab in the middle of a syllable — and sends the scanner's
// bursts.
func typeAtTheCounter(t *testing.T, im *inputMethod) {
	x := newXSession(t)
	locale, name := "C.UTF-8", "Zhang San"
	if im != nil {
		im.start(x)
		locale, name = "C", im.word
	}
	db := filepath.Join(x.dir, "ime.db")
	x.launch(db, im, locale)
	if im == fcitx5 {
		// fcitx5-remote says 0 while no input context has the focus: the
		// program must have connected to the XIM server and made one.
		x.waitFor("the program's input context in fcitx5", func() bool {
			return strings.TrimSpace(x.run("fcitx5-remote")) != "0"
		}, 30*time.Second)
	}
	s := openStore(t, db)

	// A PIN typed at 5 ms a key with Enter logs in at the first try.
	login(t, x, s)
	if n := auditCount(t, db, "user.login_failed"); n != 0 {
		t.Fatalf("the PIN typed at 5 ms a key counted %d wrong attempts", n)
	}
	if n := auditCount(t, db, "user.login"); n != 1 {
		t.Fatalf("%d logins recorded, want 1", n)
	}

	// The item by its pinyin initials and the credit code, at 12 ms a key
	// (with the input method connected but off): Enter and Tab wait for the
	// letters before them.
	x.keys(12, "s", "p", "j", "y", "Return")
	time.Sleep(300 * time.Millisecond)
	x.typeText(2, testCreditCode)
	// Read back (the copy keys queue behind the typed ones, so this also
	// waits until they have all gone through the input method: switching
	// it on earlier would compose the last letters).
	if got := x.focused(); got != testCreditCode {
		t.Fatalf("the credit-code field holds %q, want %s", got, testCreditCode)
	}
	x.keys(12, "Tab")
	x.typeText(12, "x") // and the Tab, through the same check
	if got := x.focused(); got != "x" {
		t.Fatalf("after Tab 申请人名称 holds %q, want the x typed into it", got)
	}
	x.keys(12, "BackSpace")

	if im == nil {
		x.typeText(12, name)
	} else {
		composeName(t, x, s, im)
	}

	// Enter with nothing composed registers the case as the form holds it.
	x.keys(60, "Return")
	var c data.Application
	x.waitFor("the case to be registered", func() bool {
		cs, err := s.Cases(context.Background(), data.CaseFilter{})
		if err != nil || len(cs) == 0 {
			return false
		}
		c = cs[0]
		return true
	}, 10*time.Second)
	if c.Applicant.Name != name || c.Applicant.IDCode != testCreditCode || !strings.HasPrefix(c.Item.Name, "食品经营许可") {
		t.Fatalf("registered %q %q %q; want %s, %s, 食品经营许可", c.Applicant.Name, c.Applicant.IDCode, c.Item.Name, name, testCreditCode)
	}
	if login := userWhere(t, s, func(u data.User) bool { return u.ID == c.ClerkID }).Login; login != clerkLogin {
		t.Fatalf("registered by %q, want %s", login, clerkLogin)
	}
	if im != nil {
		im.off(x)
	}
	scannerBursts(t, x, s, c.Number)
}

// composeName types the applicant's name in pinyin, and presses Enter, Esc,
// Backspace and Tab while a syllable is being composed: none of them may
// reach the form.
func composeName(t *testing.T, x *xsession, s *sqlite.Store, im *inputMethod) {
	t.Helper()
	im.on(x)
	x.keys(60, strings.Split(im.pinyin, "")...)
	x.snap(im.name + "-composing-1024.png")
	x.keys(60, "space")
	time.Sleep(300 * time.Millisecond)
	x.snap(im.name + "-committed-1024.png")

	// Enter while a syllable is being composed takes the letters as typed
	// and registers nothing.
	x.keys(60, "w", "a", "n", "g", "Return")
	time.Sleep(time.Second)
	if n := caseCount(t, s); n != 0 {
		t.Fatalf("Enter while composing registered %d cases", n)
	}
	if got := x.focused(); got != im.word+"wang" {
		t.Fatalf("after Enter while composing 申请人名称 holds %q, want %swang", got, im.word)
	}
	x.keys(60, "BackSpace", "BackSpace", "BackSpace", "BackSpace")
	// Backspace while composing deletes in the syllable only, and Esc
	// cancels the syllable and keeps the form (it used to clear it).
	x.keys(60, "l", "i", "a", "BackSpace", "Escape")
	time.Sleep(500 * time.Millisecond)
	// Tab while composing does not move on with the syllable half typed.
	x.keys(60, "l", "i", "Tab", "Escape")
	time.Sleep(500 * time.Millisecond)
	if n := caseCount(t, s); n != 0 {
		t.Fatalf("Esc or Tab while composing registered %d cases", n)
	}
	if got := x.focused(); got != im.word {
		t.Fatalf("after Backspace, Esc and Tab while composing 申请人名称 holds %q, want %s", got, im.word)
	}
}

// scannerBursts types 200 characters and Enter at 2 ms a key into the
// credit-code field, the case-list search and 验证回执, and a receipt's QR
// token into 验证回执: each arrives whole and in order, Enter last.
func scannerBursts(t *testing.T, x *xsession, s *sqlite.Store, number string) {
	t.Helper()
	want := burst()
	x.keys(12, "ctrl+1")
	x.keys(12, "s", "p", "j", "y", "Return")
	time.Sleep(300 * time.Millisecond)
	x.typeText(2, want)
	x.keys(2, "Return")
	if got := x.focused(); got != want {
		t.Errorf("the credit-code field holds %q, want the burst %q", got, want)
	}
	x.keys(12, "Escape")

	x.keys(12, "ctrl+f")
	x.typeText(2, want)
	x.keys(2, "Return")
	x.keys(12, "Escape") // Enter moved into the table; Esc goes back to the search
	if got := x.focused(); got != want {
		t.Errorf("the case-list search holds %q, want the burst %q", got, want)
	}

	doc, err := s.IssueDocument(context.Background(), number, data.DocAccept, userWhere(t, s, func(u data.User) bool { return u.Login == clerkLogin }).ID)
	if err != nil {
		t.Fatal(err)
	}
	x.keys(12, "ctrl+6") // 验证回执: its box has the focus
	time.Sleep(300 * time.Millisecond)
	// A token that verifies clears the box (the document is shown instead);
	// one that does not stays for the clerk to look at.
	x.typeText(2, doc.Token)
	x.keys(2, "Return")
	time.Sleep(time.Second)
	x.typeText(2, "x")
	if got := x.focused(); got != "x" {
		t.Errorf("the scanned token did not verify: the box holds %q (token %q)", got, doc.Token)
	}
	x.keys(12, "BackSpace")
	last := "A"
	if strings.HasSuffix(doc.Token, "A") {
		last = "B"
	}
	forged := doc.Token[:len(doc.Token)-1] + last
	x.typeText(2, forged)
	x.keys(2, "Return")
	time.Sleep(time.Second)
	if got := x.focused(); got != forged {
		t.Errorf("a forged token: the box holds %q, want it kept as %q", got, forged)
	}
	x.keys(12, "ctrl+a", "BackSpace")
	x.typeText(2, want)
	x.keys(2, "Return")
	if got := x.focused(); got != want {
		t.Errorf("验证回执 holds %q, want the burst %q", got, want)
	}
}

// login picks the clerk 刘洋 from the list and types the PIN at 5 ms a key.
func login(t *testing.T, x *xsession, s *sqlite.Store) {
	t.Helper()
	users, err := s.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(users, func(u data.User) bool { return u.Login == clerkLogin })
	if i < 0 {
		t.Fatalf("no user %s in the sample data", clerkLogin)
	}
	x.keys(100, "Tab") // the name list; Right picks the next name without opening it
	for range i + 1 {
		x.keys(30, "Right")
	}
	x.keys(100, "Tab")
	x.keys(5, "1", "2", "3", "4", "Return")
	x.waitFor("the login", func() bool {
		return auditCount(t, s.Path(), "user.login")+auditCount(t, s.Path(), "user.login_failed") > 0
	}, 20*time.Second)
	time.Sleep(time.Second) // the working screens
}

func openStore(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	var s *sqlite.Store
	var err error
	for range 50 { // the program creates the database as it starts
		if s, err = sqlite.Open(path); err == nil {
			if _, err = s.Site(context.Background()); err == nil {
				break
			}
			s.Close()
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func caseCount(t *testing.T, s *sqlite.Store) int {
	t.Helper()
	n, err := s.CountCases(context.Background(), data.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// userWhere is the first user that match accepts.
func userWhere(t *testing.T, s *sqlite.Store, match func(data.User) bool) data.User {
	t.Helper()
	users, err := s.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(users, match); i >= 0 {
		return users[i]
	}
	return data.User{}
}

// auditCount counts the audit entries of an action, read from the file.
func auditCount(t *testing.T, path, action string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM audit WHERE action = ?", action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
