package data

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
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

// RectifyDays returns the site's rectification deadline in working days.
func (s *Store) RectifyDays(ctx context.Context) int {
	return rectifyDays(ctx, s.db)
}

func rectifyDays(ctx context.Context, q querier) int {
	var v string
	if err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'rectify_days'").Scan(&v); err == nil {
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= 30 {
			return n
		}
	}
	return DefaultRectifyDays
}

// SetRectifyDays sets the rectification deadline; administrators only.
func (s *Store) SetRectifyDays(ctx context.Context, actorID int64, days int) error {
	if days < 1 || days > 30 {
		return fieldError("rectify_days", "整改期限", "应在 1 到 30 个工作日之间")
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		login, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec("INSERT OR REPLACE INTO settings (key, value) VALUES ('rectify_days', ?)", strconv.Itoa(days)); err != nil {
			return err
		}
		return s.audit(tx, login, "settings.rectify_days", "site", fmt.Sprintf(`{"days":%d}`, days))
	})
}

// Rate records the applicant's rating of a completed case, once (一次一评).
// A 差评 (level 1 or 2) opens a rectification due the site's number of
// working days later.
func (s *Store) Rate(ctx context.Context, number string, actorID int64, level int, comment string) (Application, error) {
	if _, ok := RatingLabels[level]; !ok {
		return Application{}, fieldError("level", "评价等级", "应为 1（非常不满意）到 5（非常满意）")
	}
	if err := checkText("comment", "评价意见", comment, 0, 500); err != nil {
		return Application{}, err
	}
	return s.onCase(ctx, number, actorID, func(c *caseTx) error {
		if c.app.Status != StatusCompleted && c.app.Status != StatusDelivered {
			return Errorf(ECONFLICT, "办件办结后才能评价（当前状态：%s）", c.app.Status.Label())
		}
		if c.app.Rating != nil {
			return Errorf(ECONFLICT, "该办件已评价过（一次一评）")
		}
		if _, err := c.tx.Exec("INSERT INTO ratings (app_id, level, comment, at, clerk_id) VALUES (?, ?, ?, ?, ?)",
			c.app.ID, level, comment, fmtTime(c.now), c.actor.ID); err != nil {
			return fmt.Errorf("save rating: %w", err)
		}
		// Kept on the case's row too, for the reports' one scan.
		if _, err := c.tx.Exec("UPDATE applications SET rated_date = ?, rating_level = ? WHERE id = ?",
			calendar.DateOf(c.now).String(), level, c.app.ID); err != nil {
			return err
		}
		c.app.Rating = &Rating{Level: level, Comment: comment, At: c.now, Clerk: c.actor.Login}
		if level <= BadRating {
			r := &Rectification{AppID: c.app.ID, Status: RectOpen, OpenedAt: c.now,
				Due: c.cal.AddWorkdays(calendar.DateOf(c.now), rectifyDays(c.ctx, c.tx))}
			if _, err := c.tx.Exec("INSERT INTO rectifications (app_id, status, due_date, opened_at, updated_at) VALUES (?, ?, ?, ?, ?)",
				c.app.ID, r.Status, r.Due.String(), fmtTime(c.now), fmtTime(c.now)); err != nil {
				return fmt.Errorf("open rectification: %w", err)
			}
			c.app.Rating.Rectification = r
		}
		return c.record(Event{Kind: Rated, Data: EventData{Level: level, Note: comment}}, "rating.rate")
	})
}

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

// rectSteps says, for each step, the statuses it starts from, where it
// leads, the column its text goes to, and whether only supervisors take it.
var rectSteps = map[RectAction]struct {
	from       []RectStatus
	to         RectStatus
	column     string
	supervisor bool
}{
	RectStart:        {[]RectStatus{RectOpen}, RectInProgress, "measures", false},
	RectFinish:       {[]RectStatus{RectOpen, RectInProgress}, RectDone, "revisit", false},
	RectAppeal:       {[]RectStatus{RectOpen, RectInProgress}, RectAppealed, "appeal", false},
	RectAppealUphold: {[]RectStatus{RectAppealed}, RectInvalid, "decision", true},
	RectAppealReject: {[]RectStatus{RectAppealed}, RectOpen, "decision", true},
}

// text returns the field of r that a step's column holds.
func (r *Rectification) text(column string) *string {
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

// Rectify takes a step in the rectification of the case's 差评.
func (s *Store) Rectify(ctx context.Context, number string, actorID int64, action RectAction, text string) (Application, error) {
	if err := checkText("text", "说明", text, 1, 1000); err != nil {
		return Application{}, err
	}
	step, ok := rectSteps[action]
	if !ok {
		return Application{}, fieldError("action", "整改操作", "未知的操作 %q", action)
	}
	return s.onCase(ctx, number, actorID, func(c *caseTx) error {
		if c.app.Rating == nil || c.app.Rating.Rectification == nil {
			return Errorf(ENOTFOUND, "办件 %s 没有差评整改", c.app.Number)
		}
		if step.supervisor && c.actor.Role != RoleSupervisor {
			return Errorf(EFORBIDDEN, "只有督查人员可以裁定差评申诉")
		}
		r := c.app.Rating.Rectification
		if !slices.Contains(step.from, r.Status) {
			return Errorf(ECONFLICT, "整改状态为“%s”，不能执行该操作", r.Status.Label())
		}
		done := any(nil)
		if step.to == RectDone {
			r.Done = calendar.DateOf(c.now)
			done = r.Done.String()
		}
		if err := updateOne(c.tx, `UPDATE rectifications SET status = ?, `+step.column+` = ?, done_date = coalesce(?, done_date), updated_at = ? WHERE app_id = ?`,
			"差评整改", step.to, text, done, fmtTime(c.now), c.app.ID); err != nil {
			return err
		}
		r.Status, *r.text(step.column) = step.to, text
		return c.record(Event{Kind: Rectified, Data: EventData{Status: string(step.to), Note: text}}, "rectification."+string(action))
	})
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

// Rectifications lists the rectifications in the given statuses (all when
// none), the ones due soonest first. overdueAt, when set, keeps only those
// overdue on that day.
func (s *Store) Rectifications(ctx context.Context, statuses []RectStatus, overdueAt calendar.Date) ([]RectRow, error) {
	conds := []string{"1"}
	var args []any
	if len(statuses) > 0 {
		conds = append(conds, "r.status IN ("+placeholders(len(statuses))+")")
		for _, st := range statuses {
			args = append(args, st)
		}
	}
	if overdueAt != 0 {
		conds = append(conds, "r.status IN ('open', 'in_progress') AND r.due_date < ?")
		args = append(args, overdueAt.String())
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.app_id, r.status, r.due_date, r.opened_at, coalesce(r.done_date, ''), r.measures, r.revisit, r.appeal, r.decision,
			a.number, p.name, i.name, w.code, g.level, g.comment, g.at
		FROM rectifications r JOIN ratings g ON g.app_id = r.app_id JOIN applications a ON a.id = r.app_id
			JOIN applicants p ON p.id = a.applicant_id JOIN items i ON i.id = a.item_id JOIN windows w ON w.id = a.window_id
		WHERE `+strings.Join(conds, " AND ")+` ORDER BY r.due_date, r.app_id LIMIT 1000`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RectRow
	for rows.Next() {
		var x RectRow
		var due, opened, done, rated string
		if err := rows.Scan(&x.AppID, &x.Status, &due, &opened, &done, &x.Measures, &x.Revisit, &x.Appeal, &x.Decision,
			&x.Number, &x.Applicant, &x.Item, &x.Window, &x.Level, &x.Comment, &rated); err != nil {
			return nil, err
		}
		if err := scanRect(&x.Rectification, due, opened, done); err != nil {
			return nil, err
		}
		if x.RatedAt, err = parseTime(rated); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func scanRect(r *Rectification, due, opened, done string) error {
	var err error
	if r.Due, err = calendar.ParseDate(due); err != nil {
		return err
	}
	if r.OpenedAt, err = parseTime(opened); err != nil {
		return err
	}
	if done != "" {
		if r.Done, err = calendar.ParseDate(done); err != nil {
			return err
		}
	}
	return nil
}
