package problem

import (
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data/report"
)

// The 通报's 政策落实 part: the month's totals, each department with fees
// missed or waived without grounds named with the policy, and what is
// required of them; none when no policy with a rule met a case.
func TestPolicySection(t *testing.T) {
	rows := []report.PolicyRow{
		{Policy: "LN-BDC", PolicyName: "七十周岁以上老年人免收住宅登记费", Department: "不动产登记中心", Rule: true,
			Qualified: 5, Granted: 3, WaivedFen: 24000, Missed: 2, Explained: 1, MissedFen: 16000},
		{Policy: "XWQY-BDC", PolicyName: "小微企业免收不动产登记费", Department: "不动产登记中心", Rule: true,
			Qualified: 2, Granted: 3, WaivedFen: 17000, Unfounded: 1, UnfoundedFen: 1000},
		{Policy: "OLD", PolicyName: "无条件政策", Department: "公安局", Granted: 1, WaivedFen: 2000},
	}
	sec, ok := policySection(rows)
	if !ok {
		t.Fatal("no section")
	}
	text := strings.Join(sec.Paragraphs, "\n")
	for _, want := range []string{"符合减免政策条件的办件 7 件", "批准减免 7 件，金额 430.00 元", "应减未减 2 件，涉及金额 160.00 元（其中窗口已说明理由 1 件）",
		"减免无依据 1 件，金额 10.00 元", "不动产登记中心，应减未减：“七十周岁以上老年人免收住宅登记费”2 件；减免无依据：“小微企业免收不动产登记费”1 件。", "5个工作日内"} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "公安局") {
		t.Errorf("a department with nothing to name is named:\n%s", text)
	}
	if _, ok := policySection(rows[2:]); ok {
		t.Error("a section without a policy that has a rule")
	}
}
