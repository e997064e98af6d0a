package exchange

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/problem"
)

// The 企业反映问题 a bundle carries: the site's own problems, each with its
// whole log, and their papers.

// checkProblems: the site's own problems only, each with its whole log
// (events 1…n in order, as the centre replays it), and papers of problems
// carried in the bundle.
func (b *Bundle) checkProblems() error {
	site := b.Manifest.Site
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(site) + `-[0-9]{4}-WT[0-9]{6}$`)
	events := map[string]int64{}
	for _, p := range b.Problems {
		if !re.MatchString(p.Number) {
			return BundleError("问题编号 %q 不属于站点 %s", p.Number, site)
		}
		if _, dup := events[p.Number]; dup {
			return BundleError("问题 %s 重复", p.Number)
		}
		events[p.Number] = 0
		if !json.Valid([]byte(p.Days)) || !json.Valid([]byte(p.Helpers)) {
			return BundleError("问题 %s 的记录不正确", p.Number)
		}
	}
	for _, e := range b.ProblemEvents {
		last, ok := events[e.Problem]
		if !ok {
			return BundleError("问题事件所属的问题 %s 不在数据包中", e.Problem)
		}
		if e.Seq != last+1 || !json.Valid([]byte(e.Data)) {
			return BundleError("问题 %s 的事件 %d 不正确（应带全部事件，依次编号）", e.Problem, e.Seq)
		}
		events[e.Problem] = e.Seq
	}
	for number, n := range events {
		if n == 0 {
			return BundleError("问题 %s 没有事件", number)
		}
	}
	for _, d := range b.ProblemDocuments {
		if _, ok := events[d.Problem]; !ok {
			return BundleError("问题文书所属的问题 %s 不在数据包中", d.Problem)
		}
		if !strings.HasPrefix(d.Number, site+"-") {
			return BundleError("文书编号 %q 不属于站点 %s", d.Number, site)
		}
	}
	return nil
}

// ProblemLogs decodes the bundle's problem events into each problem's log,
// which a centre replays for the problem's state.
func (b *Bundle) ProblemLogs() (map[string][]problem.Event, error) {
	logs := map[string][]problem.Event{}
	for _, e := range b.ProblemEvents {
		var d problem.EventData
		if err := json.Unmarshal([]byte(e.Data), &d); err != nil {
			return nil, BundleError("问题 %s 的事件 %d 不正确", e.Problem, e.Seq)
		}
		at, err := data.ParseTime(e.At)
		if err != nil {
			return nil, BundleError("问题 %s 的事件 %d 时间不正确", e.Problem, e.Seq)
		}
		logs[e.Problem] = append(logs[e.Problem], problem.Event{Seq: int(e.Seq), Kind: problem.Kind(e.Kind), At: at, Actor: e.Actor, Data: d})
	}
	return logs, nil
}
