// Package gctune sets the garbage collector for a bulk run (generating
// demo cases, merging bundles at the central office). Those runs make
// short-lived garbage by the hundred megabytes; collecting less often, within
// a soft memory limit, makes them markedly faster. The setting is the whole
// process's, so only the program's owner of the process — the command, the
// screen that starts the run, a benchmark — sets it, never the store.
package gctune

import "runtime/debug"

// Bulk collects less often (GOGC 400) within a soft limit of 900 MB, and
// returns what puts the previous settings back.
func Bulk() (restore func()) {
	gc := debug.SetGCPercent(400)
	limit := debug.SetMemoryLimit(900 << 20) // but stay under ~1 GB
	return func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(gc)
	}
}
