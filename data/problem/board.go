package problem

import (
	"sort"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/report"
)

// BoardRow is one lead department's problem figures (the 督查 board):
// what arrived in the period, what was closed in it and how many in time
// per track, what is overdue now, and the enterprises' verdicts on the
// problems closed in the period.
type BoardRow struct {
	Department, Name string
	Received         int           // registered in the period
	Closed           map[Track]int // closed in the period, by track
	OnTime           map[Track]int // of those, in time
	Overdue          int           // pending now and red
	Urged            int           // 督办 of the department's problems (all, to date)
	Satisfied        int           // closed in the period and revisited: 满意
	Fair             int           // 基本满意
	Unsatisfied      int           // 不满意 (reopened at least once)
}

// ClosedTotal is the problems closed in the period.
func (r *BoardRow) ClosedTotal() int {
	n := 0
	for _, v := range r.Closed {
		n += v
	}
	return n
}

// OnTimeTotal is those closed in time.
func (r *BoardRow) OnTimeTotal() int {
	n := 0
	for _, v := range r.OnTime {
		n += v
	}
	return n
}

// Overdue is a pending problem past its deadline, for the board and
// the bulletin.
type Overdue struct {
	Number, Enterprise, Category string
	Department, Name             string
	Track                        Track
	Next                         calendar.Date
	DaysOver                     int
}

// Board adds problems up into the board's lines: a store feeds it each
// problem of the period (received in it, closed in it, or pending) with
// its replayed state and its clock on the day, and reads the lines and the
// overdue list. The SQLite and PostgreSQL stores share it, so both count
// alike.
type Board struct {
	From, To calendar.Date
	Names    map[string]string // department code → name
	rows     map[string]*BoardRow
	overdue  []Overdue
}

// NewBoard is an empty board of the period from…to.
func NewBoard(from, to calendar.Date, names map[string]string) *Board {
	return &Board{From: from, To: to, Names: names, rows: map[string]*BoardRow{}}
}

func (b *Board) row(code string) *BoardRow {
	r := b.rows[code]
	if r == nil {
		r = &BoardRow{Department: code, Name: b.Names[code], Closed: map[Track]int{}, OnTime: map[Track]int{}}
		if code == "" {
			r.Name = "未交办"
		}
		if r.Name == "" {
			r.Name = code
		}
		b.rows[code] = r
	}
	return r
}

// Add counts one problem: its number, enterprise and category (for the
// overdue list), its state and its clock.
func (b *Board) Add(number, enterprise, category string, st State, c Clock) {
	g := b.row(st.Department)
	g.Urged += st.Urges
	if st.Received >= b.From && st.Received <= b.To {
		g.Received++
	}
	if !st.Status.Pending() && st.ClosedOn >= b.From && st.ClosedOn <= b.To {
		g.Closed[st.Track]++
		if c.OnTime != nil && *c.OnTime {
			g.OnTime[st.Track]++
		}
		switch st.Verdict {
		case Satisfied:
			g.Satisfied++
		case Fair:
			g.Fair++
		}
		if st.Reopened > 0 {
			g.Unsatisfied++
		}
	}
	if st.Status.Pending() && c.Warning == clock.Red {
		g.Overdue++
		b.overdue = append(b.overdue, Overdue{Number: number, Enterprise: enterprise, Category: category, Department: st.Department, Name: g.Name,
			Track: st.Track, Next: c.Next, DaysOver: -c.Remaining})
	}
}

// Lines are the departments' lines by code ("" — 未交办 — first) and the
// overdue problems, longest over first.
func (b *Board) Lines() ([]BoardRow, []Overdue) {
	out := make([]BoardRow, 0, len(b.rows))
	for _, r := range b.rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Department < out[j].Department })
	sort.Slice(b.overdue, func(i, j int) bool {
		if b.overdue[i].DaysOver != b.overdue[j].DaysOver {
			return b.overdue[i].DaysOver > b.overdue[j].DaysOver
		}
		return b.overdue[i].Number < b.overdue[j].Number
	})
	return out, b.overdue
}

// AddTo puts the line's figures on a report's row of its department (the
// report by department's problem columns and the ranking's problem parts).
func (r *BoardRow) AddTo(row *report.Row) {
	row.Problems += r.Received
	row.ProblemsClosed += r.ClosedTotal()
	row.ProblemsOnTime += r.OnTimeTotal()
	row.ProblemsOverdue += r.Overdue
	row.ProblemsSatisfied += r.Satisfied
	row.ProblemsFair += r.Fair
	row.ProblemsUnsatisfied += r.Unsatisfied
}
