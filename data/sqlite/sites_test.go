package sqlite_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// A site makes its registration file; the central office registers it
// once; the same file again changes nothing; another key for the same code
// is refused; a clerk cannot register; damaged files are refused by name.
func TestSiteRegistration(t *testing.T) {
	d := testkit.Defaults(t)
	site, err := sqlite.CreateSite(ctx, filepath.Join(t.TempDir(), "village.db"), data.Site{Code: "330102101", Name: "示例村民事服务站", Kind: data.SiteVillage}, d)
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	reg, err := site.Registration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	file := exchange.MarshalRegistration(reg)
	back, err := exchange.ParseRegistration(file)
	if err != nil || back != reg || len(reg.Fingerprint()) != 19 {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	// The key the registration carries is the one documents are verified with.
	pub, _ := site.PublicKey(ctx)
	if pub == nil {
		t.Fatal("no public key after registration")
	}

	central, _ := testkit.Open(t)
	admin, _ := central.UserByLogin(ctx, "admin")
	clerk, _ := central.UserByLogin(ctx, "zhangli")
	if _, err := central.RegisterSite(ctx, clerk.ID, back); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Fatalf("a clerk registering: %v", err)
	}
	if changed, err := central.RegisterSite(ctx, admin.ID, back); err != nil || !changed {
		t.Fatalf("register: %v %v", changed, err)
	}
	if changed, err := central.RegisterSite(ctx, admin.ID, back); err != nil || changed {
		t.Fatalf("the same file again: %v %v", changed, err)
	}
	other, err := sqlite.CreateSite(ctx, filepath.Join(t.TempDir(), "forged.db"), data.Site{Code: "330102101", Name: "冒名站点", Kind: data.SiteVillage}, d)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	forged, _ := other.Registration(ctx)
	if _, err := central.RegisterSite(ctx, admin.ID, forged); data.ErrorCode(err) != data.ECONFLICT || !strings.Contains(err.Error(), "另一把公钥") {
		t.Fatalf("another key for the code: %v", err)
	}
	sites, err := central.Sites(ctx)
	if err != nil || len(sites) != 1 || sites[0].PublicKey != reg.PublicKey || sites[0].Name != "示例村民事服务站" {
		t.Fatalf("sites %+v %v", sites, err)
	}
	for _, bad := range []struct{ file, field string }{
		{"", "registration"},
		{`{"format":"onewindow-site-registration/9","code":"330102101","name":"x","kind":"village","public_key":"` + reg.PublicKey + `"}`, "format"},
		{strings.Replace(string(file), reg.PublicKey, "AAAA", 1), "public_key"},
		{strings.Replace(string(file), "330102101", "33010210", 1), "site_code"},
		{strings.Replace(string(file), `"kind"`, `"extra": 1, "kind"`, 1), "registration"},
		{string(file) + "{}", "registration"},
	} {
		if _, err := exchange.ParseRegistration([]byte(bad.file)); data.ErrorField(err) != bad.field {
			t.Errorf("%q: %v, want field %s", bad.file, err, bad.field)
		}
	}
}
