// Package zhlocale makes Simplified Chinese the language of a process that
// was started without one (LANG unset, C or POSIX — a cron job, a fresh
// container). The UI toolkit reads the locale while the program initialises
// and logs an error for "C"; importing this package from main, which has no
// dependencies of its own, runs its init before the toolkit's.
//
// It also gives the process a UTF-8 character type (LC_CTYPE) for the X input
// method where the environment's is not (see ctype_unix.go).
package zhlocale

import (
	"os"
	"strings"
)

func init() {
	for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		val := os.Getenv(v)
		if val == "" {
			continue
		}
		base, _, _ := strings.Cut(val, ".")
		if base != "C" && base != "POSIX" {
			return // the user chose a language
		}
	}
	os.Setenv("LANGUAGE", "zh_CN")
}
