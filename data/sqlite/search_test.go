package sqlite_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/onewindow/onewindow/assets"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/sqlite"
)

// A broad search's first pages walk the due-date index (broadSearch); they
// hold exactly the cases, in exactly the order, that collecting and sorting
// every match gives — with the other filters too, and for searches that do
// not qualify for the walk.
func TestSearchWalkSameAsSort(t *testing.T) {
	sched, err := calendar.ParseText(assets.NationalCalendar)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.OpenDefault(ctx, filepath.Join(t.TempDir(), "w.db"), sqlite.Defaults{Catalogue: assets.SampleCatalogue, National: sched})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := demo.Run(ctx, s, demo.Options{Cases: 3000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	saved := *sqlite.SearchWalkFrom
	*sqlite.SearchWalkFrom = 1 // 3,000 cases: the bound is √(40·3000) ≈ 346 matches
	defer func() { *sqlite.SearchWalkFrom = saved }()
	some, err := s.Cases(ctx, data.CaseFilter{Limit: 1, Offset: 1234})
	if err != nil || len(some) == 0 {
		t.Fatal(err)
	}
	walked := 0
	wins, _ := s.Windows(ctx)
	for _, f := range []data.CaseFilter{
		{Search: "有限"}, {Search: "公司"}, {Search: "华"}, {Search: "有限公司"}, {Search: "有限", Offset: 50},
		{Search: "有限", WindowID: wins[0].ID}, {Search: "有限", From: calendar.DateOf(s.Now()) - 200},
		{Search: some[0].Applicant.Name}, {Search: some[0].Number[:12]}, {Search: "有限", Statuses: []data.Status{data.StatusAccepted}},
	} {
		f.Order, f.Limit = "due", 50
		broad, err := s.BroadSearch(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if broad {
			walked++
		}
		got, err := s.Cases(ctx, f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		want, err := s.SortedCases(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		numbers := func(apps []data.Application) []string {
			var out []string
			for _, a := range apps {
				out = append(out, a.Number)
			}
			return out
		}
		if len(want) == 0 || !slices.Equal(numbers(got), numbers(want)) {
			t.Errorf("%+v (walked %v): %d cases %v, sorted %d %v", f, broad, len(got), numbers(got), len(want), numbers(want))
		}
	}
	if walked < 3 {
		t.Errorf("only %d searches walked the index: the test does not reach the walk", walked)
	}
}
