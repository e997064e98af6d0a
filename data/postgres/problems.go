package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/report"
)

// problems merges a bundle's 企业反映问题, as the SQLite centre does: each
// problem with the state replayed here from its whole log (not the site's
// cached columns), the log's new entries appended, its papers upserted.
func (m *merger) problems() error {
	b := m.b
	if len(b.Problems) == 0 {
		return nil
	}
	site := b.Manifest.Site
	logs, err := b.ProblemLogs()
	if err != nil {
		return err
	}
	date := func(d calendar.Date) any {
		if d == 0 {
			return nil
		}
		return d.Time()
	}
	cols := []string{"number", "site_code", "enterprise_code", "enterprise_name", "category", "case_number", "received_at", "received_date",
		"status", "track", "days", "department", "helpers", "explained", "last_note", "promised", "closed_on", "urges", "track_changes", "reopened", "verdict"}
	if err := m.upsert("problems", cols, 1, len(b.Problems), func(i int) []any {
		p := b.Problems[i]
		st := problem.Replay(logs[p.Number])
		days, _ := json.Marshal(st.Days)
		helpers, _ := json.Marshal(st.Helpers)
		if st.Helpers == nil {
			helpers = []byte("[]")
		}
		return []any{p.Number, site, p.EnterpriseCode, p.EnterpriseName, p.Category, p.CaseNumber, p.ReceivedAt, st.Received.Time(),
			string(st.Status), string(st.Track), string(days), st.Department, string(helpers), date(st.Explained), date(st.LastNote), date(st.Promised),
			date(st.ClosedOn), st.Urges, st.TrackChanges, st.Reopened, string(st.Verdict)}
	}); err != nil {
		return err
	}
	if err := m.addNew("problem_events", []string{"number", "seq", "kind", "at", "actor", "data"}, len(b.ProblemEvents), func(i int) []any {
		return exchange.Values(&b.ProblemEvents[i])
	}); err != nil {
		return err
	}
	return m.upsert("problem_documents", []string{"doc_number", "kind", "year", "seq", "number", "issued_at", "issued_by", "content", "hash", "reprints"}, 1,
		len(b.ProblemDocuments), func(i int) []any { return exchange.Values(&b.ProblemDocuments[i]) })
}

// ProblemBoard reads every lead department's problem figures over every
// site for the period from…to and the problems overdue on today, each
// problem on its own site's calendar, as the SQLite store's board counts
// them (problem.Board).
func (s *Store) ProblemBoard(ctx context.Context, from, to, today calendar.Date) ([]problem.BoardRow, []problem.Overdue, error) {
	depts, err := s.Departments(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for _, d := range depts {
		names[d.Code] = d.Name
	}
	board := problem.NewBoard(from, to, names)
	type line struct {
		number, site, ent, cat string
		st                     problem.State
	}
	var lines []line
	rows, err := s.pool.Query(ctx, `SELECT number, site_code, enterprise_name, category, department, received_date, status, track, days,
			explained, last_note, promised, closed_on, urges, verdict, reopened
		FROM problems WHERE received_date <= $2 AND (received_date >= $1 OR status IN ('received', 'open') OR closed_on >= $1)`, from.Time(), to.Time())
	if err != nil {
		return nil, nil, classify(err)
	}
	daysOf := map[string]problem.Days{}
	for rows.Next() {
		var l line
		var days, status, track, verdict string
		var received pgDate
		var explained, lastNote, promised, closedOn pgDate
		if err := rows.Scan(&l.number, &l.site, &l.ent, &l.cat, &l.st.Department, &received, &status, &track, &days,
			&explained, &lastNote, &promised, &closedOn, &l.st.Urges, &verdict, &l.st.Reopened); err != nil {
			rows.Close()
			return nil, nil, classify(err)
		}
		l.st.Status, l.st.Track, l.st.Verdict = problem.Status(status), problem.Track(track), problem.Verdict(verdict)
		d, ok := daysOf[days]
		if !ok {
			json.Unmarshal([]byte(days), &d)
			daysOf[days] = d
		}
		l.st.Days = d
		l.st.Received, l.st.Explained, l.st.LastNote, l.st.Promised, l.st.ClosedOn = received.d, explained.d, lastNote.d, promised.d, closedOn.d
		lines = append(lines, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, classify(err)
	}
	for _, l := range lines {
		cal, err := s.calendars.get(ctx, s, l.site)
		if err != nil {
			return nil, nil, err
		}
		board.Add(l.number, l.ent, l.cat, l.st, problem.Compute(l.st, cal, today, clock.DefaultThreshold))
	}
	out, overdue := board.Lines()
	return out, overdue, nil
}

// Bulletin writes the centre's 督查通报 of the month day falls in, over
// every site (problem.MakeBulletin).
func (s *Store) Bulletin(ctx context.Context, day, today calendar.Date) (problem.Bulletin, error) {
	return problem.MakeBulletin(ctx, s, day, today)
}

// pgDate scans a nullable date into a calendar date (0 for NULL).
type pgDate struct{ d calendar.Date }

func (p *pgDate) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		p.d = 0
	case time.Time:
		p.d = calendar.NewDate(v.Year(), v.Month(), v.Day())
	case string:
		d, err := calendar.ParseDate(v)
		if err != nil {
			return err
		}
		p.d = d
	default:
		return fmt.Errorf("date: %T", src)
	}
	return nil
}

// addProblemFigures puts each lead department's problem figures on its
// row of a report by department (as the SQLite store does).
func (s *Store) addProblemFigures(ctx context.Context, spec report.Spec, parts *report.Parts, deptName map[string]string) error {
	today := spec.Today
	if today == 0 {
		today = spec.To
	}
	board, _, err := s.ProblemBoard(ctx, spec.From, spec.To, today)
	if err != nil {
		return err
	}
	for _, b := range board {
		if b.Department == "" {
			continue
		}
		b.AddTo(parts.Group(b.Department, deptName[b.Department]))
	}
	return nil
}

// ReplyProblem records a county department's answer to a problem a
// township reported up to it (上报), as the SQLite centre does; the centre's
// supervisors and administrators record it here, and the next publication
// carries it back. One transaction with its audit entry.
func (s *Store) ReplyProblem(ctx context.Context, actorID int64, r problem.Reply) (problem.Reply, error) {
	err := s.write(ctx, func(tx pgx.Tx) error {
		var login, name string
		var role data.Role
		err := tx.QueryRow(ctx, "SELECT login, name, role FROM users WHERE id = $1 AND active", actorID).Scan(&login, &name, &role)
		if errors.Is(err, pgx.ErrNoRows) {
			return &data.Error{Code: data.ENOTFOUND, Field: "user", Message: fmt.Sprintf("经办人：编号 %d 不存在或已停用", actorID)}
		}
		if err != nil {
			return err
		}
		if role == data.RoleClerk {
			return data.Errorf(data.EFORBIDDEN, "上报问题由督查人员或管理员录入答复")
		}
		var site string
		var events []problem.Event
		rows, err := tx.Query(ctx, "SELECT p.site_code, e.seq, e.kind, e.at, e.data FROM problems p JOIN problem_events e ON e.number = p.number WHERE p.number = $1 ORDER BY e.seq", r.Problem)
		if err != nil {
			return err
		}
		for rows.Next() {
			var e problem.Event
			var at, d string
			if err := rows.Scan(&site, &e.Seq, &e.Kind, &at, &d); err != nil {
				rows.Close()
				return err
			}
			e.At, _ = data.ParseTime(at)
			json.Unmarshal([]byte(d), &e.Data)
			events = append(events, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(events) == 0 {
			return &data.Error{Code: data.ENOTFOUND, Field: "number", Message: fmt.Sprintf("问题编号：%s 不存在", r.Problem)}
		}
		st := problem.Replay(events)
		if st.EscalatedTo == "" {
			return data.Errorf(data.ECONFLICT, "问题 %s 没有上报到中心", r.Problem)
		}
		r.Department = st.EscalatedTo
		if err := tx.QueryRow(ctx, "SELECT name FROM departments WHERE code = $1", r.Department).Scan(&r.DepartmentName); err != nil {
			return data.Errorf(data.ENOTFOUND, "部门 %s 不在本中心的部门清单中", r.Department)
		}
		r.At, r.By = data.FormatTime(s.now()), name
		if err := r.Validate(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO problem_replies (problem, site_code, department, kind, text, promised, at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			r.Problem, site, r.Department, string(r.Kind), r.Text, r.Promised, r.At, name); err != nil {
			return err
		}
		detail, _ := json.Marshal(r)
		return s.audit(ctx, tx, login, "problem.reply", r.Problem, string(detail))
	})
	return r, err
}

// takeReplies puts the answers not yet published for the publication's
// sites (every site when it names none) on it, marked as carried by seq.
func takeReplies(ctx context.Context, tx pgx.Tx, seq int64, sites []string) ([]problem.Reply, error) {
	rows, err := tx.Query(ctx, `UPDATE problem_replies r SET published_seq = $1
		WHERE r.published_seq IS NULL AND (cardinality($2::text[]) = 0 OR r.site_code = ANY($2))
		RETURNING r.id, r.problem, r.department, r.kind, r.text, r.promised, r.at, r.actor`, seq, sites)
	if err != nil {
		return nil, err
	}
	type line struct {
		id int64
		r  problem.Reply
	}
	var lines []line
	for rows.Next() {
		var l line
		if err := rows.Scan(&l.id, &l.r.Problem, &l.r.Department, &l.r.Kind, &l.r.Text, &l.r.Promised, &l.r.At, &l.r.By); err != nil {
			rows.Close()
			return nil, err
		}
		lines = append(lines, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].id < lines[j].id })
	names := map[string]string{}
	out := make([]problem.Reply, len(lines))
	for i, l := range lines {
		name, ok := names[l.r.Department]
		if !ok {
			if err := tx.QueryRow(ctx, "SELECT coalesce((SELECT name FROM departments WHERE code = $1), $1)", l.r.Department).Scan(&name); err != nil {
				return nil, err
			}
			names[l.r.Department] = name
		}
		l.r.DepartmentName = name
		out[i] = l.r
	}
	return out, nil
}
