package postgres_test

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/report"
)

// BenchmarkImportSites is a day's bundles of many sites merged into a
// PostgreSQL centre: ONEWINDOW_BENCH_SITES sites (default 20) of
// ONEWINDOW_BENCH_CASES cases each (default 500), one bundle each; then
// the same folder again, which changes nothing. The sites are made once.
func BenchmarkImportSites(b *testing.B) {
	n, per := envInt("ONEWINDOW_BENCH_SITES", 20), envInt("ONEWINDOW_BENCH_CASES", 500)
	dir, regs := sites(b, n, per)
	files, _ := filepath.Glob(filepath.Join(dir, "*"+exchange.BundleExt))
	b.Logf("%d sites, %d cases, %d bundles", n, n*per, len(files))
	for _, again := range []bool{false, true} {
		name := "first"
		if again {
			name = "again"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				pg, admin, _ := openCentre(b)
				for _, r := range regs {
					if _, err := pg.RegisterSite(ctx, admin.ID, r); err != nil {
						b.Fatal(err)
					}
				}
				if again {
					if _, err := pg.ImportDir(ctx, admin.ID, dir, nil); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				res, err := pg.ImportDir(ctx, admin.ID, dir, nil)
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range res {
					if r.Outcome != exchange.ImportApplied && r.Outcome != exchange.ImportAlready {
						b.Fatalf("%s: %s", r.Outcome, r.Message)
					}
				}
				b.StopTimer()
				pg.Close()
			}
			b.ReportMetric(float64(n*per*b.N)/b.Elapsed().Seconds(), "cases/s")
		})
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkReportScale is the report by department over a year on a
// PostgreSQL centre holding ONEWINDOW_BENCH_REPORT_CASES cases (default
// 100,000) of 200 sites over 18 months, made directly in SQL (a synthetic
// spread of items, statuses and days, not through bundles: that is
// BenchmarkImportSites'): the cases of the last three weeks open (about
// 4 %, as a real year leaves), a fee line on one case in five and an
// approved waiver on one in fifty. "one" is a report at a time; "20"
// runs 20 at once, as many supervisors do, and reports the 95th
// percentile of their times.
func BenchmarkReportScale(b *testing.B) {
	n := envInt("ONEWINDOW_BENCH_REPORT_CASES", 100000)
	pg, _, url := openCentre(b)
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close(ctx)
	for _, q := range []string{
		"CREATE TABLE applications_2025 PARTITION OF applications FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
		"CREATE TABLE applications_2026 PARTITION OF applications FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
		`INSERT INTO departments (code, name) SELECT 'D' || g, '部门' || g FROM generate_series(1, 15) g`,
		`INSERT INTO items (code, name, department, kind, statutory, promised, materials, active)
			SELECT 'I' || g, '事项' || g, 'D' || (g % 15 + 1), CASE WHEN g % 4 = 0 THEN 'immediate' ELSE 'promised' END, 20, 10, '[]', 0 FROM generate_series(1, 120) g`,
		`INSERT INTO waiver_policies VALUES ('P1', '小微企业免收登记费', '财税〔2014〕101号', '2015-01-01', NULL)`,
		`INSERT INTO applications (received_date, number, site_code, item, applicant, window_code, clerk, received_at, status,
			start_date, due_promised, due_statutory, closed_date, accepted_date, used_days, ontime_promised, ontime_statutory,
			pause_days, extra_days, supplemented, yellow_promised, yellow_statutory, red_promised, red_statutory, rated_date, rating_level)
		SELECT d, '330102' || lpad((g % 200 + 101)::text, 3, '0') || '-' || g, '330102' || lpad((g % 200 + 101)::text, 3, '0'),
			'I' || (g % 120 + 1), 'A' || (g % 50000), 'W' || (g % 6), 'U' || (g % 9), to_char(d, 'YYYY-MM-DD') || 'T02:00:00Z',
			CASE WHEN open THEN 'accepted' WHEN g % 37 = 0 THEN 'refused' ELSE 'completed' END,
			d, d + 14, d + 28, CASE WHEN open THEN NULL ELSE d + (g % 20) END, d, CASE WHEN open THEN NULL ELSE g % 20 END,
			(g % 20 < 10)::int, 1, 0, 0, (g % 7 = 0)::int, d + 11, d + 22, d + 14, d + 28,
			CASE WHEN g % 3 = 0 AND NOT open THEN d + (g % 20) END, CASE WHEN g % 3 = 0 AND NOT open THEN g % 5 + 1 END
		FROM (SELECT g, d, d >= DATE '2026-11-02' AS open FROM (SELECT g, DATE '2025-06-01' + (g % 540) AS d FROM generate_series(1, $1::int) g) y) x`,
		`INSERT INTO case_fees SELECT number, 'F1', '登记费', 8000, '件', '发改价格规〔2016〕2559号' FROM applications WHERE right(number, 1) = '5'`,
		`INSERT INTO waivers SELECT site_code, row_number() OVER (), number, 'F1', 'full', 8000, 'P1', '小微企业', 'approved', 'U1', received_at, 'U2', received_at, '',
			item, window_code, clerk FROM applications WHERE right(number, 2) = '50'`,
		"ANALYZE",
	} {
		args := []any{}
		if strings.Contains(q, "$1") {
			args = append(args, n)
		}
		if _, err := c.Exec(ctx, q, args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := pg.RebuildTotals(ctx); err != nil {
		b.Fatal(err)
	}
	spec := report.Spec{From: calendar.NewDate(2025, 12, 1), To: calendar.NewDate(2026, 11, 30), Today: calendar.NewDate(2026, 11, 30), By: report.ByDepartment}
	one := func(b *testing.B) time.Duration {
		start := time.Now()
		rep, err := pg.Report(ctx, spec)
		if err != nil {
			b.Error(err)
		} else if rep.Total.Received == 0 || rep.Total.Yellow+rep.Total.Red == 0 || rep.Total.FeeCases == 0 || rep.Total.Waived == 0 {
			b.Errorf("report %+v", rep.Total)
		}
		return time.Since(start)
	}
	b.Run("one", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			one(b)
		}
		b.ReportMetric(float64(n), "cases")
	})
	b.Run("20", func(b *testing.B) {
		var times []time.Duration
		for i := 0; i < b.N; i++ {
			var mu sync.Mutex
			var wg sync.WaitGroup
			for range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d := one(b)
					mu.Lock()
					times = append(times, d)
					mu.Unlock()
				}()
			}
			wg.Wait()
		}
		if b.Failed() {
			return
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		b.ReportMetric(times[len(times)*95/100].Seconds(), "p95_s")
		b.ReportMetric(float64(n), "cases")
	})
}
