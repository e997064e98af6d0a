package report

import (
	"math"
	"sort"
)

// Weight is one part of the composite score.
type Weight struct {
	Name   string
	Weight float64
	Value  func(r *Row) float64 // 0…1; NaN when the group has no such cases
}

// Weights is the documented composite used to rank departments and
// windows (服务之星 / 通报): each part is a rate between 0 and 1; a part a
// group has no cases for (no ratings, no rectifications) is left out and
// the remaining weights are scaled up, so nobody gains or loses by it.
var Weights = []Weight{
	{"承诺时限内办结率", 0.40, (*Row).OnTimeRate},
	{"法定时限内办结率", 0.20, (*Row).StatutoryRate},
	{"满意度（平均分÷5）", 0.20, func(r *Row) float64 { return r.Satisfaction() / 5 }},
	{"差评按期整改率", 0.10, (*Row).RectRate},
	{"一次性受理率（1−补正率）", 0.10, func(r *Row) float64 { return 1 - r.SupplementRate() }},
}

// MinCompleted is how many cases a group must have completed in the period
// to be ranked: a window that finished two cases is not "the best".
const MinCompleted = 5

// Rank is one ranked group with the figures behind its score.
type Rank struct {
	Key, Name string
	Score     float64   // 0…100
	Parts     []float64 // each weight's value (NaN when left out)
	Place     int       // 1 = best
	Best      bool
	Worst     bool
}

// Score computes a group's composite score and its parts.
func Score(r *Row) (float64, []float64) {
	parts := make([]float64, len(Weights))
	sum, wsum := 0.0, 0.0
	for i, w := range Weights {
		v := w.Value(r)
		parts[i] = v
		if math.IsNaN(v) {
			continue
		}
		sum += w.Weight * v
		wsum += w.Weight
	}
	if wsum == 0 {
		return math.NaN(), parts
	}
	return 100 * sum / wsum, parts
}

// RankRows ranks the rows with at least MinCompleted completed cases by
// score, best first; ties share a place and are ordered by name.
func RankRows(rows []Row) []Rank {
	var out []Rank
	for i := range rows {
		r := &rows[i]
		if r.Completed < MinCompleted {
			continue
		}
		s, parts := Score(r)
		if math.IsNaN(s) {
			continue
		}
		out = append(out, Rank{Key: r.Key, Name: r.Name, Score: s, Parts: parts})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if math.Abs(out[i].Score-out[j].Score) > 1e-9 {
			return out[i].Score > out[j].Score
		}
		return out[i].Name < out[j].Name
	})
	for i := range out {
		out[i].Place = i + 1
		if i > 0 && math.Abs(out[i].Score-out[i-1].Score) <= 1e-9 {
			out[i].Place = out[i-1].Place
		}
	}
	// Best and worst only when there is a difference to speak of.
	if len(out) >= 2 && math.Abs(out[0].Score-out[len(out)-1].Score) > 1e-9 {
		for i := range out {
			out[i].Best = out[i].Place == out[0].Place
			out[i].Worst = math.Abs(out[i].Score-out[len(out)-1].Score) <= 1e-9
		}
	}
	return out
}
