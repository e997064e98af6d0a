//go:build !windows

package private

import "os"

// restrict sets the mode: 0700 for a folder, 0600 for a file.
func restrict(path string, folder bool) error {
	if folder {
		return os.Chmod(path, 0o700)
	}
	return os.Chmod(path, 0o600)
}
