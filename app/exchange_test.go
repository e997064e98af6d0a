package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/catalogue"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// A clerk exports the site's changes to a folder and exports bundle 1
// again, byte for byte; the clerk cannot import. At the central office the
// administrator registers the site from its file, imports the folder and
// sees the site's last bundle.
func TestExchangeScreen(t *testing.T) {
	ctx := context.Background()
	s := testkit.OpenTemp(t)
	if _, err := demo.Run(ctx, s, demo.Options{Cases: 200, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	ui := loggedIn(t, s, "zhangli")
	x := ui.xchg
	x.load()
	waitFor(t, "the pending count", func() bool {
		return strings.Contains(x.pending.Text, "200 件办件") && strings.Contains(x.pending.Text, "个企业问题有变动")
	})
	if !x.importB.Disabled() || !x.registerB.Disabled() {
		t.Fatal("a clerk may not import or register sites")
	}
	usb := t.TempDir()
	x.outDir.SetText(filepath.Join(usb, "missing"))
	x.export()
	if !strings.Contains(x.outMsg.Text, "请选择一个存在的文件夹") {
		t.Fatalf("a missing folder: %q", x.outMsg.Text)
	}
	x.outDir.SetText(usb)
	x.export()
	waitFor(t, "the export", func() bool { return strings.Contains(x.outMsg.Text, "第 1 号数据包已写入") })
	waitFor(t, "the list of bundles", func() bool { return len(x.exports) == 1 && strings.Contains(x.pending.Text, "没有办件变动") })
	site, _ := s.Site(ctx)
	first, err := os.ReadFile(filepath.Join(usb, exchange.BundleName(site.Code, 1)))
	if err != nil {
		t.Fatal(err)
	}
	again := t.TempDir()
	x.outDir.SetText(again)
	x.expList.Select(0)
	test.Tap(x.againB)
	waitFor(t, "the export again", func() bool { return strings.Contains(x.outMsg.Text, "重新写入") })
	if b, _ := os.ReadFile(filepath.Join(again, exchange.BundleName(site.Code, 1))); !bytes.Equal(b, first) {
		t.Fatal("bundle 1 exported again differs")
	}

	// The central office.
	central, err := sqlite.CreateSite(ctx, filepath.Join(t.TempDir(), "central.db"), data.Site{Code: "330100000", Name: "示例县行政服务中心", Kind: data.SiteCentre},
		testkit.Defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	defer central.Close()
	if err := central.MarkSample(ctx); err != nil { // a trial centre: the site's cases are the demo's
		t.Fatal(err)
	}
	reg, _ := s.Registration(ctx)
	regFile := filepath.Join(t.TempDir(), "site.json")
	os.WriteFile(regFile, exchange.MarshalRegistration(reg), 0o644)
	cui := loggedIn(t, central, "admin")
	cx := cui.xchg
	cx.load()
	cx.registerFile(regFile)
	waitFor(t, "the registration", func() bool { return strings.Contains(cx.siteMsg.Text, "已登记站点 "+site.Code) })
	os.WriteFile(filepath.Join(usb, "junk.owb"), []byte("junk"), 0o644)
	cx.inDir.SetText(usb)
	test.Tap(cx.importB)
	waitFor(t, "the import", func() bool {
		return strings.Contains(cx.inMsg.Text, "共 2 个数据包：导入 1，已导入过 0，暂缓 0，拒收 1")
	})
	if len(cx.log) != 2 {
		t.Fatalf("log %+v", cx.log)
	}
	waitFor(t, "the sites", func() bool { return len(cx.sites) == 1 && cx.sites[0].LastSeq == 1 && cx.sites[0].Cases == 200 })
	if got := cx.siteCell(0, 4); got != "第 1 号" {
		t.Errorf("last bundle cell %q", got)
	}
}

// Opening the program makes today's automatic backup; 设置 → 备份 makes one
// to a chosen file, and says so.
func TestBackupTab(t *testing.T) {
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "admin")
	b := ui.sets.backup
	waitFor(t, "the daily backup", func() bool { return strings.Contains(b.daily.Text, "现有 1 份") })
	files, _ := filepath.Glob(filepath.Join(s.BackupDir(), "*.db.gz"))
	if len(files) != 1 {
		t.Fatalf("daily backups %v", files)
	}
	if _, err := s.Registration(context.Background()); err != nil { // the site's key pair
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "copy")
	b.backup(path, "钥匙口令 2026")
	waitFor(t, "the backup", func() bool {
		return strings.Contains(b.msg.Text, "已备份到") && strings.Contains(b.msg.Text, "加密")
	})
	if info, err := sqlite.CheckBackup(context.Background(), path+".db"); err != nil || !info.KeySealed {
		t.Fatalf("%+v %v", info, err)
	}
	b.backup(path, "")
	waitFor(t, "the refusal", func() bool { return strings.Contains(b.msg.Text, "已存在") })
}

// 自动导出: on, with a folder that is there, a turn writes the changes; a
// folder that is away is said once and the next turn after it is back
// writes; a logout writes the day's last changes.
func TestAutoExport(t *testing.T) {
	ctx := context.Background()
	s := testkit.OpenTemp(t)
	ui := loggedIn(t, s, "zhangli")
	x := ui.xchg
	a := x.auto
	share := filepath.Join(t.TempDir(), "share")
	x.outDir.SetText(share)
	a.on.SetChecked(true)
	if !strings.Contains(a.status.Text, "自动导出已开启") || x.prefs.String(prefExchangeDir) != share {
		t.Fatalf("turned on: %q", a.status.Text)
	}
	testkit.Register(t, s, "zhangli", "SCJG-005", data.DecideAccept)
	a.turn("")
	waitFor(t, "the folder away", func() bool { return strings.Contains(a.status.Text, "暂不可用") })
	away := a.status.Text
	a.turn("")
	if a.status.Text != away {
		t.Errorf("said twice: %q", a.status.Text)
	}
	os.Mkdir(share, 0o755)
	a.turn("")
	waitFor(t, "the export", func() bool { return strings.Contains(a.status.Text, "已写入 第 1 号（1 件办件）") })
	site, _ := s.Site(ctx)
	if _, err := os.Stat(filepath.Join(share, exchange.BundleName(site.Code, 1))); err != nil {
		t.Fatal(err)
	}
	a.turn("") // nothing new: no bundle 2
	if _, err := os.Stat(filepath.Join(share, exchange.BundleName(site.Code, 2))); err == nil {
		t.Error("a bundle with nothing in it")
	}
	testkit.Register(t, s, "zhangli", "SCJG-005", data.DecideAccept)
	ui.logout()
	waitFor(t, "the export at logout", func() bool { return strings.Contains(a.status.Text, "退出登录时") })
	if _, err := os.Stat(filepath.Join(share, exchange.BundleName(site.Code, 2))); err != nil {
		t.Fatal(err)
	}
	a.on.SetChecked(false)
	testkit.Register(t, s, "zhangli", "SCJG-005", data.DecideAccept)
	a.turn("")
	if _, err := os.Stat(filepath.Join(share, exchange.BundleName(site.Code, 3))); err == nil {
		t.Error("exported with 自动导出 off")
	}
}

// 接收中心下发: the administrator registers the centre from its file and
// takes its publication from the folder; the new department reaches 设置
// and the intake; a clerk may do neither.
func TestReceivePane(t *testing.T) {
	ctx := context.Background()
	centre, err := sqlite.CreateSite(ctx, filepath.Join(t.TempDir(), "centre.db"), data.Site{Code: "330100000", Name: "示例市政务服务中心", Kind: data.SiteCentre}, testkit.Defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	defer centre.Close()
	reg, err := centre.Registration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	regFile := filepath.Join(t.TempDir(), "centre.json")
	os.WriteFile(regFile, exchange.MarshalRegistration(reg), 0o644)
	admin, _ := centre.UserByLogin(ctx, "admin")
	dir := t.TempDir()
	p := &exchange.Publication{Catalogue: &catalogue.Book{Sheets: []catalogue.Sheet{{Name: "部门", Rows: [][]string{{"部门编码", "部门名称"}, {"SJJ", "市数据资源管理局"}}}}}}
	raw, err := centre.Publish(ctx, admin.ID, p, "test")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, exchange.PublicationName("330100000", 1)), raw, 0o644)

	s := testkit.OpenTemp(t)
	clerk := loggedIn(t, s, "zhangli")
	clerk.xchg.load()
	if !clerk.xchg.recv.recvB.Disabled() || !clerk.xchg.recv.trustB.Disabled() {
		t.Error("a clerk may take publications")
	}
	ui := loggedIn(t, s, "admin")
	r := ui.xchg.recv
	ui.xchg.load()
	waitFor(t, "no centre yet", func() bool { return strings.Contains(r.centre.Text, "尚未登记中心") })
	r.trustFile(regFile)
	waitFor(t, "the centre", func() bool { return strings.Contains(r.centre.Text, "示例市政务服务中心（330100000）") })
	r.dir.SetText(dir)
	test.Tap(r.recvB)
	waitFor(t, "the publication", func() bool { return strings.Contains(r.msg.Text, "接收 1") })
	waitFor(t, "the history", func() bool { return len(r.history) == 1 })
	deps, err := s.Departments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range deps {
		found = found || d.Code == "SJJ"
	}
	if !found {
		t.Error("the published department is not there")
	}
	test.Tap(r.recvB)
	waitFor(t, "again", func() bool { return strings.Contains(r.msg.Text, "已接收过 1") })
	ui.tabs.SelectIndex(6)
	ui.xchg.tabs.SelectIndex(3)
	snap(t, ui.win, "exchange-receive")
}
