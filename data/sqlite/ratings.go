package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

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
	return data.DefaultRectifyDays
}

// SetRectifyDays sets the rectification deadline; administrators only.
func (s *Store) SetRectifyDays(ctx context.Context, actorID int64, days int) error {
	if days < 1 || days > 30 {
		return data.FieldError("rectify_days", "整改期限", "应在 1 到 30 个工作日之间")
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
func (s *Store) Rate(ctx context.Context, number string, actorID int64, level int, comment string) (data.Application, error) {
	if _, ok := data.RatingLabels[level]; !ok {
		return data.Application{}, data.FieldError("level", "评价等级", "应为 1（非常不满意）到 5（非常满意）")
	}
	if err := data.CheckText("comment", "评价意见", comment, 0, 500); err != nil {
		return data.Application{}, err
	}
	return s.onCase(ctx, number, actorID, func(c *caseTx) error {
		if c.app.Status != data.StatusCompleted && c.app.Status != data.StatusDelivered {
			return data.Errorf(data.ECONFLICT, "办件办结后才能评价（当前状态：%s）", c.app.Status.Label())
		}
		if c.app.Rating != nil {
			return data.Errorf(data.ECONFLICT, "该办件已评价过（一次一评）")
		}
		if _, err := c.tx.Exec("INSERT INTO ratings (app_id, level, comment, at, clerk_id) VALUES (?, ?, ?, ?, ?)",
			c.app.ID, level, comment, data.FormatTime(c.now), c.actor.ID); err != nil {
			return fmt.Errorf("save rating: %w", err)
		}
		// Kept on the case's row too, for the reports' one scan.
		if _, err := c.tx.Exec("UPDATE applications SET rated_date = ?, rating_level = ? WHERE id = ?",
			calendar.DateOf(c.now).String(), level, c.app.ID); err != nil {
			return err
		}
		c.app.Rating = &data.Rating{Level: level, Comment: comment, At: c.now, Clerk: c.actor.Login}
		if level <= data.BadRating {
			r := &data.Rectification{AppID: c.app.ID, Status: data.RectOpen, OpenedAt: c.now,
				Due: c.cal.AddWorkdays(calendar.DateOf(c.now), rectifyDays(c.ctx, c.tx))}
			if _, err := c.tx.Exec("INSERT INTO rectifications (app_id, status, due_date, opened_at, updated_at) VALUES (?, ?, ?, ?, ?)",
				c.app.ID, r.Status, r.Due.String(), data.FormatTime(c.now), data.FormatTime(c.now)); err != nil {
				return fmt.Errorf("open rectification: %w", err)
			}
			c.app.Rating.Rectification = r
		}
		return c.record(data.Event{Kind: data.Rated, Data: data.EventData{Level: level, Note: comment}}, "rating.rate")
	})
}

// rectSteps says, for each step, the statuses it starts from, where it
// leads, the column its text goes to, and whether only supervisors take it.
var rectSteps = map[data.RectAction]struct {
	from       []data.RectStatus
	to         data.RectStatus
	column     string
	supervisor bool
}{
	data.RectStart:        {[]data.RectStatus{data.RectOpen}, data.RectInProgress, "measures", false},
	data.RectFinish:       {[]data.RectStatus{data.RectOpen, data.RectInProgress}, data.RectDone, "revisit", false},
	data.RectAppeal:       {[]data.RectStatus{data.RectOpen, data.RectInProgress}, data.RectAppealed, "appeal", false},
	data.RectAppealUphold: {[]data.RectStatus{data.RectAppealed}, data.RectInvalid, "decision", true},
	data.RectAppealReject: {[]data.RectStatus{data.RectAppealed}, data.RectOpen, "decision", true},
}

// Rectify takes a step in the rectification of the case's 差评.
func (s *Store) Rectify(ctx context.Context, number string, actorID int64, action data.RectAction, text string) (data.Application, error) {
	if err := data.CheckText("text", "说明", text, 1, 1000); err != nil {
		return data.Application{}, err
	}
	step, ok := rectSteps[action]
	if !ok {
		return data.Application{}, data.FieldError("action", "整改操作", "未知的操作 %q", action)
	}
	return s.onCase(ctx, number, actorID, func(c *caseTx) error {
		if c.app.Rating == nil || c.app.Rating.Rectification == nil {
			return data.Errorf(data.ENOTFOUND, "办件 %s 没有差评整改", c.app.Number)
		}
		if step.supervisor && c.actor.Role != data.RoleSupervisor {
			return data.Errorf(data.EFORBIDDEN, "只有督查人员可以裁定差评申诉")
		}
		r := c.app.Rating.Rectification
		if !slices.Contains(step.from, r.Status) {
			return data.Errorf(data.ECONFLICT, "整改状态为“%s”，不能执行该操作", r.Status.Label())
		}
		done := any(nil)
		if step.to == data.RectDone {
			r.Done = calendar.DateOf(c.now)
			done = r.Done.String()
		}
		if err := updateOne(c.tx, `UPDATE rectifications SET status = ?, `+step.column+` = ?, done_date = coalesce(?, done_date), updated_at = ? WHERE app_id = ?`,
			"差评整改", step.to, text, done, data.FormatTime(c.now), c.app.ID); err != nil {
			return err
		}
		r.Status, *r.TextOf(step.column) = step.to, text
		return c.record(data.Event{Kind: data.Rectified, Data: data.EventData{Status: string(step.to), Note: text}}, "rectification."+string(action))
	})
}

// Rectifications lists the rectifications in the given statuses (all when
// none), the ones due soonest first. overdueAt, when set, keeps only those
// overdue on that day.
func (s *Store) Rectifications(ctx context.Context, statuses []data.RectStatus, overdueAt calendar.Date) ([]data.RectRow, error) {
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
	var out []data.RectRow
	for rows.Next() {
		var x data.RectRow
		var due, opened, done, rated string
		if err := rows.Scan(&x.AppID, &x.Status, &due, &opened, &done, &x.Measures, &x.Revisit, &x.Appeal, &x.Decision,
			&x.Number, &x.Applicant, &x.Item, &x.Window, &x.Level, &x.Comment, &rated); err != nil {
			return nil, err
		}
		if err := scanRect(&x.Rectification, due, opened, done); err != nil {
			return nil, err
		}
		if x.RatedAt, err = data.ParseTime(rated); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func scanRect(r *data.Rectification, due, opened, done string) error {
	var err error
	if r.Due, err = calendar.ParseDate(due); err != nil {
		return err
	}
	if r.OpenedAt, err = data.ParseTime(opened); err != nil {
		return err
	}
	if done != "" {
		if r.Done, err = calendar.ParseDate(done); err != nil {
			return err
		}
	}
	return nil
}
