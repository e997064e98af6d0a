package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// Calendar returns the working-day calendar: the national schedule with the
// site's overrides on top. It is cached until the calendar changes.
func (s *Store) Calendar(ctx context.Context) (*calendar.Calendar, error) {
	s.calMu.Lock()
	defer s.calMu.Unlock()
	if s.cal != nil {
		return s.cal, nil
	}
	cal, err := loadCalendar(ctx, s.db)
	if err != nil {
		return nil, err
	}
	s.cal = cal
	return cal, nil
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func loadCalendar(ctx context.Context, q querier) (*calendar.Calendar, error) {
	rows, err := q.QueryContext(ctx, "SELECT year FROM calendar_years ORDER BY year")
	if err != nil {
		return nil, fmt.Errorf("read calendar years: %w", err)
	}
	var years []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			rows.Close()
			return nil, err
		}
		years = append(years, y)
	}
	rows.Close()
	layers := map[string][]calendar.Day{}
	rows, err = q.QueryContext(ctx, "SELECT layer, date, working, name FROM calendar_days ORDER BY date")
	if err != nil {
		return nil, fmt.Errorf("read calendar: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var layer, date, name string
		var working bool
		if err := rows.Scan(&layer, &date, &working, &name); err != nil {
			return nil, err
		}
		d, err := calendar.ParseDate(date)
		if err != nil {
			return nil, fmt.Errorf("calendar row %s: %w", date, err)
		}
		layers[layer] = append(layers[layer], calendar.Day{Date: d, Working: working, Name: name})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return calendar.New(years, layers["national"], layers["site"]), nil
}

// CalendarChange says what a calendar change did.
type CalendarChange struct {
	Years        []int // years whose national schedule was loaded
	Days         int   // exception days written
	CasesChanged int   // open cases whose start or due dates moved
}

// EnsureNational loads the years of the compiled-in national schedule that
// the database does not have yet (a new database, or a program update that
// brings a newly published year). Years already present are left alone: an
// imported correction wins over the compiled copy.
func (s *Store) EnsureNational(ctx context.Context, sched calendar.Schedule) (CalendarChange, error) {
	var missing calendar.Schedule
	missing.Sources = sched.Sources
	cal, err := s.Calendar(ctx)
	if err != nil {
		return CalendarChange{}, err
	}
	have := map[int]bool{}
	for _, y := range cal.Years() {
		have[y] = true
	}
	for _, y := range sched.Years {
		if !have[y] {
			missing.Years = append(missing.Years, y)
		}
	}
	if len(missing.Years) == 0 {
		return CalendarChange{}, nil
	}
	for _, d := range sched.Days {
		y, m := d.Date.Year(), d.Date.Time().Month()
		if !have[y] || (m == time.December && !have[y+1]) || (m == time.January && !have[y-1]) {
			missing.Days = append(missing.Days, d)
		}
	}
	return s.importCalendar(ctx, func(*sql.Tx) (string, error) { return "system", nil }, missing)
}

// ImportCalendar replaces the national schedule of the schedule's years and
// re-reads the clock of every open case, all in one transaction;
// administrators only.
func (s *Store) ImportCalendar(ctx context.Context, actorID int64, sched calendar.Schedule) (CalendarChange, error) {
	return s.importCalendar(ctx, func(tx *sql.Tx) (string, error) { return requireAdmin(tx, actorID) }, sched)
}

// importCalendar is ImportCalendar for the actor who returns their login
// (the program itself, "system", when it adds a year it ships).
func (s *Store) importCalendar(ctx context.Context, who func(*sql.Tx) (string, error), sched calendar.Schedule) (CalendarChange, error) {
	ch := CalendarChange{Years: sched.Years}
	err := s.writeThen(ctx, func(tx *sql.Tx) error {
		actor, err := who(tx)
		if err != nil {
			return err
		}
		if ch, err = s.putNational(ctx, tx, sched); err != nil {
			return err
		}
		detail, _ := json.Marshal(ch)
		return s.audit(tx, actor, "calendar.import", "national", string(detail))
	}, s.dropCalendar)
	return ch, err
}

// putNational replaces the national schedule of sched's years inside tx
// and re-reads the clocks of the open cases it touches; the caller audits
// and drops the cached calendar after the transaction.
func (s *Store) putNational(ctx context.Context, tx *sql.Tx, sched calendar.Schedule) (CalendarChange, error) {
	ch := CalendarChange{Years: sched.Years}
	if len(sched.Years) == 0 {
		return ch, data.Errorf(data.EINVALID, "节假日安排没有年份")
	}
	for _, y := range sched.Years {
		ys := strconv.Itoa(y)
		if _, err := tx.Exec("DELETE FROM calendar_days WHERE layer = 'national' AND date BETWEEN ? AND ?", ys+"-01-01", ys+"-12-31"); err != nil {
			return ch, err
		}
		if _, err := tx.Exec(`INSERT INTO calendar_years (year, source, loaded_at) VALUES (?, ?, ?)
			ON CONFLICT (year) DO UPDATE SET source = excluded.source, loaded_at = excluded.loaded_at`,
			y, sched.Sources[y], data.FormatTime(s.now())); err != nil {
			return ch, err
		}
	}
	for _, d := range sched.Days {
		if _, err := tx.Exec("INSERT OR REPLACE INTO calendar_days (layer, date, working, name) VALUES ('national', ?, ?, ?)",
			d.Date.String(), d.Working, d.Name); err != nil {
			return ch, err
		}
	}
	ch.Days = len(sched.Days)
	from, to := calendar.NewDate(sched.Years[0], 1, 1), calendar.NewDate(sched.Years[0], 12, 31)
	for _, y := range sched.Years {
		from, to = min(from, calendar.NewDate(y, 1, 1)), max(to, calendar.NewDate(y, 12, 31))
	}
	for _, d := range sched.Days {
		from, to = min(from, d.Date), max(to, d.Date)
	}
	n, err := s.calendarChanged(ctx, tx, from, to)
	ch.CasesChanged = n
	return ch, err
}

// SetSiteDay sets (or with remove, clears) the site's own override of one
// date, such as a window open on Saturday morning, and re-reads open cases;
// administrators only.
func (s *Store) SetSiteDay(ctx context.Context, actorID int64, day calendar.Day, remove bool) (CalendarChange, error) {
	var ch CalendarChange
	if err := data.CheckText("name", "说明", day.Name, 0, 60); err != nil {
		return ch, err
	}
	if err := data.CheckDate("date", "日期", day.Date); err != nil {
		return ch, err
	}
	err := s.writeThen(ctx, func(tx *sql.Tx) error {
		actor, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		if remove {
			_, err = tx.Exec("DELETE FROM calendar_days WHERE layer = 'site' AND date = ?", day.Date.String())
		} else {
			_, err = tx.Exec("INSERT OR REPLACE INTO calendar_days (layer, date, working, name) VALUES ('site', ?, ?, ?)",
				day.Date.String(), day.Working, day.Name)
		}
		if err != nil {
			return err
		}
		ch.Days = 1
		if ch.CasesChanged, err = s.calendarChanged(ctx, tx, day.Date, day.Date); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"date": day.Date.String(), "working": day.Working, "name": day.Name, "remove": remove, "cases_changed": ch.CasesChanged})
		return s.audit(tx, actor, "calendar.site_day", day.Date.String(), string(detail))
	}, s.dropCalendar)
	return ch, err
}

// dropCalendar forgets the cached calendar once a change has ended (see
// writeThen), so the next read sees what is in the database.
func (s *Store) dropCalendar() {
	s.calMu.Lock()
	s.cal = nil
	s.calMu.Unlock()
}

// calendarChanged rebuilds the calendar inside tx and refreshes the clock
// cache of exactly the cases whose reading can depend on the dates from…to:
// every open case, and the closed cases whose counted period [start, close]
// overlaps them.
func (s *Store) calendarChanged(ctx context.Context, tx *sql.Tx, from, to calendar.Date) (int, error) {
	cal, err := loadCalendar(ctx, tx)
	if err != nil {
		return 0, err
	}
	return s.refreshCases(ctx, tx, cal, s.Threshold(ctx), `(`+openWhere+` OR (a.start_date <= ? AND a.closed_date >= ?))`, to.String(), from.String())
}
