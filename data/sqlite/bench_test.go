package sqlite_test

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/gctune"
	"github.com/onewindow/onewindow/internal/testkit"
)

// benchCases is the size of the database for the list benchmarks
// (BENCH_CASES, default 1,000,000).
func benchCases() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_CASES")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// BenchmarkRegister measures one durable registration (applicant, number,
// case, two events, clock cache, audit entry, fsync) and reports the median
// and the 99th percentile.
func BenchmarkRegister(b *testing.B) {
	s, c := testkit.Open(b)
	f := load(b, s)
	in := f.intake("食品经营许可", data.DecideAccept)
	durations := make([]time.Duration, 0, b.N)
	day := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%9000 == 0 { // a day has 9,999 numbers
			c.Set(calendar.NewDate(2026, 3, 2).AddDays(day).String() + " 09:30")
			day++
		}
		t0 := time.Now()
		if _, err := s.Register(ctx, f.clerk.ID, in); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkDemo generates benchCases() cases into a new database, which the
// list benchmarks then reuse.
func BenchmarkDemo(b *testing.B) {
	n := benchCases()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := openBig(b)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		restore := gctune.Bulk() // as the demo command does
		_, err = demo.Run(ctx, s, demo.Options{Cases: n, Seed: 1})
		restore()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(t0).Seconds(), "s/demo")
		b.ReportMetric(float64(n), "cases")
		b.StopTimer()
		kept := false
		bigOnce.Do(func() { bigStore, kept = s, true })
		if !kept {
			closeBig(s)
		}
		b.StartTimer()
	}
}

// openBig opens a new database in its own temporary directory, with the
// clock at a fixed evening so the generated year is always the same.
func openBig(b *testing.B) (*sqlite.Store, error) {
	dir, err := os.MkdirTemp("", "onewindow-bench-")
	if err != nil {
		return nil, err
	}
	s, err := sqlite.OpenDefault(ctx, filepath.Join(dir, "big.db"), testkit.Defaults(b))
	if err != nil {
		return nil, err
	}
	s.Now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	return s, nil
}

func closeBig(s *sqlite.Store) {
	path := s.Path()
	s.Close()
	if os.Getenv("ONEWINDOW_BENCH_DB") != path {
		os.RemoveAll(filepath.Dir(path))
	}
}

var (
	bigOnce  sync.Once
	bigStore *sqlite.Store
	bigErr   error
)

// bigDB is a database with benchCases() demo cases, made once per run
// (or ONEWINDOW_BENCH_DB, an existing demo database, to skip generating),
// unless BenchmarkDemo has made one already.
func bigDB(b *testing.B) *sqlite.Store {
	bigOnce.Do(func() {
		if path := os.Getenv("ONEWINDOW_BENCH_DB"); path != "" {
			bigStore, bigErr = sqlite.OpenDefault(ctx, path, testkit.Defaults(b))
		} else {
			bigStore, bigErr = openBig(b)
		}
		if bigErr != nil {
			return
		}
		if n, _ := bigStore.CountCases(ctx, data.CaseFilter{}); n < benchCases() {
			_, bigErr = demo.Run(ctx, bigStore, demo.Options{Cases: benchCases() - n, Seed: 1})
		}
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigStore
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bigStore != nil {
		closeBig(bigStore)
	}
	os.Exit(code)
}

// BenchmarkCasesPage reads one page of 50 cases filtered by status, window
// and a three-month received-date range, ordered by due date, with their
// events — what the case list asks for — over benchCases() cases.
func BenchmarkCasesPage(b *testing.B) {
	s := bigDB(b)
	f := load(b, s)
	today := calendar.DateOf(s.Now())
	for _, tc := range []struct {
		name   string
		status []data.Status
		offset int
	}{
		{"open", []data.Status{data.StatusAccepted, data.StatusPaused}, 0},
		{"delivered", []data.Status{data.StatusDelivered}, 0},
		{"delivered-page20", []data.Status{data.StatusDelivered}, 1000},
		{"yellow-and-red", nil, 0},
	} {
		b.Run(tc.name, func(b *testing.B) {
			filter := data.CaseFilter{Statuses: tc.status, WindowID: f.windowID, From: today.AddDays(-90), To: today,
				Order: "due", Limit: 50, Offset: tc.offset}
			if tc.status == nil { // every window and date: the supervisor's warning list
				filter = data.CaseFilter{WarningsAt: today, Order: "due", Limit: 50}
			}
			if n, err := s.CountCases(ctx, filter); err != nil || n < tc.offset+50 {
				b.Skipf("only %d matching cases (BENCH_CASES too small): %v", n, err)
			}
			// Twenty pages per iteration, so that a single iteration (as in
			// `make bench`, which builds the big database once) still
			// gives a steady figure.
			const pages = 20
			t0 := time.Now()
			for i := 0; i < b.N; i++ {
				for p := 0; p < pages; p++ {
					apps, err := s.Cases(ctx, filter)
					if err != nil {
						b.Fatal(err)
					}
					if len(apps) != 50 {
						b.Fatalf("page of %d cases", len(apps))
					}
				}
			}
			b.ReportMetric(float64(time.Since(t0).Microseconds())/1000/float64(b.N*pages), "ms/page")
		})
	}
}

// BenchmarkCaseSearch runs the list's search box over benchCases() cases:
// a full applicant name, a credit-code prefix, a number prefix of one month,
// and two broad name parts that match thousands of cases.
func BenchmarkCaseSearch(b *testing.B) {
	s := bigDB(b)
	var name, code string
	apps, err := s.Cases(ctx, data.CaseFilter{Limit: 1, Offset: 12345})
	if err != nil || len(apps) == 0 {
		b.Fatal(err)
	}
	name, code = apps[0].Applicant.Name, apps[0].Applicant.IDCode[:16]
	month := apps[0].Number[:15]
	open := []data.Status{data.StatusReceived, data.StatusSupplement, data.StatusSupplied, data.StatusAccepted, data.StatusPaused}
	for _, tc := range []struct {
		name, q  string
		statuses []data.Status
	}{
		{"full-name", name, nil}, {"code-prefix", code, nil}, {"number-month", month, nil}, {"name-part", "华盛", nil}, {"one-character", "王", nil},
		// the list opens on 未办结 (open cases only)
		{"name-part-open", "华盛", open}, {"number-month-open", month, open},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				apps, err := s.Cases(ctx, data.CaseFilter{Search: tc.q, Statuses: tc.statuses, Order: "due", Limit: 50})
				if err != nil || len(apps) == 0 {
					b.Fatalf("%q: %d cases, %v", tc.q, len(apps), err)
				}
			}
		})
		// The list counts the matches too, for its pages.
		b.Run(tc.name+"-count", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := s.CountCases(ctx, data.CaseFilter{Search: tc.q, Statuses: tc.statuses}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReport computes the grouped report over a year of benchCases()
// cases for each grouping. The goal is ≤ 1 s over 1,000,000 cases.
func BenchmarkReport(b *testing.B) {
	s := bigDB(b)
	today := calendar.DateOf(s.Now())
	for _, by := range report.Bys {
		b.Run(string(by), func(b *testing.B) {
			spec := report.Spec{From: today - 365, To: today, By: by, Today: today}
			for i := 0; i < b.N; i++ {
				rep, err := s.Report(ctx, spec)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Total.Received == 0 {
					b.Fatal("empty report")
				}
			}
		})
	}
}

// BenchmarkImport measures the central import of the bundles holding a
// site's 100,000 cases with their events (IMPORT_CASES to change the size),
// into a fresh central database each time, and then importing the same
// folder again (which must change nothing).
func BenchmarkImport(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("IMPORT_CASES")); err == nil && v > 0 {
		n = v
	}
	c := newCounty(b, 1)
	if _, err := demo.Run(ctx, c.sites[0], demo.Options{Cases: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	start := time.Now()
	res, err := c.sites[0].Export(ctx, dir, "bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	exported := time.Since(start)
	reg, _ := c.sites[0].Registration(ctx)
	var imports, again time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		central, err := sqlite.CreateSite(ctx, filepath.Join(b.TempDir(), "central.db"), data.Site{Code: "330100000", Name: "中心", Kind: data.SiteCentre}, testkit.Defaults(b))
		if err != nil {
			b.Fatal(err)
		}
		admin, _ := central.UserByLogin(ctx, "admin")
		if err := central.MarkSample(ctx); err != nil { // a trial centre: the bundles are the demo's
			b.Fatal(err)
		}
		if _, err := central.RegisterSite(ctx, admin.ID, reg); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		restore := gctune.Bulk() // as the import command does
		rs, err := central.ImportDir(ctx, admin.ID, dir, nil)
		imports += time.Since(t0)
		if err != nil || len(rs) != len(res) {
			b.Fatal(rs, err)
		}
		for _, r := range rs {
			if r.Outcome != exchange.ImportApplied {
				b.Fatal(r)
			}
		}
		t0 = time.Now()
		rs, err = central.ImportDir(ctx, admin.ID, dir, nil)
		again += time.Since(t0)
		restore()
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rs {
			if r.Outcome != exchange.ImportAlready {
				b.Fatal(r)
			}
		}
		b.StopTimer()
		central.Close()
		b.StartTimer()
	}
	b.ReportMetric(imports.Seconds()/float64(b.N), "s/import")
	b.ReportMetric(again.Seconds()/float64(b.N), "s/reimport")
	b.ReportMetric(float64(len(res)), "bundles")
	b.ReportMetric(exported.Seconds(), "s/export")
}

// BenchmarkProblemBoard reads the 督查 board of the enterprises' problems
// (every department's figures over twelve months and the problems overdue
// today) over benchCases() cases and the problems demo makes with them
// (3 per 100 cases: 30,000 at a million).
func BenchmarkProblemBoard(b *testing.B) {
	s := bigDB(b)
	today := calendar.DateOf(s.Now())
	for i := 0; i < b.N; i++ {
		rows, _, err := s.ProblemBoard(ctx, today-365, today, today)
		if err != nil {
			b.Fatal(err)
		}
		if len(rows) == 0 {
			b.Fatal("empty board")
		}
	}
}
