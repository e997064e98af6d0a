package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

const caseColumns = `a.id, a.number, a.site_code, a.status, a.received_at, a.window_id, w.code, a.clerk_id, u.name,
	i.id, i.code, i.name, i.department_id, d.name, i.kind, i.statutory, i.promised, i.materials,
	p.id, p.kind, p.name, p.id_code, p.contact, p.phone, p.address`

const caseJoins = `FROM applications a
	JOIN items i ON i.id = a.item_id
	JOIN departments d ON d.id = i.department_id
	JOIN applicants p ON p.id = a.applicant_id
	JOIN windows w ON w.id = a.window_id
	JOIN users u ON u.id = a.clerk_id`

// queryCases reads the cases matching where (SQL over alias a) with their
// events. limit 0 means all.
// With a page, indexed ("INDEXED BY …" or "") tells how the page is chosen.
func queryCases(ctx context.Context, q querier, where string, args []any, order string, limit, offset int, indexed string) ([]data.Application, error) {
	query := "SELECT " + caseColumns + " " + caseJoins + " WHERE " + where + " ORDER BY " + order
	if limit > 0 {
		// Choose the page on the narrow table first, then join only its rows.
		query = "SELECT " + caseColumns + " " + caseJoins + " WHERE a.id IN (SELECT a.id FROM applications a " + indexed + " WHERE " + where +
			" ORDER BY " + order + fmt.Sprintf(" LIMIT %d OFFSET %d", limit, offset) + ") ORDER BY " + order
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query cases: %w", err)
	}
	var apps []data.Application
	index := map[int64]int{}
	for rows.Next() {
		var a data.Application
		var received, mats string
		if err := rows.Scan(&a.ID, &a.Number, &a.SiteCode, &a.Status, &received, &a.WindowID, &a.Window, &a.ClerkID, &a.Clerk,
			&a.Item.ID, &a.Item.Code, &a.Item.Name, &a.Item.DepartmentID, &a.Item.Department, &a.Item.Kind, &a.Item.Statutory, &a.Item.Promised, &mats,
			&a.Applicant.ID, &a.Applicant.Kind, &a.Applicant.Name, &a.Applicant.IDCode, &a.Applicant.Contact, &a.Applicant.Phone, &a.Applicant.Address); err != nil {
			rows.Close()
			return nil, err
		}
		if a.ReceivedAt, err = data.ParseTime(received); err != nil {
			rows.Close()
			return nil, fmt.Errorf("case %s: %w", a.Number, err)
		}
		if err := json.Unmarshal([]byte(mats), &a.Item.Materials); err != nil {
			rows.Close()
			return nil, fmt.Errorf("case %s materials: %w", a.Number, err)
		}
		index[a.ID] = len(apps)
		apps = append(apps, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(apps) == 0 {
		return apps, err
	}
	// The events, fees, waivers and ratings of these cases: by id for a
	// page, by the same condition for a full scan.
	of, ofArgs := "IN (SELECT a.id FROM applications a WHERE "+where+")", args
	if limit > 0 {
		ids := make([]string, len(apps))
		for i, a := range apps {
			ids[i] = fmt.Sprint(a.ID)
		}
		of, ofArgs = "IN ("+strings.Join(ids, ",")+")", nil
	}
	rows, err = q.QueryContext(ctx, "SELECT e.app_id, e.seq, e.kind, e.at, e.actor_id, u.login, u.name, e.data FROM events e JOIN users u ON u.id = e.actor_id WHERE e.app_id "+
		of+" ORDER BY e.app_id, e.seq", ofArgs...)
	if err != nil {
		return nil, fmt.Errorf("query events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var e data.Event
		var at, raw string
		if err := rows.Scan(&id, &e.Seq, &e.Kind, &at, &e.ActorID, &e.Actor, &e.ActorName, &raw); err != nil {
			return nil, err
		}
		if e.At, err = data.ParseTime(at); err != nil {
			return nil, fmt.Errorf("event time %q: %w", at, err)
		}
		if err := json.Unmarshal([]byte(raw), &e.Data); err != nil {
			return nil, fmt.Errorf("event data: %w", err)
		}
		if i, ok := index[id]; ok {
			apps[i].Events = append(apps[i].Events, e)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if err := themeNumbers(ctx, q, apps, index, of, ofArgs); err != nil {
		return nil, err
	}
	return apps, loadMoney(ctx, q, apps, index, of, ofArgs)
}

// loadMoney reads the fee lines, waivers, ratings and rectifications of
// apps, whose ids are selected by "app_id <of>".
func loadMoney(ctx context.Context, q querier, apps []data.Application, index map[int64]int, of string, args []any) error {
	rows, err := q.QueryContext(ctx, "SELECT app_id, id, fee_code, name, amount_fen, unit, basis FROM case_fees WHERE app_id "+of+" ORDER BY app_id, id", args...)
	if err != nil {
		return fmt.Errorf("query fees: %w", err)
	}
	for rows.Next() {
		var id int64
		var f data.FeeLine
		if err := rows.Scan(&id, &f.ID, &f.Code, &f.Name, &f.AmountFen, &f.Unit, &f.Basis); err != nil {
			rows.Close()
			return err
		}
		if i, ok := index[id]; ok {
			apps[i].Fees = append(apps[i].Fees, f)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT w.app_id, w.id, w.fee_id, f.fee_code, w.kind, w.amount_fen, w.policy_id, p.code, p.name, p.basis, w.reason, w.status,
			r.login, w.requested_at, coalesce(d.login, ''), coalesce(w.decided_at, ''), w.note
		FROM waivers w JOIN case_fees f ON f.id = w.fee_id JOIN waiver_policies p ON p.id = w.policy_id
			JOIN users r ON r.id = w.requested_by LEFT JOIN users d ON d.id = w.decided_by
		WHERE w.app_id `+of+" ORDER BY w.app_id, w.id", args...)
	if err != nil {
		return fmt.Errorf("query waivers: %w", err)
	}
	for rows.Next() {
		var w data.Waiver
		var requested, decided string
		if err := rows.Scan(&w.AppID, &w.ID, &w.FeeID, &w.FeeCode, &w.Kind, &w.AmountFen, &w.PolicyID, &w.PolicyCode, &w.Policy, &w.Basis, &w.Reason, &w.Status,
			&w.RequestedBy, &requested, &w.DecidedBy, &decided, &w.Note); err != nil {
			rows.Close()
			return err
		}
		if w.RequestedAt, err = data.ParseTime(requested); err == nil && decided != "" {
			w.DecidedAt, err = data.ParseTime(decided)
		}
		if err != nil {
			rows.Close()
			return err
		}
		if i, ok := index[w.AppID]; ok {
			apps[i].Waivers = append(apps[i].Waivers, w)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT g.app_id, g.level, g.comment, g.at, u.login, r.status, coalesce(r.due_date, ''), coalesce(r.opened_at, ''),
			coalesce(r.done_date, ''), coalesce(r.measures, ''), coalesce(r.revisit, ''), coalesce(r.appeal, ''), coalesce(r.decision, '')
		FROM ratings g JOIN users u ON u.id = g.clerk_id LEFT JOIN rectifications r ON r.app_id = g.app_id
		WHERE g.app_id `+of, args...)
	if err != nil {
		return fmt.Errorf("query ratings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var g data.Rating
		var at, due, opened, done string
		var r data.Rectification
		var status sql.NullString
		if err := rows.Scan(&id, &g.Level, &g.Comment, &at, &g.Clerk, &status, &due, &opened, &done, &r.Measures, &r.Revisit, &r.Appeal, &r.Decision); err != nil {
			return err
		}
		if g.At, err = data.ParseTime(at); err != nil {
			return err
		}
		if status.Valid {
			r.AppID, r.Status = id, data.RectStatus(status.String)
			if err := scanRect(&r, due, opened, done); err != nil {
				return err
			}
			g.Rectification = &r
		}
		if i, ok := index[id]; ok {
			apps[i].Rating = &g
		}
	}
	return rows.Err()
}

// loadCase reads one case with its events inside tx.
func loadCase(ctx context.Context, q querier, number string) (data.Application, error) {
	apps, err := queryCases(ctx, q, "a.number = ?", []any{number}, "a.id", 1, 0, "")
	if err != nil {
		return data.Application{}, err
	}
	if len(apps) == 0 {
		return data.Application{}, &data.Error{Code: data.ENOTFOUND, Field: "number", Message: fmt.Sprintf("办件编号：%s 不存在", number)}
	}
	return apps[0], nil
}

// Case returns the case with the given number, its events and its clock
// as of today.
func (s *Store) Case(ctx context.Context, number string) (data.Application, error) {
	app, err := loadCase(ctx, s.db, number)
	if err != nil {
		return app, err
	}
	app.Clock, err = s.Clock(ctx, &app, calendar.DateOf(s.now()))
	return app, err
}

// Cases returns one page of cases matching f, with their events so that the
// caller can read each case's clock.
func (s *Store) Cases(ctx context.Context, f data.CaseFilter) ([]data.Application, error) {
	where, args := filterSQL(f)
	order := "a.id DESC" // newest first: ids grow with registration
	switch f.Order {
	case "due":
		order = "a.due_promised IS NULL, a.due_promised, a.id"
		if broad, err := s.broadSearch(ctx, f); err != nil {
			return nil, err
		} else if broad {
			// Walk the cases in due order and keep the matches: the first
			// page is found after a few thousand rows, where sorting every
			// match first would read them all.
			where, args := filterSQLWith(f, searchByScan)
			return queryCases(ctx, s.db, where, args, order, limitOf(f), f.Offset, "INDEXED BY applications_by_due_order")
		}
	case "id":
		order = "a.id"
		if f.AfterID > 0 {
			where += " AND a.id > ?"
			args = append(args, f.AfterID)
		}
	}
	return queryCases(ctx, s.db, where, args, order, limitOf(f), f.Offset, "")
}

// searchWalkFrom is the least number of matches for which a search walks
// the due-date index (the tests lower it).
var searchWalkFrom int64 = 2000

func limitOf(f data.CaseFilter) int {
	if f.Limit <= 0 {
		return 50
	}
	return f.Limit
}

// broadSearch says whether f's search matches so many cases that walking
// the due-date index until a page is full beats collecting and sorting
// every match. Sorting costs about 4 µs a match; walking about 3 µs a row,
// and a page of 50 takes 50·N/M rows of N cases for M matches: the walk
// wins above M ≈ √(40·N) (≈ 6,300 matches over a million cases). The
// matches are counted only up to that bound, through covering indexes. The
// applicants' cases lie spread along the due dates; a number prefix's do
// not (see below).
// Only the first pages of an unfiltered status qualify: among open cases
// (the list's default) matches are sparse along the index, and the sort of
// the few open matches is quick.
func (s *Store) broadSearch(ctx context.Context, f data.CaseFilter) (bool, error) {
	if strings.TrimSpace(f.Search) == "" || len(f.Statuses) > 0 || f.WarningsAt != 0 || f.Offset >= 1000 {
		return false, nil
	}
	var n int64
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM applications").Scan(&n); err != nil {
		return false, err
	}
	bound := int64(math.Sqrt(40 * float64(n)))
	if bound < searchWalkFrom {
		return false, nil // a small database sorts its matches in no time
	}
	byNumber, byApplicant, args := searchParts(f.Search)
	var numbers, applicants int64
	err := s.db.QueryRowContext(ctx, fmt.Sprintf(`SELECT
		(SELECT count(*) FROM (SELECT 1 FROM applications a WHERE %s LIMIT %d)),
		(SELECT count(*) FROM (SELECT 1 FROM applications a WHERE %s LIMIT %d))`, byNumber, bound, byApplicant, bound), args...).Scan(&numbers, &applicants)
	// Many matches by number are one stretch of registration dates, so of
	// due dates: the walk would cross every case before them (0.6 s for a
	// month's prefix over a million cases, against 40 ms sorted).
	return applicants >= bound && numbers < bound, err
}

// CountCases returns how many cases match f.
func (s *Store) CountCases(ctx context.Context, f data.CaseFilter) (int, error) {
	where, args := filterSQL(f)
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM applications a WHERE "+where, args...).Scan(&n)
	return n, err
}

// filterSQL is the WHERE clause of f and its arguments.
func filterSQL(f data.CaseFilter) (string, []any) { return filterSQLWith(f, searchBySet) }

func filterSQLWith(f data.CaseFilter, how int) (string, []any) {
	conds := []string{"1"}
	var args []any
	if len(f.Statuses) > 0 {
		conds = append(conds, "a.status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	if f.WindowID != 0 {
		conds, args = append(conds, "a.window_id = ?"), append(args, f.WindowID)
	}
	if f.ItemID != 0 {
		conds, args = append(conds, "a.item_id = ?"), append(args, f.ItemID)
	}
	if f.From != 0 {
		conds, args = append(conds, "a.received_date >= ?"), append(args, f.From.String())
	}
	if f.To != 0 {
		conds, args = append(conds, "a.received_date <= ?"), append(args, f.To.String())
	}
	if f.WarningsAt != 0 {
		d := f.WarningsAt.String()
		conds = append(conds, "a.status IN ('received','supplement','supplied','accepted','paused')",
			"(a.yellow_promised <= ? OR a.yellow_statutory <= ?)")
		args = append(args, d, d)
	}
	if strings.TrimSpace(f.Search) != "" {
		byNumber, byApplicant, sargs := searchParts(f.Search)
		if how == searchByScan {
			// evaluated on each row of the walk; the applicant first, as
			// the index holds it
			conds = append(conds, "("+byApplicant+" OR "+byNumber+")")
			args = append(append(args, sargs[2:]...), sargs[:2]...)
		} else {
			// Two indexed lookups joined by UNION: a number by prefix (a
			// range on the unique index), and applicants, then their cases
			// by index.
			conds = append(conds, `a.id IN (
			SELECT a.id FROM applications a WHERE `+byNumber+`
			UNION
			SELECT a.id FROM applications a WHERE `+byApplicant+`)`)
			args = append(args, sargs...)
		}
	}
	return strings.Join(conds, " AND "), args
}

// How a search is put into SQL: as a set of matching ids, or as a test of
// each row.
const (
	searchBySet  = iota
	searchByScan = iota
)

// searchParts returns the two conditions over alias a that make a search
// (a number by prefix; the cases of the applicants that match) and their
// arguments, the number's first. Applicants are found through the trigram
// index (any part of the name or code of three or more characters); one or
// two characters are too short for trigrams and go through LIKE on the
// applicants table: a credit-code prefix or a part of the name.
func searchParts(search string) (byNumber, byApplicant string, args []any) {
	q := strings.TrimSpace(search)
	applicants := `SELECT rowid FROM applicant_search WHERE applicant_search MATCH ?`
	var match []any
	if utf8.RuneCountInString(q) >= 3 {
		match = []any{`"` + strings.ReplaceAll(q, `"`, `""`) + `"`}
	} else {
		esc := likeEscaper.Replace(q)
		applicants = `SELECT id FROM applicants WHERE id_code LIKE ? ESCAPE '\' OR name LIKE ? ESCAPE '\'`
		match = []any{strings.ToUpper(esc) + "%", "%" + esc + "%"}
	}
	return "a.number >= ? AND a.number < ?", "a.applicant_id IN (" + applicants + ")", append([]any{q, q + "\uffff"}, match...)
}

// placeholders returns n comma-separated "?" for an IN list.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// Clock reads the case's clock at date today with the store's calendar and
// warning threshold.
func (s *Store) Clock(ctx context.Context, app *data.Application, today calendar.Date) (clock.Result, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return clock.Result{}, err
	}
	return clock.Compute(app.ClockEvents(), app.Limits(), cal, today, s.Threshold(ctx)), nil
}

// ApplicantByCode finds an earlier applicant by credit code or ID number, so
// the intake form can fill in the rest.
func (s *Store) ApplicantByCode(ctx context.Context, code string) (data.Applicant, error) {
	var a data.Applicant
	code = data.NormaliseCode(code)
	err := s.db.QueryRowContext(ctx, "SELECT id, kind, name, id_code, contact, phone, address FROM applicants WHERE id_code = ?", code).
		Scan(&a.ID, &a.Kind, &a.Name, &a.IDCode, &a.Contact, &a.Phone, &a.Address)
	if errors.Is(err, sql.ErrNoRows) {
		return a, &data.Error{Code: data.ENOTFOUND, Field: "id_code", Message: "证件号码：没有找到该申请人"}
	}
	return a, err
}
