package sqlite_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/assets"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/catalogue"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// publish has the centre publish p and writes it into dir.
func publish(t *testing.T, centre *sqlite.Store, dir string, p *exchange.Publication) int64 {
	t.Helper()
	raw, err := centre.Publish(ctx, adminID(t, centre), p, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, exchange.PublicationName(p.Manifest.Centre, p.Manifest.Seq)), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return p.Manifest.Seq
}

func outcomes(res []sqlite.PublicationResult) string {
	var out []string
	for _, r := range res {
		out = append(out, strconv.FormatInt(r.Seq, 10)+":"+string(r.Outcome))
	}
	return strings.Join(out, " ")
}

// A site takes its centre's publications in sequence: verified against
// the centre's registered key, the catalogue applied as onboarding does
// (its own additions kept, its cases keeping the limits they were
// accepted under), the holiday schedule loaded, one not addressed to it
// recorded so that the sequence goes on, staff taken only when the site
// wishes, a gap held, a forged file refused with nothing changed, every
// one audited; administrators only.
func TestPublications(t *testing.T) {
	d := testkit.Defaults(t)
	centre, err := sqlite.CreateSite(ctx, filepath.Join(t.TempDir(), "centre.db"), data.Site{Code: "330100000", Name: "示例市政务服务中心", Kind: data.SiteCentre}, d)
	if err != nil {
		t.Fatal(err)
	}
	defer centre.Close()
	site, err := sqlite.CreateSite(ctx, filepath.Join(t.TempDir(), "site.db"), data.Site{Code: "330102101", Name: "示例民事服务站", Kind: data.SiteVillage}, d)
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	if _, err := demo.Run(ctx, site, demo.Options{Cases: 120, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	admin := adminID(t, site)
	dir := t.TempDir()

	// Before the centre is registered: a clear refusal.
	if _, err := site.ReceivePublications(ctx, admin, dir, sqlite.Receive{}); data.ErrorCode(err) != data.ENOTFOUND || !strings.Contains(err.Error(), "trust-centre") {
		t.Fatalf("no centre: %v", err)
	}
	reg, err := centre.Registration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	clerk, _ := site.UserByLogin(ctx, "zhangli")
	if _, err := site.TrustCentre(ctx, clerk.ID, reg, false); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk registers the centre: %v", err)
	}
	if changed, err := site.TrustCentre(ctx, admin, reg, false); err != nil || !changed {
		t.Fatal(changed, err)
	}
	if changed, err := site.TrustCentre(ctx, admin, reg, false); err != nil || changed {
		t.Errorf("the same centre again: %v %v", changed, err)
	}
	other := reg
	other.Code = "330200000"
	if _, err := site.TrustCentre(ctx, admin, other, false); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("another centre without --replace: %v", err)
	}

	// The centre's catalogue: the site's own, with one item's limit
	// changed and one item left out (the site's own addition).
	apps, err := site.Cases(ctx, data.CaseFilter{Statuses: []data.Status{data.StatusAccepted}, Limit: 1})
	if err != nil || len(apps) == 0 {
		t.Fatal(apps, err)
	}
	before, err := site.Case(ctx, apps[0].Number) // with its clock
	if err != nil {
		t.Fatal(err)
	}
	cur, err := site.Catalogue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	book := cur.Book()
	var items *catalogue.Sheet
	for i := range book.Sheets {
		if book.Sheets[i].Name == catalogue.SheetItems {
			items = &book.Sheets[i]
		}
	}
	var kept string
	promised := 0
	rows := [][]string{items.Rows[0]}
	for _, r := range items.Rows[1:] {
		switch {
		case r[0] == before.Item.Code:
			promised = before.Item.Promised + 1
			r[5], r[4] = strconv.Itoa(promised), strconv.Itoa(max(before.Item.Statutory, promised))
		case kept == "" && r[0] != before.Item.Code:
			kept = r[0]
			continue
		}
		rows = append(rows, r)
	}
	items.Rows = rows
	var staffless catalogue.Book
	for _, sh := range book.Sheets {
		if sh.Name != catalogue.SheetUsers && sh.Name != catalogue.SheetWindows {
			staffless.Sheets = append(staffless.Sheets, sh)
		}
	}
	staff := catalogue.Book{Sheets: []catalogue.Sheet{
		{Name: catalogue.SheetWindows, Rows: [][]string{{"窗口编号", "窗口名称"}, {"Z09", "中心派驻窗口"}}},
		{Name: catalogue.SheetUsers, Rows: [][]string{{"登录名", "姓名", "角色", "窗口编号"}, {"zhaoliu", "赵六", "窗口人员", "Z09"}}},
	}}
	// 1 for every site, 2 for another site, 3 for this one with staff.
	p1 := &exchange.Publication{Catalogue: &staffless, Calendar: assets.NationalCalendar, Manifest: exchange.PublicationManifest{Note: "统一事项目录"}}
	publish(t, centre, dir, p1)
	p2 := &exchange.Publication{Catalogue: &staffless, Manifest: exchange.PublicationManifest{Sites: []string{"330102102"}}}
	raw2, err := centre.Publish(ctx, adminID(t, centre), p2, "test")
	if err != nil {
		t.Fatal(err)
	}
	publish(t, centre, dir, &exchange.Publication{Catalogue: &staff, Manifest: exchange.PublicationManifest{Sites: []string{"330102101"}}})

	res, err := site.ReceivePublications(ctx, admin, dir, sqlite.Receive{})
	if err != nil || outcomes(res) != "1:applied 3:held" {
		t.Fatalf("first round: %s %v", outcomes(res), err)
	}
	if res[0].Calendar == nil || len(res[0].Calendar.Years) == 0 || res[0].Catalogue.Counts == nil {
		t.Errorf("publication 1: %+v", res[0])
	}
	got, err := site.Case(ctx, before.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Clock.Promised.Limit != before.Clock.Promised.Limit || got.Limits() != before.Limits() {
		t.Errorf("a case accepted before: limit %d → %d", before.Clock.Promised.Limit, got.Clock.Promised.Limit)
	}
	its, err := site.Items(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]data.ServiceItem{}
	for _, it := range its {
		found[it.Code] = it
	}
	if found[before.Item.Code].Promised != promised {
		t.Errorf("item %s promised %d, published %d", before.Item.Code, found[before.Item.Code].Promised, promised)
	}
	if _, ok := found[kept]; !ok {
		t.Errorf("the site's own item %s is gone", kept)
	}

	// 2 arrives; 3 with staff: a dry run first, then without staff, then
	// (as the site wishes) with them.
	if err := os.WriteFile(filepath.Join(dir, exchange.PublicationName("330100000", 2)), raw2, 0o644); err != nil {
		t.Fatal(err)
	}
	digest := catalogueDigest(t, site)
	res, err = site.ReceivePublications(ctx, admin, dir, sqlite.Receive{DryRun: true, WithStaff: true})
	if err != nil || outcomes(res) != "1:already 2:applied 3:held" || catalogueDigest(t, site) != digest {
		t.Fatalf("dry run: %s %v", outcomes(res), err)
	}
	var delivered []sqlite.NewUser
	res, err = site.ReceivePublications(ctx, admin, dir, sqlite.Receive{WithStaff: true, Deliver: func(u []sqlite.NewUser) error { delivered = u; return nil }})
	if err != nil || outcomes(res) != "1:already 2:applied 3:applied" {
		t.Fatalf("second round: %s %v", outcomes(res), err)
	}
	if !strings.Contains(res[1].Summary, "不是发给本站点的") {
		t.Errorf("publication 2: %q", res[1].Summary)
	}
	if u, err := site.UserByLogin(ctx, "zhaoliu"); err != nil || len(delivered) != 1 || delivered[0].PIN == "" || u.Name != "赵六" {
		t.Errorf("staff taken: %v %v", delivered, err)
	}

	// A forged publication 4 (another key) is refused with nothing
	// changed; 5 after it is held.
	forger, err := sqlite.CreateSite(ctx, filepath.Join(t.TempDir(), "forger.db"), data.Site{Code: "330100000", Name: "示例市政务服务中心", Kind: data.SiteCentre}, d)
	if err != nil {
		t.Fatal(err)
	}
	defer forger.Close()
	for range 3 {
		publish(t, forger, t.TempDir(), &exchange.Publication{Calendar: assets.NationalCalendar})
	}
	publish(t, forger, dir, &exchange.Publication{Catalogue: &staffless}) // the forger's 4
	publish(t, centre, t.TempDir(), &exchange.Publication{Calendar: assets.NationalCalendar})
	publish(t, centre, dir, &exchange.Publication{Calendar: assets.NationalCalendar}) // the centre's 5
	digest = catalogueDigest(t, site)
	res, err = site.ReceivePublications(ctx, admin, dir, sqlite.Receive{})
	if err != nil || outcomes(res) != "1:already 2:already 3:already 4:rejected 5:held" || !strings.Contains(res[3].Message, "签名无效") {
		t.Fatalf("forged: %s %v %+v", outcomes(res), err, res)
	}
	if catalogueDigest(t, site) != digest {
		t.Error("a forged publication changed the catalogue")
	}
	db := testkit.RawDB(t, site.Path())
	if n := count(t, db, "SELECT count(*) FROM audit WHERE action = 'publication.receive'"); n != 3 {
		t.Errorf("%d publication.receive audit entries", n)
	}
	if n := count(t, db, "SELECT count(*) FROM received_publications WHERE outcome = 'not_addressed'"); n != 1 {
		t.Errorf("%d not addressed", n)
	}
	list, err := site.ReceivedPublications(ctx)
	if err != nil || len(list) != 3 {
		t.Errorf("received: %v %v", list, err)
	}
	// A site cannot publish; the centre keeps every publication's bytes.
	if _, err := site.Publish(ctx, admin, &exchange.Publication{Calendar: assets.NationalCalendar}, "test"); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a site publishes: %v", err)
	}
	if _, err := centre.PublicationBytes(ctx, 9); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("publication 9: %v", err)
	}
}
