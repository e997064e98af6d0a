package report

import (
	"sort"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// Parts are what a store's queries add up for one report: the groups'
// rows by key, the waiver lines, and the daily counts behind the weekly
// chart. Every store fills them from its own SQL; Assemble makes the same
// report of them.
type Parts struct {
	Rows     map[string]*Row
	Waivers  []WaiverLine
	Received map[calendar.Date]int         // cases received per day
	Done     map[calendar.Date]map[int]int // completion day → working days used → cases
}

// NewParts is an empty set of parts.
func NewParts() *Parts {
	return &Parts{Rows: map[string]*Row{}, Received: map[calendar.Date]int{}, Done: map[calendar.Date]map[int]int{}}
}

// Group is the row of key (named name, or key when name is empty), made
// when first asked for.
func (p *Parts) Group(key, name string) *Row {
	x := p.Rows[key]
	if x == nil {
		if name == "" {
			name = key
		}
		x = &Row{Key: key, Name: name}
		p.Rows[key] = x
	}
	return x
}

// AddWaiver adds a waiver line, merging it with one of the same group,
// policy and basis.
func (p *Parts) AddWaiver(l WaiverLine) {
	for i := range p.Waivers {
		if w := &p.Waivers[i]; w.Group == l.Group && w.Policy == l.Policy && w.Basis == l.Basis {
			w.Count, w.Fen = w.Count+l.Count, w.Fen+l.Fen
			return
		}
	}
	p.Waivers = append(p.Waivers, l)
}

// AddDone counts n cases completed on day having used used working days.
func (p *Parts) AddDone(day calendar.Date, used, n int) {
	if p.Done[day] == nil {
		p.Done[day] = map[int]int{}
	}
	p.Done[day][used] += n
}

// Assemble puts the groups in order, adds the total, the weekly chart and,
// for departments and windows, the ranking.
func Assemble(spec Spec, p *Parts) *Report {
	rep := &Report{Spec: spec, Waivers: p.Waivers, Weights: spec.Weights}
	if rep.Weights == nil {
		rep.Weights = Weights
	}
	for _, r := range p.Rows {
		rep.Rows = append(rep.Rows, *r)
	}
	sort.Slice(rep.Rows, func(i, j int) bool {
		if rep.Rows[i].Name != rep.Rows[j].Name {
			return rep.Rows[i].Name < rep.Rows[j].Name
		}
		return rep.Rows[i].Key < rep.Rows[j].Key
	})
	rep.Total = Row{Name: "合计"}
	for i := range rep.Rows {
		rep.Total.Add(&rep.Rows[i])
	}
	sort.Slice(rep.Waivers, func(i, j int) bool {
		a, b := rep.Waivers[i], rep.Waivers[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.Basis < b.Basis
	})
	rep.Weeks = weeks(spec, p.Received, p.Done)
	if spec.By == ByDepartment || spec.By == ByWindow {
		rep.Ranking = RankRows(rep.Rows, rep.Weights)
	}
	return rep
}

// weeks folds the daily counts into Monday-to-Sunday weeks of the period.
func weeks(spec Spec, received map[calendar.Date]int, done map[calendar.Date]map[int]int) []Week {
	monday := func(d calendar.Date) calendar.Date { return d - calendar.Date((int(d.Weekday())+6)%7) }
	var out []Week
	for m := monday(spec.From); m <= spec.To; m += 7 {
		w := Week{Monday: m}
		h := map[int]int{}
		for d := max(m, spec.From); d < m+7 && d <= spec.To; d++ {
			w.Received += received[d]
			for used, n := range done[d] {
				h[used] += n
				w.Completed += n
			}
		}
		w.MedianDays = Quantile(h, 0.5)
		out = append(out, w)
	}
	return out
}

// Closed is one line of closed cases as a store's query adds them up: the
// cases of one group closed with one status, having used Used working days.
type Closed struct {
	Status           data.Status
	Used, Cases      int
	OnTimePromised   int
	OnTimeStatutory  int
	Extended, Paused int // cases extended, paused
	PauseDays        int
	SameDay          int  // closed on the day they arrived
	Immediate        bool // of an item handled on the spot (即办件)
}

// AddClosed adds the line to group g: completed cases count towards the
// on-time rates, the days' histogram and (for 即办件) the same-day rate;
// refused and withdrawn ones by their number only.
func (g *Row) AddClosed(c Closed) {
	var x Row
	switch c.Status {
	case data.StatusCompleted, data.StatusDelivered:
		x.Completed, x.OnTimePromised, x.OnTimeStatutory = c.Cases, c.OnTimePromised, c.OnTimeStatutory
		x.Extended, x.Paused, x.PauseDays = c.Extended, c.Paused, c.PauseDays
		if c.Immediate {
			x.ImmediateDone, x.ImmediateSame = c.Cases, c.SameDay
		}
	case data.StatusRefused:
		x.Refused = c.Cases
	case data.StatusWithdrawn:
		x.Withdrawn = c.Cases
	}
	if x.Completed > 0 {
		if g.Days == nil {
			g.Days = map[int]int{}
		}
		g.Days[c.Used] += x.Completed
	}
	g.Add(&x) // several keys make one group: add, never assign
}
