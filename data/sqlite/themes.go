package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/data/theme"
)

// 一件事一次办 (issue 24): themes in the catalogue, their intake as one
// 主题件 with one case per item, waiting items started when the item they
// wait for completes, and the theme cases read with their clocks.

// Themes returns the active themes ordered by code, their steps' items
// filled in.
func (s *Store) Themes(ctx context.Context) ([]theme.Theme, error) {
	return readThemes(ctx, s.db, "t.active")
}

// readThemes reads the themes matching where (SQL over alias t).
func readThemes(ctx context.Context, q querier, where string, args ...any) ([]theme.Theme, error) {
	rows, err := q.QueryContext(ctx, "SELECT t.id, t.code, t.name, t.limit_days, t.together, t.active FROM themes t WHERE "+where+" ORDER BY t.code", args...)
	if err != nil {
		return nil, err
	}
	var out []theme.Theme
	index := map[int64]int{}
	for rows.Next() {
		var t theme.Theme
		if err := rows.Scan(&t.ID, &t.Code, &t.Name, &t.Limit, &t.Together, &t.Active); err != nil {
			rows.Close()
			return nil, err
		}
		index[t.ID] = len(out)
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	items, err := itemsByID(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, "SELECT theme_id, item_id, after_id, result FROM theme_steps ORDER BY theme_id, position")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var tid, iid int64
		var after sql.NullInt64
		var st theme.Step
		if err := rows.Scan(&tid, &iid, &after, &st.Result); err != nil {
			return nil, err
		}
		i, ok := index[tid]
		if !ok {
			continue
		}
		st.Item = items[iid]
		if after.Valid {
			st.After = items[after.Int64].Code
		}
		out[i].Steps = append(out[i].Steps, st)
	}
	return out, rows.Err()
}

// itemsByID reads every service item (active or not), by id.
func itemsByID(ctx context.Context, q querier) (map[int64]data.ServiceItem, error) {
	list, err := readItems(ctx, q, "1")
	out := make(map[int64]data.ServiceItem, len(list))
	for _, it := range list {
		out[it.ID] = it
	}
	return out, err
}

// itemsByCode reads the service items matching where (over alias i), by
// code: every one for the names of a theme case's steps, the active ones
// for a theme's Validate.
func itemsByCode(ctx context.Context, q querier, where string) (map[string]data.ServiceItem, error) {
	list, err := readItems(ctx, q, where)
	out := make(map[string]data.ServiceItem, len(list))
	for _, it := range list {
		out[it.Code] = it
	}
	return out, err
}

// insertTheme writes a validated theme (setup and 设置).
func insertTheme(tx *sql.Tx, t *theme.Theme) error {
	id, err := insertID(tx, "INSERT INTO themes (code, name, limit_days, together, active) VALUES (?, ?, ?, ?, ?)", t.Code, t.Name, t.Limit, t.Together, t.Active)
	if err != nil {
		return fmt.Errorf("theme %s: %w", t.Code, err)
	}
	t.ID = id
	for i, st := range t.Steps {
		var after any
		if st.After != "" {
			after = t.Step(st.After).Item.ID
		}
		if _, err := tx.Exec("INSERT INTO theme_steps (theme_id, position, item_id, after_id, result) VALUES (?, ?, ?, ?, ?)",
			id, i, st.Item.ID, after, st.Result); err != nil {
			return fmt.Errorf("theme %s step %s: %w", t.Code, st.Item.Code, err)
		}
	}
	return nil
}

// registeredStep is a step as a theme case records it.
type registeredStep struct {
	Item   string `json:"item"`
	After  string `json:"after,omitempty"`
	Result string `json:"result,omitempty"`
}

// RegisterTheme takes in a theme at the counter: one applicant, one
// checklist. In one transaction it registers the 主题件 and one case per
// step that starts at intake — accepted when it has every material, in
// 补正 for its own missing ones otherwise — each with its own number,
// clock and department; a step that waits for another is registered when
// that one completes (Record). The theme case is returned with its clock.
func (s *Store) RegisterTheme(ctx context.Context, clerkID int64, in theme.Intake) (theme.Case, error) {
	var tc theme.Case
	now := s.now()
	var err error
	if in.Proofs, err = checkApplicant(in.Applicant, in.Proofs, now); err != nil {
		return tc, err
	}
	threshold := s.Threshold(ctx)
	err = s.write(ctx, func(tx *sql.Tx) error {
		cal, err := s.Calendar(ctx)
		if err != nil {
			return err
		}
		clerk, err := activeUser(tx, clerkID)
		if err != nil {
			return err
		}
		themes, err := readThemes(ctx, tx, "t.id = ? AND t.active", in.ThemeID)
		if err != nil {
			return err
		}
		if len(themes) == 0 {
			return &data.Error{Code: data.ENOTFOUND, Field: "theme", Message: fmt.Sprintf("一件事：编号 %d 不存在或已停用", in.ThemeID)}
		}
		t := themes[0]
		parts, unknown := t.Plan(in.Materials)
		if len(unknown) > 0 {
			return data.FieldError("materials", "材料", "%s 不是“%s”的申请材料", strings.Join(unknown, "、"), t.Name)
		}
		if err := windowExists(tx, in.WindowID); err != nil {
			return err
		}
		site, err := siteCode(tx)
		if err != nil {
			return err
		}
		day := calendar.DateOf(now)
		seq, err := nextSeq(tx, "ZT"+day.Time().Format("20060102"))
		if err != nil {
			return err
		}
		number := fmt.Sprintf("%sZT%s%04d", site, day.Time().Format("20060102"), seq)
		a := in.Applicant
		if err := saveApplicant(tx, &a, now); err != nil {
			return err
		}
		steps := make([]registeredStep, len(t.Steps))
		for i, st := range t.Steps {
			steps[i] = registeredStep{Item: st.Item.Code, After: st.After, Result: st.Result}
		}
		stepsJSON, _ := json.Marshal(steps)
		mats, _ := json.Marshal(nonNil(in.Materials))
		proofs, _ := json.Marshal(nonNil(in.Proofs))
		id, err := insertID(tx, `INSERT INTO theme_cases (number, site_code, theme_id, theme_code, theme_name, limit_days, together, steps, applicant_id, window_id, clerk_id, received_at, materials, proofs)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			number, site, t.ID, t.Code, t.Name, t.Limit, t.Together, string(stepsJSON), a.ID, in.WindowID, clerkID, data.FormatTime(now), string(mats), string(proofs))
		if err != nil {
			return fmt.Errorf("save theme case: %w", err)
		}
		var cases []string
		for i, p := range parts {
			if _, err := tx.Exec("INSERT INTO theme_members (theme_case_id, position, item_code) VALUES (?, ?, ?)", id, i, p.Step.Item.Code); err != nil {
				return err
			}
			if p.Wait {
				continue
			}
			app, err := s.startStep(tx, cal, threshold, site, id, i, p, in.Applicant, in.WindowID, in.Proofs, clerk, now)
			if err != nil {
				return err
			}
			cases = append(cases, app.Number)
		}
		detail, _ := json.Marshal(map[string]any{"theme": t.Code, "applicant": a.IDCode, "cases": cases})
		if err := s.audit(tx, clerk.Login, "theme.register", number, string(detail)); err != nil {
			return err
		}
		tc, err = loadThemeCase(ctx, tx, number)
		if err != nil {
			return err
		}
		tc.Compute(cal, day, threshold)
		return nil
	})
	if err != nil {
		return theme.Case{}, err
	}
	return tc, nil
}

// startStep registers the case of part p (position pos of theme case
// themeCase): accepted with every material, in 补正 for its missing ones.
func (s *Store) startStep(tx *sql.Tx, cal *calendar.Calendar, threshold float64, site string, themeCase int64, pos int, p theme.Part,
	applicant data.Applicant, windowID int64, proofs []data.Proof, actor data.User, now time.Time) (data.Application, error) {
	in := data.Intake{ItemID: p.Step.Item.ID, Applicant: applicant, WindowID: windowID, Materials: p.Handed, Proofs: proofs, Decision: data.DecideAccept}
	if len(p.Missing) > 0 {
		in.Decision, in.Missing = data.DecideSupplement, p.Missing
	}
	if err := oneError(in.Check(p.Step.Item)); err != nil {
		return data.Application{}, err
	}
	second, err := intakeEvent(in)
	if err != nil {
		return data.Application{}, err
	}
	app, err := s.insertCase(tx, cal, threshold, site, p.Step.Item, in, actor.ID, now, second)
	if err != nil {
		return app, err
	}
	if _, err = tx.Exec(`UPDATE theme_members SET (app_id, case_number, status, start_date, closed_date) =
		(SELECT id, number, status, start_date, closed_date FROM applications WHERE id = ?) WHERE theme_case_id = ? AND position = ?`, app.ID, themeCase, pos); err != nil {
		return app, err
	}
	detail, _ := json.Marshal(map[string]any{"item": p.Step.Item.Code, "applicant": applicant.IDCode, "decision": in.Decision})
	return app, s.audit(tx, actor.Login, "case.register", app.Number, string(detail))
}

// startFollowers registers, when the case c completes, the steps of its
// theme case that wait for it, in the same transaction: their clocks
// start today. Nothing for a case outside a theme.
func (c *caseTx) startFollowers() error {
	var number string
	err := c.tx.QueryRow("SELECT t.number FROM theme_members m JOIN theme_cases t ON t.id = m.theme_case_id WHERE m.app_id = ?", c.app.ID).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	tc, err := loadThemeCase(c.ctx, c.tx, number)
	if err != nil {
		return err
	}
	parts, _ := tc.Theme.Plan(tc.Materials)
	for i, m := range tc.Members {
		if m.App != nil || m.Step.After != c.app.Item.Code {
			continue
		}
		app, err := c.s.startStep(c.tx, c.cal, c.threshold, tc.SiteCode, tc.ID, i, parts[i], tc.Applicant, tc.WindowID, tc.Proofs, c.actor, c.now)
		if err != nil {
			return fmt.Errorf("一件事 %s 的事项 %s：%w", tc.Number, m.Step.Item.Code, err)
		}
		detail, _ := json.Marshal(map[string]any{"after": c.app.Number, "item": m.Step.Item.Code, "case": app.Number})
		if err := c.s.audit(c.tx, c.actor.Login, "theme.start", tc.Number, string(detail)); err != nil {
			return err
		}
	}
	return nil
}

// nextSeq takes the next number of the daily sequence key (number_seq).
func nextSeq(tx *sql.Tx, key string) (int, error) {
	var seq int
	err := tx.QueryRow(`INSERT INTO number_seq (day, last) VALUES (?, 1)
		ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last`, key).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("allocate number: %w", err)
	}
	if seq > data.MaxDailySequence {
		return 0, data.Errorf(data.ECONFLICT, "%s 的编号已用完（每日最多 %d 个）", key, data.MaxDailySequence)
	}
	return seq, nil
}

// themeCaseColumns are a theme case's columns with its applicant's.
const themeCaseColumns = `t.id, t.number, t.site_code, t.theme_code, t.theme_name, t.limit_days, t.together, t.steps, t.window_id, t.clerk_id,
	t.received_at, t.delivered_at, t.proofs, t.materials, p.id, p.kind, p.name, p.id_code, p.contact, p.phone, p.address`

// loadThemeCase reads the theme case with number, its steps' items and
// its members' cases (not yet computed).
func loadThemeCase(ctx context.Context, q querier, number string) (theme.Case, error) {
	list, err := queryThemeCases(ctx, q, "t.number = ?", []any{number}, 1, 0)
	if err != nil {
		return theme.Case{}, err
	}
	if len(list) == 0 {
		return theme.Case{}, &data.Error{Code: data.ENOTFOUND, Field: "number", Message: fmt.Sprintf("主题件编号：%s 不存在", number)}
	}
	return list[0], nil
}

// queryThemeCases reads the theme cases matching where (over alias t),
// oldest first, a page of limit (0: all) from offset.
func queryThemeCases(ctx context.Context, q querier, where string, args []any, limit, offset int) ([]theme.Case, error) {
	query := "SELECT " + themeCaseColumns + " FROM theme_cases t JOIN applicants p ON p.id = t.applicant_id WHERE " + where + " ORDER BY t.id"
	if limit > 0 {
		query += fmt.Sprintf(" LIMIT %d OFFSET %d", limit, offset)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query theme cases: %w", err)
	}
	var out []theme.Case
	index := map[int64]int{}
	for rows.Next() {
		var c theme.Case
		var steps, received, proofs, mats string
		var delivered sql.NullString
		a := &c.Applicant
		if err := rows.Scan(&c.ID, &c.Number, &c.SiteCode, &c.Theme.Code, &c.Theme.Name, &c.Theme.Limit, &c.Theme.Together, &steps, &c.WindowID, &c.ClerkID,
			&received, &delivered, &proofs, &mats, &a.ID, &a.Kind, &a.Name, &a.IDCode, &a.Contact, &a.Phone, &a.Address); err != nil {
			rows.Close()
			return nil, err
		}
		var reg []registeredStep
		if err := json.Unmarshal([]byte(steps), &reg); err != nil {
			rows.Close()
			return nil, fmt.Errorf("theme case %s steps: %w", c.Number, err)
		}
		for _, st := range reg {
			c.Theme.Steps = append(c.Theme.Steps, theme.Step{Item: data.ServiceItem{Code: st.Item}, After: st.After, Result: st.Result})
			c.Members = append(c.Members, theme.Member{Step: c.Theme.Steps[len(c.Theme.Steps)-1]})
		}
		if err := json.Unmarshal([]byte(mats), &c.Materials); err != nil {
			rows.Close()
			return nil, fmt.Errorf("theme case %s materials: %w", c.Number, err)
		}
		if err := json.Unmarshal([]byte(proofs), &c.Proofs); err != nil {
			rows.Close()
			return nil, fmt.Errorf("theme case %s proofs: %w", c.Number, err)
		}
		if c.ReceivedAt, err = data.ParseTime(received); err != nil {
			rows.Close()
			return nil, err
		}
		if delivered.Valid {
			if c.DeliveredAt, err = data.ParseTime(delivered.String); err != nil {
				rows.Close()
				return nil, err
			}
		}
		index[c.ID] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	// The steps' items, by code (as they are now: names, departments,
	// materials).
	byCode, err := itemsByCode(ctx, q, "1")
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(out))
	for i := range out {
		ids = append(ids, fmt.Sprint(out[i].ID))
		for j := range out[i].Theme.Steps {
			if it, ok := byCode[out[i].Theme.Steps[j].Item.Code]; ok {
				out[i].Theme.Steps[j].Item = it
				out[i].Members[j].Step.Item = it
			}
		}
	}
	// The members' cases.
	members := map[int64][2]int{} // app id → theme case index, position
	rows, err = q.QueryContext(ctx, "SELECT theme_case_id, position, app_id FROM theme_members WHERE app_id IS NOT NULL AND theme_case_id IN ("+strings.Join(ids, ",")+")")
	if err != nil {
		return nil, err
	}
	var appIDs []string
	for rows.Next() {
		var tid, app int64
		var pos int
		if err := rows.Scan(&tid, &pos, &app); err != nil {
			rows.Close()
			return nil, err
		}
		members[app] = [2]int{index[tid], pos}
		appIDs = append(appIDs, fmt.Sprint(app))
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(appIDs) == 0 {
		return out, err
	}
	apps, err := queryCases(ctx, q, "a.id IN ("+strings.Join(appIDs, ",")+")", nil, "a.id", 0, 0, "")
	if err != nil {
		return nil, err
	}
	for i := range apps {
		at := members[apps[i].ID]
		if c := &out[at[0]]; at[1] < len(c.Members) {
			c.Members[at[1]].App = &apps[i]
		}
	}
	return out, nil
}

// ThemeCase returns the theme case with number, computed as of today.
func (s *Store) ThemeCase(ctx context.Context, number string, today calendar.Date) (theme.Case, error) {
	tc, err := loadThemeCase(ctx, s.db, number)
	if err != nil {
		return tc, err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return tc, err
	}
	tc.Compute(cal, today, s.Threshold(ctx))
	return tc, nil
}

// ThemeCases returns a page of the theme cases, oldest first, computed as
// of today (limit 0: all).
func (s *Store) ThemeCases(ctx context.Context, limit, offset int, today calendar.Date) ([]theme.Case, error) {
	list, err := queryThemeCases(ctx, s.db, "1", nil, limit, offset)
	if err != nil {
		return nil, err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	threshold := s.Threshold(ctx)
	for i := range list {
		list[i].Compute(cal, today, threshold)
	}
	return list, nil
}

// themeNumbers fills in the 主题件 number of the cases of apps that belong
// to one (index: position by id; of: "IN (…)" selecting their ids).
func themeNumbers(ctx context.Context, q querier, apps []data.Application, index map[int64]int, of string, args []any) error {
	rows, err := q.QueryContext(ctx, "SELECT m.app_id, t.number FROM theme_members m JOIN theme_cases t ON t.id = m.theme_case_id WHERE m.app_id "+of, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var number string
		if err := rows.Scan(&id, &number); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			apps[i].ThemeNumber = number
		}
	}
	return rows.Err()
}

// DeliverTheme hands over the results of a theme case together (统一出件)
// by method (pickup | post): once every item is closed, each completed
// item is delivered in one transaction, audited, and the theme case
// records the hand-over.
func (s *Store) DeliverTheme(ctx context.Context, number string, actorID int64, method string) (theme.Case, error) {
	var tc theme.Case
	delivery := data.Event{Kind: clock.Delivered, Data: data.EventData{Method: method}}
	if err := delivery.Validate(); err != nil {
		return tc, err
	}
	threshold := s.Threshold(ctx)
	err := s.write(ctx, func(tx *sql.Tx) error {
		cal, err := s.Calendar(ctx)
		if err != nil {
			return err
		}
		actor, err := activeUser(tx, actorID)
		if err != nil {
			return err
		}
		if tc, err = loadThemeCase(ctx, tx, number); err != nil {
			return err
		}
		own, err := siteCode(tx)
		if err != nil {
			return err
		}
		if tc.SiteCode != own {
			return data.Errorf(data.EFORBIDDEN, "一件事 %s 由站点 %s 登记，只能在该站点出件", tc.Number, tc.SiteCode)
		}
		now := s.now()
		tc.Compute(cal, calendar.DateOf(now), threshold)
		switch {
		case !tc.DeliveredAt.IsZero() || tc.Status == theme.StatusDelivered:
			return data.Errorf(data.ECONFLICT, "一件事 %s 已于 %s 统一出件", tc.Number, data.FormatTime(tc.DeliveredAt))
		case tc.Status != theme.StatusCompleted:
			var open []string
			for _, m := range tc.Members {
				if (m.App == nil && !tc.Blocked(m.Step)) || (m.App != nil && m.App.Status.Open()) {
					open = append(open, m.Step.Item.Name)
				}
			}
			return data.Errorf(data.ECONFLICT, "一件事 %s 尚有事项未办结（%s），不能统一出件", tc.Number, strings.Join(open, "、"))
		}
		var delivered []string
		for _, m := range tc.Members {
			if m.App == nil || m.App.Status != data.StatusCompleted {
				continue
			}
			c := &caseTx{s: s, ctx: ctx, tx: tx, cal: cal, threshold: threshold, app: *m.App, actor: actor, now: now}
			if last := c.app.Events[len(c.app.Events)-1].At; c.now.Before(last) {
				c.now = last
			}
			if err := c.record(delivery, "case.delivered"); err != nil {
				return err
			}
			delivered = append(delivered, c.app.Number)
		}
		if _, err := tx.Exec("UPDATE theme_cases SET delivered_at = ? WHERE id = ?", data.FormatTime(now), tc.ID); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"cases": delivered})
		if err := s.audit(tx, actor.Login, "theme.deliver", tc.Number, string(detail)); err != nil {
			return err
		}
		if tc, err = loadThemeCase(ctx, tx, number); err != nil {
			return err
		}
		tc.Compute(cal, calendar.DateOf(now), threshold)
		return nil
	})
	if err != nil {
		return theme.Case{}, err
	}
	return tc, nil
}

// togetherTheme is the number of the theme case whose results are handed
// over together that app belongs to, or "".
func togetherTheme(tx *sql.Tx, appID int64) (string, error) {
	var number string
	err := tx.QueryRow("SELECT t.number FROM theme_members m JOIN theme_cases t ON t.id = m.theme_case_id WHERE m.app_id = ? AND t.together", appID).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return number, err
}

// writeBulkThemes writes a bulk batch's theme cases; their members' cases
// have ids base+1… in the batch's order.
func writeBulkThemes(tx *sql.Tx, site string, themes []BulkTheme, base int64) error {
	if len(themes) == 0 {
		return nil
	}
	ins, err := tx.Prepare(`INSERT INTO theme_cases (number, site_code, theme_id, theme_code, theme_name, limit_days, together, steps, applicant_id, window_id, clerk_id,
		received_at, materials, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	member, err := tx.Prepare(`INSERT INTO theme_members (theme_case_id, position, item_code, app_id, case_number, status, start_date, closed_date)
		SELECT ?, ?, ?, ?, a.number, a.status, a.start_date, a.closed_date FROM (SELECT 1) LEFT JOIN applications a ON a.id = ?`)
	if err != nil {
		return err
	}
	defer member.Close()
	for _, bt := range themes {
		t := bt.Theme
		steps := make([]registeredStep, len(t.Steps))
		for i, st := range t.Steps {
			steps[i] = registeredStep{Item: st.Item.Code, After: st.After, Result: st.Result}
		}
		stepsJSON, _ := json.Marshal(steps)
		mats, _ := json.Marshal(nonNil(bt.Materials))
		var delivered any
		if !bt.DeliveredAt.IsZero() {
			delivered = data.FormatTime(bt.DeliveredAt)
		}
		res, err := ins.Exec(bt.Number, site, t.ID, t.Code, t.Name, t.Limit, t.Together, string(stepsJSON), bt.ApplicantID, bt.WindowID, bt.User,
			data.FormatTime(bt.ReceivedAt), string(mats), delivered)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		for pos, idx := range bt.Members {
			var app any
			if idx >= 0 {
				app = base + int64(idx) + 1
			}
			if _, err := member.Exec(id, pos, t.Steps[pos].Item.Code, app, app); err != nil {
				return err
			}
		}
	}
	return nil
}

// themeReview is the 一件事 report: the theme cases received in the
// period, each read as its items' statuses and cached clock dates (kept
// on theme_members, so no case is read), added up per theme; one row per
// theme case, its steps parsed once per distinct text (a catalogue has a
// handful of themes).
func (s *Store) themeReview(ctx context.Context, spec report.Spec) ([]report.ThemeRow, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	names, err := itemsByCode(ctx, s.db, "1")
	if err != nil {
		return nil, err
	}
	parsed := map[string]theme.Theme{} // by code, name, limit and steps text
	var list []theme.Summary
	dates := map[string]calendar.Date{}
	date := func(v string) calendar.Date {
		d, ok := dates[v]
		if !ok {
			d, _ = calendar.ParseDate(v)
			dates[v] = d
		}
		return d
	}
	// One row per theme case, its items folded into one text (position,
	// status, start and end dates, case number; a waiting item has none).
	err = s.eachRow(ctx, `SELECT t.number, t.theme_code, t.theme_name, t.limit_days, t.steps,
			group_concat(m.position || ' ' || m.status || ' ' || coalesce(m.start_date, '-') || ' ' || coalesce(m.closed_date, '-') || ' ' || m.case_number, ';')
		FROM theme_cases t CROSS JOIN theme_members m ON m.theme_case_id = t.id
		WHERE t.received_at >= :fromT AND t.received_at < :toT AND m.app_id IS NOT NULL GROUP BY t.id`, specArgs(spec),
		func(sc func(...any) error) error {
			var number, code, name, steps, members string
			var limit int
			if err := sc(&number, &code, &name, &limit, &steps, &members); err != nil {
				return err
			}
			key := code + "\x00" + name + "\x00" + strconv.Itoa(limit) + "\x00" + steps
			t, ok := parsed[key]
			if !ok {
				var reg []registeredStep
				if err := json.Unmarshal([]byte(steps), &reg); err != nil {
					return fmt.Errorf("一件事 %s 的事项：%w", number, err)
				}
				t = theme.Theme{Code: code, Name: name, Limit: limit}
				for _, st := range reg {
					it := names[st.Item]
					it.Code = st.Item
					t.Steps = append(t.Steps, theme.Step{Item: it, After: st.After, Result: st.Result})
				}
				parsed[key] = t
			}
			sum := theme.Summary{Number: number, Theme: t, Members: make([]theme.MemberState, len(t.Steps))}
			for _, m := range strings.Split(members, ";") {
				f := strings.Fields(m)
				if len(f) != 5 {
					return fmt.Errorf("一件事 %s 的事项记录 %q", number, m)
				}
				pos, err := strconv.Atoi(f[0])
				if err != nil || pos < 0 || pos >= len(sum.Members) {
					return fmt.Errorf("一件事 %s 的事项序号 %q", number, f[0])
				}
				ms := theme.MemberState{Number: f[4], Status: data.Status(f[1])}
				if f[2] != "-" {
					ms.Start = date(f[2])
				}
				if f[3] != "-" {
					ms.End = date(f[3])
				}
				sum.Members[pos] = ms
			}
			list = append(list, sum)
			return nil
		})
	if err != nil {
		return nil, err
	}
	rev := theme.NewReview(cal)
	for i := range list {
		rev.Add(&list[i])
	}
	return rev.Rows(), nil
}

// applyThemes merges a bundle's theme cases: each is the site's own (no
// theme of the centre's catalogue), its applicant, window and clerk
// resolved like its cases', its members linked to the cases here with
// their state copied (the trigger keeps it as later bundles update them).
func (im *importer) applyThemes() error {
	if len(im.b.Themes) == 0 {
		return nil
	}
	site := im.b.Manifest.Site
	upsert, err := im.tx.Prepare(`INSERT INTO theme_cases (number, site_code, theme_id, theme_code, theme_name, limit_days, together, steps, applicant_id, window_id, clerk_id,
		received_at, materials, proofs, delivered_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (number) DO UPDATE SET delivered_at = excluded.delivered_at WHERE theme_cases.delivered_at IS NOT excluded.delivered_at`)
	if err != nil {
		return err
	}
	defer upsert.Close()
	member, err := im.tx.Prepare(`INSERT INTO theme_members (theme_case_id, position, item_code, app_id, case_number, status, start_date, closed_date)
		SELECT ?, ?, ?, a.id, a.number, a.status, a.start_date, a.closed_date FROM (SELECT 1) LEFT JOIN applications a ON a.number = ?
		ON CONFLICT (theme_case_id, position) DO UPDATE SET app_id = excluded.app_id, case_number = excluded.case_number, status = excluded.status,
			start_date = excluded.start_date, closed_date = excluded.closed_date WHERE theme_members.app_id IS NOT excluded.app_id`)
	if err != nil {
		return err
	}
	defer member.Close()
	for i := range im.b.Themes {
		t := &im.b.Themes[i]
		_, members, err := t.Decode(site)
		if err != nil {
			return err
		}
		var refs [3]int64
		for j, r := range []struct {
			m    map[string]int64
			key  string
			what string
		}{{im.applicants, t.Applicant, "申请人"}, {im.windows, t.Window, "窗口"}, {im.users, t.Clerk, "窗口人员"}} {
			if refs[j], err = ref(r.m, r.key, r.what, t.Number); err != nil {
				return err
			}
		}
		if err := im.exec(upsert, t.Number, site, t.ThemeCode, t.ThemeName, t.LimitDays, t.Together, t.Steps, refs[0], refs[1], refs[2],
			t.ReceivedAt, t.Materials, t.Proofs, t.DeliveredAt); err != nil {
			return fmt.Errorf("theme case %s: %w", t.Number, err)
		}
		var id int64
		if err := im.tx.QueryRow("SELECT id FROM theme_cases WHERE number = ?", t.Number).Scan(&id); err != nil {
			return err
		}
		for _, m := range members {
			var number any
			if m.Case != nil {
				number = *m.Case
			}
			if err := im.exec(member, id, m.Position, m.Item, number); err != nil {
				return fmt.Errorf("theme case %s member %d: %w", t.Number, m.Position, err)
			}
		}
	}
	return nil
}

// AllThemes returns every theme, active or not, ordered by code (设置).
func (s *Store) AllThemes(ctx context.Context) ([]theme.Theme, error) {
	return readThemes(ctx, s.db, "1")
}

// SaveTheme adds a theme (ID 0) or changes one, checked against the active
// items, by an administrator, with its audit entry. A theme case already
// registered keeps the theme as it was (its steps are recorded with it).
func (s *Store) SaveTheme(ctx context.Context, actorID int64, t theme.Theme) (theme.Theme, error) {
	err := s.write(ctx, func(tx *sql.Tx) error {
		login, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		items, err := itemsByCode(ctx, tx, "i.active")
		if err != nil {
			return err
		}
		if err := t.Validate(items); err != nil {
			return err
		}
		var other int64
		err = tx.QueryRow("SELECT id FROM themes WHERE code = ? AND id <> ?", t.Code, t.ID).Scan(&other)
		if err == nil {
			return data.FieldError("code", "一件事编码", "编码 %s 已被另一件事使用", t.Code)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if t.ID == 0 {
			if err := insertTheme(tx, &t); err != nil {
				return err
			}
		} else {
			if err := updateOne(tx, "UPDATE themes SET code = ?, name = ?, limit_days = ?, together = ?, active = ? WHERE id = ?", "一件事",
				t.Code, t.Name, t.Limit, t.Together, t.Active, t.ID); err != nil {
				return err
			}
			if _, err := tx.Exec("DELETE FROM theme_steps WHERE theme_id = ?", t.ID); err != nil {
				return err
			}
			for i, st := range t.Steps {
				var after any
				if st.After != "" {
					after = t.Step(st.After).Item.ID
				}
				if _, err := tx.Exec("INSERT INTO theme_steps (theme_id, position, item_id, after_id, result) VALUES (?, ?, ?, ?, ?)",
					t.ID, i, st.Item.ID, after, st.Result); err != nil {
					return err
				}
			}
		}
		steps := make([]registeredStep, len(t.Steps))
		for i, st := range t.Steps {
			steps[i] = registeredStep{Item: st.Item.Code, After: st.After, Result: st.Result}
		}
		detail, _ := json.Marshal(map[string]any{"code": t.Code, "name": t.Name, "limit_days": t.Limit, "together": t.Together, "active": t.Active, "steps": steps})
		return s.audit(tx, login, "theme.save", t.Code, string(detail))
	})
	return t, err
}
