package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/problem"
)

// 企业反映问题 (data/problem): registered, triaged, assigned, answered,
// urged, closed and revisited here, each write one transaction with its
// audit entry; the state replayed from the log is cached on the problem
// for the list and the board.

// ProblemCategories returns the active categories, in the order they were
// added.
func (s *Store) ProblemCategories(ctx context.Context) ([]string, error) {
	var out []string
	err := eachRow(ctx, s.db, "SELECT name FROM problem_categories WHERE active ORDER BY id", func(r *sql.Rows) error {
		var n string
		err := r.Scan(&n)
		out = append(out, n)
		return err
	})
	return out, err
}

// SetProblemCategory adds a category, or retires one (active false);
// administrators only.
func (s *Store) SetProblemCategory(ctx context.Context, actorID int64, name string, active bool) error {
	name = strings.TrimSpace(name)
	if err := data.CheckText("category", "问题类别", name, 1, 20); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		actor, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec("INSERT INTO problem_categories (name, active) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET active = excluded.active", name, active); err != nil {
			return err
		}
		return s.audit(tx, actor, "problem.category", name, fmt.Sprintf(`{"active":%v}`, active))
	})
}

// ProblemDays are the working days the tracks allow here (设置).
func (s *Store) ProblemDays(ctx context.Context) (problem.Days, error) {
	v, err := s.setting(ctx, "problem_days", "")
	if err != nil || v == "" {
		return problem.DefaultDays, err
	}
	var d problem.Days
	if err := json.Unmarshal([]byte(v), &d); err != nil || d.Validate() != nil {
		return problem.DefaultDays, nil
	}
	return d, nil
}

// SetProblemDays sets the tracks' working days for problems triaged from
// now on (those triaged before keep theirs); administrators only.
func (s *Store) SetProblemDays(ctx context.Context, actorID int64, d problem.Days) error {
	if err := d.Validate(); err != nil {
		return err
	}
	b, _ := json.Marshal(d)
	return s.write(ctx, func(tx *sql.Tx) error {
		actor, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec("INSERT INTO settings (key, value) VALUES ('problem_days', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", string(b)); err != nil {
			return err
		}
		return s.audit(tx, actor, "problem.days", "settings", string(b))
	})
}

// RegisterProblem records a problem an enterprise raised; any user.
func (s *Store) RegisterProblem(ctx context.Context, actorID int64, in problem.Intake) (problem.Problem, error) {
	if err := in.Validate(); err != nil {
		return problem.Problem{}, err
	}
	site, err := s.Site(ctx)
	if err != nil {
		return problem.Problem{}, err
	}
	now := s.now()
	var number string
	err = s.write(ctx, func(tx *sql.Tx) error {
		actor, err := activeUser(tx, actorID)
		if err != nil {
			return err
		}
		var ok bool
		if err := tx.QueryRow("SELECT count(*) > 0 FROM problem_categories WHERE name = ? AND active", in.Category).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return data.FieldError("category", "问题类别", "“%s”不在类别清单中（设置中维护）", in.Category)
		}
		if in.Case != "" {
			if err := tx.QueryRow("SELECT count(*) > 0 FROM applications WHERE number = ?", in.Case).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return data.FieldError("case", "相关办件", "办件编号 %s 不存在", in.Case)
			}
		}
		year := calendar.DateOf(now).Year()
		prefix := fmt.Sprintf("%s-%04d-WT", site.Code, year)
		var last string
		if err := tx.QueryRow("SELECT coalesce(max(number), '') FROM problems WHERE number LIKE ? || '%'", prefix).Scan(&last); err != nil {
			return err
		}
		seq := 1
		if last != "" {
			fmt.Sscanf(strings.TrimPrefix(last, prefix), "%d", &seq)
			seq++
		}
		number = problem.Number(site.Code, year, seq)
		res, err := tx.Exec(`INSERT INTO problems (number, site_code, enterprise_code, enterprise_name, category, case_number, received_at, received_date, status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, number, site.Code, in.EnterpriseCode, in.EnterpriseName, in.Category, in.Case,
			data.FormatTime(now), calendar.DateOf(now).String(), problem.Received)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		e := problem.Event{Seq: 1, Kind: problem.Registered, At: now, Actor: actor.Login, Data: problem.EventData{
			EnterpriseCode: in.EnterpriseCode, EnterpriseName: in.EnterpriseName, Contact: strings.TrimSpace(in.Contact), Phone: in.Phone,
			Category: in.Category, Source: in.Source, Text: in.Text, Case: in.Case}}
		if err := insertProblemEvent(tx, id, actor.ID, e); err != nil {
			return err
		}
		if err := saveProblemState(tx, id, problem.Replay([]problem.Event{e})); err != nil {
			return err
		}
		return s.audit(tx, actor.Login, "problem.register", number, problemAuditDetail(e))
	})
	if err != nil {
		return problem.Problem{}, err
	}
	return s.Problem(ctx, number)
}

func insertProblemEvent(tx *sql.Tx, id, actorID int64, e problem.Event) error {
	b, err := json.Marshal(e.Data)
	if err != nil {
		return err
	}
	_, err = tx.Exec("INSERT INTO problem_events (problem_id, seq, kind, at, actor_id, data) VALUES (?, ?, ?, ?, ?, ?)",
		id, e.Seq, e.Kind, data.FormatTime(e.At), actorID, string(b))
	return err
}

func problemAuditDetail(e problem.Event) string {
	b, _ := json.Marshal(map[string]any{"seq": e.Seq, "kind": e.Kind, "data": e.Data})
	return string(b)
}

// RecordProblem records an event of a problem (triage, a changed track,
// assignment, an answer, an explanation or progress, 督办, closing, 回访) by
// the acting user; the store checks who may and what may follow what, and
// writes the event, the state it leads to and the audit entry in one
// transaction. A problem is written only at the site that registered it.
func (s *Store) RecordProblem(ctx context.Context, number string, actorID int64, e problem.Event) (problem.Problem, error) {
	if e.Kind == problem.Registered {
		return problem.Problem{}, data.Errorf(data.ECONFLICT, "登记只在新建问题时记录")
	}
	days, err := s.ProblemDays(ctx)
	if err != nil {
		return problem.Problem{}, err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return problem.Problem{}, err
	}
	site, err := s.Site(ctx)
	if err != nil {
		return problem.Problem{}, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		actor, err := activeUser(tx, actorID)
		if err != nil {
			return err
		}
		p, err := loadProblem(ctx, tx, number)
		if err != nil {
			return err
		}
		if p.SiteCode != site.Code {
			return data.Errorf(data.EFORBIDDEN, "问题 %s 由站点 %s 登记，只能在该站点办理", number, p.SiteCode)
		}
		e.Seq, e.At, e.Actor = len(p.Events)+1, s.now(), actor.Login
		if err := problem.Check(p.State, &e, actor.Role); err != nil {
			return err
		}
		if err := problem.CheckDepartment(p.State, e.Kind, actor.Department); err != nil {
			return err
		}
		switch e.Kind {
		case problem.Triaged, problem.TrackChanged:
			d := days
			e.Data.Days = &d
			due, explainDue := problem.Dues(e.Data.Track, d, p.State.Received, cal)
			e.Data.Due, e.Data.ExplainDue = dateText(due), dateText(explainDue)
		case problem.Assigned:
			for _, code := range append([]string{e.Data.Department}, e.Data.Helpers...) {
				var ok bool
				if err := tx.QueryRow("SELECT count(*) > 0 FROM departments WHERE code = ?", code).Scan(&ok); err != nil {
					return err
				}
				if !ok {
					return data.FieldError("department", "部门", "编码 %s 不存在", code)
				}
			}
		}
		if err := insertProblemEvent(tx, p.ID, actor.ID, e); err != nil {
			return err
		}
		st := problem.Replay(append(p.Events, e))
		if err := saveProblemState(tx, p.ID, st); err != nil {
			return err
		}
		return s.audit(tx, actor.Login, "problem."+string(e.Kind), number, problemAuditDetail(e))
	})
	if err != nil {
		return problem.Problem{}, err
	}
	return s.Problem(ctx, number)
}

func dateText(d calendar.Date) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// saveProblemState caches the replayed state on the problem.
func saveProblemState(tx *sql.Tx, id int64, st problem.State) error {
	days, _ := json.Marshal(st.Days)
	helpers, _ := json.Marshal(st.Helpers)
	if st.Helpers == nil {
		helpers = []byte("[]")
	}
	_, err := tx.Exec(`UPDATE problems SET status = ?, track = ?, days = ?, department = ?, helpers = ?, explained = ?, last_note = ?, promised = ?,
		closed_on = ?, urges = ?, track_changes = ?, reopened = ?, verdict = ? WHERE id = ?`,
		st.Status, st.Track, string(days), st.Department, string(helpers), dateText(st.Explained), dateText(st.LastNote), dateText(st.Promised),
		dateText(st.ClosedOn), st.Urges, st.TrackChanges, st.Reopened, st.Verdict, id)
	return err
}

// Problem returns one problem with its log.
func (s *Store) Problem(ctx context.Context, number string) (problem.Problem, error) {
	return loadProblem(ctx, s.db, number)
}

func loadProblem(ctx context.Context, q querier, number string) (problem.Problem, error) {
	ps, err := queryProblems(ctx, q, "p.number = ?", []any{number}, "p.id", 1)
	if err != nil {
		return problem.Problem{}, err
	}
	if len(ps) == 0 {
		return problem.Problem{}, &data.Error{Code: data.ENOTFOUND, Field: "number", Message: fmt.Sprintf("问题编号：%s 不存在", number)}
	}
	return ps[0], nil
}

// ProblemFilter selects problems.
type ProblemFilter struct {
	Statuses   []problem.Status
	Department string // the lead department's code
	AfterID    int64  // keyset paging, oldest first
	Limit      int    // 0 = 50
}

// Problems returns one page of problems matching f, oldest first, each
// with its log.
func (s *Store) Problems(ctx context.Context, f ProblemFilter) ([]problem.Problem, error) {
	conds, args := []string{"p.id > ?"}, []any{f.AfterID}
	if len(f.Statuses) > 0 {
		conds = append(conds, "p.status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	if f.Department != "" {
		conds, args = append(conds, "p.department = ?"), append(args, f.Department)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	return queryProblems(ctx, s.db, strings.Join(conds, " AND "), args, "p.id", limit)
}

// queryProblems reads the problems matching where with their logs; the
// state is replayed from the log (the cached columns serve the board).
func queryProblems(ctx context.Context, q querier, where string, args []any, order string, limit int) ([]problem.Problem, error) {
	var out []problem.Problem
	index := map[int64]int{}
	err := eachRow(ctx, q, fmt.Sprintf(`SELECT p.id, p.number, p.site_code, p.enterprise_code, p.enterprise_name, p.category, p.department,
			coalesce(d.name, ''), p.received_at FROM problems p LEFT JOIN departments d ON d.code = p.department
		WHERE %s ORDER BY %s LIMIT %d`, where, order, limit), func(r *sql.Rows) error {
		var p problem.Problem
		var at string
		if err := r.Scan(&p.ID, &p.Number, &p.SiteCode, &p.EnterpriseCode, &p.EnterpriseName, &p.Category, &p.Department, &p.DepartmentName, &at); err != nil {
			return err
		}
		var err error
		if p.ReceivedAt, err = data.ParseTime(at); err != nil {
			return fmt.Errorf("problem %s: %w", p.Number, err)
		}
		index[p.ID] = len(out)
		out = append(out, p)
		return nil
	}, args...)
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]string, len(out))
	for i, p := range out {
		ids[i] = fmt.Sprint(p.ID)
	}
	err = eachRow(ctx, q, `SELECT e.problem_id, e.seq, e.kind, e.at, u.login, e.data FROM problem_events e JOIN users u ON u.id = e.actor_id
		WHERE e.problem_id IN (`+strings.Join(ids, ",")+`) ORDER BY e.problem_id, e.seq`, func(r *sql.Rows) error {
		var id int64
		var e problem.Event
		var at, raw string
		if err := r.Scan(&id, &e.Seq, &e.Kind, &at, &e.Actor, &raw); err != nil {
			return err
		}
		var err error
		if e.At, err = data.ParseTime(at); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(raw), &e.Data); err != nil {
			return fmt.Errorf("problem event data: %w", err)
		}
		p := &out[index[id]]
		p.Events = append(p.Events, e)
		return nil
	})
	for i := range out {
		out[i].State = problem.Replay(out[i].Events)
	}
	return out, err
}

// ProblemClock reads a problem's clock on today with this site's calendar
// and warning threshold.
func (s *Store) ProblemClock(ctx context.Context, st problem.State, today calendar.Date) (problem.Clock, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return problem.Clock{}, err
	}
	return problem.Compute(st, cal, today, s.Threshold(ctx)), nil
}

// checkProblems holds every problem's cached state to the state its log
// replays to (verify), naming the first few that differ.
func (s *Store) checkProblems(ctx context.Context) ([]string, error) {
	var out []string
	for f := (ProblemFilter{Limit: 1000}); ; {
		ps, err := s.Problems(ctx, f)
		if err != nil {
			return out, err
		}
		for _, p := range ps {
			var st problem.State
			var days, helpers, explained, lastNote, promised, closedOn string
			err := s.db.QueryRowContext(ctx, `SELECT status, track, days, department, helpers, explained, last_note, promised, closed_on, urges,
				track_changes, reopened, verdict FROM problems WHERE id = ?`, p.ID).Scan(&st.Status, &st.Track, &days, &st.Department,
				&helpers, &explained, &lastNote, &promised, &closedOn, &st.Urges, &st.TrackChanges, &st.Reopened, &st.Verdict)
			if err != nil {
				return out, err
			}
			want := p.State
			same := st.Status == want.Status && st.Track == want.Track && st.Department == want.Department && st.Urges == want.Urges &&
				st.TrackChanges == want.TrackChanges && st.Reopened == want.Reopened && st.Verdict == want.Verdict &&
				explained == dateText(want.Explained) && lastNote == dateText(want.LastNote) && promised == dateText(want.Promised) && closedOn == dateText(want.ClosedOn)
			if wd, _ := json.Marshal(want.Days); string(wd) != days {
				same = false
			}
			if len(p.Events) == 0 || p.Events[0].Kind != problem.Registered {
				same = false
			}
			for i, e := range p.Events {
				if e.Seq != i+1 {
					same = false
				}
			}
			if !same && len(out) < 10 {
				out = append(out, fmt.Sprintf("问题 %s 的状态与其办理记录不符", p.Number))
			}
		}
		if len(ps) < f.Limit {
			return out, nil
		}
		f.AfterID = ps[len(ps)-1].ID
	}
}

// LoadSampleProblems writes generated problems with their logs into a
// database holding sample data (onewindow demo), numbered in order after
// the numbers used, in one transaction with one audit entry; a database of
// real work refuses.
func (s *Store) LoadSampleProblems(ctx context.Context, ps []problem.Problem) error {
	sample, err := s.SampleData(ctx)
	if err != nil {
		return err
	}
	if !sample {
		return data.Errorf(data.EFORBIDDEN, "只有样例数据库可以生成演示问题")
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		users := map[string]int64{}
		if err := eachRow(ctx, tx, "SELECT login, id FROM users", func(r *sql.Rows) error {
			var login string
			var id int64
			err := r.Scan(&login, &id)
			users[login] = id
			return err
		}); err != nil {
			return err
		}
		next := map[int]int{} // per year, continuing the numbers used
		for _, p := range ps {
			if len(p.Events) == 0 || p.Events[0].Kind != problem.Registered {
				return data.Errorf(data.EINVALID, "演示问题没有登记记录")
			}
			year := calendar.DateOf(p.ReceivedAt).Year()
			if next[year] == 0 {
				prefix := fmt.Sprintf("%s-%04d-WT", p.SiteCode, year)
				var last string
				if err := tx.QueryRow("SELECT coalesce(max(number), '') FROM problems WHERE number LIKE ? || '%'", prefix).Scan(&last); err != nil {
					return err
				}
				var n int
				fmt.Sscanf(strings.TrimPrefix(last, prefix), "%d", &n)
				next[year] = n
			}
			next[year]++
			p.Number = problem.Number(p.SiteCode, year, next[year])
			res, err := tx.Exec(`INSERT INTO problems (number, site_code, enterprise_code, enterprise_name, category, received_at, received_date, status)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.Number, p.SiteCode, p.EnterpriseCode, p.EnterpriseName, p.Category,
				data.FormatTime(p.ReceivedAt), calendar.DateOf(p.ReceivedAt).String(), problem.Received)
			if err != nil {
				return err
			}
			id, _ := res.LastInsertId()
			for _, e := range p.Events {
				uid, ok := users[e.Actor]
				if !ok {
					return data.Errorf(data.EINVALID, "演示问题 %s：用户 %s 不存在", p.Number, e.Actor)
				}
				if err := insertProblemEvent(tx, id, uid, e); err != nil {
					return err
				}
			}
			if err := saveProblemState(tx, id, problem.Replay(p.Events)); err != nil {
				return err
			}
		}
		return s.audit(tx, "system", "demo.problems", "problems", fmt.Sprintf(`{"problems":%d}`, len(ps)))
	})
}
