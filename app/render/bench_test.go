package render

import (
	"testing"
	"time"

	"github.com/onewindow/onewindow/data"
)

// BenchmarkReceipt renders a 受理通知书 with fees (warm: the font was read
// once before). The goal is p50 ≤ 30 ms and ≤ 150 KB.
func BenchmarkReceipt(b *testing.B) {
	w := newWorld(b)
	app := w.register(b, "BDC-001", longCompany(), data.DecideAccept, "")
	doc := w.issue(b, app.Number, data.DocAccept)
	if _, err := Render(doc, Options{}); err != nil {
		b.Fatal(err)
	}
	times := make([]time.Duration, 0, b.N)
	size := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		res, err := Render(doc, Options{})
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(t0))
		size = len(res.PDF)
	}
	b.StopTimer()
	p50, p95 := percentiles(times)
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(size)/1024, "KB")
}

// BenchmarkBatch500 issues and renders 500 receipts for 500 cases, as a
// batch print of a day's acceptances would.
func BenchmarkBatch500(b *testing.B) {
	w := newWorld(b)
	var numbers []string
	for i := 0; i < 500; i++ {
		numbers = append(numbers, w.register(b, "BDC-001", longCompany(), data.DecideAccept, "").Number)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bytes := 0
		for _, n := range numbers {
			doc := w.issue(b, n, data.DocAccept)
			res, err := Render(doc, Options{})
			if err != nil {
				b.Fatal(err)
			}
			bytes += len(res.PDF)
		}
		b.ReportMetric(float64(bytes)/500/1024, "KB/receipt")
	}
}

func percentiles(ts []time.Duration) (p50, p95 time.Duration) {
	s := append([]time.Duration(nil), ts...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[len(s)/2], s[len(s)*95/100]
}
