package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
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
	names := map[string]string{}
	depts, err := s.Departments(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range depts {
		names[d.Code] = d.Name
	}
	board := problem.NewBoard(from, to, names)
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
			board.Add(number, ent, cat, st, problem.Compute(st, cal, today, threshold))
			return nil
		}, to.String(), from.String(), from.String())
	if err != nil {
		return nil, nil, err
	}
	rows, overdue := board.Lines()
	return rows, overdue, nil
}

// addProblemFigures puts each lead department's problem figures (the
// board's) on its row of a report by department, so that the report's
// table and the ranking's problem parts read them.
func (s *Store) addProblemFigures(ctx context.Context, r *reportRun) error {
	board, _, err := s.ProblemBoard(ctx, r.spec.From, r.spec.To, r.spec.Today)
	if err != nil {
		return err
	}
	ids := map[string]string{}
	if err := eachRow(ctx, s.db, "SELECT code, id FROM departments", func(rows *sql.Rows) error {
		var code, id string
		if err := rows.Scan(&code, &id); err != nil {
			return err
		}
		ids[code] = id
		return nil
	}); err != nil {
		return err
	}
	for _, b := range board {
		id, ok := ids[b.Department]
		if !ok { // not yet assigned
			continue
		}
		b.AddTo(r.parts.Group(id, b.Name))
	}
	return nil
}

// RankWeights are the weights of the 综合排名 here (设置 → 企业问题): the
// defaults until an administrator sets others.
func (s *Store) RankWeights(ctx context.Context) ([]report.Weight, error) {
	v, err := s.setting(ctx, "rank_weights", "")
	if err != nil || v == "" {
		return report.Weights, err
	}
	var p map[string]int
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		return report.Weights, nil
	}
	ws, err := report.SetWeights(p)
	if err != nil {
		return report.Weights, nil
	}
	return ws, nil
}

// SetRankWeights sets the weights of the 综合排名, as whole percentages
// by part (report.Weights' keys; a part not named keeps its default), which
// must add up to 100; administrators only, audited.
func (s *Store) SetRankWeights(ctx context.Context, actorID int64, percent map[string]int) error {
	ws, err := report.SetWeights(percent)
	if err != nil {
		return data.FieldError("weights", "综合排名权重", "%s", strings.TrimPrefix(err.Error(), "综合排名权重："))
	}
	b, _ := json.Marshal(report.Percents(ws))
	return s.write(ctx, func(tx *sql.Tx) error {
		actor, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec("INSERT INTO settings (key, value) VALUES ('rank_weights', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", string(b)); err != nil {
			return err
		}
		return s.audit(tx, actor, "report.weights", "settings", string(b))
	})
}

// Bulletin writes the 督查通报 of the month day falls in, as of today
// (problem.MakeBulletin).
func (s *Store) Bulletin(ctx context.Context, day, today calendar.Date) (problem.Bulletin, error) {
	return problem.MakeBulletin(ctx, s, day, today)
}
