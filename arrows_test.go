package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// The packages' arrows run one way (docs/architecture.md): nothing under
// data imports the UI toolkit, the PDF or spreadsheet writers or anything
// of app and cli; app writes no SQL; the renderers know no Fyne; cli does
// not reach into the screens. Read from what the go command builds, test
// files left out.
func TestArrows(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", "migrated_fynedo,sqlite_fts5", "-json=ImportPath,Imports,Deps", "./...").Output()
	if err != nil {
		t.Fatal(err)
	}
	const mod = "github.com/onewindow/onewindow"
	rules := []struct {
		pkg    string // the package, or a prefix ending in /...
		banned []string
		direct bool // only its own imports, not everything beneath
	}{
		{"/data/...", []string{"fyne.io/", "github.com/xuri/excelize", "codeberg.org/go-pdf/fpdf", mod + "/app", mod + "/cli"}, false},
		{"/data", []string{"database/sql", mod + "/data/sqlite", mod + "/data/exchange", mod + "/data/demo"}, false},
		{"/data/exchange", []string{"database/sql", mod + "/data/sqlite"}, false},
		{"/data/postgres", []string{"database/sql", mod + "/data/sqlite"}, true}, // pgx itself implements database/sql/driver
		{"/data/catalogue", []string{"database/sql", mod + "/data/sqlite", mod + "/data/exchange", mod + "/data/demo"}, false},
		{"/app/render", []string{"fyne.io/"}, false},
		{"/app", []string{"database/sql"}, true},
		{"/cli", []string{mod + "/app"}, true},
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var p struct {
			ImportPath    string
			Imports, Deps []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		seen++
		for _, r := range rules {
			if !matches(mod+r.pkg, p.ImportPath) {
				continue
			}
			list := p.Deps
			if r.direct {
				list = p.Imports
			}
			for _, d := range list {
				for _, b := range r.banned {
					if d == b || strings.HasPrefix(d, strings.TrimSuffix(b, "/")+"/") || (strings.HasSuffix(b, "/") && strings.HasPrefix(d, b)) {
						if d == mod+"/app/render" && r.pkg == "/cli" {
							continue // the renderers are the one part of app the cli uses
						}
						t.Errorf("%s imports %s", p.ImportPath, d)
					}
				}
			}
		}
	}
	if seen < 10 {
		t.Fatalf("go list gave %d packages", seen)
	}
}

func matches(rule, pkg string) bool {
	if prefix, ok := strings.CutSuffix(rule, "/..."); ok {
		return pkg == prefix || strings.HasPrefix(pkg, prefix+"/")
	}
	return pkg == rule
}
