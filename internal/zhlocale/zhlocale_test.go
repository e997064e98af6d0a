package zhlocale

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestCtypeUnderPlainC starts this test binary again under LC_ALL=C (and
// under a locale that is not installed): the program must still choose a
// UTF-8 LC_CTYPE for the input method, and Chinese as the language.
func TestCtypeUnderPlainC(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the C library's locale matters for X input methods only")
	}
	if os.Getenv("ZHLOCALE_CHILD") == "1" {
		if !CtypeUTF8 {
			t.Fatalf("LC_CTYPE %q is not UTF-8", Ctype)
		}
		if got := os.Getenv("LANGUAGE"); got != "zh_CN" {
			t.Fatalf("LANGUAGE = %q, want zh_CN", got)
		}
		return
	}
	for _, env := range [][]string{
		{"LC_ALL=C"},
		{"LANG=POSIX"},
		{"LC_ALL=", "LC_CTYPE=xx_YY.GB18030", "LANG=C"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestCtypeUnderPlainC$", "-test.v")
		cmd.Env = append(clean(os.Environ()), append(env, "ZHLOCALE_CHILD=1")...)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS") {
			t.Errorf("under %v: %v\n%s", env, err, out)
		}
	}
}

// clean drops the locale variables of the environment the tests run in.
func clean(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if k == "LANG" || k == "LANGUAGE" || strings.HasPrefix(k, "LC_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}
