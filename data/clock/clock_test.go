package clock_test

import (
	"testing"
	"time"

	"github.com/onewindow/onewindow/assets"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/internal/testkit"
)

// at returns 09:30 Shanghai time on the given date.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s+" 09:30", calendar.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func ev(k clock.Kind, date string) clock.Event { return clock.Event{Kind: k, At: at(date)} }

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

type want struct {
	start                  string
	promisedDue, statDue   string
	used, remP             int
	warnP, warnS           clock.Warning
	onTimeP, onTimeS       string // "", "yes", "no"
	paused, deemedLate     bool
	pauseDays, promisedLim int
}

func TestClock(t *testing.T) {
	cal := testkit.National(t)
	accepted := func(d string) []clock.Event {
		return []clock.Event{ev(clock.Received, d), ev(clock.Accepted, d)}
	}
	cases := []struct {
		name   string
		events []clock.Event
		lim    clock.Limits
		today  string
		want   want
	}{
		{
			name:   "spring festival 2026 with make-up Saturdays, green",
			events: accepted("2026-02-12"),
			lim:    clock.Limits{Promised: 5, Statutory: 20},
			today:  "2026-02-24",
			// counted: 02-13, 02-14 (Sat, make-up), 02-24, 02-25, 02-26
			want: want{start: "2026-02-12", promisedDue: "2026-02-26", statDue: "2026-03-18", used: 3, remP: 2, warnP: clock.Green, warnS: clock.Green, promisedLim: 5},
		},
		{
			name:   "spring festival 2026, yellow at 80%",
			events: accepted("2026-02-12"),
			lim:    clock.Limits{Promised: 5, Statutory: 20},
			today:  "2026-02-25",
			want:   want{start: "2026-02-12", promisedDue: "2026-02-26", statDue: "2026-03-18", used: 4, remP: 1, warnP: clock.Yellow, warnS: clock.Green, promisedLim: 5},
		},
		{
			name:   "spring festival 2026, red after the due date; 02-28 make-up counts",
			events: accepted("2026-02-12"),
			lim:    clock.Limits{Promised: 5, Statutory: 20},
			today:  "2026-02-28",
			want:   want{start: "2026-02-12", promisedDue: "2026-02-26", statDue: "2026-03-18", used: 7, remP: -2, warnP: clock.Red, warnS: clock.Green, promisedLim: 5},
		},
		{
			name:   "national day 2025: Sunday 09-28 counts, 10-01…10-08 do not",
			events: accepted("2025-09-26"),
			lim:    clock.Limits{Promised: 3, Statutory: 6},
			today:  "2025-09-30",
			// counted: 09-28 (Sun), 09-29, 09-30 | 10-09, 10-10, 10-11 (Sat)
			want: want{start: "2025-09-26", promisedDue: "2025-09-30", statDue: "2025-10-11", used: 3, remP: 0, warnP: clock.Yellow, warnS: clock.Green, promisedLim: 3},
		},
		{
			name: "pause for testing across national day 2025",
			events: append(accepted("2025-09-22"),
				ev(clock.Paused, "2025-09-30"), ev(clock.Resumed, "2025-10-13")),
			lim:   clock.Limits{Promised: 10, Statutory: 20},
			today: "2025-10-20",
			// counted: 09-23…09-26 (4), 09-28 (Sun), 09-29 → 6; paused 09-30…10-12
			// (09-30, 10-09, 10-10, 10-11 not counted); 10-13…10-16 → 10.
			want: want{start: "2025-09-22", promisedDue: "2025-10-16", statDue: "2025-10-30", used: 12, remP: -2, warnP: clock.Red, warnS: clock.Green, pauseDays: 4, promisedLim: 10},
		},
		{
			name:   "paused now: computed as if resumed today, shown as paused",
			events: append(accepted("2026-03-02"), ev(clock.Paused, "2026-03-04")),
			lim:    clock.Limits{Promised: 5, Statutory: 20},
			today:  "2026-03-11",
			// counted: 03-03 | paused 03-04…03-10 | 03-11, 03-12, 03-13, 03-16
			want: want{start: "2026-03-02", promisedDue: "2026-03-16", statDue: "2026-04-07", used: 2, remP: 3, warnP: clock.Green, warnS: clock.Green, paused: true, pauseDays: 5, promisedLim: 5},
		},
		{
			name: "extension of 10 days, completed late for the promise, on time for the law",
			events: append(accepted("2026-03-02"),
				clock.Event{Kind: clock.Extended, At: at("2026-03-20"), Days: 10},
				ev(clock.Completed, "2026-04-01")),
			lim:   clock.Limits{Promised: 5, Statutory: 20},
			today: "2026-06-01",
			// promised 15 → 03-23; statutory 30 → 04-14 (清明 04-04…06 skipped)
			want: want{start: "2026-03-02", promisedDue: "2026-03-23", statDue: "2026-04-14", used: 22, remP: -7, onTimeP: "no", onTimeS: "yes", promisedLim: 15},
		},
		{
			name: "late supplement notice (6 working days): clock starts at receipt",
			events: []clock.Event{ev(clock.Received, "2026-03-02"), ev(clock.SupplementRequested, "2026-03-10"),
				ev(clock.SupplementCompleted, "2026-03-13"), ev(clock.Accepted, "2026-03-16")},
			lim:   clock.Limits{Promised: 5, Statutory: 20},
			today: "2026-03-16",
			want:  want{start: "2026-03-02", promisedDue: "2026-03-09", statDue: "2026-03-30", used: 10, remP: -5, warnP: clock.Red, warnS: clock.Green, deemedLate: true, promisedLim: 5},
		},
		{
			name: "supplement notice within 5 working days: clock starts at acceptance",
			events: []clock.Event{ev(clock.Received, "2026-03-02"), ev(clock.SupplementRequested, "2026-03-09"),
				ev(clock.SupplementCompleted, "2026-03-13"), ev(clock.Accepted, "2026-03-16")},
			lim:   clock.Limits{Promised: 5, Statutory: 20},
			today: "2026-03-16",
			want:  want{start: "2026-03-16", promisedDue: "2026-03-23", statDue: "2026-04-14", used: 0, remP: 5, warnP: clock.Green, warnS: clock.Green, promisedLim: 5},
		},
		{
			name:   "accepted on a Saturday: the first counted day is Monday",
			events: accepted("2026-03-07"),
			lim:    clock.Limits{Promised: 1, Statutory: 2},
			today:  "2026-03-08",
			want:   want{start: "2026-03-07", promisedDue: "2026-03-09", statDue: "2026-03-10", used: 0, remP: 1, warnP: clock.Yellow, warnS: clock.Green, promisedLim: 1},
		},
		{
			name:   "即办件 done the same day",
			events: append(accepted("2026-03-02"), ev(clock.Completed, "2026-03-02")),
			lim:    clock.Limits{},
			today:  "2026-03-05",
			want:   want{start: "2026-03-02", promisedDue: "2026-03-02", statDue: "2026-03-02", used: 0, remP: 0, onTimeP: "yes", onTimeS: "yes"},
		},
		{
			name:   "即办件 left open overnight is red",
			events: accepted("2026-03-02"),
			lim:    clock.Limits{},
			today:  "2026-03-03",
			want:   want{start: "2026-03-02", promisedDue: "2026-03-02", statDue: "2026-03-02", used: 1, remP: -1, warnP: clock.Red, warnS: clock.Red},
		},
		{
			name:   "withdrawn: closed, no warning and no on-time verdict",
			events: append(accepted("2026-03-02"), ev(clock.Withdrawn, "2026-03-04")),
			lim:    clock.Limits{Promised: 5, Statutory: 20},
			today:  "2026-05-01",
			want:   want{start: "2026-03-02", promisedDue: "2026-03-09", statDue: "2026-03-30", used: 2, remP: 3, promisedLim: 5},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := clock.Compute(tc.events, tc.lim, cal, day(tc.today), 0)
			w := tc.want
			if !r.Started {
				t.Fatal("clock not started")
			}
			check := func(what string, got, want any) {
				t.Helper()
				if got != want {
					t.Errorf("%s = %v, want %v", what, got, want)
				}
			}
			check("start", r.Start.String(), w.start)
			check("promised due", r.Promised.Due.String(), w.promisedDue)
			check("statutory due", r.Statutory.Due.String(), w.statDue)
			check("used", r.Promised.Used, w.used)
			check("statutory used", r.Statutory.Used, w.used)
			check("promised remaining", r.Promised.Remaining, w.remP)
			check("promised limit", r.Promised.Limit, w.promisedLim)
			check("promised warning", r.Promised.Warning, w.warnP)
			check("statutory warning", r.Statutory.Warning, w.warnS)
			check("promised on time", onTime(r.Promised.OnTime), w.onTimeP)
			check("statutory on time", onTime(r.Statutory.OnTime), w.onTimeS)
			check("paused", r.Paused, w.paused)
			check("deemed late", r.DeemedLate, w.deemedLate)
			check("pause days", r.PauseDays, w.pauseDays)
		})
	}
}

func onTime(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}

func TestNotStarted(t *testing.T) {
	cal := testkit.National(t)
	r := clock.Compute([]clock.Event{ev(clock.Received, "2026-03-02"), ev(clock.SupplementRequested, "2026-03-03")},
		clock.Limits{Promised: 5, Statutory: 20}, cal, day("2026-03-04"), 0)
	if r.Started || r.Open {
		t.Errorf("a case waiting for supplements has no running clock: %+v", r)
	}
}

// An event's date is its date in Shanghai, not in UTC.
func TestShanghaiDate(t *testing.T) {
	cal := testkit.National(t)
	late := time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC) // 2026-03-02 01:00 in Shanghai
	r := clock.Compute([]clock.Event{{Kind: clock.Received, At: late}, {Kind: clock.Accepted, At: late}},
		clock.Limits{Promised: 1, Statutory: 1}, cal, day("2026-03-02"), 0)
	if r.Start.String() != "2026-03-02" || r.Promised.Due.String() != "2026-03-03" {
		t.Errorf("start %s due %s", r.Start, r.Promised.Due)
	}
}

// A calendar published later (next year's notice) moves the due date of an
// open case on the next computation.
func TestCalendarChangeMovesDueDate(t *testing.T) {
	s, _ := calendar.ParseText(assets.NationalCalendar)
	before := calendar.New(s.Years, s.Days)
	events := []clock.Event{ev(clock.Received, "2026-12-28"), ev(clock.Accepted, "2026-12-28")}
	lim := clock.Limits{Promised: 5, Statutory: 20}
	r1 := clock.Compute(events, lim, before, day("2026-12-29"), 0)
	// 12-29, 12-30, 12-31, 01-01, 01-04 without the 2027 schedule.
	if r1.Promised.Due.String() != "2027-01-04" {
		t.Fatalf("before import due %s", r1.Promised.Due)
	}
	y2027 := []calendar.Day{{Date: day("2027-01-01"), Name: "元旦"}}
	after := calendar.New(append(s.Years, 2027), s.Days, y2027)
	r2 := clock.Compute(events, lim, after, day("2026-12-29"), 0)
	if r2.Promised.Due.String() != "2027-01-05" {
		t.Errorf("after import due %s, want 2027-01-05", r2.Promised.Due)
	}
}

func BenchmarkCompute(b *testing.B) {
	cal := testkit.National(b)
	events := []clock.Event{ev(clock.Received, "2025-09-22"), ev(clock.Accepted, "2025-09-22"),
		ev(clock.Paused, "2025-09-30"), ev(clock.Resumed, "2025-10-13"),
		{Kind: clock.Extended, At: at("2025-10-14"), Days: 10}}
	lim := clock.Limits{Promised: 10, Statutory: 20}
	today := day("2025-10-20")
	b.ReportAllocs()
	for b.Loop() {
		clock.Compute(events, lim, cal, today, 0)
	}
}
