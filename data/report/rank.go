package report

import (
	"fmt"
	"math"
	"sort"
)

// Weight is one part of the composite score.
type Weight struct {
	Key    string // as stored in a database's settings
	Name   string
	Weight float64
	Value  func(r *Row) float64 // 0…1; NaN when the group has no such cases
}

// Weights is the documented composite used to rank departments and
// windows (服务之星 / 通报), with its default weights: each part is a rate
// between 0 and 1; a part a group has no cases for (no ratings, no
// rectifications, no problems closed) is left out and the remaining
// weights are scaled up, so nobody gains or loses by it. The two problem
// parts (企业反映问题, counted by lead department) carry 20 %; the case
// parts keep their former proportions, so a group without problems ranks
// exactly as before they were added. A database may set its own weights
// (设置 → 企业问题; SetWeights).
var Weights = []Weight{
	{"on_time", "承诺时限内办结率", 0.32, (*Row).OnTimeRate},
	{"statutory", "法定时限内办结率", 0.16, (*Row).StatutoryRate},
	{"satisfaction", "满意度（平均分÷5）", 0.16, func(r *Row) float64 { return r.Satisfaction() / 5 }},
	{"rectification", "差评按期整改率", 0.08, (*Row).RectRate},
	{"first_time", "一次性受理率（1−补正率）", 0.08, func(r *Row) float64 { return 1 - r.SupplementRate() }},
	{"problems_on_time", "企业问题按期办结率", 0.10, (*Row).ProblemOnTimeRate},
	{"problems_satisfied", "企业问题回访满意率", 0.10, (*Row).ProblemSatisfiedRate},
}

// SetWeights returns the composite with the weights of percent (by key;
// a key not named keeps its default), or an error in Chinese naming what
// is wrong: an unknown part, a weight outside 0–100, or weights that do not
// add up to 100.
func SetWeights(percent map[string]int) ([]Weight, error) {
	out := make([]Weight, len(Weights))
	copy(out, Weights)
	known := map[string]bool{}
	for _, w := range Weights {
		known[w.Key] = true
	}
	for k := range percent {
		if !known[k] {
			return nil, fmt.Errorf("综合排名权重：没有名为 %q 的指标", k)
		}
	}
	sum := 0
	for i := range out {
		p, ok := percent[out[i].Key]
		if !ok {
			p = int(math.Round(out[i].Weight * 100))
		}
		if p < 0 || p > 100 {
			return nil, fmt.Errorf("综合排名权重：%s 的权重应为 0 到 100", out[i].Name)
		}
		out[i].Weight = float64(p) / 100
		sum += p
	}
	if sum != 100 {
		return nil, fmt.Errorf("综合排名权重：各项权重之和应为 100%%，现为 %d%%", sum)
	}
	return out, nil
}

// Percents are the weights as whole percentages, by key.
func Percents(ws []Weight) map[string]int {
	out := map[string]int{}
	for _, w := range ws {
		out[w.Key] = int(math.Round(w.Weight * 100))
	}
	return out
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

// Score computes a group's composite score and its parts under ws.
func Score(r *Row, ws []Weight) (float64, []float64) {
	parts := make([]float64, len(ws))
	sum, wsum := 0.0, 0.0
	for i, w := range ws {
		v := w.Value(r)
		parts[i] = v
		if math.IsNaN(v) || w.Weight == 0 {
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
// their score under ws, best first; ties share a place and are ordered by
// name.
func RankRows(rows []Row, ws []Weight) []Rank {
	var out []Rank
	for i := range rows {
		r := &rows[i]
		if r.Completed < MinCompleted {
			continue
		}
		s, parts := Score(r, ws)
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
