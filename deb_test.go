package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/cli"
)

// TestDebPackage makes the Debian package from the program (tools/deb.sh,
// what make deb runs), unpacks it, and checks it as an installer would: the
// binary runs from it, the desktop entry is valid and names the icon that is
// there, and every library the binary links or GLFW opens at start comes
// from a package that Depends names.
func TestDebPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	needTools(t, "dpkg-deb", "dpkg-query", "desktop-file-validate")
	bin := programBinary(t)
	out, err := exec.Command("tools/deb.sh", "amd64", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("deb.sh: %v\n%s", err, out)
	}
	deb := strings.TrimSpace(string(out))
	t.Cleanup(func() { os.Remove(deb) })
	dir := t.TempDir()
	if out, err := exec.Command("dpkg-deb", "-x", deb, dir).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -x: %v\n%s", err, out)
	}
	if out, err := exec.Command(filepath.Join(dir, "usr/bin/onewindow"), "version").Output(); err != nil || !strings.Contains(string(out), cli.Version) {
		t.Errorf("the packaged program says %q (%v)", out, err)
	}
	desktop := filepath.Join(dir, "usr/share/applications/cn.gov.onewindow.desktop")
	if out, err := exec.Command("desktop-file-validate", desktop).CombinedOutput(); err != nil {
		t.Errorf("desktop entry: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "usr/share/icons/hicolor/256x256/apps/cn.gov.onewindow.png")); err != nil {
		t.Errorf("icon: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "usr/share/doc/onewindow/licences/glfw-C.txt")); err != nil {
		t.Errorf("licence texts: %v", err)
	}

	control, err := exec.Command("dpkg-deb", "-f", deb, "Depends").Output()
	if err != nil {
		t.Fatal(err)
	}
	depends := map[string]bool{}
	for _, d := range strings.Split(string(control), ",") {
		depends[strings.Fields(d)[0]] = true
	}
	// Linked (NEEDED), and opened by GLFW with dlopen (x11_init.c).
	libs := []string{"libXrandr.so.2", "libXinerama.so.1", "libXcursor.so.1", "libXi.so.6", "libXxf86vm.so.1", "libX11-xcb.so.1"}
	dyn, err := exec.Command("readelf", "-d", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\(NEEDED\).*\[(.+)\]`).FindAllStringSubmatch(string(dyn), -1) {
		libs = append(libs, m[1])
	}
	for _, lib := range libs {
		out, err := exec.Command("dpkg-query", "-S", "*/"+lib).Output()
		if err != nil {
			t.Errorf("no installed package has %s", lib)
			continue
		}
		var pkgs []string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			pkg, _, _ := strings.Cut(line, ":")
			pkgs = append(pkgs, pkg)
		}
		found := false
		for _, p := range pkgs {
			found = found || depends[p]
		}
		if !found {
			t.Errorf("%s comes from %v, none of which Depends names (%s)", lib, pkgs, strings.TrimSpace(string(control)))
		}
	}
}
