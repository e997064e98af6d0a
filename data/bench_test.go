package data_test

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
	s, c := MustOpen(b)
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

// BenchmarkDemo generates benchCases() cases into a new database.
func BenchmarkDemo(b *testing.B) {
	n := benchCases()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, c := MustOpen(b)
		c.Set("2026-11-26 18:00")
		b.StartTimer()
		t0 := time.Now()
		if _, err := s.Demo(ctx, data.DemoOptions{Cases: n, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(t0).Seconds(), "s/demo")
		b.ReportMetric(float64(n), "cases")
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}

var (
	bigOnce  sync.Once
	bigStore *data.Store
	bigErr   error
)

// bigDB is a database with benchCases() demo cases, made once per run
// (or ONEWINDOW_BENCH_DB, an existing demo database, to skip generating).
func bigDB(b *testing.B) *data.Store {
	bigOnce.Do(func() {
		path := os.Getenv("ONEWINDOW_BENCH_DB")
		if path == "" {
			dir, err := os.MkdirTemp("", "onewindow-bench-")
			if err != nil {
				bigErr = err
				return
			}
			path = filepath.Join(dir, "big.db")
		}
		bigStore, bigErr = data.OpenDefault(ctx, path, defaults(b))
		if bigErr != nil {
			return
		}
		if n, _ := bigStore.CountCases(ctx, data.CaseFilter{}); n < benchCases() {
			_, bigErr = bigStore.Demo(ctx, data.DemoOptions{Cases: benchCases() - n, Seed: 1})
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
		path := bigStore.Path()
		bigStore.Close()
		if os.Getenv("ONEWINDOW_BENCH_DB") == "" {
			os.RemoveAll(filepath.Dir(path))
		}
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
	} {
		b.Run(tc.name, func(b *testing.B) {
			filter := data.CaseFilter{Statuses: tc.status, WindowID: f.windowID, From: today.AddDays(-90), To: today,
				Order: "due", Limit: 50, Offset: tc.offset}
			for i := 0; i < b.N; i++ {
				apps, err := s.Cases(ctx, filter)
				if err != nil {
					b.Fatal(err)
				}
				if len(apps) == 0 {
					b.Fatal("empty page")
				}
			}
		})
	}
}
