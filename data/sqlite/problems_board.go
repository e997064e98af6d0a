package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/report"
)

// ProblemRow and OverdueProblem are the board's lines (data/problem).
type (
	ProblemRow     = problem.BoardRow
	OverdueProblem = problem.Overdue
)

// ProblemBoard reads every lead department's figures for the period
// from…to and the problems overdue on today, from the problems' cached
// state (no log is read): a few milliseconds for tens of thousands of
// problems. Problems not yet assigned count under "" (未交办).
func (s *Store) ProblemBoard(ctx context.Context, from, to, today calendar.Date) ([]ProblemRow, []OverdueProblem, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, nil, err
	}
	threshold := s.Threshold(ctx)
	rows := map[string]*ProblemRow{}
	row := func(code, name string) *ProblemRow {
		r := rows[code]
		if r == nil {
			r = &ProblemRow{Department: code, Name: name, Closed: map[problem.Track]int{}, OnTime: map[problem.Track]int{}}
			if code == "" {
				r.Name = "未交办"
			}
			rows[code] = r
		}
		return r
	}
	var overdue []OverdueProblem
	names := map[string]string{}
	depts, err := s.Departments(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range depts {
		names[d.Code] = d.Name
	}
	// The tracks' days as triages recorded them: a handful of distinct
	// values, decoded once each.
	daysOf := map[string]problem.Days{}
	err = eachRow(ctx, s.db, `SELECT p.number, p.enterprise_name, p.category, p.department, p.received_date, p.status, p.track, p.days,
			p.explained, p.last_note, p.promised, p.closed_on, p.urges, p.verdict, p.reopened
		FROM problems p
		WHERE p.received_date <= ? AND (p.received_date >= ? OR p.status IN ('received', 'open') OR p.closed_on >= ?)`,
		func(r *sql.Rows) error {
			var number, ent, cat, dept, received, days, explained, lastNote, promised, closedOn string
			var st problem.State
			if err := r.Scan(&number, &ent, &cat, &dept, &received, &st.Status, &st.Track, &days, &explained, &lastNote, &promised, &closedOn,
				&st.Urges, &st.Verdict, &st.Reopened); err != nil {
				return err
			}
			st.Department = dept
			d, ok := daysOf[days]
			if !ok {
				json.Unmarshal([]byte(days), &d)
				daysOf[days] = d
			}
			st.Days = d
			for _, f := range []struct {
				s string
				d *calendar.Date
			}{{received, &st.Received}, {explained, &st.Explained}, {lastNote, &st.LastNote}, {promised, &st.Promised}, {closedOn, &st.ClosedOn}} {
				if f.s != "" {
					*f.d, _ = calendar.ParseDate(f.s)
				}
			}
			g := row(dept, names[dept])
			g.Urged += st.Urges
			if st.Received >= from && st.Received <= to {
				g.Received++
			}
			c := problem.Compute(st, cal, today, threshold)
			if !st.Status.Pending() && st.ClosedOn >= from && st.ClosedOn <= to {
				g.Closed[st.Track]++
				if c.OnTime != nil && *c.OnTime {
					g.OnTime[st.Track]++
				}
				switch st.Verdict {
				case problem.Satisfied:
					g.Satisfied++
				case problem.Fair:
					g.Fair++
				}
				if st.Reopened > 0 {
					g.Unsatisfied++
				}
			}
			if st.Status.Pending() && c.Warning == clock.Red {
				g.Overdue++
				overdue = append(overdue, OverdueProblem{Number: number, Enterprise: ent, Category: cat, Department: dept, Name: g.Name,
					Track: st.Track, Next: c.Next, DaysOver: -c.Remaining})
			}
			return nil
		}, to.String(), from.String(), from.String())
	if err != nil {
		return nil, nil, err
	}
	out := make([]ProblemRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Department < out[j].Department })
	sort.Slice(overdue, func(i, j int) bool {
		if overdue[i].DaysOver != overdue[j].DaysOver {
			return overdue[i].DaysOver > overdue[j].DaysOver
		}
		return overdue[i].Number < overdue[j].Number
	})
	return out, overdue, nil
}

// Bulletin writes the 督查通报 of the month day falls in, as of today (the
// month's end, or today while the month runs): the processing report by
// department with its ranking, the problem board, the overdue problems.
func (s *Store) Bulletin(ctx context.Context, day, today calendar.Date) (problem.Bulletin, error) {
	first := calendar.NewDate(day.Year(), day.Time().Month(), 1)
	last := calendar.NewDate(day.Year(), day.Time().Month()+1, 1) - 1
	asOf := min(last, today)
	site, err := s.Site(ctx)
	if err != nil {
		return problem.Bulletin{}, err
	}
	rep, err := s.Report(ctx, report.Spec{From: first, To: last, Today: asOf, By: report.ByDepartment})
	if err != nil {
		return problem.Bulletin{}, err
	}
	board, overdue, err := s.ProblemBoard(ctx, first, last, asOf)
	if err != nil {
		return problem.Bulletin{}, err
	}
	return problem.NewBulletin(problem.BulletinInput{Site: site, Month: first, Report: rep, Board: board, Overdue: overdue, Issued: today}), nil
}
