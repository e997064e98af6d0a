package calendar_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/onewindow/onewindow/assets"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/internal/testkit"
)

// The embedded schedule was written from the State Council notices; the
// independent open-data copy must agree with it on every day of 2020–2026.
func TestNationalMatchesReference(t *testing.T) {
	cal := testkit.National(t)
	for y := 2020; y <= 2026; y++ {
		b, err := os.ReadFile(filepath.Join(referenceDir(t), itoa(y)+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var ref struct {
			Days []struct {
				Date     string `json:"date"`
				IsOffDay bool   `json:"isOffDay"`
			} `json:"days"`
		}
		if err := json.Unmarshal(b, &ref); err != nil {
			t.Fatal(err)
		}
		want := map[calendar.Date]bool{}
		for _, d := range ref.Days {
			dd, err := calendar.ParseDate(d.Date)
			if err != nil {
				t.Fatal(err)
			}
			want[dd] = !d.IsOffDay
		}
		if !cal.Knows(y) {
			t.Errorf("calendar does not know %d", y)
		}
		for d := calendar.NewDate(y, 1, 1); d.Year() == y; d++ {
			w, ok := want[d]
			if !ok {
				wd := d.Weekday()
				w = wd != time.Saturday && wd != time.Sunday
			}
			if got := cal.IsWorkday(d); got != w {
				t.Errorf("%s (%s): working=%v, reference says %v", d, d.Weekday(), got, w)
			}
		}
	}
}

// referenceDir finds shared/data/holiday-cn in a folder above the project
// (HOLIDAY_CN_DIR overrides); without it the cross-check is skipped.
func referenceDir(t *testing.T) string {
	if d := os.Getenv("HOLIDAY_CN_DIR"); d != "" {
		return d
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		ref := filepath.Join(dir, "shared", "data", "holiday-cn")
		if _, err := os.Stat(filepath.Join(ref, "2026.json")); err == nil {
			return ref
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("reference data shared/data/holiday-cn not found above the project; set HOLIDAY_CN_DIR")
		}
		dir = parent
	}
}

func itoa(y int) string { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") }

func TestCountAndAdd(t *testing.T) {
	cal := testkit.National(t)
	d := func(s string) calendar.Date {
		x, err := calendar.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	// Spring Festival 2026: off 02-15…02-23, make-up Saturdays 02-14 and 02-28.
	if !cal.IsWorkday(d("2026-02-14")) || !cal.IsWorkday(d("2026-02-28")) {
		t.Error("make-up Saturdays 2026-02-14/28 must be working days")
	}
	if cal.IsWorkday(d("2026-02-16")) || cal.IsWorkday(d("2026-02-23")) {
		t.Error("2026-02-16 and 02-23 are holidays")
	}
	// Working days after Friday 2026-02-13: 02-14 (Sat), 02-24, 02-25 ...
	if got := cal.AddWorkdays(d("2026-02-13"), 2); got != d("2026-02-24") {
		t.Errorf("AddWorkdays = %s, want 2026-02-24", got)
	}
	if got := cal.CountWorkdays(d("2026-02-13"), d("2026-02-28")); got != 6 {
		// 02-14, 02-24, 02-25, 02-26, 02-27, 02-28
		t.Errorf("CountWorkdays = %d, want 6", got)
	}
	if got := cal.CountWorkdays(d("2026-03-01"), d("2026-02-01")); got != 0 {
		t.Errorf("reversed range counted %d", got)
	}
	// Outside the dense table the weekday rule still holds.
	if cal.IsWorkday(d("1995-01-07")) || !cal.IsWorkday(d("2150-01-06")) {
		t.Error("weekday rule outside the table")
	}
	if cal.CountWorkdays(d("2150-01-02"), d("2150-01-09")) != 5 {
		t.Error("count outside the table")
	}
	if cal.Knows(2027) {
		t.Error("2027 is not published in the embedded data")
	}
}

func TestLaterLayerWins(t *testing.T) {
	sat := calendar.NewDate(2026, 3, 7)
	base := testkit.National(t)
	if base.IsWorkday(sat) {
		t.Fatal("2026-03-07 is a Saturday")
	}
	s, _ := calendar.ParseText(assets.NationalCalendar)
	site := calendar.New(s.Years, s.Days, []calendar.Day{{Date: sat, Working: true, Name: "周六上午窗口开放"}})
	if !site.IsWorkday(sat) || site.Name(sat) != "周六上午窗口开放" {
		t.Error("site override not applied")
	}
}

func TestParseJSON(t *testing.T) {
	good := []byte(`{"year":2027,"papers":["x"],"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true},{"name":"春节","date":"2027-02-07","isOffDay":false}]}`)
	s, err := calendar.ParseJSON(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Days) != 2 || s.Years[0] != 2027 || s.Days[0].Working || !s.Days[1].Working {
		t.Errorf("parsed %+v", s)
	}
	bad := map[string]string{
		"not json":    `{"year":`,
		"wrong year":  `{"year":2027,"days":[{"name":"元旦","date":"2025-01-01","isOffDay":true}]}`,
		"no days":     `{"year":2027,"days":[]}`,
		"bad date":    `{"year":2027,"days":[{"name":"x","date":"2027-02-30","isOffDay":true}]}`,
		"no flag":     `{"year":2027,"days":[{"name":"x","date":"2027-02-03"}]}`,
		"duplicate":   `{"year":2027,"days":[{"date":"2027-01-01","isOffDay":true},{"date":"2027-01-01","isOffDay":false}]}`,
		"silly year":  `{"year":99999,"days":[{"date":"2027-01-01","isOffDay":true}]}`,
		"only others": `{"year":2027,"days":[{"date":"2026-12-31","isOffDay":true}]}`,
	}
	for name, in := range bad {
		if _, err := calendar.ParseJSON([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestParseTextErrors(t *testing.T) {
	bad := []string{
		"2026-01-01 休 元旦",                        // no @year
		"@year 2026\n2026-01-01 放 元旦",            // wrong marker
		"@year 2026\n2027-06-01 休 x",             // outside the year
		"@year 2026\n2026-01-05~2026-01-01 休 x",  // reversed
		"@year 2026\n2026-01-01 休\n2026-01-01 班", // duplicate
		"@year abc",
	}
	for _, in := range bad {
		if _, err := calendar.ParseText([]byte(in)); err == nil {
			t.Errorf("accepted %q", in)
		}
	}
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := calendar.ParseJSON(b)
		if err != nil {
			return
		}
		for _, d := range s.Days {
			if !(d.Date.Year() >= s.Years[0]-1 && d.Date.Year() <= s.Years[0]+1) {
				t.Fatalf("accepted date %s for year %d", d.Date, s.Years[0])
			}
		}
		_ = calendar.New(s.Years, s.Days)
	})
}

func FuzzParseText(f *testing.F) {
	f.Add(assets.NationalCalendar)
	f.Add([]byte("@year 2027\n2027-01-01~2027-01-03 休 元旦\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := calendar.ParseText(b)
		if err != nil {
			return
		}
		if len(s.Years) == 0 {
			t.Fatal("accepted a schedule without years")
		}
		_ = calendar.New(s.Years, s.Days)
	})
}
