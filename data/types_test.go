package data_test

import (
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/clock"
)

func TestValidate(t *testing.T) {
	good := data.ServiceItem{Code: "X-1", Name: "食品经营许可", Kind: data.KindPromised, Statutory: 20, Promised: 10, Materials: []string{"申请书"}}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		err   error
		field string
	}{
		{"promised over statutory", func() error { it := good; it.Promised = 21; return it.Validate() }(), "承诺时限"},
		{"immediate with a limit", func() error { it := good; it.Kind = data.KindImmediate; return it.Validate() }(), "承诺时限"},
		{"negative limit", func() error { it := good; it.Statutory = -1; return it.Validate() }(), "法定时限"},
		{"unknown kind", func() error { it := good; it.Kind = "x"; return it.Validate() }(), "办件类型"},
		{"empty material", func() error { it := good; it.Materials = []string{"申请书", ""}; return it.Validate() }(), "第 2 项"},
		{"site code", (&data.Site{Code: "33010200", Name: "x", Kind: data.SiteCentre}).Validate(), "站点编码"},
		{"site kind", (&data.Site{Code: "330102001", Name: "x", Kind: "mall"}).Validate(), "站点类型"},
		{"user role", (&data.User{Login: "a", Name: "张三", Role: "boss"}).Validate(), "角色"},
		{"window name", (&data.Window{Code: "A1", Name: strings.Repeat("窗", 61)}).Validate(), "窗口名称"},
		{"department code", (&data.Department{Name: "民政局"}).Validate(), "部门编码"},
		{"applicant phone", (&data.Applicant{Kind: data.ApplicantEnterprise, Name: "某公司", IDCode: "91350100M000100Y43", Phone: "电话"}).Validate(today), "联系电话"},
		{"applicant kind", (&data.Applicant{Kind: "alien", Name: "某"}).Validate(today), "申请人类型"},
		{"ID for a person", (&data.Applicant{Kind: data.ApplicantIndividual, Name: "张三", IDCode: "91350100M000100Y43"}).Validate(today), "身份证号"},
		{"control character", (&data.Applicant{Kind: data.ApplicantEnterprise, Name: "某\x07公司", IDCode: "91350100M000100Y43"}).Validate(today), "控制字符"},
		{"surrounding spaces", (&data.Department{Code: "D", Name: " 民政局"}).Validate(), "首尾"},
	}
	for _, c := range cases {
		if data.ErrorCode(c.err) != data.EINVALID || !strings.Contains(data.ErrorMessage(c.err), c.field) {
			t.Errorf("%s: got %v, want an invalid error naming %q", c.name, c.err, c.field)
		}
	}
}

func TestAllowedFollowsNext(t *testing.T) {
	for _, st := range data.Statuses {
		allowed := map[clock.Kind]bool{}
		for _, k := range data.Allowed(st) {
			allowed[k] = true
			if _, err := data.Next(st, k); err != nil {
				t.Errorf("%s: Allowed lists %s but Next refuses it", st, k)
			}
		}
		if !st.Open() && st != data.StatusCompleted && len(allowed) != 0 {
			t.Errorf("terminal status %s allows %v", st, allowed)
		}
	}
	if _, err := data.Next(data.StatusWithdrawn, clock.Accepted); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("accepting a withdrawn case: %v", err)
	}
}

func TestErrorMessage(t *testing.T) {
	if got := data.ErrorMessage(errString("disk on fire")); !strings.Contains(got, "内部错误") {
		t.Errorf("internal errors are not shown raw: %q", got)
	}
	if data.ErrorCode(nil) != "" || data.ErrorMessage(nil) != "" {
		t.Error("nil error")
	}
}

type errString string

func (e errString) Error() string { return string(e) }
