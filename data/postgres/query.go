package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// What the supervisors' screens and `onewindow cases` read from the central
// store: the catalogue, the centre's own users, and the sites' cases with
// their events, fees, waivers and ratings, in the shapes the SQLite store
// gives, so that the same screens and commands show the same things. The
// centre reads; nothing here writes but a user's own PIN.

// Items returns every service item the sites have brought, ordered by
// code (none is offered at a counter here).
func (s *Store) Items(ctx context.Context) ([]data.ServiceItem, error) {
	rows, err := s.pool.Query(ctx, `SELECT i.id, i.code, i.name, coalesce(d.id, 0), coalesce(d.name, i.department), i.kind, i.statutory, i.promised, i.materials
		FROM items i LEFT JOIN departments d ON d.code = i.department ORDER BY i.code`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []data.ServiceItem
	for rows.Next() {
		var it data.ServiceItem
		var mats string
		if err := rows.Scan(&it.ID, &it.Code, &it.Name, &it.DepartmentID, &it.Department, &it.Kind, &it.Statutory, &it.Promised, &mats); err != nil {
			return nil, classify(err)
		}
		if err := json.Unmarshal([]byte(mats), &it.Materials); err != nil {
			return nil, fmt.Errorf("item %s materials: %w", it.Code, err)
		}
		out = append(out, it)
	}
	return out, classify(rows.Err())
}

// Departments returns the departments the sites have brought, by code.
func (s *Store) Departments(ctx context.Context) ([]data.Department, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, code, name FROM departments ORDER BY code")
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []data.Department
	for rows.Next() {
		var d data.Department
		if err := rows.Scan(&d.ID, &d.Code, &d.Name); err != nil {
			return nil, classify(err)
		}
		out = append(out, d)
	}
	return out, classify(rows.Err())
}

// Windows returns every site's windows, ordered by site and code; the name
// begins with the site's.
func (s *Store) Windows(ctx context.Context) ([]data.Window, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, code, name FROM windows ORDER BY site_code, code")
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []data.Window
	for rows.Next() {
		var w data.Window
		if err := rows.Scan(&w.ID, &w.Code, &w.Name); err != nil {
			return nil, classify(err)
		}
		out = append(out, w)
	}
	return out, classify(rows.Err())
}

// Users returns the centre's own active users ordered by login (those who
// log in here: supervisors and administrators).
func (s *Store) Users(ctx context.Context) ([]data.User, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, login, name, role FROM users WHERE active ORDER BY login")
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []data.User
	for rows.Next() {
		var u data.User
		if err := rows.Scan(&u.ID, &u.Login, &u.Name, &u.Role); err != nil {
			return nil, classify(err)
		}
		out = append(out, u)
	}
	return out, classify(rows.Err())
}

// ChangePIN changes a user's own PIN; the old one is checked as at login,
// so that wrong guesses count towards the lock.
func (s *Store) ChangePIN(ctx context.Context, login, oldPIN, newPIN string) error {
	hash, err := hashPIN(newPIN)
	if err != nil {
		return err
	}
	if _, err := s.Login(ctx, login, oldPIN); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "UPDATE users SET pin_hash = $1, failed_pins = 0, locked_until = '' WHERE login = $2 AND active", hash, login)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return &data.Error{Code: data.ENOTFOUND, Field: "login", Message: fmt.Sprintf("用户：%s 不存在或已停用", login)}
		}
		return s.audit(ctx, tx, login, "user.change_pin", login, "{}")
	})
}

const caseColumns = `a.id, a.number, a.site_code, a.status, a.received_at, coalesce(w.id, 0), a.site_code || '/' || a.window_code, coalesce(u.name, a.clerk),
	coalesce(i.id, 0), a.item, coalesce(i.name, a.item), coalesce(d.id, 0), coalesce(d.name, i.department, ''), coalesce(i.kind, ''),
	coalesce(i.statutory, 0), coalesce(i.promised, 0), coalesce(i.materials, '[]'),
	p.kind, p.name, p.id_code, p.contact, p.phone, p.address`

const caseJoins = `FROM applications a
	JOIN applicants p ON p.id_code = a.applicant
	LEFT JOIN items i ON i.code = a.item
	LEFT JOIN departments d ON d.code = i.department
	LEFT JOIN windows w ON w.site_code = a.site_code AND w.code = a.window_code
	LEFT JOIN site_users u ON u.site_code = a.site_code AND u.login = a.clerk`

// Case returns the case with the given number, its records and its clock
// as of today.
func (s *Store) Case(ctx context.Context, number string) (data.Application, error) {
	var q filterSQL
	apps, err := s.queryCases(ctx, "a.number = "+q.arg(number), q.args, "a.id", 1)
	if err != nil {
		return data.Application{}, err
	}
	if len(apps) == 0 {
		return data.Application{}, &data.Error{Code: data.ENOTFOUND, Field: "number", Message: fmt.Sprintf("办件编号：%s 不存在", number)}
	}
	app := apps[0]
	app.Clock, err = s.Clock(ctx, &app, calendar.DateOf(s.now()))
	return app, err
}

// Cases returns one page of cases matching f (50 when f.Limit is 0), with
// their records, so that the caller can read each case's clock. Orders as
// the SQLite store's: newest first, "id" (the order they arrived here,
// with keyset paging), or "due".
func (s *Store) Cases(ctx context.Context, f data.CaseFilter) ([]data.Application, error) {
	q := casesWhere(f)
	order := "a.id DESC"
	switch f.Order {
	case "due":
		order = "a.due_promised ASC NULLS LAST, a.id"
	case "id":
		order = "a.id"
		if f.AfterID > 0 {
			q.and("a.id > " + q.arg(f.AfterID))
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	return s.queryCases(ctx, q.where(), q.args, order+fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(f.Offset, 0)), limit)
}

// CountCases returns how many cases match f. Counting every case of a
// province (tens of millions) takes seconds; with no filter but the dates
// received, the count is the daily totals' (exact: the merge keeps them,
// verify checks them).
func (s *Store) CountCases(ctx context.Context, f data.CaseFilter) (int, error) {
	var n int
	if len(f.Statuses) == 0 && f.WindowID == 0 && f.ItemID == 0 && f.WarningsAt == 0 && strings.TrimSpace(f.Search) == "" {
		from, to := f.From, f.To
		if from == 0 {
			from = calendar.NewDate(1949, 1, 1)
		}
		if to == 0 {
			to = calendar.NewDate(2099, 12, 31)
		}
		err := s.pool.QueryRow(ctx, "SELECT coalesce(sum(cases), 0) FROM report_received WHERE day BETWEEN $1 AND $2", from.Time(), to.Time()).Scan(&n)
		return n, classify(err)
	}
	q := casesWhere(f)
	err := s.pool.QueryRow(ctx, "SELECT count(*) FROM applications a WHERE "+q.where(), q.args...).Scan(&n)
	return n, classify(err)
}

// filterSQL gathers a WHERE clause and its positional arguments.
type filterSQL struct {
	conds []string
	args  []any
}

func (q *filterSQL) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

func (q *filterSQL) and(cond string) { q.conds = append(q.conds, cond) }

func (q *filterSQL) where() string {
	if len(q.conds) == 0 {
		return "true"
	}
	return strings.Join(q.conds, " AND ")
}

const openStatusList = "('received','supplement','supplied','accepted','paused')"

var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

func casesWhere(f data.CaseFilter) *filterSQL {
	q := &filterSQL{}
	if len(f.Statuses) > 0 {
		sts := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			sts[i] = string(st)
		}
		q.and("a.status = ANY(" + q.arg(sts) + "::text[])")
	}
	if f.WindowID != 0 {
		q.and("(a.site_code, a.window_code) IN (SELECT site_code, code FROM windows WHERE id = " + q.arg(f.WindowID) + ")")
	}
	if f.ItemID != 0 {
		q.and("a.item IN (SELECT code FROM items WHERE id = " + q.arg(f.ItemID) + ")")
	}
	if f.From != 0 {
		q.and("a.received_date >= " + q.arg(f.From.Time()) + "::date")
	}
	if f.To != 0 {
		q.and("a.received_date <= " + q.arg(f.To.Time()) + "::date")
	}
	if f.WarningsAt != 0 {
		d := q.arg(f.WarningsAt.Time())
		q.and("a.status IN " + openStatusList + " AND (a.yellow_promised <= " + d + "::date OR a.yellow_statutory <= " + d + "::date)")
	}
	if search := strings.TrimSpace(f.Search); search != "" {
		esc := likeEscaper.Replace(search)
		byNumber := "a.number LIKE " + q.arg(esc+"%")
		// Any part of the name or the code: three characters or more go
		// through the trigram index; one or two, a code's prefix or a part
		// of the name, by scanning the applicants (a few hundred thousand
		// rows at most, and only when so little is typed).
		var applicants string
		if utf8.RuneCountInString(search) >= 3 {
			applicants = "SELECT id_code FROM applicants WHERE name || ' ' || id_code ILIKE " + q.arg("%"+esc+"%")
		} else {
			applicants = "SELECT id_code FROM applicants WHERE id_code LIKE " + q.arg(strings.ToUpper(esc)+"%") + " OR name LIKE " + q.arg("%"+esc+"%")
		}
		q.and("(" + byNumber + " OR a.applicant IN (" + applicants + "))")
	}
	return q
}

// queryCases reads the cases matching where, in the given order (with its
// LIMIT), and their records.
func (s *Store) queryCases(ctx context.Context, where string, args []any, order string, capacity int) ([]data.Application, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return nil, classify(err)
	}
	defer tx.Rollback(ctx)
	apps := make([]data.Application, 0, min(capacity, 500))
	index := map[string]int{}
	err = eachRow(ctx, tx, "SELECT "+caseColumns+" "+caseJoins+" WHERE "+where+" ORDER BY "+order, args, func(sc func(...any) error) error {
		var a data.Application
		var received, mats string
		if err := sc(&a.ID, &a.Number, &a.SiteCode, &a.Status, &received, &a.WindowID, &a.Window, &a.Clerk,
			&a.Item.ID, &a.Item.Code, &a.Item.Name, &a.Item.DepartmentID, &a.Item.Department, &a.Item.Kind, &a.Item.Statutory, &a.Item.Promised, &mats,
			&a.Applicant.Kind, &a.Applicant.Name, &a.Applicant.IDCode, &a.Applicant.Contact, &a.Applicant.Phone, &a.Applicant.Address); err != nil {
			return err
		}
		var err error
		if a.ReceivedAt, err = data.ParseTime(received); err != nil {
			return fmt.Errorf("case %s: %w", a.Number, err)
		}
		if err := json.Unmarshal([]byte(mats), &a.Item.Materials); err != nil {
			return fmt.Errorf("case %s materials: %w", a.Number, err)
		}
		index[a.Number] = len(apps)
		apps = append(apps, a)
		return nil
	})
	if err != nil || len(apps) == 0 {
		return apps, classify(err)
	}
	numbers := make([]string, len(apps))
	for i, a := range apps {
		numbers[i] = a.Number
	}
	r := &caseReader{apps: apps, index: index}
	for _, q := range r.queries() {
		if err := eachRow(ctx, tx, q.sql, []any{numbers}, q.row); err != nil {
			return nil, classify(err)
		}
	}
	// A fee line is its case's by code here; the screens and AmountDue
	// tie waivers to lines by id: number the lines within each case.
	for i := range apps {
		a := &apps[i]
		for j := range a.Fees {
			a.Fees[j].ID = int64(j + 1)
			for k := range a.Waivers {
				if a.Waivers[k].FeeCode == a.Fees[j].Code {
					a.Waivers[k].FeeID = a.Fees[j].ID
				}
			}
		}
	}
	return apps, nil
}

// caseReader fills a page of cases with their records.
type caseReader struct {
	apps  []data.Application
	index map[string]int
}

func (r *caseReader) of(number string) *data.Application {
	if i, ok := r.index[number]; ok {
		return &r.apps[i]
	}
	return nil
}

// queries read the page's events, fees, waivers and ratings; $1 is the
// page's case numbers. Events are found through the number index of each
// year's partition.
func (r *caseReader) queries() []pgQuery {
	return []pgQuery{
		{`SELECT e.number, e.seq, e.kind, e.at, left(e.number, 9) || '/' || e.actor, coalesce(u.name, e.actor), e.data FROM events e
			LEFT JOIN site_users u ON u.site_code = left(e.number, 9) AND u.login = e.actor
			WHERE e.number = ANY($1) ORDER BY e.number, e.seq`, r.event},
		{`SELECT number, fee_code, name, amount_fen, unit, basis FROM case_fees WHERE number = ANY($1) ORDER BY number, fee_code`, r.fee},
		{`SELECT case_number, theme_number FROM theme_members WHERE case_number = ANY($1)`, r.theme},
		{`SELECT w.number, w.id, w.fee_code, w.kind, w.amount_fen, w.policy, coalesce(p.name, w.policy), coalesce(p.basis, ''), w.reason, w.status,
				w.site_code || '/' || w.requested_by, w.requested_at, coalesce(w.site_code || '/' || w.decided_by, ''), coalesce(w.decided_at, ''), w.note
			FROM waivers w LEFT JOIN waiver_policies p ON p.code = w.policy WHERE w.number = ANY($1) ORDER BY w.number, w.id`, r.waiver},
		{`SELECT g.number, g.level, g.comment, g.at, left(g.number, 9) || '/' || g.clerk, x.status, coalesce(x.due_date, ''), coalesce(x.opened_at, ''), coalesce(x.done_date, ''),
				coalesce(x.measures, ''), coalesce(x.revisit, ''), coalesce(x.appeal, ''), coalesce(x.decision, '')
			FROM ratings g LEFT JOIN rectifications x ON x.number = g.number WHERE g.number = ANY($1)`, r.rating},
	}
}

// theme names the 主题件 a case belongs to.
func (r *caseReader) theme(sc func(...any) error) error {
	var number, theme string
	if err := sc(&number, &theme); err != nil {
		return err
	}
	if a := r.of(number); a != nil {
		a.ThemeNumber = theme
	}
	return nil
}

func (r *caseReader) event(sc func(...any) error) error {
	var number, at, raw string
	var e data.Event
	if err := sc(&number, &e.Seq, &e.Kind, &at, &e.Actor, &e.ActorName, &raw); err != nil {
		return err
	}
	var err error
	if e.At, err = data.ParseTime(at); err != nil {
		return fmt.Errorf("event time %q: %w", at, err)
	}
	if err := json.Unmarshal([]byte(raw), &e.Data); err != nil {
		return fmt.Errorf("event data of %s: %w", number, err)
	}
	if a := r.of(number); a != nil {
		a.Events = append(a.Events, e)
	}
	return nil
}

func (r *caseReader) fee(sc func(...any) error) error {
	var number string
	var f data.FeeLine
	if err := sc(&number, &f.Code, &f.Name, &f.AmountFen, &f.Unit, &f.Basis); err != nil {
		return err
	}
	if a := r.of(number); a != nil {
		a.Fees = append(a.Fees, f)
	}
	return nil
}

func (r *caseReader) waiver(sc func(...any) error) error {
	var number, requested, decided string
	var w data.Waiver
	if err := sc(&number, &w.ID, &w.FeeCode, &w.Kind, &w.AmountFen, &w.PolicyCode, &w.Policy, &w.Basis, &w.Reason, &w.Status,
		&w.RequestedBy, &requested, &w.DecidedBy, &decided, &w.Note); err != nil {
		return err
	}
	var err error
	if w.RequestedAt, err = data.ParseTime(requested); err == nil && decided != "" {
		w.DecidedAt, err = data.ParseTime(decided)
	}
	if err != nil {
		return fmt.Errorf("waiver of %s: %w", number, err)
	}
	if a := r.of(number); a != nil {
		a.Waivers = append(a.Waivers, w)
	}
	return nil
}

func (r *caseReader) rating(sc func(...any) error) error {
	var number, at, due, opened, done string
	var status *string
	var g data.Rating
	var x data.Rectification
	if err := sc(&number, &g.Level, &g.Comment, &at, &g.Clerk, &status, &due, &opened, &done, &x.Measures, &x.Revisit, &x.Appeal, &x.Decision); err != nil {
		return err
	}
	var err error
	if g.At, err = data.ParseTime(at); err != nil {
		return fmt.Errorf("rating of %s: %w", number, err)
	}
	if status != nil {
		x.Status = data.RectStatus(*status)
		if x.Due, err = calendar.ParseDate(due); err == nil {
			x.OpenedAt, err = data.ParseTime(opened)
		}
		if err == nil && done != "" {
			x.Done, err = calendar.ParseDate(done)
		}
		if err != nil {
			return fmt.Errorf("rectification of %s: %w", number, err)
		}
		g.Rectification = &x
	}
	if a := r.of(number); a != nil {
		a.Rating = &g
	}
	return nil
}
