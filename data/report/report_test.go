package report

import (
	"math"
	"testing"
)

func TestQuantile(t *testing.T) {
	// 1, 2, 2, 3, 10: median 2, P90 10 (nearest rank: ⌈0.9·5⌉ = 5th).
	h := map[int]int{1: 1, 2: 2, 3: 1, 10: 1}
	if q := Quantile(h, 0.5); q != 2 {
		t.Errorf("median %v", q)
	}
	if q := Quantile(h, 0.9); q != 10 {
		t.Errorf("P90 %v", q)
	}
	if q := Quantile(map[int]int{4: 10}, 0.9); q != 4 {
		t.Errorf("one value: %v", q)
	}
	if !math.IsNaN(Quantile(nil, 0.5)) {
		t.Error("no cases should be NaN")
	}
	r := Row{Days: h}
	if m := r.MeanDays(); math.Abs(m-18.0/5) > 1e-9 {
		t.Errorf("mean %v", m)
	}
}

func TestRanking(t *testing.T) {
	rows := []Row{
		{Key: "1", Name: "甲", Completed: 10, OnTimePromised: 10, OnTimeStatutory: 10, Received: 10},                                         // 100 without ratings
		{Key: "2", Name: "乙", Completed: 10, OnTimePromised: 5, OnTimeStatutory: 10, Received: 10, Supplemented: 5, Rated: 2, RatingSum: 4}, // low
		{Key: "3", Name: "丙", Completed: 4, OnTimePromised: 4, OnTimeStatutory: 4, Received: 4},                                             // too few to rank
	}
	rk := RankRows(rows)
	if len(rk) != 2 || rk[0].Name != "甲" || !rk[0].Best || !rk[1].Worst || rk[1].Place != 2 {
		t.Fatalf("%+v", rk)
	}
	if math.Abs(rk[0].Score-100) > 1e-9 {
		t.Errorf("a group without ratings or rectifications is scored on the rest: %v", rk[0].Score)
	}
	// 乙: 0.4·0.5 + 0.2·1 + 0.2·(2/5) + 0.1·(1−0.5) over weights 0.9 (no rectifications).
	want := 100 * (0.4*0.5 + 0.2*1 + 0.2*0.4 + 0.1*0.5) / 0.9
	if math.Abs(rk[1].Score-want) > 1e-9 || !math.IsNaN(rk[1].Parts[3]) {
		t.Errorf("score %v, want %v; parts %v", rk[1].Score, want, rk[1].Parts)
	}
	// Ties share a place.
	tie := RankRows([]Row{rows[0], {Key: "4", Name: "丁", Completed: 10, OnTimePromised: 10, OnTimeStatutory: 10, Received: 10}})
	if tie[0].Place != 1 || tie[1].Place != 1 || tie[0].Best || tie[0].Worst {
		t.Errorf("ties: %+v", tie)
	}
}
