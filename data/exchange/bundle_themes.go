package exchange

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/onewindow/onewindow/data"
)

// ThemeCase is a 主题件 (一件事) as its site holds it: the theme as it was
// registered (code, name, limit, whether its results go out together, its
// steps as JSON), the applicant, window and clerk by their keys, and its
// members: each step's position, item and case number (null while the
// step waits). It travels with any of its items' cases.
type ThemeCase struct {
	Number      string  `json:"number"`
	ThemeCode   string  `json:"theme_code"`
	ThemeName   string  `json:"theme_name"`
	LimitDays   int64   `json:"limit_days"`
	Together    int64   `json:"together"`
	Steps       string  `json:"steps"` // [{"item", "after", "result"}]
	Applicant   string  `json:"applicant"`
	Window      string  `json:"window"`
	Clerk       string  `json:"clerk"`
	ReceivedAt  string  `json:"received_at"`
	Materials   string  `json:"materials"` // JSON array
	Proofs      string  `json:"proofs"`    // JSON array
	DeliveredAt *string `json:"delivered_at"`
	Members     string  `json:"members"` // [{"position", "item", "case"}]
}

// ThemeStep and ThemeMember are a ThemeCase's steps and members, decoded.
type ThemeStep struct {
	Item   string `json:"item"`
	After  string `json:"after,omitempty"`
	Result string `json:"result,omitempty"`
}

type ThemeMember struct {
	Position int     `json:"position"`
	Item     string  `json:"item"`
	Case     *string `json:"case"`
}

// reThemeNumber is a 主题件 number: site code, ZT, day, sequence.
var reThemeNumber = regexp.MustCompile(`^[0-9]{9}ZT[0-9]{12}$`)

// Decode reads the theme case's steps and members, checked: between 2
// and 20 steps, each member a step of the theme at its position, each
// case a case number of the same site.
func (t *ThemeCase) Decode(site string) ([]ThemeStep, []ThemeMember, error) {
	var steps []ThemeStep
	var members []ThemeMember
	if err := json.Unmarshal([]byte(t.Steps), &steps); err != nil || len(steps) < 2 || len(steps) > 20 {
		return nil, nil, BundleError("一件事 %s 的事项不正确", t.Number)
	}
	if err := json.Unmarshal([]byte(t.Members), &members); err != nil || len(members) > len(steps) {
		return nil, nil, BundleError("一件事 %s 的办件不正确", t.Number)
	}
	seen := map[int]bool{}
	for _, m := range members {
		if m.Position < 0 || m.Position >= len(steps) || seen[m.Position] || steps[m.Position].Item != m.Item {
			return nil, nil, BundleError("一件事 %s 的第 %d 个事项与其登记的事项不符", t.Number, m.Position+1)
		}
		seen[m.Position] = true
		if m.Case != nil && (!reCaseNumber.MatchString(*m.Case) || !strings.HasPrefix(*m.Case, site)) {
			return nil, nil, BundleError("一件事 %s 的办件编号 %q 不属于站点 %s", t.Number, *m.Case, site)
		}
	}
	return steps, members, nil
}

// checkThemes: every theme case is the site's, its records well formed,
// its received time a time.
func (b *Bundle) checkThemes() error {
	site := b.Manifest.Site
	seen := map[string]bool{}
	for i := range b.Themes {
		t := &b.Themes[i]
		if !reThemeNumber.MatchString(t.Number) || !strings.HasPrefix(t.Number, site) {
			return BundleError("主题件编号 %q 不属于站点 %s", t.Number, site)
		}
		if seen[t.Number] {
			return BundleError("主题件 %s 重复", t.Number)
		}
		seen[t.Number] = true
		if _, err := data.ParseTime(t.ReceivedAt); err != nil {
			return BundleError("主题件 %s 的收件时间不正确", t.Number)
		}
		if t.LimitDays < 1 || t.LimitDays > 365 || !json.Valid([]byte(t.Materials)) || !json.Valid([]byte(t.Proofs)) {
			return BundleError("主题件 %s 的记录不正确", t.Number)
		}
		if _, _, err := t.Decode(site); err != nil {
			return err
		}
	}
	return nil
}
