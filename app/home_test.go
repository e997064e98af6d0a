package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/internal/testkit"
	_ "github.com/onewindow/onewindow/internal/zhlocale"
)

// waitFor polls until cond holds, letting the background load finish.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		ok := false
		fyne.DoAndWait(func() { ok = cond() })
		if ok {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestHomeListsCatalogueAndCases(t *testing.T) {
	s := testkit.OpenTemp(t)
	if _, err := demo.Run(context.Background(), s, demo.Options{Cases: 300, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	ui := loggedIn(t, s, "zhangli")
	waitFor(t, "the cases", func() bool { return strings.HasPrefix(ui.home.status.Text, "共") })
	if len(ui.home.items) < 30 {
		t.Errorf("%d catalogue items shown", len(ui.home.items))
	}
	if len(ui.home.rows) != 200 {
		t.Errorf("%d case rows, want the latest 200", len(ui.home.rows))
	}
	var status string
	fyne.DoAndWait(func() { status = ui.home.status.Text })
	if !strings.Contains(status, "共 300 件") {
		t.Errorf("status line %q", status)
	}
	// The newest case is first, and a cell shows its number.
	first := ui.home.rows[0].number
	cell := widget.NewLabel("")
	updateCaseCell(ui.home.rows, widget.TableCellID{Row: 0, Col: 2}, cell)
	if cell.Text != first || !strings.HasPrefix(first, "330102001") {
		t.Errorf("first row %q, cell %q", first, cell.Text)
	}
	if ui.home.rows[0].number < ui.home.rows[1].number {
		t.Errorf("not newest first: %s before %s", ui.home.rows[0].number, ui.home.rows[1].number)
	}
}

func TestThemeUsesBundledFont(t *testing.T) {
	th := newTheme()
	if th.Font(fyne.TextStyle{}).Name() != "onewindow-sc.ttf" || th.Font(fyne.TextStyle{Bold: true}).Name() != "onewindow-sc.ttf" {
		t.Error("the bundled Chinese font is not the theme's text font")
	}
}
