package demo

import (
	"context"
	"slices"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/sqlite"
)

// demoProblems are what enterprises raise, by category.
var demoProblems = map[string][]string{
	"审批":   {"食品经营许可的现场核查预约已等了两周", "同一份材料在两个部门之间被要求重复提交", "建设工程规划许可的图纸审查意见前后不一致"},
	"政策兑现": {"去年申报的技术改造补助至今没有拨付", "小微企业免收登记费的政策在窗口没有落实", "稳岗返还资金的申请被告知不符合条件，但未说明理由"},
	"用地":   {"新厂区的用地预审在两个部门之间退回了三次", "项目用地红线与规划图不一致，无法开工"},
	"用工":   {"招用的外地技术工人落户手续办不下来", "职业技能等级认定的考点太远"},
	"融资":   {"应收账款质押登记的流程不清楚", "政策性担保贷款的审批时间过长"},
	"水电路网": {"新厂区门前道路尚未接通，货车无法进出", "厂区用电扩容申请三个月没有答复", "园区宽带迟迟不能开通"},
	"其他":   {"办事大厅停车位不足", "希望延长周六的开窗时间"},
}

// problems generates n problems over the last twelve months, each through
// a realistic log: triage on a track, assignment, answers or an
// explanation and progress, sometimes 督办, closing, and a revisit (some
// unsatisfied, reopened); the recent ones still open, some overdue.
func (g *gen) problems(ctx context.Context, s *sqlite.Store, n int) ([]problem.Problem, error) {
	depts, err := s.Departments(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := s.ProblemCategories(ctx)
	if err != nil {
		return nil, err
	}
	days, err := s.ProblemDays(ctx)
	if err != nil {
		return nil, err
	}
	if len(depts) == 0 || len(cats) == 0 || len(g.ents) == 0 {
		return nil, nil
	}
	users, err := s.Users(ctx)
	if err != nil {
		return nil, err
	}
	site, err := s.Site(ctx)
	if err != nil {
		return nil, err
	}
	var clerks []string
	for _, u := range users {
		if u.Role == data.RoleClerk {
			clerks = append(clerks, u.Login)
		}
	}
	out := make([]problem.Problem, 0, n)
	// Spread over the year, one in five in the last month; numbered in
	// the order they arrive.
	arrivals := make([]calendar.Date, n)
	for i := range arrivals {
		arrivals[i] = g.days[i*len(g.days)/n]
		if g.rng.IntN(5) == 0 {
			arrivals[i] = g.days[len(g.days)-1-g.rng.IntN(min(22, len(g.days)))]
		}
	}
	slices.Sort(arrivals)
	for _, day := range arrivals {
		ent := g.ents[g.rng.IntN(len(g.ents))]
		cat := cats[g.rng.IntN(len(cats))]
		texts := demoProblems[cat]
		if len(texts) == 0 {
			texts = demoProblems["其他"]
		}
		clerk := clerks[g.rng.IntN(len(clerks))]
		at := g.at(day, time.Time{})
		p := problem.Problem{SiteCode: g.site, EnterpriseCode: ent.IDCode, EnterpriseName: ent.Name,
			Category: cat, ReceivedAt: at}
		add := func(k problem.Kind, d calendar.Date, actor string, ed problem.EventData) bool {
			if d > g.today {
				return false
			}
			last := p.Events[len(p.Events)-1].At
			t := g.at(d, last)
			if calendar.DateOf(t) > g.today {
				return false
			}
			p.Events = append(p.Events, problem.Event{Seq: len(p.Events) + 1, Kind: k, At: t, Actor: actor, Data: ed})
			return true
		}
		p.Events = []problem.Event{{Seq: 1, Kind: problem.Registered, At: at, Actor: clerk, Data: problem.EventData{
			EnterpriseCode: ent.IDCode, EnterpriseName: ent.Name, Contact: ent.Contact, Phone: ent.Phone, Category: cat,
			Source: problem.Sources[g.rng.IntN(4)], Text: texts[g.rng.IntN(len(texts))]}}}
		track := problem.Tracks[[]int{0, 0, 1, 1, 1, 2}[g.rng.IntN(6)]]
		due, explainDue := problem.Dues(track, days, day, g.cal)
		d := days
		add(problem.Triaged, day, clerk, problem.EventData{Track: track, Days: &d, Due: dateText(due), ExplainDue: dateText(explainDue)})
		dept := depts[g.rng.IntN(len(depts))]
		add(problem.Assigned, day, clerk, problem.EventData{Department: dept.Code})
		// A township or village reports one in eight up to the county's
		// department (上报), which the centre answers.
		if site.Kind != data.SiteCentre && g.rng.IntN(8) == 0 {
			add(problem.Escalated, g.cal.AddWorkdays(day, 1), clerk, problem.EventData{Department: dept.Code, Text: "涉及县级部门职权，需县级部门协调解决"})
		}
		// How long it takes: mostly in time, one in six late.
		late := g.rng.IntN(6) == 0
		var end calendar.Date
		switch track {
		case problem.Immediate:
			end = day
			if late {
				end = g.cal.AddWorkdays(day, 1+g.rng.IntN(3))
			}
		case problem.Soon:
			end = g.cal.AddWorkdays(day, 1+g.rng.IntN(days.Soon))
			if late {
				end = g.cal.AddWorkdays(due, 1+g.rng.IntN(5))
			}
		case problem.Explain:
			explained := g.cal.AddWorkdays(day, 1+g.rng.IntN(days.Explain))
			if late {
				explained = g.cal.AddWorkdays(explainDue, 1+g.rng.IntN(3))
			}
			promised := g.cal.AddWorkdays(explained, 20+g.rng.IntN(40))
			add(problem.Explained, explained, clerk, problem.EventData{Text: "已向企业书面说明：需协调相关部门，逐步解决", Promised: promised.String()})
			for note := g.cal.AddWorkdays(explained, days.Progress-g.rng.IntN(3)); note < promised; note = g.cal.AddWorkdays(note, days.Progress-g.rng.IntN(3)) {
				add(problem.Progressed, note, clerk, problem.EventData{Text: "已召开协调会，正在推进"})
			}
			end = promised
		}
		if late && g.rng.IntN(2) == 0 {
			add(problem.Urged, g.cal.AddWorkdays(day, 1), g.super, problem.EventData{Text: "请牵头部门抓紧办理并答复企业"})
		}
		if track != problem.Explain {
			add(problem.Answered, end, clerk, problem.EventData{Text: "已与企业沟通并提出解决办法"})
		}
		if g.rng.IntN(12) == 0 { // stuck between departments: still open, overdue
			out = append(out, p)
			continue
		}
		if !add(problem.ClosedKind, end, clerk, problem.EventData{Text: "问题已解决，企业已确认"}) {
			out = append(out, p)
			continue
		}
		verdict := []problem.Verdict{problem.Satisfied, problem.Satisfied, problem.Satisfied, problem.Fair, problem.Unsatisfied}[g.rng.IntN(5)]
		ed := problem.EventData{Verdict: verdict}
		if verdict == problem.Unsatisfied {
			ed.Text = "问题没有真正解决"
		}
		if add(problem.Revisited, g.cal.AddWorkdays(end, 2), clerk, ed) && verdict == problem.Unsatisfied {
			// Reopened: the department tries again.
			again := g.cal.AddWorkdays(end, 4+g.rng.IntN(6))
			if add(problem.ClosedKind, again, clerk, problem.EventData{Text: "再次协调后已解决"}) {
				add(problem.Revisited, g.cal.AddWorkdays(again, 2), clerk, problem.EventData{Verdict: problem.Fair})
			}
		}
		out = append(out, p)
	}
	return out, nil
}

func dateText(d calendar.Date) string {
	if d == 0 {
		return ""
	}
	return d.String()
}
