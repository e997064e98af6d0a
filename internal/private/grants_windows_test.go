package private

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// grants reads the object's ACL back: protected from inheriting its
// parent's entries (or, for a file made in a restricted folder, holding
// only what that folder passes on), with one entry allowing the current
// user.
func grants(t *testing.T, path string, folder bool) {
	t.Helper()
	if k, err := registry.OpenKey(registry.CURRENT_USER, `Software\Wine`, registry.READ); err == nil {
		k.Close()
		// Wine accepts the ACL but answers with one made from the Unix
		// mode (docs/platforms.md): nothing to read back.
		t.Skip("under wine: ACLs are not kept")
	}
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	acl, _, err := sd.DACL()
	if err != nil || acl == nil {
		t.Fatalf("%s: no DACL (%v): everyone may read it", path, err)
	}
	user, err := currentUser()
	if err != nil {
		t.Fatal(err)
	}
	if acl.AceCount != 1 {
		t.Errorf("%s: %d entries in the ACL, want the user's alone (%s)", path, acl.AceCount, sd)
	}
	for i := uint32(0); i < uint32(acl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(acl, i, &ace); err != nil {
			t.Fatal(err)
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || !sid.Equals(user) {
			t.Errorf("%s: entry %d is type %d for %s, want allowed for %s", path, i, ace.Header.AceType, sid, user)
		}
	}
	control, _, err := sd.Control()
	if err != nil {
		t.Fatal(err)
	}
	if folder && control&windows.SE_DACL_PROTECTED == 0 {
		t.Errorf("%s: the folder still inherits its parent's entries", path)
	}
}
