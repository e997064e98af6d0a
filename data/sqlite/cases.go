package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/policy"
)

// Register records a new case: the applicant (created or updated by their
// code), a number from the daily sequence, the received event and the
// clerk's decision, and one audit entry — all in one transaction, so a
// failure leaves no case, event, audit entry or used number.
func (s *Store) Register(ctx context.Context, clerkID int64, in data.Intake) (data.Application, error) {
	var app data.Application
	now := s.now()
	var err error
	if in.Proofs, err = checkApplicant(in.Applicant, in.Proofs, now); err != nil {
		return app, err
	}
	threshold := s.Threshold(ctx)
	err = s.write(ctx, func(tx *sql.Tx) error {
		// Read under the write lock: a calendar import cannot slip in between.
		cal, err := s.Calendar(ctx)
		if err != nil {
			return err
		}
		clerk, err := activeUser(tx, clerkID)
		if err != nil {
			return err
		}
		login := clerk.Login
		it, err := item(tx, in.ItemID)
		if err != nil {
			return err
		}
		// The counter's rules, whoever calls: the screen checks the same
		// as the clerk types, the store has the last word.
		if err := oneError(in.Check(it)); err != nil {
			return err
		}
		second, err := intakeEvent(in)
		if err != nil {
			return err
		}
		if err := windowExists(tx, in.WindowID); err != nil {
			return err
		}
		site, err := siteCode(tx)
		if err != nil {
			return err
		}
		app, err = s.insertCase(tx, cal, threshold, site, it, in, clerkID, now, second)
		if err != nil {
			return err
		}
		for i := range app.Events {
			app.Events[i].Actor, app.Events[i].ActorName = login, clerk.Name
		}
		detail, _ := json.Marshal(map[string]any{"item": it.Code, "applicant": app.Applicant.IDCode, "decision": in.Decision})
		return s.audit(tx, login, "case.register", app.Number, string(detail))
	})
	if err != nil {
		return data.Application{}, err
	}
	return app, nil
}

// checkApplicant checks an applicant at intake and the evidence for
// waiver policies recorded with it (held to the applicant), returned
// normalised.
func checkApplicant(a data.Applicant, proofs []data.Proof, now time.Time) ([]data.Proof, error) {
	if err := a.Validate(now); err != nil {
		return nil, err
	}
	return policy.CheckProofs(proofs, a, calendar.DateOf(now))
}

// oneError makes one error of a check's problems: the first alone, or all
// their messages, one per line, under the first one's field.
func oneError(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = data.ErrorMessage(e)
	}
	return &data.Error{Code: data.EINVALID, Field: data.ErrorField(errs[0]), Message: strings.Join(msgs, "\n")}
}

// intakeEvent returns the event that follows "received" for the decision.
func intakeEvent(in data.Intake) (*data.Event, error) {
	var e data.Event
	switch in.Decision {
	case data.DecideNone:
		return nil, nil
	case data.DecideAccept:
		e.Kind = clock.Accepted
	case data.DecideSupplement:
		e.Kind, e.Data.Missing = clock.SupplementRequested, in.Missing
	case data.DecideRefuse:
		e.Kind, e.Data.Reason = clock.Refused, in.Reason
	default:
		return nil, data.FieldError("decision", "受理决定", "应为受理、一次性告知补正或不予受理")
	}
	return &e, e.Validate()
}

// insertCase writes applicant, number, case, its first events and the clock
// cache inside tx. The demo generator calls it too, so generated cases are
// stored exactly as registered ones.
func (s *Store) insertCase(tx *sql.Tx, cal *calendar.Calendar, threshold float64, site string, it data.ServiceItem, in data.Intake, clerkID int64, now time.Time, second *data.Event) (data.Application, error) {
	app := data.Application{SiteCode: site, Item: it, Applicant: in.Applicant, WindowID: in.WindowID, ClerkID: clerkID, ReceivedAt: now, Status: data.StatusReceived}
	a := &app.Applicant
	if err := saveApplicant(tx, a, now); err != nil {
		return app, err
	}
	day := calendar.DateOf(now)
	seq, err := nextNumber(tx, day)
	if err != nil {
		return app, err
	}
	app.Number = fmt.Sprintf("%s%s%04d", site, day.Time().Format("20060102"), seq)
	lim := it.Limits()
	events := []data.Event{{Kind: clock.Received, At: now, ActorID: clerkID, Data: data.EventData{Materials: in.Materials, Proofs: in.Proofs, Limits: &lim}}}
	if second != nil {
		e := *second
		e.At, e.ActorID = now, clerkID
		events = append(events, e)
	}
	// The case row is written once, with its clock cache: read the clock
	// of the events first (an INSERT and then an UPDATE would touch every
	// index of applications twice).
	sim := app
	for i, e := range events {
		if e.Kind != clock.Received {
			next, err := data.Next(sim.Status, e.Kind)
			if err != nil {
				return app, err
			}
			sim.Status = next
		}
		e.Seq = i + 1
		sim.Events = append(sim.Events, e)
	}
	app.Clock = clock.Compute(sim.ClockEvents(), sim.Limits(), cal, day, threshold)
	c := cachedClock(&sim, app.Clock, day)
	app.ID, err = insertID(tx, `INSERT INTO applications (number, site_code, item_id, applicant_id, window_id, clerk_id, received_at, received_date, status, `+
		cacheColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{app.Number, site, it.ID, a.ID, in.WindowID, clerkID, data.FormatTime(now), day.String(), sim.Status}, c[:]...)...)
	if err != nil {
		return app, fmt.Errorf("save case: %w", err)
	}
	for _, e := range events {
		if err := appendEvent(context.Background(), tx, &app, e); err != nil {
			return app, err
		}
	}
	return app, nil
}

// saveApplicant finds the applicant by code, creating it or bringing its
// name and contact details up to date (the latest registration wins).
func saveApplicant(tx *sql.Tx, a *data.Applicant, now time.Time) error {
	var old data.Applicant
	err := tx.QueryRow("SELECT id, kind, name, contact, phone, address FROM applicants WHERE id_code = ?", a.IDCode).
		Scan(&old.ID, &old.Kind, &old.Name, &old.Contact, &old.Phone, &old.Address)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		a.ID, err = insertID(tx, `INSERT INTO applicants (kind, name, id_code, contact, phone, address, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, a.Kind, a.Name, a.IDCode, a.Contact, a.Phone, a.Address, data.FormatTime(now))
	case err != nil:
	default:
		a.ID = old.ID
		old.IDCode = a.IDCode
		if old != *a {
			_, err = tx.Exec(`UPDATE applicants SET kind = ?, name = ?, contact = ?, phone = ?, address = ?, updated_at = ? WHERE id = ?`,
				a.Kind, a.Name, a.Contact, a.Phone, a.Address, data.FormatTime(now), a.ID)
		}
	}
	if err != nil {
		return fmt.Errorf("save applicant: %w", err)
	}
	return nil
}

// nextNumber takes the next daily sequence number for day.
func nextNumber(tx *sql.Tx, day calendar.Date) (int, error) {
	key := day.Time().Format("20060102")
	var seq int
	err := tx.QueryRow(`INSERT INTO number_seq (day, last) VALUES (?, 1)
		ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last`, key).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("allocate number: %w", err)
	}
	if seq > data.MaxDailySequence {
		return 0, data.Errorf(data.ECONFLICT, "%s 的办件编号已用完（每日最多 %d 件）", day, data.MaxDailySequence)
	}
	return seq, nil
}

// SeedSequence makes the first number handed out on day be first (a site
// moving from another system continues its sequence). It refuses to go
// back below a number already used. Administrators only.
func (s *Store) SeedSequence(ctx context.Context, actorID int64, day calendar.Date, first int) error {
	if first < 1 || first > data.MaxDailySequence {
		return data.FieldError("first", "起始序号", "应在 1 到 %d 之间", data.MaxDailySequence)
	}
	key := day.Time().Format("20060102")
	return s.write(ctx, func(tx *sql.Tx) error {
		actor, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		var last int
		err = tx.QueryRow("SELECT last FROM number_seq WHERE day = ?", key).Scan(&last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if last >= first {
			return data.FieldError("first", "起始序号", "%s 已用到第 %d 号，起始序号须大于它", day, last)
		}
		if _, err := tx.Exec("INSERT OR REPLACE INTO number_seq (day, last) VALUES (?, ?)", key, first-1); err != nil {
			return err
		}
		return s.audit(tx, actor, "number.seed", key, fmt.Sprintf(`{"first":%d}`, first))
	})
}

// appendEvent adds e to the case's log and moves its status. 受理 also
// fixes the case's fee lines from the schedules in force that day.
func appendEvent(ctx context.Context, tx *sql.Tx, app *data.Application, e data.Event) error {
	if e.Kind != clock.Received && !data.Annotation(e.Kind) {
		next, err := data.Next(app.Status, e.Kind)
		if err != nil {
			return err
		}
		app.Status = next
	}
	e.Seq = len(app.Events) + 1
	// 受理 fixes the fee lines from the schedules in force that day; the
	// event records them, so verify can hold the lines to it.
	var fees []data.FeeItem
	if e.Kind == clock.Accepted {
		var err error
		if fees, err = feesOn(ctx, tx, app.Item.ID, calendar.DateOf(e.At)); err != nil {
			return err
		}
		e.Data.Fees = nil
		for _, f := range fees {
			e.Data.Fees = append(e.Data.Fees, data.EventFee{Code: f.Code, AmountFen: f.AmountFen})
		}
	}
	raw, err := json.Marshal(e.Data)
	if err != nil {
		return err
	}
	if _, err := tx.Exec("INSERT INTO events (app_id, seq, kind, at, actor_id, data) VALUES (?, ?, ?, ?, ?, ?)",
		app.ID, e.Seq, e.Kind, data.FormatTime(e.At), e.ActorID, string(raw)); err != nil {
		return fmt.Errorf("save event: %w", err)
	}
	app.Events = append(app.Events, e)
	if e.Kind == clock.Accepted {
		return addFeeLines(tx, app, fees)
	}
	return nil
}

// cacheClock stores the status and the clock's dates of app (see the
// applications table). Due dates of a paused case are stored as if it
// resumed on the day of the event; readers recompute from the events.
func cacheClock(tx *sql.Tx, cal *calendar.Calendar, app *data.Application, now time.Time, threshold float64) error {
	today := calendar.DateOf(now)
	app.Clock = clock.Compute(app.ClockEvents(), app.Limits(), cal, today, threshold)
	c := cachedClock(app, app.Clock, today)
	_, err := tx.Exec(`UPDATE applications SET status = ?, `+cacheSet+` WHERE id = ?`, append(append([]any{app.Status}, c[:]...), app.ID)...)
	return err
}

// cacheColumns are the clock cache's columns on applications, in the order
// cachedClock returns them.
const cacheColumns = `start_date, due_promised, due_statutory, closed_date, yellow_promised, yellow_statutory,
	accepted_date, used_days, ontime_promised, ontime_statutory, pause_days, extra_days, supplemented, red_promised, red_statutory`

const cacheSet = `start_date = ?, due_promised = ?, due_statutory = ?, closed_date = ?, yellow_promised = ?, yellow_statutory = ?,
	accepted_date = ?, used_days = ?, ontime_promised = ?, ontime_statutory = ?, pause_days = ?, extra_days = ?, supplemented = ?,
	red_promised = ?, red_statutory = ?`

// cachedClock is what the applications table keeps of a clock reading r
// taken at today: start, promised and statutory due dates, closed date, the
// dates the case turns yellow and red against each limit, the acceptance
// date, working days used, on time or not, pause and extension days, and
// whether a supplement was asked for (NULL where there is none).
func cachedClock(app *data.Application, r clock.Result, today calendar.Date) [15]any {
	var c [15]any
	if r.Started {
		c[0], c[1], c[2] = r.Start.String(), r.Promised.Due.String(), r.Statutory.Due.String()
		c[7], c[10], c[11] = r.Promised.Used, r.PauseDays, r.ExtraDays
	}
	if !app.Status.Open() {
		c[3] = r.End.String()
	}
	if r.Open {
		for i, t := range []clock.Track{r.Promised, r.Statutory} {
			if d := t.YellowFrom; d != 0 {
				c[4+i] = d.String()
			}
			// Red from the day after the due date; a paused case keeps the
			// colour it had when paused (its due date moves with the pause).
			switch {
			case !r.Paused:
				c[13+i] = (t.Due + 1).String()
			case t.Warning == clock.Red:
				c[13+i] = today.String()
			}
		}
	}
	for i, t := range []clock.Track{r.Promised, r.Statutory} {
		if t.OnTime != nil {
			c[8+i] = boolInt(*t.OnTime)
		}
	}
	supplemented := 0
	for _, e := range app.Events {
		switch e.Kind {
		case clock.Accepted:
			if c[6] == nil {
				c[6] = calendar.DateOf(e.At).String()
			}
		case clock.SupplementRequested:
			supplemented = 1
		}
	}
	c[12] = supplemented
	return c
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Record appends one event to the case with number, checked against the
// lifecycle and the actor's role, with its audit entry, in one transaction.
// Only supervisors extend a deadline (a clerk asks with RequestExtension).
func (s *Store) Record(ctx context.Context, number string, actorID int64, e data.Event) (data.Application, error) {
	if e.Kind == clock.Received {
		return data.Application{}, data.Errorf(data.ECONFLICT, "收件只能在登记时记录")
	}
	if data.Annotation(e.Kind) {
		return data.Application{}, data.Errorf(data.ECONFLICT, "“%s”由相应的申请、审批或评价功能记录", data.KindLabel(e.Kind))
	}
	if err := e.Validate(); err != nil {
		return data.Application{}, err
	}
	return s.onCase(ctx, number, actorID, func(c *caseTx) error {
		if e.Kind == clock.Extended {
			if c.actor.Role != data.RoleSupervisor {
				return data.Errorf(data.EFORBIDDEN, "只有督查人员可以延长办理期限；窗口人员请提出延期申请")
			}
			e.Data.Approver = c.actor.Login
		}
		if e.Kind == clock.Delivered { // 统一出件: a theme's results go together
			if theme, err := togetherTheme(c.tx, c.app.ID); err != nil || theme != "" {
				if err == nil {
					err = data.Errorf(data.ECONFLICT, "办件 %s 属于一件事 %s，办理结果统一出件：请在该一件事的全部事项办结后统一出件", c.app.Number, theme)
				}
				return err
			}
		}
		if err := c.record(e, "case."+string(e.Kind)); err != nil {
			return err
		}
		if e.Kind == clock.Completed && e.Data.Result == data.ResultGranted { // 一件事: the steps waiting for this one start
			return c.startFollowers()
		}
		return nil
	})
}

// caseTx is one write to one case: the case as read under the write lock,
// the acting user, and the time of the write.
type caseTx struct {
	s         *Store
	ctx       context.Context
	tx        *sql.Tx
	cal       *calendar.Calendar
	threshold float64
	app       data.Application
	actor     data.User
	now       time.Time
	clocked   bool // app.Clock computed in this write
}

// onCase loads the case with number and the acting user inside one write
// transaction and runs fn; the case as fn left it is returned, with its
// clock as of the write.
func (s *Store) onCase(ctx context.Context, number string, actorID int64, fn func(c *caseTx) error) (data.Application, error) {
	c := &caseTx{s: s, ctx: ctx, threshold: s.Threshold(ctx)}
	err := s.write(ctx, func(tx *sql.Tx) error {
		c.tx = tx
		var err error
		if c.cal, err = s.Calendar(ctx); err != nil {
			return err
		}
		if c.actor, err = activeUser(tx, actorID); err != nil {
			return err
		}
		if c.app, err = loadCase(ctx, tx, number); err != nil {
			return err
		}
		// Records are owned by the site that registered the case: a central
		// office holds other sites' cases to report on them, never to change
		// them, so its merge never has to choose between two writers.
		own, err := siteCode(tx)
		if err != nil {
			return err
		}
		if c.app.SiteCode != own {
			return data.Errorf(data.EFORBIDDEN, "办件 %s 由站点 %s 登记，只能在该站点办理；本机只汇总其数据", c.app.Number, c.app.SiteCode)
		}
		// Never earlier than the case's last event, so a PC clock set back
		// cannot reorder a case's history.
		c.now = s.now()
		if last := c.app.Events[len(c.app.Events)-1].At; c.now.Before(last) {
			c.now = last
		}
		if err := fn(c); err != nil {
			return err
		}
		if !c.clocked { // an annotation, a fee or a waiver: the clock as it stands
			c.app.Clock = clock.Compute(c.app.ClockEvents(), c.app.Limits(), c.cal, calendar.DateOf(c.now), c.threshold)
		}
		return nil
	})
	if err != nil {
		return data.Application{}, err
	}
	return c.app, nil
}

// record appends e, signed by the actor at the write's time, refreshes the
// clock cache and writes the audit entry (action, the event's data).
func (c *caseTx) record(e data.Event, action string) error {
	e.At, e.ActorID, e.Actor, e.ActorName = c.now, c.actor.ID, c.actor.Login, c.actor.Name
	if err := appendEvent(c.ctx, c.tx, &c.app, e); err != nil {
		return err
	}
	if !data.Annotation(e.Kind) {
		if err := cacheClock(c.tx, c.cal, &c.app, e.At, c.threshold); err != nil {
			return err
		}
		c.clocked = true
	}
	detail, _ := json.Marshal(e.Data)
	return c.s.audit(c.tx, c.actor.Login, action, c.app.Number, string(detail))
}

// closedForClerk refuses a clerk's change to a case that is closed
// (refused, completed, delivered or withdrawn); supervisors may.
func (c *caseTx) closedForClerk() error {
	if !c.app.Status.Open() && c.actor.Role != data.RoleSupervisor {
		return data.Errorf(data.EFORBIDDEN, "办件已%s，窗口人员不能再修改；如需更正请由督查人员办理", c.app.Status.Label())
	}
	return nil
}

// openWhere selects the open cases.
const openWhere = "a.status IN ('received','supplement','supplied','accepted','paused')"

// refreshCases recomputes the clock cache of the cases matching where, a
// thousand at a time, and returns how many changed.
//
// Only this site's own cases: another site's cases (merged at a central
// office) carry the clock cache their site computed on its own calendar.
func (s *Store) refreshCases(ctx context.Context, tx *sql.Tx, cal *calendar.Calendar, threshold float64, where string, args ...any) (int, error) {
	var own string
	err := tx.QueryRow("SELECT code FROM site WHERE id = 1").Scan(&own)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil // no site yet, so no cases
	} else if err != nil {
		return 0, err
	}
	where = "(" + where + ") AND a.site_code = ?"
	args = append(append([]any(nil), args...), own)
	changed := 0
	for after := int64(0); ; {
		apps, err := queryCases(ctx, tx, where+" AND a.id > ?", append(append([]any(nil), args...), after), "a.id", 1000, 0, "")
		if err != nil {
			return 0, err
		}
		if len(apps) == 0 {
			return changed, nil
		}
		after = apps[len(apps)-1].ID
		n, err := refreshBatch(tx, apps, cal, threshold)
		if err != nil {
			return 0, err
		}
		changed += n
	}
}

func refreshBatch(tx *sql.Tx, apps []data.Application, cal *calendar.Calendar, threshold float64) (int, error) {
	changed := 0
	for i := range apps {
		app := &apps[i]
		before := make([]sql.NullString, 15)
		ptrs := make([]any, 15)
		for j := range before {
			ptrs[j] = &before[j]
		}
		if err := tx.QueryRow(`SELECT `+cacheColumns+` FROM applications WHERE id = ?`, app.ID).Scan(ptrs...); err != nil {
			return 0, err
		}
		last := app.Events[len(app.Events)-1].At
		after := cachedClock(app, clock.Compute(app.ClockEvents(), app.Limits(), cal, calendar.DateOf(last), threshold), calendar.DateOf(last))
		same := true
		for j, b := range before {
			v := ""
			if after[j] != nil {
				v = fmt.Sprint(after[j])
			}
			same = same && b.Valid == (after[j] != nil) && b.String == v
		}
		if same {
			continue
		}
		if err := cacheClock(tx, cal, app, last, threshold); err != nil {
			return 0, err
		}
		changed++
	}
	return changed, nil
}

func windowExists(tx *sql.Tx, id int64) error {
	var n int
	if err := tx.QueryRow("SELECT count(*) FROM windows WHERE id = ?", id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return &data.Error{Code: data.ENOTFOUND, Field: "window", Message: fmt.Sprintf("窗口：编号 %d 不存在", id)}
	}
	return nil
}

func siteCode(tx *sql.Tx) (string, error) {
	var code string
	err := tx.QueryRow("SELECT code FROM site WHERE id = 1").Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", data.Errorf(data.ECONFLICT, "数据库尚未初始化站点，不能登记办件")
	}
	return code, err
}
