package calendar

import "time"

// Day is one exception to the Monday–Friday rule: a holiday on a weekday,
// a make-up working day on a weekend, or a site's own opening or closing.
type Day struct {
	Date    Date
	Working bool
	Name    string // 春节, 国庆节, or the site's reason
}

// The dense table covers these dates; outside it the weekday rule applies,
// which is also what the law says when no schedule has been published.
var (
	tableStart = NewDate(2000, time.January, 1)
	tableEnd   = NewDate(2100, time.January, 1) // exclusive
)

// Calendar answers working-day questions in constant time. It is immutable
// once built, so it can be shared between goroutines.
type Calendar struct {
	work   []bool  // work[i] for tableStart+i
	prefix []int32 // prefix[i] = working days in [tableStart, tableStart+i)
	years  map[int]bool
	names  map[Date]string
}

// New builds a calendar from layers of exceptions; a later layer wins over an
// earlier one for the same date (national schedule first, site overrides last).
// Years lists the years whose schedule is known (published).
func New(years []int, layers ...[]Day) *Calendar {
	n := int(tableEnd - tableStart)
	c := &Calendar{
		work:   make([]bool, n),
		prefix: make([]int32, n+1),
		years:  map[int]bool{},
		names:  map[Date]string{},
	}
	for _, y := range years {
		c.years[y] = true
	}
	for i := range c.work {
		c.work[i] = isWeekday(tableStart + Date(i))
	}
	for _, layer := range layers {
		for _, d := range layer {
			if d.Date >= tableStart && d.Date < tableEnd {
				c.work[d.Date-tableStart] = d.Working
			}
			if d.Name != "" {
				c.names[d.Date] = d.Name
			}
		}
	}
	for i, w := range c.work {
		c.prefix[i+1] = c.prefix[i]
		if w {
			c.prefix[i+1]++
		}
	}
	return c
}

func isWeekday(d Date) bool {
	w := d.Weekday()
	return w != time.Saturday && w != time.Sunday
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d Date) bool {
	if d < tableStart || d >= tableEnd {
		return isWeekday(d)
	}
	return c.work[d-tableStart]
}

// Name returns the holiday or make-up name of d, if it has one.
func (c *Calendar) Name(d Date) string { return c.names[d] }

// Knows reports whether the schedule of year y has been loaded; deadlines in
// an unknown year fall back to Monday–Friday and should be shown as provisional.
func (c *Calendar) Knows(year int) bool { return c.years[year] }

// Years returns the known years in ascending order.
func (c *Calendar) Years() []int {
	var ys []int
	for y := 1990; y <= 2100; y++ {
		if c.years[y] {
			ys = append(ys, y)
		}
	}
	return ys
}

// CountWorkdays returns the number of working days d with from < d <= to
// (zero when to <= from).
func (c *Calendar) CountWorkdays(from, to Date) int {
	if to <= from {
		return 0
	}
	if from >= tableStart && to < tableEnd {
		return int(c.prefix[to-tableStart+1] - c.prefix[from-tableStart+1])
	}
	n := 0
	for d := from + 1; d <= to; d++ {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// AddWorkdays returns the date of the n-th working day after d; n <= 0
// returns d itself.
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	for n > 0 {
		d++
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}
