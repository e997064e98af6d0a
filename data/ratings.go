package data

import (
	"time"

	"github.com/onewindow/onewindow/data/calendar"
)

// Rating levels of 好差评 (一次一评). 1 and 2 are 差评.
var RatingLabels = map[int]string{5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}

// BadRating is the highest level that counts as 差评.
const BadRating = 2

// Rating is the applicant's rating of a completed case.
type Rating struct {
	Level         int
	Comment       string
	At            time.Time
	Clerk         string         // login of the user at the window
	Rectification *Rectification // a 差评's rectification
}

// RectStatus is where the rectification of a 差评 stands.
type RectStatus string

// Rectification statuses: 待整改 → 整改中 → 已整改, or 申诉 → 无效差评.
const (
	RectOpen       RectStatus = "open"        // 待整改
	RectInProgress RectStatus = "in_progress" // 整改中
	RectDone       RectStatus = "done"        // 已整改
	RectAppealed   RectStatus = "appealed"    // 申诉中
	RectInvalid    RectStatus = "invalid"     // 无效差评
)

// Label is the Chinese name of the status.
func (s RectStatus) Label() string {
	switch s {
	case RectOpen:
		return "待整改"
	case RectInProgress:
		return "整改中"
	case RectDone:
		return "已整改"
	case RectAppealed:
		return "申诉中"
	case RectInvalid:
		return "无效差评"
	}
	return string(s)
}

// Pending reports whether the rectification still has to be done.
func (s RectStatus) Pending() bool { return s == RectOpen || s == RectInProgress }

// Rectification is the follow-up of a 差评.
type Rectification struct {
	AppID    int64
	Status   RectStatus
	Due      calendar.Date // working days after the rating, through the calendar
	OpenedAt time.Time
	Done     calendar.Date // the day it was rectified, or 0
	Measures string        // 整改措施
	Revisit  string        // 回访记录
	Appeal   string        // 申诉理由
	Decision string        // the supervisor's word on the appeal
}

// Overdue reports whether the rectification is still to be done after its
// due date, on day today.
func (r *Rectification) Overdue(today calendar.Date) bool {
	return r.Status.Pending() && today > r.Due
}

// DefaultRectifyDays is the rectification deadline in working days unless
// the site sets another (setting rectify_days).
const DefaultRectifyDays = 5

// RectAction is a step in a rectification.
type RectAction string

// Rectification steps and who may take them.
const (
	RectStart        RectAction = "start"  // 待整改 → 整改中 (text: the measures)
	RectFinish       RectAction = "finish" // 待整改 / 整改中 → 已整改 (text: the revisit note)
	RectAppeal       RectAction = "appeal" // 待整改 / 整改中 → 申诉中 (text: why the rating is unfounded)
	RectAppealUphold RectAction = "uphold" // 申诉中 → 无效差评; supervisors only
	RectAppealReject RectAction = "reject" // 申诉中 → 待整改; supervisors only
)

// TextOf returns the field of r that a step's column holds.
func (r *Rectification) TextOf(column string) *string {
	switch column {
	case "measures":
		return &r.Measures
	case "revisit":
		return &r.Revisit
	case "appeal":
		return &r.Appeal
	}
	return &r.Decision
}

// RectRow is a line of the rectification list.
type RectRow struct {
	Rectification
	Number    string
	Applicant string
	Item      string
	Window    string
	Level     int
	Comment   string
	RatedAt   time.Time
}
