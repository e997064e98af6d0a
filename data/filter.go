package data

import (
	"github.com/onewindow/onewindow/data/calendar"
)

// CaseFilter selects cases for the list. Zero fields do not filter.
type CaseFilter struct {
	Statuses []Status
	WindowID int64
	ItemID   int64
	From, To calendar.Date // received date range, inclusive; 0 = open-ended
	Order    string        // "due" (promised due date, soonest first), "id" (oldest first) or "" (newest first)
	AfterID  int64         // with Order "id": only cases after this id (keyset paging)
	Search   string        // number prefix, or part of the applicant's name or credit code / ID number
	// WarningsAt, when set, keeps only open cases that are yellow or red on
	// that date against the promised or the statutory limit.
	WarningsAt calendar.Date
	Limit      int // page size; 0 = 50
	Offset     int
}
