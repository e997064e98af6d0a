package data

import (
	"time"

	"github.com/onewindow/onewindow/data/calendar"
)

// FormatTime is how a time is stored and exchanged: RFC 3339 in UTC.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// ParseTime reads a time written by FormatTime.
func ParseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339, s) }

// ShanghaiTime shows a stored UTC time (RFC 3339) in Asia/Shanghai to the
// minute; anything else is returned as it is ("" stays "").
func ShanghaiTime(utc string) string {
	t, err := ParseTime(utc)
	if err != nil {
		return utc
	}
	return t.In(calendar.Shanghai).Format("2006-01-02 15:04")
}
