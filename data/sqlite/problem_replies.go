package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/problem"
)

// 上报: a township reports a problem up to a department of the county (an
// event of its own log, which its bundle carries to the centre); the
// department answers at the centre (ReplyProblem); the centre's next
// publication carries the answer back; the township's program writes it
// into the problem's log when it receives the publication.

// ReplyProblem records, at a central office, a county department's answer
// to a problem a township reported up to it: the department's own users
// (部门进驻人员 of that department), supervisors and administrators may. It
// waits in problem_replies for the next publication; one transaction with
// its audit entry.
func (s *Store) ReplyProblem(ctx context.Context, actorID int64, r problem.Reply) (problem.Reply, error) {
	site, err := s.Site(ctx)
	if err != nil {
		return r, err
	}
	if site.Kind != data.SiteCentre {
		return r, data.Errorf(data.EFORBIDDEN, "上报问题在中心答复：本站点是%s", site.Kind.Label())
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		actor, err := activeUser(tx, actorID)
		if err != nil {
			return err
		}
		p, err := loadProblem(ctx, tx, r.Problem)
		if err != nil {
			return err
		}
		if p.SiteCode == site.Code {
			return data.Errorf(data.ECONFLICT, "问题 %s 是本中心登记的，直接在问题中记录答复", r.Problem)
		}
		if p.State.EscalatedTo == "" {
			return data.Errorf(data.ECONFLICT, "问题 %s 没有上报到中心", r.Problem)
		}
		r.Department = p.State.EscalatedTo
		if actor.Department != "" && actor.Department != r.Department {
			return data.Errorf(data.EFORBIDDEN, "问题 %s 上报给 %s，不是本部门（%s）", r.Problem, r.Department, actor.Department)
		}
		if actor.Department == "" && actor.Role == data.RoleClerk {
			return data.Errorf(data.EFORBIDDEN, "上报问题由被上报部门的人员或督查人员答复")
		}
		if err := tx.QueryRow("SELECT name FROM departments WHERE code = ?", r.Department).Scan(&r.DepartmentName); err != nil {
			return data.Errorf(data.ENOTFOUND, "部门 %s 不在本中心的部门清单中", r.Department)
		}
		r.At, r.By = data.FormatTime(s.now()), actor.Name
		if err := r.Validate(); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO problem_replies (problem, site_code, department, kind, text, promised, at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Problem, p.SiteCode, r.Department, r.Kind, r.Text, r.Promised, r.At, actor.Login+" "+actor.Name); err != nil {
			return err
		}
		detail, _ := json.Marshal(r)
		return s.audit(tx, actor.Login, "problem.reply", r.Problem, string(detail))
	})
	return r, err
}

// ProblemReplies are the answers recorded here for a problem, oldest first,
// and for each the publication that carried it (0: not yet published).
func (s *Store) ProblemReplies(ctx context.Context, number string) ([]problem.Reply, []int64, error) {
	var out []problem.Reply
	var seqs []int64
	err := eachRow(ctx, s.db, `SELECT r.problem, r.department, coalesce(d.name, r.department), r.kind, r.text, r.promised, r.at, r.actor, coalesce(r.published_seq, 0)
		FROM problem_replies r LEFT JOIN departments d ON d.code = r.department WHERE r.problem = ? ORDER BY r.id`, func(rows *sql.Rows) error {
		var r problem.Reply
		var seq int64
		if err := rows.Scan(&r.Problem, &r.Department, &r.DepartmentName, &r.Kind, &r.Text, &r.Promised, &r.At, &r.By, &seq); err != nil {
			return err
		}
		if _, name, ok := strings.Cut(r.By, " "); ok {
			r.By = name
		}
		out, seqs = append(out, r), append(seqs, seq)
		return nil
	}, number)
	return out, seqs, err
}

// takeReplies puts the answers not yet published for the publication's
// sites (every site when it names none) on it, and marks them as carried
// by publication seq.
func takeReplies(tx *sql.Tx, seq int64, sites []string) ([]problem.Reply, error) {
	q := `SELECT r.id, r.problem, r.department, coalesce(d.name, r.department), r.kind, r.text, r.promised, r.at, r.actor
		FROM problem_replies r LEFT JOIN departments d ON d.code = r.department WHERE r.published_seq IS NULL`
	var args []any
	if len(sites) > 0 {
		q += " AND r.site_code IN (" + placeholders(len(sites)) + ")"
		for _, s := range sites {
			args = append(args, s)
		}
	}
	rows, err := tx.Query(q+" ORDER BY r.id", args...)
	if err != nil {
		return nil, err
	}
	var out []problem.Reply
	var ids []any
	for rows.Next() {
		var r problem.Reply
		var id int64
		if err := rows.Scan(&id, &r.Problem, &r.Department, &r.DepartmentName, &r.Kind, &r.Text, &r.Promised, &r.At, &r.By); err != nil {
			rows.Close()
			return nil, err
		}
		if _, name, ok := strings.Cut(r.By, " "); ok {
			r.By = name
		}
		out, ids = append(out, r), append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for len(ids) > 0 {
		part := ids[:min(500, len(ids))]
		ids = ids[len(part):]
		if _, err := tx.Exec("UPDATE problem_replies SET published_seq = ? WHERE id IN ("+placeholders(len(part))+")", append([]any{seq}, part...)...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// applyReplies writes the centre's answers to this site's problems into
// their logs, recorded by the receiving user: as the kind the department
// chose when the problem's state allows it (an explanation on the third
// track), otherwise as an answer — which changes no state, so an answer
// arriving after the township closed the problem is still kept. It
// returns how many it wrote.
func (s *Store) applyReplies(ctx context.Context, tx *sql.Tx, site data.Site, actor data.User, publication string, replies []problem.Reply) (int, error) {
	n := 0
	for _, r := range replies {
		if !strings.HasPrefix(r.Problem, site.Code+"-") {
			continue
		}
		p, err := loadProblem(ctx, tx, r.Problem)
		if err != nil {
			return n, data.Errorf(data.EINVALID, "中心答复的问题 %s 不在本站点", r.Problem)
		}
		e := r.Event(publication)
		e.Seq, e.At, e.Actor = len(p.Events)+1, s.now(), actor.Login
		if problem.Check(p.State, &e, actor.Role) != nil {
			e.Kind = problem.Answered
			e.Data.Promised = ""
		}
		if err := insertProblemEvent(tx, p.ID, actor.ID, e); err != nil {
			return n, err
		}
		if err := saveProblemState(tx, p.ID, problem.Replay(append(p.Events, e))); err != nil {
			return n, err
		}
		if err := s.audit(tx, actor.Login, "problem."+string(e.Kind), r.Problem, problemAuditDetail(e)); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
