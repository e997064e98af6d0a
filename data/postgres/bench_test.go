package postgres_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/onewindow/onewindow/data/exchange"
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
