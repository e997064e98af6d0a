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
	rk := RankRows(rows, Weights)
	if len(rk) != 2 || rk[0].Name != "甲" || !rk[0].Best || !rk[1].Worst || rk[1].Place != 2 {
		t.Fatalf("%+v", rk)
	}
	if math.Abs(rk[0].Score-100) > 1e-9 {
		t.Errorf("a group without ratings or rectifications is scored on the rest: %v", rk[0].Score)
	}
	// 乙: 0.32·0.5 + 0.16·1 + 0.16·(2/5) + 0.08·(1−0.5) over weights 0.72
	// (no rectifications, no problems): the same as before the problem
	// parts were added.
	want := 100 * (0.32*0.5 + 0.16*1 + 0.16*0.4 + 0.08*0.5) / 0.72
	if old := 100 * (0.4*0.5 + 0.2*1 + 0.2*0.4 + 0.1*0.5) / 0.9; math.Abs(want-old) > 1e-9 {
		t.Errorf("the case parts changed their proportions: %v, was %v", want, old)
	}
	if math.Abs(rk[1].Score-want) > 1e-9 || !math.IsNaN(rk[1].Parts[3]) {
		t.Errorf("score %v, want %v; parts %v", rk[1].Score, want, rk[1].Parts)
	}
	// Ties share a place.
	tie := RankRows([]Row{rows[0], {Key: "4", Name: "丁", Completed: 10, OnTimePromised: 10, OnTimeStatutory: 10, Received: 10}}, Weights)
	if tie[0].Place != 1 || tie[1].Place != 1 || tie[0].Best || tie[0].Worst {
		t.Errorf("ties: %+v", tie)
	}
}

// The problem parts rank a department by its enterprises' problems: two
// departments equal on their cases are told apart by the problems they
// closed in time and the revisits' verdicts; weights set by a database
// must be known parts, 0–100 each, adding up to 100.
func TestProblemWeights(t *testing.T) {
	base := Row{Completed: 10, OnTimePromised: 10, OnTimeStatutory: 10, Received: 10}
	good, bad := base, base
	good.Key, good.Name, good.ProblemsClosed, good.ProblemsOnTime, good.ProblemsSatisfied = "1", "甲", 4, 4, 4
	bad.Key, bad.Name, bad.ProblemsClosed, bad.ProblemsOnTime, bad.ProblemsUnsatisfied, bad.ProblemsFair = "2", "乙", 4, 1, 2, 2
	rk := RankRows([]Row{bad, good}, Weights)
	if rk[0].Name != "甲" || !rk[1].Worst {
		t.Fatalf("%+v", rk)
	}
	// 乙: cases 1 (0.32 + 0.16 + 0.08 over their weights) and problems
	// 1/4 in time, 2 of 4 revisits content.
	want := 100 * (0.32 + 0.16 + 0.08 + 0.10*0.25 + 0.10*0.5) / 0.76
	if math.Abs(rk[1].Score-want) > 1e-9 {
		t.Errorf("乙 %v, want %v (parts %v)", rk[1].Score, want, rk[1].Parts)
	}
	// Without the problem parts the two tie.
	ws, err := SetWeights(map[string]int{"on_time": 52, "problems_on_time": 0, "problems_satisfied": 0})
	if err != nil {
		t.Fatal(err)
	}
	if rk := RankRows([]Row{bad, good}, ws); rk[0].Place != 1 || rk[1].Place != 1 {
		t.Errorf("cases only: %+v", rk)
	}
	for _, bad := range []map[string]int{{"speed": 10}, {"on_time": 101}, {"on_time": -1}, {"on_time": 40}} {
		if _, err := SetWeights(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if p := Percents(ws); p["on_time"] != 52 || p["problems_on_time"] != 0 || p["statutory"] != 16 {
		t.Errorf("percents %v", p)
	}
}
