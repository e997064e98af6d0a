package cli_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// cases --json says, per case, the policies its facts meet on each fee
// line and whether a waiver of it was asked for: a 70-year-old's
// residential registration charged in full is eligible (the sample
// catalogue's LN-BDC), not applied, with the clerk's reason.
func TestCasesEligible(t *testing.T) {
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
	items, _ := s.Items(ctx)
	var it data.ServiceItem
	for _, x := range items {
		if x.Name == "不动产转移登记" {
			it = x
		}
	}
	app, err := s.Register(ctx, clerk.ID, data.Intake{ItemID: it.ID, WindowID: clerk.WindowID, Decision: data.DecideAccept, Materials: it.Materials,
		Applicant: data.Applicant{Kind: data.ApplicantIndividual, Name: "王秀英", IDCode: "110101195603150017", Phone: "13800000000"}})
	if err == nil {
		_, err = s.DeclineWaiver(ctx, app.Number, clerk.ID, "LN-BDC", "BDC-DJF-ZZ", "申请人放弃减免")
	}
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	c, out, errOut := run(t, "cases", "--json", "--db", db)
	if c != 0 {
		t.Fatalf("cases: %s", errOut)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var v struct {
			Number   string `json:"number"`
			Eligible []struct {
				Policy    string `json:"policy"`
				Fee       string `json:"fee"`
				AmountFen int64  `json:"amount_fen"`
				Applied   bool   `json:"applied"`
				Reason    string `json:"reason"`
			} `json:"eligible"`
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatal(err)
		}
		if v.Number != app.Number {
			continue
		}
		if len(v.Eligible) != 1 || v.Eligible[0].Policy != "LN-BDC" || v.Eligible[0].Fee != "BDC-DJF-ZZ" || v.Eligible[0].AmountFen != 8000 || v.Eligible[0].Applied ||
			v.Eligible[0].Reason != "申请人放弃减免" {
			t.Errorf("eligible: %s", line)
		}
		return
	}
	t.Fatalf("case %s not listed", app.Number)
}
