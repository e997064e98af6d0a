package cli_test

import (
	"context"
	"encoding/json"
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
	// Plain text: one line a theme, in Chinese.
	if c, out, _ := run(t, "themes", "--today", today, "--db", db); c != 0 || !strings.Contains(out, "开办餐饮店") || !strings.Contains(out, "办理中") {
		t.Errorf("themes: %d %s", c, out)
	}
}
