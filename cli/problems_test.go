package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// problems --json: the fields for a problem registered, triaged,
// assigned and urged on the command line; who may do what is the store's
// (a clerk cannot urge), and bad input names its field.
func TestProblemsCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	if c, _, errOut := run(t, "site", "init", "--code", "330102101", "--name", "示例民事服务站", "--kind", "village", "--demo", "--db", db); c != 0 {
		t.Fatalf("site: %s", errOut)
	}
	c, out, errOut := signed(t, "zhangli", "problem", "register", "--code", "913301023333005192", "--name", "西湖嘉禾食品有限公司",
		"--category", "水电路网", "--source", "电话", "--text", "新厂区门前道路尚未接通，货车无法进出", "--db", db)
	if c != 0 || !strings.Contains(out, "WT000001") {
		t.Fatalf("register: %d %s %s", c, out, errOut)
	}
	number := "330102101-" + time.Now().Format("2006") + "-WT000001"
	if c, _, errOut := signed(t, "zhangli", "problem", "register", "--code", "913301023333005193", "--name", "x", "--category", "用地", "--text", "一些问题内容", "--db", db); c != 1 || !strings.Contains(errOut, "统一社会信用代码") {
		t.Errorf("a wrong credit code: %d %s", c, errOut)
	}
	for _, step := range [][]string{
		{"--kind", "triaged", "--track", "soon"},
		{"--kind", "assigned", "--department", "ZRGH"},
	} {
		if c, out, errOut := signed(t, "zhangli", append(append([]string{"problem", "record", number}, step...), "--db", db)...); c != 0 {
			t.Fatalf("%v: %s %s", step, out, errOut)
		}
	}
	if c, _, errOut := signed(t, "zhangli", "problem", "record", number, "--kind", "urged", "--text", "请加快", "--db", db); c != 1 || !strings.Contains(errOut, "督查") {
		t.Errorf("a clerk urges: %d %s", c, errOut)
	}
	if c, _, errOut := signed(t, "wangjg", "problem", "record", number, "--kind", "urged", "--text", "请本周内答复", "--db", db); c != 0 {
		t.Fatalf("urge: %s", errOut)
	}
	c, out, _ = run(t, "problems", "--json", "--db", db)
	if c != 0 || strings.Count(out, "\n") != 1 {
		t.Fatalf("problems: %d %s", c, out)
	}
	var v struct {
		Number         string `json:"number"`
		EnterpriseCode string `json:"enterprise_code"`
		Department     string `json:"department"`
		Track          string `json:"track"`
		Status         string `json:"status"`
		ReceivedAt     string `json:"received_at"`
		Urges          int    `json:"urges"`
		Events         []struct {
			Kind  string `json:"kind"`
			Actor string `json:"actor"`
		} `json:"events"`
		Clock struct {
			DueDate       *string `json:"due_date"`
			UsedDays      int     `json:"used_days"`
			RemainingDays int     `json:"remaining_days"`
			Warning       *string `json:"warning"`
		} `json:"clock"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Number != number || v.EnterpriseCode != "913301023333005192" || v.Department != "ZRGH" || v.Track != "soon" || v.Status != "open" ||
		v.Urges != 1 || len(v.Events) != 4 || v.Events[3].Actor != "wangjg" || v.Clock.DueDate == nil || v.Clock.Warning == nil {
		t.Errorf("problem: %s", out)
	}
	// The enterprise's receipt from the command line, verified as any paper.
	pdf := filepath.Join(t.TempDir(), "r.pdf")
	if c, out, errOut := signed(t, "zhangli", "receipt", number, "-o", pdf, "--db", db); c != 0 || !strings.Contains(out, "企业反映问题受理回执") || !strings.Contains(out, "WH000001") {
		t.Errorf("receipt: %d %s %s", c, out, errOut)
	}
	if c, _, errOut := signed(t, "zhangli", "receipt", number, "--kind", "explain", "-o", pdf, "--db", db); c != 1 || !strings.Contains(errOut, "尚未作出情况说明") {
		t.Errorf("an explanation letter before an explanation: %d %s", c, errOut)
	}
	if c, _, _ := signed(t, "zhangli", "receipt", number, "--kind", "refuse", "-o", pdf, "--db", db); c != 2 {
		t.Errorf("a case's kind for a problem: %d", c)
	}
	if c, out, _ := run(t, "problems", "--status", "closed", "--db", db); c != 0 || out != "" {
		t.Errorf("no closed problems: %q", out)
	}
	if c, _, _ := run(t, "problems", "--status", "bogus", "--db", db); c != 2 {
		t.Errorf("a bogus status: %d", c)
	}
}

// bulletin: the month's 督查通报 as a PDF, read back: the number and title,
// the numbered sections, the departments commended and named as the
// report ranks them, and every problem overdue at the month's end.
func TestBulletin(t *testing.T) {
	testkit.NeedTools(t, "pdftotext")
	db := filepath.Join(t.TempDir(), "w.db")
	if c, _, errOut := run(t, "site", "init", "--code", "330102101", "--name", "示例民事服务站", "--kind", "village", "--demo", "--db", db); c != 0 {
		t.Fatalf("site: %s", errOut)
	}
	if c, _, errOut := run(t, "demo", "--cases", "4000", "--seed", "5", "--quiet", "--db", db); c != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	month := time.Now().AddDate(0, -1, 0)
	out := filepath.Join(t.TempDir(), "通报.pdf")
	c, msg, errOut := run(t, "bulletin", "--month", month.Format("2006-01"), "-o", out, "--db", db)
	if c != 0 || !strings.Contains(msg, "督查通报〔") {
		t.Fatalf("bulletin: %d %s %s", c, msg, errOut)
	}
	raw, err := exec.Command("pdftotext", "-enc", "UTF-8", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	txt := strings.ReplaceAll(string(raw), "\n", "")
	s, err := sqlite.OpenDefault(context.Background(), db, testkit.Defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	first := calendar.NewDate(month.Year(), month.Month(), 1)
	last := calendar.NewDate(month.Year(), month.Month()+1, 1) - 1
	_, overdue, err := s.ProblemBoard(context.Background(), first, last, last)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{fmt.Sprintf("关于%d年%d月优质服务竞赛和企业反映问题办理情况的通报", month.Year(), month.Month()),
		"各部门、各窗口：", "一、总体情况", "二、表扬", "工作要求", "示例民事服务站"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the bulletin lacks %q", want)
		}
	}
	if len(overdue) == 0 {
		t.Error("no overdue problem to name (the demo leaves some)")
	}
	// The 政策落实 part, when a policy with a rule met a case in the month.
	rep, err := s.Report(context.Background(), report.Spec{From: first, To: last, Today: last, By: report.ByDepartment})
	if err != nil {
		t.Fatal(err)
	}
	met := 0
	for _, r := range rep.Policies {
		if r.Rule {
			met += r.Qualified + r.Unfounded
		}
	}
	t.Logf("cases the policies met in the month: %d", met)
	if got := strings.Contains(txt, "政策落实") && strings.Contains(txt, "符合减免政策条件的办件"); got != (met > 0) {
		t.Errorf("政策落实 in the bulletin: %v, cases the policies met: %d", got, met)
	}
	for _, o := range overdue {
		if !strings.Contains(txt, o.Number) {
			t.Errorf("overdue problem %s is not named", o.Number)
		}
	}
	if c, _, _ := run(t, "bulletin", "--month", "2099-01", "-o", out, "--db", db); c != 2 {
		t.Errorf("a month to come: %d", c)
	}
}
