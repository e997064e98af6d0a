package theme

import (
	"math"
	"slices"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/report"
)

// MemberState is what the report reads of a theme case's item: its case
// number ("" while the step waits), status, and its clock's start and
// end as cached with the case (0 while not started, or open).
type MemberState struct {
	Number     string
	Status     data.Status
	Start, End calendar.Date
}

// Summary is a theme case as the report reads it: the theme as registered
// and its items in the theme's order.
type Summary struct {
	Number  string
	Theme   Theme
	Members []MemberState
}

// Outcome says whether the theme case is closed with a result (every item
// closed, one at least completed; a step that never started because what
// it waits for closed without a licence counts as closed), the working
// days the whole thing took from its first item's start to its last
// item's end, counted as a case's clock counts them, and the position of
// the item that closed last.
func (s *Summary) Outcome(cal *calendar.Calendar) (done bool, used, heldUp int) {
	var start, end calendar.Date
	heldUp = -1
	for i, m := range s.Members {
		if m.Number == "" {
			// Waiting: it will start unless what it waits for has closed.
			prev := s.member(s.Theme.Steps[i].After)
			if prev == nil || prev.Number == "" || prev.Status.Open() {
				return false, 0, -1
			}
			continue
		}
		if m.Status.Open() {
			return false, 0, -1
		}
		if m.Status == data.StatusCompleted || m.Status == data.StatusDelivered {
			done = true
		}
		if m.Start != 0 && (start == 0 || m.Start < start) {
			start = m.Start
		}
		if m.End >= end { // ties: the later step
			end, heldUp = m.End, i
		}
	}
	if !done || start == 0 {
		return false, 0, -1
	}
	r := clock.Compute([]clock.Event{{Kind: clock.Accepted, At: start.Time()}, {Kind: clock.Completed, At: max(start, end).Time()}},
		clock.Limits{Promised: s.Theme.Limit, Statutory: s.Theme.Limit}, cal, end, 0)
	return true, r.Promised.Used, heldUp
}

func (s *Summary) member(code string) *MemberState {
	for i, st := range s.Theme.Steps {
		if st.Item.Code == code {
			return &s.Members[i]
		}
	}
	return nil
}

// Review adds theme cases up into the report's rows, one per theme.
type Review struct {
	cal  *calendar.Calendar
	rows map[string]*report.ThemeRow
	days map[string][]int
	held map[string]map[string][]string // theme → item name → the cases of it that held the theme up
}

// NewReview starts a review on the calendar.
func NewReview(cal *calendar.Calendar) *Review {
	return &Review{cal: cal, rows: map[string]*report.ThemeRow{}, days: map[string][]int{}, held: map[string]map[string][]string{}}
}

// Add counts one theme case.
func (r *Review) Add(s *Summary) {
	row := r.rows[s.Theme.Code]
	if row == nil {
		row = &report.ThemeRow{Theme: s.Theme.Code, ThemeName: s.Theme.Name, LimitDays: s.Theme.Limit}
		r.rows[s.Theme.Code] = row
		r.held[s.Theme.Code] = map[string][]string{}
	}
	row.Received++
	add := func(m report.Metric) {
		for _, x := range s.Members {
			if x.Number != "" {
				row.Add(m, x.Number)
			}
		}
	}
	add(report.ThemeReceived)
	done, used, held := s.Outcome(r.cal)
	if !done {
		row.Open++
		return
	}
	if used <= s.Theme.Limit {
		row.OnTime++
		add(report.ThemeOnTime)
	} else {
		row.Late++
		add(report.ThemeLate)
	}
	r.days[s.Theme.Code] = append(r.days[s.Theme.Code], used)
	if held >= 0 {
		name := s.Theme.Steps[held].Item.Name
		if name == "" {
			name = s.Theme.Steps[held].Item.Code
		}
		r.held[s.Theme.Code][name] = append(r.held[s.Theme.Code][name], s.Members[held].Number)
	}
}

// Rows are the themes' rows, by theme code.
func (r *Review) Rows() []report.ThemeRow {
	out := make([]report.ThemeRow, 0, len(r.rows))
	for code, row := range r.rows {
		days := r.days[code]
		row.AvgDays, row.P90Days = math.NaN(), math.NaN()
		if len(days) > 0 {
			slices.Sort(days)
			sum := 0
			for _, d := range days {
				sum += d
			}
			row.AvgDays = float64(sum) / float64(len(days))
			row.P90Days = float64(days[(len(days)*9+9)/10-1])
		}
		for name, cases := range r.held[code] {
			if n := len(cases); n > row.HeldUpCount || n == row.HeldUpCount && name < row.HeldUp {
				row.HeldUp, row.HeldUpCount = name, n
			}
		}
		for _, number := range r.held[code][row.HeldUp] {
			row.Add(report.ThemeHeldUp, number)
		}
		out = append(out, *row)
	}
	slices.SortFunc(out, func(a, b report.ThemeRow) int { return strings.Compare(a.Theme, b.Theme) })
	return out
}
