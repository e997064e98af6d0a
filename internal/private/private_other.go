//go:build !windows

package private

// restrict has nothing to add to the mode on Unix.
func restrict(string, bool) error { return nil }
