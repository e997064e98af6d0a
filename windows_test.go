package main

import (
	"archive/zip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onewindow/onewindow/cli"
)

// TestWindowsUnderWine runs the Windows package (make package-windows; make
// test passes it in ONEWINDOW_WINDOWS_ZIP) under wine, unpacked into a fresh
// prefix with an English Windows locale, as a clerk unzips it into a folder
// and double-clicks: the command line writes a database and a receipt
// under a folder whose name has Chinese characters and a space, the default
// database lands under %LOCALAPPDATA%\onewindow, and the window opens in
// Chinese.
//
// Debian 12's wine 8.0 lacks ProcessPrng, which Go's runtime needs at start
// on Windows; the test compiles a stand-in (tools/wine/processprng.c, test
// only) into the prefix. See docs/platforms.md.
func TestWindowsUnderWine(t *testing.T) {
	pkg := os.Getenv("ONEWINDOW_WINDOWS_ZIP")
	if pkg == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("ONEWINDOW_WINDOWS_ZIP is not set: make test builds the Windows package and sets it")
		}
		t.Skip("no Windows package (make test makes one and sets ONEWINDOW_WINDOWS_ZIP)")
	}
	needTools(t, "wine", "wineboot", "wineserver", "x86_64-w64-mingw32-gcc", "pdftotext")
	x := newXSession(t)
	prefix := filepath.Join(x.dir, "wine")
	x.env = append(x.env, "WINEPREFIX="+prefix, "WINEDEBUG=-all",
		"WINEDLLOVERRIDES=mscoree,mshtml=;bcryptprimitives=n", // no Mono or Gecko prompts; the stand-in below
		"LANG=C.UTF-8", "LC_ALL=", "LANGUAGE=") // an English (en-US) Windows with UTF-8 file names
	x.run("wineboot", "--init")
	x.run("wineserver", "--wait")
	system32 := filepath.Join(prefix, "drive_c", "windows", "system32")
	x.run("x86_64-w64-mingw32-gcc", "-shared", "-O2", "-o", filepath.Join(system32, "bcryptprimitives.dll"),
		"tools/wine/processprng.c", "-ladvapi32")
	t.Cleanup(func() { x.command("wineserver", "--kill").Run() })

	programs := filepath.Join(prefix, "drive_c", "一窗通 OneWindow")
	unzip(t, pkg, programs)
	exe := filepath.Join(programs, "onewindow-windows-amd64", "onewindow.exe")
	for _, f := range []string{"使用说明.txt", "licences/README.txt", "licences/glfw-C.txt"} {
		if _, err := os.Stat(filepath.Join(programs, "onewindow-windows-amd64", f)); err != nil {
			t.Errorf("the package lacks %s", f)
		}
	}

	if out := x.run("wine", exe, "version"); !strings.Contains(out, "onewindow "+cli.Version) {
		t.Fatalf("version says %q", out)
	}

	dir := filepath.Join(prefix, "drive_c", "数据 目录")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	db := `C:\数据 目录\一窗通.db`
	x.run("wine", exe, "demo", "--quiet", "--cases", "40", "--db", db)
	if _, err := os.Stat(filepath.Join(dir, "一窗通.db")); err != nil {
		t.Fatalf("the database is not where it was asked for: %v", err)
	}
	var c struct{ Number string }
	out := x.run("wine", exe, "cases", "--json", "--db", db)
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &c); err != nil || c.Number == "" {
		t.Fatalf("cases --json: %v\n%s", err, out)
	}
	// Signed by the clerk, her PIN read from a file as a scheduled job would.
	if err := os.WriteFile(filepath.Join(dir, "zhangli.pin"), []byte("1234\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	x.run("wine", exe, "receipt", c.Number, "--kind", "accept", "-o", `C:\数据 目录\受理 通知书.pdf`, "--db", db,
		"--user", "zhangli", "--pin-file", `C:\数据 目录\zhangli.pin`)
	text, err := exec.Command("pdftotext", filepath.Join(dir, "受理 通知书.pdf"), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	if !strings.Contains(string(text), "受理通知书") || !strings.Contains(string(text), c.Number) {
		t.Fatalf("the receipt made on Windows reads:\n%s", text)
	}

	// Without --db: the default database under %LOCALAPPDATA%\onewindow.
	x.run("wine", exe, "cases", "--json")
	if m, _ := filepath.Glob(filepath.Join(prefix, "drive_c", "users", "*", "AppData", "Local", "onewindow", "onewindow.db")); len(m) != 1 {
		t.Errorf("no default database under %%LOCALAPPDATA%%\\onewindow: %v", m)
	}

	// The window, on an English Windows, in Chinese: its title is the
	// Chinese one (in English it would be "OneWindow — …").
	gui := x.command("wine", exe, "--db", db)
	if err := gui.Start(); err != nil {
		t.Fatal(err)
	}
	defer gui.Process.Kill()
	// Wine draws with software GL: 40 s on a quiet machine, longer on a
	// busy one (seen past a minute while the same machine compiled).
	x.waitFor("the window titled in Chinese", func() bool {
		return x.command("xdotool", "search", "--name", "一窗通 OneWindow — 示例县").Run() == nil
	}, 180*time.Second)
	time.Sleep(2 * time.Second)
	x.snap("windows-wine-login-1024.png")
}

// unzip extracts a zip file into dir, as Explorer's "extract all" does
// (names are read as UTF-8 where the archive flags them so).
func unzip(t *testing.T, file, dir string) {
	t.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.NonUTF8 { // Explorer would read the name as GBK
			t.Errorf("%q is not flagged as UTF-8", f.Name)
		}
		path := filepath.Join(dir, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(path, filepath.Clean(dir)+string(filepath.Separator)) {
			t.Fatalf("%q leaves the folder", f.Name)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		src, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(src)
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, f.Mode()|0o600); err != nil {
			t.Fatal(err)
		}
	}
}
