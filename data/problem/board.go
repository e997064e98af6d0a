package problem

import "github.com/onewindow/onewindow/data/calendar"

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
