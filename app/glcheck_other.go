//go:build !windows

package app

// checkGraphics: on Linux and BSD the toolkit's own error reaches the
// terminal or the session log, and the start-up window (start.go) covers
// the database; a graphics check like Windows' was not needed so far.
func checkGraphics() error { return nil }
