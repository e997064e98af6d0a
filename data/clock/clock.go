// Package clock computes an application's deadlines from its event log and a
// working-day calendar, exactly as DESIGN.md "The clock, exactly" defines it.
// Nothing here reads a database or the system time: every result is a pure
// function of (events, limits, calendar, today), so a report figure can be
// recomputed from the cases behind it.
package clock

import (
	"math"
	"sort"
	"time"

	"github.com/onewindow/onewindow/data/calendar"
)

// Kind names an event in an application's log.
type Kind string

// The event kinds. Their order in a log is the order they happened in.
const (
	Received            Kind = "received"
	SupplementRequested Kind = "supplement_requested"
	SupplementCompleted Kind = "supplement_completed"
	Accepted            Kind = "accepted"
	Refused             Kind = "refused"
	Paused              Kind = "paused"
	Resumed             Kind = "resumed"
	Extended            Kind = "extended"
	Completed           Kind = "completed"
	Delivered           Kind = "delivered"
	Withdrawn           Kind = "withdrawn"
)

// LateNoticeDays is Art. 32(4)'s limit: a supplement notice given more than
// this many working days after the materials arrived makes the application
// count as accepted on the day they arrived.
const LateNoticeDays = 5

// DefaultThreshold is the used share of a limit at which a case turns yellow.
const DefaultThreshold = 0.8

// Event is what the clock needs of one logged event.
type Event struct {
	Kind Kind
	At   time.Time
	Days int // Extended: the approved extra working days
}

// Limits are a service item's limits in working days.
type Limits struct {
	Promised  int `json:"promised"`  // 承诺时限
	Statutory int `json:"statutory"` // 法定时限
}

// Warning is a traffic-light level.
type Warning string

// The warning levels.
const (
	Green  Warning = "green"
	Yellow Warning = "yellow"
	Red    Warning = "red"
)

// Track is the clock measured against one limit.
type Track struct {
	Limit     int           // the item's limit plus approved extensions
	Due       calendar.Date // the case is due by the end of this date
	Used      int           // counted working days so far (or until completion)
	Remaining int           // Limit − Used; negative when overdue
	OnTime    *bool         // completed cases only
	Warning   Warning       // open cases only; empty otherwise
	// YellowFrom is the first date on which an open case shows yellow (or
	// red) against this limit while nothing else happens to it; a paused
	// case keeps the colour it had when paused (0: it stays green).
	YellowFrom calendar.Date
}

// Result is everything the clock says about one case.
type Result struct {
	Started    bool          // the clock runs (accepted, or deemed accepted)
	Start      calendar.Date // the date the period begins (not itself counted)
	DeemedLate bool          // the supplement notice was late: start = receipt date
	Open       bool          // started and not yet completed, refused or withdrawn
	Paused     bool          // paused now
	End        calendar.Date // completion (or refusal/withdrawal) date, when closed
	ExtraDays  int           // approved extension days
	PauseDays  int           // working days not counted because of pauses
	Promised   Track
	Statutory  Track
}

type interval struct{ from, to calendar.Date } // [from, to)

// Compute reads the clock of one case at date today. Events must be in log
// order. threshold <= 0 means DefaultThreshold.
func Compute(events []Event, lim Limits, cal *calendar.Calendar, today calendar.Date, threshold float64) Result {
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	var (
		r                  Result
		received, notice   calendar.Date
		hasRecv, hasNotice bool
		accepted           calendar.Date
		hasAccepted        bool
		closed             bool
		completed          bool
		pauses             []interval
		pauseOpen          bool
		pauseFrom          calendar.Date
	)
	for _, e := range events {
		d := calendar.DateOf(e.At)
		switch e.Kind {
		case Received:
			if !hasRecv {
				received, hasRecv = d, true
			}
		case SupplementRequested:
			if !hasNotice {
				notice, hasNotice = d, true
			}
		case Accepted:
			if !hasAccepted {
				accepted, hasAccepted = d, true
			}
		case Paused:
			if !pauseOpen {
				pauseOpen, pauseFrom = true, d
			}
		case Resumed:
			if pauseOpen {
				pauses = append(pauses, interval{pauseFrom, d})
				pauseOpen = false
			}
		case Extended:
			if e.Days > 0 {
				r.ExtraDays += e.Days
			}
		case Completed:
			if !closed {
				closed, completed, r.End = true, true, d
			}
		case Refused, Withdrawn:
			if !closed {
				closed, r.End = true, d
			}
		}
	}
	switch {
	case hasRecv && hasNotice && cal.CountWorkdays(received, notice) > LateNoticeDays:
		r.Started, r.Start, r.DeemedLate = true, received, true
	case hasAccepted:
		r.Started, r.Start = true, accepted
	}
	if !r.Started {
		return r
	}
	end := today
	if closed {
		end = r.End
	}
	if pauseOpen {
		// A case paused now is computed as if it resumed at the end date.
		r.Paused = !closed
		to := end
		if to < pauseFrom {
			to = pauseFrom
		}
		pauses = append(pauses, interval{pauseFrom, to})
	}
	sort.Slice(pauses, func(i, j int) bool { return pauses[i].from < pauses[j].from })
	r.Open = !closed
	used := counted(cal, r.Start, end, pauses)
	r.PauseDays = cal.CountWorkdays(r.Start, end) - used
	r.Promised = track(cal, r, lim.Promised, used, pauses, completed, today, threshold)
	r.Statutory = track(cal, r, lim.Statutory, used, pauses, completed, today, threshold)
	return r
}

func track(cal *calendar.Calendar, r Result, limit, used int, pauses []interval, completed bool, today calendar.Date, threshold float64) Track {
	t := Track{Limit: limit + r.ExtraDays, Used: used}
	t.Due = due(cal, r.Start, t.Limit, pauses)
	t.Remaining = t.Limit - used
	if completed {
		ok := used <= t.Limit
		t.OnTime = &ok
	}
	if r.Open {
		switch {
		case today > t.Due:
			t.Warning = Red
		case t.Remaining <= 1 || (t.Limit > 0 && float64(used) >= threshold*float64(t.Limit)):
			t.Warning = Yellow
		default:
			t.Warning = Green
		}
		switch {
		case r.Paused && t.Warning != Green:
			t.YellowFrom = today
		case r.Paused:
		default:
			// Yellow once used ≥ ⌈threshold·N⌉ or used ≥ N−1 (≤ 1 day left).
			k := min(int(math.Ceil(threshold*float64(t.Limit)-1e-9)), t.Limit-1)
			t.YellowFrom = due(cal, r.Start, k, pauses)
		}
	}
	return t
}

// counted returns the working days d with start < d <= end that are not
// inside a pause [from, to).
func counted(cal *calendar.Calendar, start, end calendar.Date, pauses []interval) int {
	n := cal.CountWorkdays(start, end)
	for _, p := range pauses {
		from, to := p.from, p.to-1 // inclusive
		if from <= start {
			from = start + 1
		}
		if to > end {
			to = end
		}
		if to >= from {
			n -= cal.CountWorkdays(from-1, to)
		}
	}
	return n
}

// due returns the date on which the n-th counted day after start falls.
func due(cal *calendar.Calendar, start calendar.Date, n int, pauses []interval) calendar.Date {
	d := start
	for n > 0 {
		d++
		if cal.IsWorkday(d) && !inPause(d, pauses) {
			n--
		}
	}
	return d
}

func inPause(d calendar.Date, pauses []interval) bool {
	for _, p := range pauses {
		if d >= p.from && d < p.to {
			return true
		}
	}
	return false
}
