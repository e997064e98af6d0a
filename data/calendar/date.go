// Package calendar knows which dates are working days in mainland China:
// Monday to Friday, minus the State Council's public holidays, plus the
// make-up working weekends (调休上班), with any per-site overrides on top.
//
// Dates are civil dates in Asia/Shanghai, held as a day number so that
// counting working days is array arithmetic.
package calendar

import (
	"fmt"
	"time"
)

// Date is a civil date, counted in days since 1970-01-01.
type Date int32

// Shanghai is the time zone every date in OneWindow is read in.
var Shanghai = mustLoadShanghai()

func mustLoadShanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		// China has kept UTC+8 without daylight saving since 1991; a PC
		// without tzdata still reads dates correctly with the fixed zone.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// NewDate returns the date of year y, month m, day d. Out-of-range values
// are normalised the way time.Date normalises them.
func NewDate(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date(t.Unix() / 86400)
}

// DateOf returns the Shanghai date of the instant t.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Shanghai).Date()
	return NewDate(y, m, d)
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, fmt.Errorf("日期 %q 格式不正确，应为 YYYY-MM-DD", s)
	}
	return NewDate(t.Date()), nil
}

// Time returns midnight UTC of the date (for formatting and weekday maths).
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// Year, Month and Day of the date.
func (d Date) Year() int { return d.Time().Year() }

// Weekday of the date.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (int(d) + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return d.Time().Format("2006-01-02") }

// AddDays returns the date n calendar days later.
func (d Date) AddDays(n int) Date { return d + Date(n) }
