package sqlite_test

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/catalogue"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// catalogueDigest hashes every catalogue table, row by row.
func catalogueDigest(t testing.TB, s *sqlite.Store) string {
	t.Helper()
	db := testkit.RawDB(t, s.Path())
	h := sha256.New()
	for _, q := range []string{
		"SELECT id, code, name FROM departments ORDER BY id",
		"SELECT id, code, name FROM windows ORDER BY id",
		"SELECT id, login, name, role, coalesce(window_id, 0), active, pin_hash, must_change FROM users ORDER BY id",
		"SELECT id, code, name, department_id, kind, statutory, promised, materials, active FROM items ORDER BY id",
		"SELECT item_id, fee_code FROM item_fees ORDER BY item_id, fee_code",
		"SELECT id, code, name, amount_fen, unit, basis, valid_from, coalesce(valid_to, '') FROM fee_items ORDER BY id",
		"SELECT id, code, name, basis, valid_from, coalesce(valid_to, '') FROM waiver_policies ORDER BY id",
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(h, vals...)
		}
		rows.Close()
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func parseBook(t testing.TB, b catalogue.Book) *catalogue.Catalogue {
	t.Helper()
	c, problems := catalogue.Parse(b)
	if len(problems) > 0 {
		t.Fatalf("parse: %v", problems)
	}
	return c
}

func TestImportCatalogueRoundTrip(t *testing.T) {
	s, _ := testkit.Open(t)
	admin := adminID(t, s)
	gen := demo.Catalogue(7, 1200)
	// Twelve of its sixty staff: each new user's PIN is a bcrypt hash,
	// slow under the race detector; the command line's test takes all.
	gen.Users = gen.Users[:12]
	files := []catalogue.File{{Name: "事项清单.xlsx", SHA256: strings.Repeat("ab", 32), Bytes: 1}}

	// A dry run reports and writes nothing.
	before := catalogueDigest(t, s)
	dry, err := s.ImportCatalogue(ctx, admin, parseBook(t, gen.Book()), sqlite.CatalogueImport{DryRun: true, Files: files})
	if err != nil || dry.Applied || len(dry.NewUsers) != 0 {
		t.Fatalf("dry run: %+v %v", dry.Counts, err)
	}
	if got := catalogueDigest(t, s); got != before {
		t.Fatal("a dry run changed the catalogue")
	}
	audits := count(t, testkit.RawDB(t, s.Path()), "SELECT count(*) FROM audit")

	res, err := s.ImportCatalogue(ctx, admin, parseBook(t, gen.Book()), sqlite.CatalogueImport{Files: files})
	if err != nil || !res.Applied {
		t.Fatalf("import: %v %v", res.Problems, err)
	}
	want := map[string]catalogue.Count{
		catalogue.SheetItems:       {Table: catalogue.SheetItems, Added: 1200},
		catalogue.SheetUsers:       {Table: catalogue.SheetUsers, Added: 12},
		catalogue.SheetDepartments: {Table: catalogue.SheetDepartments, Added: 4, Same: 14}, // the sample has 14 of the 18
	}
	for _, n := range res.Counts {
		if w, ok := want[n.Table]; ok && n != w {
			t.Errorf("%s: %+v, want %+v", n.Table, n, w)
		}
	}
	if len(res.NewUsers) != 12 {
		t.Fatalf("new users %d", len(res.NewUsers))
	}
	pin := regexp.MustCompile(`^[0-9]{8}$`)
	seen := map[string]bool{}
	for _, u := range res.NewUsers {
		if !pin.MatchString(u.PIN) || seen[u.PIN] {
			t.Errorf("one-time PIN %q", u.PIN)
		}
		seen[u.PIN] = true
	}
	u, err := s.Login(ctx, res.NewUsers[9].Login, res.NewUsers[9].PIN)
	if err != nil || !u.MustChange {
		t.Fatalf("a new user's first login: %+v %v", u, err)
	}
	db := testkit.RawDB(t, s.Path())
	if n := count(t, db, "SELECT count(*) FROM audit"); n != audits+2 { // the import, the login
		t.Errorf("audit entries %d → %d", audits, n)
	}
	var detail string
	db.QueryRow("SELECT detail FROM audit WHERE action = 'catalogue.import'").Scan(&detail)
	if !strings.Contains(detail, files[0].SHA256) || !strings.Contains(detail, "事项清单.xlsx") {
		t.Errorf("audit detail %s", detail)
	}
	items, _ := s.Items(ctx)
	if len(items) != 1200+32 {
		t.Errorf("%d items active", len(items))
	}

	// Export and import again: nothing changes.
	after := catalogueDigest(t, s)
	cur, err := s.Catalogue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.ImportCatalogue(ctx, admin, parseBook(t, cur.Book()), sqlite.CatalogueImport{Files: files})
	if err != nil || len(again.Changes) != 0 || len(again.NewUsers) != 0 {
		t.Fatalf("re-import of the export: %v %v", again.Changes, err)
	}
	for _, n := range again.Counts {
		if n.Added+n.Changed != 0 || n.Same == 0 {
			t.Errorf("re-import %+v", n)
		}
	}
	if got := catalogueDigest(t, s); got != after {
		t.Error("re-importing the export changed the catalogue")
	}
	// The generated file itself, a second time: nothing changes either.
	if res, err := s.ImportCatalogue(ctx, admin, parseBook(t, gen.Book()), sqlite.CatalogueImport{}); err != nil || len(res.Changes) != 0 {
		t.Fatalf("second import: %v %v", res.Changes, err)
	}
	if got := catalogueDigest(t, s); got != after {
		t.Error("importing the same file twice changed the catalogue")
	}
}

// A changed limit or material list applies to applications received after
// the import; a case keeps what it was accepted under.
func TestImportCatalogueLaterCasesOnly(t *testing.T) {
	s, clk := testkit.Open(t)
	admin := adminID(t, s)
	old := testkit.Register(t, s, "zhangli", "SCJG-005", data.DecideAccept)
	cur, err := s.Catalogue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cur.Items {
		if cur.Items[i].Code == "SCJG-005" {
			cur.Items[i].Statutory, cur.Items[i].Promised = 30, 15
			cur.Items[i].Materials = append(cur.Items[i].Materials, "食品安全自查承诺书")
		}
	}
	res, err := s.ImportCatalogue(ctx, admin, parseBook(t, cur.Book()), sqlite.CatalogueImport{})
	if err != nil || len(res.Changes) != 1 || !strings.Contains(res.Changes[0], "法定时限、承诺时限、申请材料") {
		t.Fatalf("import: %v %v", res.Changes, err)
	}
	same, err := s.Case(ctx, old.Number)
	if err != nil {
		t.Fatal(err)
	}
	if same.Clock.Promised.Due != old.Clock.Promised.Due || same.Clock.Statutory.Due != old.Clock.Statutory.Due {
		t.Errorf("the accepted case's dues moved: %v/%v → %v/%v", old.Clock.Promised.Due, old.Clock.Statutory.Due, same.Clock.Promised.Due, same.Clock.Statutory.Due)
	}
	clk.Set("2026-03-03 10:00")
	later := testkit.Register(t, s, "zhangli", "SCJG-005", data.DecideAccept)
	cal, _ := s.Calendar(ctx)
	if want := cal.AddWorkdays(calendar.NewDate(2026, 3, 3), 15); later.Clock.Promised.Due != want {
		t.Errorf("a later case is due %v, want %v (the new 15 days)", later.Clock.Promised.Due, want)
	}
}

func TestImportCatalogueRefusals(t *testing.T) {
	s, _ := testkit.Open(t)
	admin := adminID(t, s)
	clerk, _ := s.UserByLogin(ctx, "zhangli")
	ok := catalogue.Book{Sheets: []catalogue.Sheet{{Name: "部门", Rows: [][]string{{"部门编码", "部门名称"}, {"SLJ", "水利局"}}}}}
	if _, err := s.ImportCatalogue(ctx, clerk.ID, parseBook(t, ok), sqlite.CatalogueImport{}); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk importing: %v", err)
	}
	if _, err := s.ImportCatalogue(ctx, clerk.ID, parseBook(t, ok), sqlite.CatalogueImport{DryRun: true}); data.ErrorCode(err) != data.EFORBIDDEN {
		t.Errorf("a clerk checking a file: %v", err)
	}
	before := catalogueDigest(t, s)
	// Problems only the store can see: nothing is written, each is named.
	bad := catalogue.Book{Sheets: []catalogue.Sheet{
		{Name: "部门", Rows: [][]string{{"部门编码", "部门名称"}, {"SLJ", "水利局"}}},
		{Name: "人员", Rows: [][]string{{"登录名", "姓名", "角色", "窗口编号"}, {"zhangli", "张立", "窗口人员", "A01"}, {"newbie", "新人", "窗口人员", "Z99"}, {"admin", "系统管理员", "窗口人员", ""}}},
		{Name: "收费标准", Rows: [][]string{{"收费项目编码", "收费项目名称", "收费标准（元）", "计费单位", "依据文号", "生效日期", "失效日期"}, {"BDC-DJF-ZZ", "不动产登记费（住宅）", "90", "件", "某文号", "2025-01-01", ""}}},
		{Name: "事项", Rows: [][]string{{"事项编码", "事项名称", "部门编码", "办件类型", "法定时限（工作日）", "承诺时限（工作日）", "收费项目编码"}, {"X-1", "取水许可", "NOPE", "承诺件", "20", "5", "NOFEE"}}},
	}}
	res, err := s.ImportCatalogue(ctx, admin, parseBook(t, bad), sqlite.CatalogueImport{})
	if data.ErrorCode(err) != data.EINVALID || res.Applied {
		t.Fatalf("bad file: %v", err)
	}
	var all []string
	for _, p := range res.Problems {
		all = append(all, p.String())
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{
		"工作表“人员”第 2 行 A 列（登录名）：登录名“zhangli”已被用户 张丽 使用",
		"工作表“人员”第 3 行 D 列（窗口编号）：窗口编号“Z99”在“窗口”表和系统中都没有",
		"工作表“人员”第 4 行 C 列（角色）：不能停用或改变正在导入的管理员 admin 自己的角色",
		"工作表“收费标准”第 2 行 F 列（生效日期）：收费项目 BDC-DJF-ZZ 的有效期与系统中自 2017-01-01 起的标准重叠",
		"工作表“事项”第 2 行 C 列（部门编码）：部门编码“NOPE”在“部门”表和系统中都没有",
		"工作表“事项”第 2 行 G 列（收费项目编码）：收费项目“NOFEE”在“收费标准”表和系统中都没有",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing problem %q in\n%s", want, text)
		}
	}
	if got := catalogueDigest(t, s); got != before {
		t.Error("a refused file changed the catalogue")
	}
}

// BenchmarkImportCatalogue1200 is a centre's first import: 1,200 items,
// 60 staff (their one-time PINs hashed), 40 fee schedules, into the sample
// database; then the same file again, which changes nothing.
func BenchmarkImportCatalogue1200(b *testing.B) {
	gen := demo.Catalogue(7, 1200).Book()
	for _, again := range []bool{false, true} {
		name := "first"
		if again {
			name = "again"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s, _ := testkit.Open(b)
				admin := adminID(b, s)
				if again {
					if _, err := s.ImportCatalogue(ctx, admin, parseBook(b, gen), sqlite.CatalogueImport{}); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				if _, err := s.ImportCatalogue(ctx, admin, parseBook(b, gen), sqlite.CatalogueImport{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
