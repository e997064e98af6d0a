package cli_test

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/data/theme"
	"github.com/onewindow/onewindow/internal/testkit"
)

// themes --json lists each registered 主题件 with its items' cases and the
// whole thing's clock; cases --json names each case's 主题件 (null for a
// case outside one).
func TestThemesJSON(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "w.db")
	if c, _, errOut := run(t, "site", "init", "--code", "330102101", "--name", "示例民事服务站", "--kind", "village", "--demo", "--db", db); c != 0 {
		t.Fatalf("site: %s", errOut)
	}
	s, err := sqlite.OpenDefault(ctx, db, testkit.Defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	clerk, _ := s.UserByLogin(ctx, "zhangli")
	themes, _ := s.Themes(ctx)
	var th theme.Theme
	for _, x := range themes {
		if x.Code == "YJS-KBCYD" {
			th = x
		}
	}
	var handed []string
	for _, m := range th.Checklist() {
		handed = append(handed, m.Name)
	}
	tc, err := s.RegisterTheme(ctx, clerk.ID, theme.Intake{ThemeID: th.ID, WindowID: clerk.WindowID, Materials: handed,
		Applicant: data.Applicant{Kind: data.ApplicantEnterprise, Name: "杭州示例餐饮有限公司", IDCode: "91350100M000100Y43", Phone: "0571-88886666"}})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	today := calendar.DateOf(tc.ReceivedAt).String()
	c, out, errOut := run(t, "themes", "--json", "--today", today, "--db", db)
	if c != 0 {
		t.Fatalf("themes: %s", errOut)
	}
	var v struct {
		Number    string   `json:"number"`
		ThemeCode string   `json:"theme_code"`
		ThemeName string   `json:"theme_name"`
		Status    string   `json:"status"`
		Cases     []string `json:"cases"`
		Waiting   []string `json:"waiting"`
		Clock     struct {
			LimitDays     int     `json:"limit_days"`
			StartDate     *string `json:"start_date"`
			DueDate       *string `json:"due_date"`
			UsedDays      int     `json:"used_days"`
			RemainingDays int     `json:"remaining_days"`
			OnTime        *bool   `json:"on_time"`
			Warning       *string `json:"warning"`
		} `json:"clock"`
	}
	if strings.Count(out, "\n") != 1 || json.Unmarshal([]byte(out), &v) != nil {
		t.Fatalf("themes --json: %q", out)
	}
	if v.Number != tc.Number || v.ThemeCode != "YJS-KBCYD" || v.ThemeName != "开办餐饮店" || v.Status != "accepted" ||
		len(v.Cases) != 1 || !slices.Equal(v.Waiting, []string{"SCJG-005", "RSJ-001"}) {
		t.Errorf("theme case: %s", out)
	}
	k := v.Clock
	if k.LimitDays != 12 || k.StartDate == nil || *k.StartDate != today || k.DueDate == nil || k.UsedDays != 0 || k.RemainingDays != 12 ||
		k.OnTime != nil || k.Warning == nil || *k.Warning != "green" {
		t.Errorf("theme clock: %s", out)
	}
	c, out, errOut = run(t, "cases", "--json", "--db", db)
	if c != 0 {
		t.Fatalf("cases: %s", errOut)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var cv struct {
			Number      string  `json:"number"`
			ThemeNumber *string `json:"theme_number"`
		}
		if err := json.Unmarshal([]byte(line), &cv); err != nil {
			t.Fatal(err)
		}
		if in := cv.Number == v.Cases[0]; in != (cv.ThemeNumber != nil && *cv.ThemeNumber == tc.Number) || (!in && strings.Contains(line, `"theme_number":"`)) {
			t.Errorf("case %s: theme %v", cv.Number, cv.ThemeNumber)
		}
	}
	// One 受理通知书 for the whole theme: every item, its department and
	// due date (or what it waits for), read back from the PDF; its QR
	// verifies and shows the whole theme.
	testkit.NeedTools(t, "pdftotext", "pdftoppm", "zbarimg")
	pdf := filepath.Join(t.TempDir(), "theme.pdf")
	if c, out, errOut := runIn(t, "1234\n", "receipt", tc.Number, "--db", db, "--user", "zhangli", "-o", pdf); c != 0 || !strings.Contains(out, "一件事受理通知书") {
		t.Fatalf("receipt of the theme: %d %s %s", c, out, errOut)
	}
	raw, err := exec.Command("pdftotext", "-enc", "UTF-8", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	txt := strings.Join(strings.Fields(string(raw)), "")
	for _, want := range []string{"一件事受理通知书", "主题件编号：" + tc.Number, "开办餐饮店", "企业设立登记（市场监督管理局）：办件编号" + v.Cases[0],
		"食品经营许可（市场监督管理局）：待企业设立登记办结后受理", "社会保险登记（人力资源和社会保障局）：待企业设立登记办结后受理，即办", "12个工作日，全部事项应于",
		"统一出件"} {
		if !strings.Contains(txt, want) {
			t.Errorf("theme notice lacks %q:\n%s", want, raw)
		}
	}
	png := filepath.Join(t.TempDir(), "p")
	if out, err := exec.Command("pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", pdf, png).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pngs, _ := filepath.Glob(png + "*.png")
	qr, err := exec.Command("zbarimg", "--quiet", "--raw", pngs[0]).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	c, out, errOut = run(t, "verify-receipt", strings.TrimSpace(string(qr)), "--db", db)
	if c != 0 || !strings.Contains(out, "核验通过") || !strings.Contains(out, "食品经营许可") || !strings.Contains(out, "社会保险登记") || !strings.Contains(out, tc.Number) {
		t.Errorf("verify-receipt: %d %s %s", c, out, errOut)
	}
	// Plain text: one line a theme, in Chinese.
	if c, out, _ := run(t, "themes", "--today", today, "--db", db); c != 0 || !strings.Contains(out, "开办餐饮店") || !strings.Contains(out, "办理中") {
		t.Errorf("themes: %d %s", c, out)
	}
}
