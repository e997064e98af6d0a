package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/onewindow/onewindow/assets"
	"github.com/onewindow/onewindow/cli"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/pgtest"
	"github.com/onewindow/onewindow/internal/testkit"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// A central office on PostgreSQL alone, as the README tells it: made with
// site init, sites registered from their files, their bundles imported
// (again: nothing changes), a site's bundle that is not next held (exit 5),
// and the commands not yet served by it refusing the URL instead of
// making a file of that name.
func TestCentralOnPostgreSQL(t *testing.T) {
	url := pgtest.URL(t)
	dir := t.TempDir()
	code, out, errOut := runIn(t, "1234567\n", "site", "init", "--code", "330100000", "--name", "示例市政务服务中心", "--kind", "centre", "--demo", "--db", url)
	if code != 0 || !strings.Contains(out, "PostgreSQL") {
		t.Fatalf("site init: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runIn(t, "1234567\n", "site", "init", "--code", "330100000", "--name", "x", "--kind", "centre", "--db", url); code != 1 || !strings.Contains(errOut, "已属于一个中心") {
		t.Fatalf("site init twice: %d %s", code, errOut)
	}
	// Two village sites with work, their registration files and bundles.
	bundles := filepath.Join(dir, "bundles")
	os.Mkdir(bundles, 0o755)
	for i, code := range []string{"330102101", "330102102"} {
		db := filepath.Join(dir, code+".db")
		if c, out, errOut := run(t, "site", "init", "--code", code, "--name", "示例民事服务站"+code[8:], "--kind", "village", "--demo", "--db", db); c != 0 {
			t.Fatalf("site %s: %s %s", code, out, errOut)
		}
		if c, _, errOut := run(t, "demo", "--cases", "120", "--seed", string(rune('1'+i)), "--quiet", "--db", db); c != 0 {
			t.Fatalf("demo: %s", errOut)
		}
		reg := filepath.Join(dir, code+".json")
		if c, _, errOut := signed(t, "admin", "site", "registration", "-o", reg, "--db", db); c != 0 {
			t.Fatalf("registration: %s", errOut)
		}
		if c, _, errOut := signed(t, "admin", "export", "--to", bundles, "--db", db); c != 0 {
			t.Fatalf("export: %s", errOut)
		}
		if c, out, errOut := signedPIN(t, "admin", "1234567", "site", "register", reg, "--db", url); c != 0 || !strings.Contains(out, "已登记站点 "+code) {
			t.Fatalf("register: %d %s %s", c, out, errOut)
		}
	}
	if c, out, _ := run(t, "site", "list", "--db", url); c != 0 || !strings.Contains(out, "330102101") || !strings.Contains(out, "330102102") {
		t.Fatalf("site list: %s", out)
	}
	if c, _, errOut := signedPIN(t, "admin", "7654321", "import", bundles, "--db", url); c != 1 || !strings.Contains(errOut, "PIN") {
		t.Fatalf("a wrong PIN: %d %s", c, errOut)
	}
	code, out, errOut = signedPIN(t, "admin", "1234567", "import", bundles, "--db", url)
	if code != 0 || !strings.Contains(out, "共 2 个数据包：导入 2") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	code, out, _ = signedPIN(t, "admin", "1234567", "import", bundles, "--db", url)
	if code != 0 || !strings.Contains(out, "已导入过 2") {
		t.Fatalf("import again: %d %s", code, out)
	}
	// Bundle 3 of a site whose bundle 2 has not come: held, exit 5.
	site1 := filepath.Join(dir, "330102101.db")
	lost := t.TempDir()
	for i, to := range []string{lost, bundles} {
		if c, _, errOut := run(t, "demo", "--cases", "30", "--seed", string(rune('5'+i)), "--quiet", "--db", site1); c != 0 {
			t.Fatalf("demo: %s", errOut)
		}
		if c, _, errOut := signed(t, "admin", "export", "--to", to, "--db", site1); c != 0 {
			t.Fatalf("export: %s", errOut)
		}
	}
	code, out, errOut = signedPIN(t, "admin", "1234567", "import", bundles, "--db", url)
	if code != 5 || !strings.Contains(out, "缺少第 2 号数据包") {
		t.Fatalf("a bundle out of sequence: %d %s %s", code, out, errOut)
	}
	if c, out, errOut := run(t, "verify", "--db", url); c != 0 || !strings.Contains(out, "2 个站点的审计链完好") {
		t.Fatalf("verify: %d %s %s", c, out, errOut)
	}
	// The report from the server, and the same from a SQLite centre fed
	// the same bundles.
	lite := filepath.Join(dir, "central.db")
	if c, _, errOut := run(t, "site", "init", "--code", "330100000", "--name", "示例市政务服务中心", "--kind", "centre", "--demo", "--db", lite); c != 0 {
		t.Fatalf("SQLite centre: %s", errOut)
	}
	for _, code := range []string{"330102101", "330102102"} {
		if c, _, errOut := signed(t, "admin", "site", "register", filepath.Join(dir, code+".json"), "--db", lite); c != 0 {
			t.Fatalf("register: %s", errOut)
		}
	}
	if c, _, errOut := signed(t, "admin", "import", bundles, "--db", lite); c != 5 {
		t.Fatalf("SQLite import: %d %s", c, errOut)
	}
	today := time.Now().Format("2006-01-02")
	from := time.Now().AddDate(-1, -1, 0).Format("2006-01-02")
	var csvs []string
	for _, db := range []string{url, lite} {
		out := filepath.Join(t.TempDir(), "report.csv")
		if c, _, errOut := run(t, "report", "--from", from, "--to", today, "--today", today, "--by", "department", "-o", out, "--db", db); c != 0 {
			t.Fatalf("report on %s: %s", db, errOut)
		}
		b, _ := os.ReadFile(out)
		csvs = append(csvs, string(b))
	}
	if csvs[0] != csvs[1] || !strings.Contains(csvs[0], "市场监督管理局") {
		t.Errorf("the reports differ:\n%s\n---\n%s", csvs[0], csvs[1])
	}
	// cases: the same cases with the same records and clocks from both.
	var listed []string
	for _, db := range []string{url, lite} {
		c, out, errOut := run(t, "cases", "--json", "--today", today, "--db", db)
		if c != 0 {
			t.Fatalf("cases on %s: %s", db, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		sort.Strings(lines)
		listed = append(listed, strings.Join(lines, "\n"))
		if len(lines) != 240 {
			t.Errorf("cases on %s: %d lines", db, len(lines))
		}
	}
	if listed[0] != listed[1] {
		a, b := strings.Split(listed[0], "\n"), strings.Split(listed[1], "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Errorf("cases differ:\n%s\n---\n%s", a[i], b[i])
				break
			}
		}
	}
	// (Two small demos have few open cases; the delivered are many.)
	if c, out, _ := run(t, "cases", "--status", "delivered", "--limit", "3", "--db", url); c != 0 || strings.Count(out, "\n") != 3 || strings.Count(out, "已送达") != 3 {
		t.Errorf("cases --status delivered --limit 3: %d\n%s", c, out)
	}
	// The GUI on the server: the supervisors' window opens the centre.
	var centre string
	if c := cli.Main(context.Background(), []string{"--db", url}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, func(o cli.Opener) error {
		if o.Site != nil {
			return fmt.Errorf("a site's file opened for %s", url)
		}
		s, err := o.Centre()
		if err != nil {
			return err
		}
		site, err := s.Site(context.Background())
		centre = site.Name
		return err
	}); c != 0 || centre != "示例市政务服务中心" {
		t.Errorf("GUI on PostgreSQL: %d %q", c, centre)
	}
	// Not served on PostgreSQL: a clear refusal, no file named after the URL.
	if code, _, errOut := run(t, "backup", filepath.Join(dir, "b.db"), "--db", url); code != 2 || !strings.Contains(errOut, "PostgreSQL") {
		t.Fatalf("backup on PostgreSQL: %d %s", code, errOut)
	}
}

// import --watch: the central office's service survives its folder being
// away, imports bundles as they arrive and moves them to done/.
func TestImportWatch(t *testing.T) {
	dir := t.TempDir()
	central := filepath.Join(dir, "central.db")
	if c, _, errOut := run(t, "site", "init", "--code", "330100000", "--name", "示例县行政服务中心", "--kind", "centre", "--demo", "--db", central); c != 0 {
		t.Fatalf("centre: %s", errOut)
	}
	site := filepath.Join(dir, "site.db")
	if c, _, errOut := run(t, "site", "init", "--code", "330102101", "--name", "示例民事服务站", "--kind", "village", "--demo", "--db", site); c != 0 {
		t.Fatalf("site: %s", errOut)
	}
	if c, _, errOut := run(t, "demo", "--cases", "60", "--quiet", "--db", site); c != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	reg := filepath.Join(dir, "reg.json")
	if c, _, errOut := signed(t, "admin", "site", "registration", "-o", reg, "--db", site); c != 0 {
		t.Fatalf("registration: %s", errOut)
	}
	if c, _, errOut := signed(t, "admin", "site", "register", reg, "--db", central); c != 0 {
		t.Fatalf("register: %s", errOut)
	}
	staging := filepath.Join(dir, "staging")
	os.Mkdir(staging, 0o755)
	if c, _, errOut := signed(t, "admin", "export", "--to", staging, "--db", site); c != 0 {
		t.Fatalf("export: %s", errOut)
	}
	// The share is not there when the service starts; it comes back with
	// the bundle a little later.
	share := filepath.Join(dir, "share")
	go func() {
		time.Sleep(1500 * time.Millisecond)
		os.Rename(staging, share)
	}()
	code, out, errOut := signed(t, "admin", "import", "--watch", "--every", "1s", "--rounds", "4", share, "--db", central)
	if code != 0 {
		t.Fatalf("watch: %d %s %s", code, out, errOut)
	}
	for _, want := range []string{"开始守候", "暂不可用", "已恢复", "330102101-000001.owb：已导入", "已移入 done"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(share, "*.owb")); len(left) != 0 {
		t.Errorf("left in the folder: %v", left)
	}
	if done, _ := filepath.Glob(filepath.Join(share, "done", "*.owb")); len(done) != 1 {
		t.Errorf("in done/: %v", done)
	}
	if strings.Count(out, "暂不可用") != 1 {
		t.Errorf("the missing folder was logged more than once:\n%s", out)
	}
}

// From a PostgreSQL centre to a site: the centre's registration file (its
// key made on first use), a signed publication of a catalogue and the
// holiday schedule, the site registering the centre and taking it; again
// changes nothing, a lost file is written again, and a publication for
// staff names its one site.
func TestPublishFromPostgreSQL(t *testing.T) {
	url := pgtest.URL(t)
	dir := t.TempDir()
	key := filepath.Join(dir, "centre.key")
	if c, out, errOut := runIn(t, "1234567\n", "site", "init", "--code", "330100000", "--name", "示例市政务服务中心", "--kind", "centre", "--db", url); c != 0 {
		t.Fatalf("centre: %s %s", out, errOut)
	}
	reg := filepath.Join(dir, "centre.json")
	if c, out, errOut := signedPIN(t, "admin", "1234567", "site", "registration", "-o", reg, "--key", key, "--db", url); c != 0 || !strings.Contains(out, "公钥指纹") {
		t.Fatalf("centre registration: %d %s %s", c, out, errOut)
	}
	if st, err := os.Stat(key); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the centre's key: %v %v", st, err)
	}
	site := filepath.Join(dir, "site.db")
	if c, _, errOut := run(t, "site", "init", "--code", "330102101", "--name", "示例民事服务站", "--kind", "village", "--demo", "--db", site); c != 0 {
		t.Fatalf("site: %s", errOut)
	}
	// The centre's catalogue: the site's own, exported, with one more
	// department.
	book := filepath.Join(dir, "catalogue.csv")
	if err := os.WriteFile(book, []byte("部门编码,部门名称\nSJJ,市数据资源管理局\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	holidays := filepath.Join(dir, "holidays.txt")
	os.WriteFile(holidays, assets.NationalCalendar, 0o644)
	xchg := filepath.Join(dir, "exchange")
	os.Mkdir(xchg, 0o755)
	c, out, errOut := signedPIN(t, "admin", "1234567", "publish", book, "--calendar", holidays, "--note", "新增部门", "--to", xchg, "--key", key, "--db", url)
	if c != 0 || !strings.Contains(out, "第 1 号下发包") {
		t.Fatalf("publish: %d %s %s", c, out, errOut)
	}
	// Staff for every site: refused; the wrong key: refused.
	staff := filepath.Join(dir, "staff.csv")
	os.WriteFile(staff, []byte("登录名,姓名,角色\nzhaoliu,赵六,窗口人员\n"), 0o644)
	if c, _, errOut := signedPIN(t, "admin", "1234567", "publish", staff, "--to", xchg, "--key", key, "--db", url); c != 2 || !strings.Contains(errOut, "--sites") {
		t.Errorf("staff for every site: %d %s", c, errOut)
	}
	os.WriteFile(filepath.Join(dir, "other.key"), []byte(strings.Repeat("ab", 32)+"\n"), 0o600)
	if c, _, errOut := signedPIN(t, "admin", "1234567", "publish", book, "--to", xchg, "--key", filepath.Join(dir, "other.key"), "--db", url); c != 1 || !strings.Contains(errOut, "不符") {
		t.Errorf("another key: %d %s", c, errOut)
	}
	// The site: no centre yet, then registered, then receiving.
	if c, _, errOut := signed(t, "admin", "receive", xchg, "--db", site); c != 1 || !strings.Contains(errOut, "trust-centre") {
		t.Errorf("receive before trust-centre: %d %s", c, errOut)
	}
	if c, out, errOut := signed(t, "admin", "site", "trust-centre", reg, "--db", site); c != 0 || !strings.Contains(out, "已登记中心 330100000") {
		t.Fatalf("trust-centre: %d %s %s", c, out, errOut)
	}
	c, out, errOut = signed(t, "admin", "receive", xchg, "--db", site)
	if c != 0 || !strings.Contains(out, "接收 1") || !strings.Contains(out, "节假日安排") {
		t.Fatalf("receive: %d %s %s", c, out, errOut)
	}
	if c, out, _ := signed(t, "admin", "receive", xchg, "--db", site); c != 0 || !strings.Contains(out, "已接收过 1") {
		t.Errorf("receive again: %d %s", c, out)
	}
	s, err := sqlite.OpenDefault(context.Background(), site, testkit.Defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	deps, err := s.Departments(context.Background())
	s.Close()
	found := false
	for _, d := range deps {
		found = found || d.Code == "SJJ" && d.Name == "市数据资源管理局"
	}
	if err != nil || !found || len(deps) < 2 {
		t.Errorf("departments after receiving: %v %v", deps, err)
	}
	// A lost file is written again, the same bytes.
	name := filepath.Join(xchg, "330100000-pub-000001.owp")
	first, _ := os.ReadFile(name)
	os.Remove(name)
	if c, _, errOut := signedPIN(t, "admin", "1234567", "publish", "--again", "1", "--to", xchg, "--db", url); c != 0 {
		t.Fatalf("publish --again: %s", errOut)
	}
	if again, _ := os.ReadFile(name); !bytes.Equal(again, first) {
		t.Error("the publication written again differs")
	}
}

// 上报 through a PostgreSQL centre, from the command line: the township
// reports a problem up to a county department; its bundle brings it to
// the server; the centre's supervisor answers (a clerk may not); publish
// --replies carries the answer back, and receive writes it into the
// township's problem.
func TestEscalationThroughPostgreSQL(t *testing.T) {
	url := pgtest.URL(t)
	dir := t.TempDir()
	key := filepath.Join(dir, "centre.key")
	if c, out, errOut := runIn(t, "1234567\n", "site", "init", "--code", "330100000", "--name", "示例市政务服务中心", "--kind", "centre", "--demo", "--db", url); c != 0 {
		t.Fatalf("centre: %s %s", out, errOut)
	}
	centreReg := filepath.Join(dir, "centre.json")
	if c, _, errOut := signedPIN(t, "admin", "1234567", "site", "registration", "-o", centreReg, "--key", key, "--db", url); c != 0 {
		t.Fatalf("centre registration: %s", errOut)
	}
	site := filepath.Join(dir, "site.db")
	if c, _, errOut := run(t, "site", "init", "--code", "330102101", "--name", "示例民事服务站", "--kind", "village", "--demo", "--db", site); c != 0 {
		t.Fatalf("site: %s", errOut)
	}
	if c, out, errOut := signed(t, "zhangli", "problem", "register", "--code", "913301023333005192", "--name", "西湖嘉禾食品有限公司",
		"--category", "用地", "--source", "走访", "--text", "新厂区用地需要县里调整村庄规划", "--db", site); c != 0 {
		t.Fatalf("register: %s %s", out, errOut)
	}
	number := "330102101-" + time.Now().Format("2006") + "-WT000001"
	for _, step := range [][]string{{"--kind", "triaged", "--track", "soon"}, {"--kind", "escalated", "--department", "ZRGH", "--text", "村庄规划调整须县局办理"}} {
		if c, out, errOut := signed(t, "zhangli", append(append([]string{"problem", "record", number}, step...), "--db", site)...); c != 0 {
			t.Fatalf("%v: %s %s", step, out, errOut)
		}
	}
	siteReg := filepath.Join(dir, "site.json")
	bundles := filepath.Join(dir, "bundles")
	os.Mkdir(bundles, 0o755)
	if c, _, errOut := signed(t, "admin", "site", "registration", "-o", siteReg, "--db", site); c != 0 {
		t.Fatal(errOut)
	}
	if c, _, errOut := signed(t, "admin", "export", "--to", bundles, "--db", site); c != 0 {
		t.Fatal(errOut)
	}
	if c, _, errOut := signedPIN(t, "admin", "1234567", "site", "register", siteReg, "--db", url); c != 0 {
		t.Fatal(errOut)
	}
	if c, _, errOut := signedPIN(t, "admin", "1234567", "import", bundles, "--db", url); c != 0 {
		t.Fatal(errOut)
	}
	xchg := filepath.Join(dir, "exchange")
	os.Mkdir(xchg, 0o755)
	if c, _, errOut := signedPIN(t, "admin", "1234567", "publish", "--replies", "--to", xchg, "--key", key, "--db", url); c != 1 || !strings.Contains(errOut, "没有可下发的内容") {
		t.Errorf("publish with nothing to carry: %d %s", c, errOut)
	}
	if c, out, errOut := signedPIN(t, "admin", "1234567", "problem", "reply", number, "--text", "县局已受理规划调整申请，下月初答复", "--db", url); c != 0 || !strings.Contains(out, "自然资源和规划局") {
		t.Fatalf("reply: %d %s %s", c, out, errOut)
	}
	c, out, errOut := signedPIN(t, "admin", "1234567", "publish", "--replies", "--to", xchg, "--key", key, "--db", url)
	if c != 0 || !strings.Contains(out, "上报问题答复 1 条") {
		t.Fatalf("publish: %d %s %s", c, out, errOut)
	}
	if c, _, errOut := signed(t, "admin", "site", "trust-centre", centreReg, "--db", site); c != 0 {
		t.Fatal(errOut)
	}
	if c, out, errOut := signed(t, "admin", "receive", xchg, "--db", site); c != 0 || !strings.Contains(out, "1 条上报问题的答复已记入问题") {
		t.Fatalf("receive: %d %s %s", c, out, errOut)
	}
	c, out, _ = run(t, "problems", "--json", "--db", site)
	if c != 0 || !strings.Contains(out, `"kind":"answered"`) || !strings.Contains(out, "县局已受理规划调整申请") || !strings.Contains(out, "自然资源和规划局") {
		t.Errorf("the township's problem: %s", out)
	}
}
