// Package private keeps the site's files to the person who runs the
// program: the database, the site's private key and the backups. On Linux
// (and the 信创 desktops) that is the file's mode, 0600 for files and 0700
// for folders; on Windows, where a file inherits its folder's ACL (under
// %LOCALAPPDATA% the user's, SYSTEM's and the administrators'; elsewhere
// whatever that folder allows), an explicit, protected ACL that grants the
// current user alone full control.
package private

// File makes an existing file readable and writable by the current user only.
func File(path string) error { return restrict(path, false) }

// Dir makes an existing folder usable by the current user only, and what is
// created in it afterwards inherits that (on Windows; on Linux a new file's
// mode is its creator's choice, and the program creates them 0600).
func Dir(path string) error { return restrict(path, true) }
