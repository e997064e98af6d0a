package sqlite_test

import (
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/internal/testkit"
)

// TestBadInputTable backs the rows of docs/bad-input.md that the store
// decides: each bad input gets an EINVALID (or ENOTFOUND) error whose
// Chinese message names the field, and nothing is saved. Rows about files
// (bundles, backups, receipts, calendar files, PDFs) are backed by the
// tests the table names.
func TestBadInputTable(t *testing.T) {
	s, _ := testkit.Open(t)
	f := load(t, s)
	admin, _ := s.UserByLogin(ctx, "admin")
	good, err := s.Register(ctx, f.clerk.ID, f.intake("食品经营许可", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	db := testkit.RawDB(t, s.Path())
	person := func(id string) data.Intake {
		in := f.intake("食品经营许可", data.DecideAccept)
		in.Applicant = data.Applicant{Kind: data.ApplicantIndividual, Name: "王小明", IDCode: id}
		return in
	}
	company := func(change func(a *data.Applicant)) data.Intake {
		in := f.intake("食品经营许可", data.DecideAccept)
		change(&in.Applicant)
		return in
	}
	register := func(in data.Intake) func() error {
		return func() error { _, err := s.Register(ctx, f.clerk.ID, in); return err }
	}
	fee := func(change func(x *data.FeeItem)) func() error {
		x := data.FeeItem{Code: "T-1", Name: "测试费", AmountFen: 1000, Unit: "件", Basis: "测试〔2026〕1号", ValidFrom: calendar.NewDate(2026, 1, 1)}
		change(&x)
		return func() error { _, err := s.SaveFeeItem(ctx, admin.ID, x); return err }
	}
	rows := []struct {
		name string
		do   func() error
		want string // in the message; "" = accepted
	}{
		{"credit code with a wrong check digit", register(company(func(a *data.Applicant) { a.IDCode = "91350100M000100Y44" })), "统一社会信用代码"},
		{"ID number with a wrong check digit", register(person("110105194912310021")), "身份证"},
		{"ID number born in 1800", register(person("440524180001010018")), "身份证"},
		{"ID number born in 2099", register(person("110105209901010012")), "身份证"},
		{"ID number born on 30 February", register(person("110105194902300020")), "身份证"},
		{"ID number born in 1948 (accepted)", register(person("110105194801010016")), ""},
		{"2,000-character name", register(company(func(a *data.Applicant) { a.Name = strings.Repeat("名", 2000) })), "申请人名称：不能超过 100 个字"},
		{"empty name", register(company(func(a *data.Applicant) { a.Name = "" })), "申请人名称：不能为空"},
		{"name with spaces around it", register(company(func(a *data.Applicant) { a.Name = " 杭州示例 " })), "申请人名称：首尾不能有空格"},
		{"name with a control character", register(company(func(a *data.Applicant) { a.Name = "杭州\x00示例" })), "申请人名称：包含控制字符"},
		{"name that is not UTF-8", register(company(func(a *data.Applicant) { a.Name = "杭州\xff示例" })), "申请人名称：包含无效字符"},
		{"name outside the BMP (accepted, stored exactly)", register(company(func(a *data.Applicant) { a.Name = "𠮷野家餐饮有限公司" })), ""},
		{"phone with letters", register(company(func(a *data.Applicant) { a.Phone = "0571-ABCDEF" })), "联系电话"},
		{"unknown service item", register(func() data.Intake {
			in := f.intake("食品经营许可", data.DecideAccept)
			in.ItemID = 9999
			return in
		}()), "办理事项"},
		{"negative fee", fee(func(x *data.FeeItem) { x.AmountFen = -1 }), "收费标准"},
		{"huge fee", fee(func(x *data.FeeItem) { x.AmountFen = data.MaxFeeFen + 1 }), "收费标准"},
		{"fee valid before 1949-10-01", fee(func(x *data.FeeItem) { x.ValidFrom = calendar.NewDate(1900, 1, 1) }), "生效日期"},
		{"fee valid from after 2099", fee(func(x *data.FeeItem) { x.ValidFrom = calendar.NewDate(2200, 1, 1) }), "生效日期"},
		{"fee ending before it starts", fee(func(x *data.FeeItem) { x.ValidTo = calendar.NewDate(2025, 1, 1) }), "失效日期"},
		{"extension of 0 days", func() error { _, err := s.RequestExtension(ctx, good.Number, f.clerk.ID, 0, "测试"); return err }, "天数"},
		{"extension of 61 days", func() error { _, err := s.RequestExtension(ctx, good.Number, f.clerk.ID, 61, "测试"); return err }, "天数"},
		{"rating of 6", func() error { _, err := s.Rate(ctx, good.Number, f.clerk.ID, 6, ""); return err }, "评价等级"},
		{"event on an unknown case", func() error {
			_, err := s.Record(ctx, "330102001202603029999", f.clerk.ID, data.Event{Kind: clock.Completed, Data: data.EventData{Result: data.ResultGranted}})
			return err
		}, "办件编号"},
		{"site code of 8 digits", func() error {
			return s.SaveSite(ctx, admin.ID, data.Site{Code: "33010200", Name: "示例", Kind: data.SiteCentre})
		}, "站点编码"},
		{"site day before 1949-10-01", func() error {
			_, err := s.SetSiteDay(ctx, adminID(t, s), calendar.Day{Date: calendar.NewDate(1900, 1, 6), Working: true, Name: "测试"}, false)
			return err
		}, "日期"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			cases := count(t, db, "SELECT count(*) FROM applications")
			audit := count(t, db, "SELECT count(*) FROM audit")
			err := r.do()
			if r.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(data.ErrorMessage(err), r.want) {
				t.Fatalf("got %v, want a message with %q", err, r.want)
			}
			if c := data.ErrorCode(err); c != data.EINVALID && c != data.ENOTFOUND {
				t.Fatalf("error code %s", c)
			}
			if count(t, db, "SELECT count(*) FROM applications") != cases || count(t, db, "SELECT count(*) FROM audit") != audit {
				t.Fatal("something was saved")
			}
		})
	}
	var name string
	db.QueryRow("SELECT name FROM applicants WHERE name LIKE '%野家%'").Scan(&name)
	if name != "𠮷野家餐饮有限公司" {
		t.Errorf("a name outside the BMP stored as %q", name)
	}
}
