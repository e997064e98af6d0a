package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/theme"
)

// The bulk loader: many cases at once (the demo generator's trial and
// benchmark databases), each batch as multi-row INSERTs in one transaction
// with one audit entry. A large load writes without the secondary indexes,
// the export triggers and the report's triggers, and puts them back at the
// end; the caller sees none of that.

// Rows per multi-row INSERT: far fewer statements than one per row.
const (
	appChunk   = 500
	eventChunk = 2000
)

// rowWriter collects rows and writes them with multi-row INSERT
// statements, a full chunk at a time.
type rowWriter struct {
	head string // INSERT INTO t (cols) VALUES
	tail string // after the rows: ON CONFLICT …
	cols int
	rows []any
}

func (w *rowWriter) statement(rows int) string {
	row := "(" + strings.Repeat("?, ", w.cols-1) + "?)"
	return w.head + " " + strings.Repeat(row+", ", rows-1) + row + w.tail
}

func (w *rowWriter) add(vals ...any) { w.rows = append(w.rows, vals...) }

func (w *rowWriter) write(tx *sql.Tx, chunk int) error {
	_, err := w.writeCount(tx, chunk)
	return err
}

// writeCount writes the rows and returns how many rows the statements
// changed (an upsert that finds the row as it is changes none).
func (w *rowWriter) writeCount(tx *sql.Tx, chunk int) (int64, error) {
	var n int64
	count := func(res sql.Result, err error) error {
		if err == nil {
			k, _ := res.RowsAffected()
			n += k
		}
		return err
	}
	size := w.cols * chunk
	rest := w.rows
	if len(rest) >= size {
		full, err := tx.Prepare(w.statement(chunk))
		if err != nil {
			return 0, err
		}
		defer full.Close()
		for ; len(rest) >= size; rest = rest[size:] {
			if err := count(full.Exec(rest[:size]...)); err != nil {
				return n, err
			}
		}
	}
	if len(rest) > 0 {
		return n, count(tx.Exec(w.statement(len(rest)/w.cols), rest...))
	}
	return n, nil
}

// BulkOptions say how a bulk load is written.
type BulkOptions struct {
	// Large drops the secondary indexes of applications, the export
	// triggers and the report's daily-total triggers while loading and
	// builds them once at the end (Open builds any that are missing, should
	// the load be interrupted). Meanwhile another program writing to the
	// same file would not have its cases marked for export: bulk loads are
	// for trial and benchmark databases.
	Large bool
	// Action names the load in the audit log ("demo" → demo.applicants,
	// demo.cases).
	Action string
	// Sample marks the database as holding demo data (MarkSample), which
	// a database with real cases refuses.
	Sample bool
}

// Bulk is a bulk load in progress: Applicants, then any number of
// Prepare + Write, then Finish. Prepare is pure Go and may run on another
// goroutine while the batch before it is written.
type Bulk struct {
	s         *Store
	opt       BulkOptions
	site      string
	cal       *calendar.Calendar
	threshold float64
	users     map[string]int64 // login → id, for who decided a waiver
	totals    *dayTotals       // the report's daily totals of a large load
}

// BeginBulk starts a bulk load into the site's own database.
func (s *Store) BeginBulk(ctx context.Context, opt BulkOptions) (*Bulk, error) {
	if opt.Action == "" {
		opt.Action = "bulk"
	}
	b := &Bulk{s: s, opt: opt, threshold: s.Threshold(ctx), users: map[string]int64{}}
	if opt.Sample {
		if err := s.MarkSample(ctx); err != nil {
			return nil, err
		}
	}
	var err error
	if b.cal, err = s.Calendar(ctx); err != nil {
		return nil, err
	}
	site, err := s.Site(ctx)
	if err != nil {
		return nil, err
	}
	b.site = site.Code
	users, err := s.Users(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		b.users[u.Login] = u.ID
	}
	if opt.Large {
		if err := s.dropBulkIndexes(); err != nil {
			return nil, err
		}
		// The export triggers too (7 million firings cost a quarter of a
		// million-case load); each batch marks its cases for export itself.
		if err := s.dropExportTriggers(); err != nil {
			return nil, err
		}
		// And the report's daily totals: the cases are added up in Go as
		// they are prepared and the totals written at the end.
		if err := s.dropDayTriggers(); err != nil {
			return nil, err
		}
		b.totals = newDayTotals()
	}
	return b, nil
}

// SampleData reports whether the database holds demo data (or, at a
// centre, was made for trials and takes demo bundles).
func (s *Store) SampleData(ctx context.Context) (bool, error) {
	v, err := s.setting(ctx, "sample_data", "")
	return v == "1", err
}

// MarkSample marks the database as holding demo data: its window title,
// every document it prints and every bundle it exports say so, and a
// centre not made for trials refuses its bundles. A database that holds
// real cases refuses: demo cases would mix with them and travel to the
// centre as real ones.
func (s *Store) MarkSample(ctx context.Context) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var mark string
		if err := tx.QueryRow("SELECT coalesce((SELECT value FROM settings WHERE key = 'sample_data'), '')").Scan(&mark); err != nil {
			return err
		}
		if mark == "1" {
			return nil
		}
		var real int
		if err := tx.QueryRow("SELECT count(*) FROM applications").Scan(&real); err != nil {
			return err
		}
		if real > 0 {
			return data.Errorf(data.ECONFLICT, "数据库已有 %d 件真实办件，不能加入演示数据；演示请用新的数据库（--db 另一个文件）", real)
		}
		if _, err := tx.Exec("INSERT OR REPLACE INTO settings (key, value) VALUES ('sample_data', '1')"); err != nil {
			return err
		}
		return s.audit(tx, "system", "site.sample_data", "sample_data", "{}")
	})
}

// Finish ends a bulk load: a large one writes the daily totals and puts the
// triggers back in one transaction, then builds the indexes. Call it once,
// also after an error (it then only rebuilds what was dropped).
func (b *Bulk) Finish(ctx context.Context, failed bool) error {
	if !b.opt.Large {
		return nil
	}
	var err error
	if !failed {
		err = b.s.write(ctx, func(tx *sql.Tx) error {
			if err := b.totals.write(tx); err != nil {
				return err
			}
			return createDayTriggers(ctx, tx)
		})
	}
	if ierr := b.s.ensureIndexes(); ierr != nil && err == nil {
		err = ierr
	}
	return err
}

// DaySequences returns the last case number used on each day from from on.
func (s *Store) DaySequences(ctx context.Context, from calendar.Date) (map[calendar.Date]int, error) {
	return s.daySequences(ctx, "", from)
}

// ThemeDaySequences is DaySequences for the 主题件 numbers (kept under
// "ZT" + the day).
func (s *Store) ThemeDaySequences(ctx context.Context, from calendar.Date) (map[calendar.Date]int, error) {
	return s.daySequences(ctx, "ZT", from)
}

func (s *Store) daySequences(ctx context.Context, prefix string, from calendar.Date) (map[calendar.Date]int, error) {
	// The case numbers' keys are the days themselves; other sequences
	// (ZT…) sort after every digit and are kept apart by their prefix.
	rows, err := s.db.QueryContext(ctx, "SELECT substr(day, ?), last FROM number_seq WHERE day >= ? AND day <= ?",
		len(prefix)+1, prefix+from.Time().Format("20060102"), prefix+"99999999")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seq := map[calendar.Date]int{}
	for rows.Next() {
		var day string
		var last int
		if err := rows.Scan(&day, &last); err != nil {
			return nil, err
		}
		t, err := time.Parse("20060102", day)
		if err != nil {
			return nil, err
		}
		seq[calendar.NewDate(t.Date())] = last
	}
	return seq, rows.Err()
}

// Applicants writes applicants in one transaction (an identity code already
// there keeps its applicant) and returns their ids in the same order.
func (b *Bulk) Applicants(ctx context.Context, list []data.Applicant) ([]int64, error) {
	now := data.FormatTime(b.s.now())
	ids := make([]int64, 0, len(list))
	err := b.s.write(ctx, func(tx *sql.Tx) error {
		// Multi-row INSERTs, then the ids by code: a code already there (an
		// earlier load, or a chance collision of two generated persons)
		// keeps its applicant.
		w := &rowWriter{head: "INSERT INTO applicants (kind, name, id_code, contact, phone, address, updated_at) VALUES", cols: 7,
			tail: " ON CONFLICT (id_code) DO NOTHING"}
		for _, a := range list {
			w.add(string(a.Kind), a.Name, a.IDCode, a.Contact, a.Phone, a.Address, now)
		}
		if err := w.write(tx, appChunk); err != nil {
			return fmt.Errorf("bulk applicants: %w", err)
		}
		st, err := tx.Prepare("SELECT id FROM applicants WHERE id_code = ?")
		if err != nil {
			return err
		}
		defer st.Close()
		for _, a := range list {
			var id int64
			if err := st.QueryRow(a.IDCode).Scan(&id); err != nil {
				return fmt.Errorf("bulk applicant %s: %w", a.IDCode, err)
			}
			ids = append(ids, id)
		}
		return b.s.audit(tx, "system", b.opt.Action+".applicants", b.site, fmt.Sprintf(`{"count":%d}`, len(list)))
	})
	return ids, err
}

// BulkBatch is one batch of cases to load: each with its events, fee lines
// (ids 1… within the batch), waivers (pointing at those ids), rating and
// rectification. Applicant ids are those Applicants returned.
type BulkBatch struct {
	Cases []data.Application
	// Seq is the last number used on each day once this batch is written.
	Seq map[calendar.Date]int
	// Themes are the 主题件 whose items are among Cases; ThemeSeq the last
	// theme number used on each day.
	Themes   []BulkTheme
	ThemeSeq map[calendar.Date]int
}

// BulkTheme is a theme case of a bulk batch: its steps' cases by their
// index in the batch's Cases (-1 for a step still waiting).
type BulkTheme struct {
	Number                      string
	Theme                       theme.Theme
	ApplicantID, WindowID, User int64
	ReceivedAt, DeliveredAt     time.Time // DeliveredAt zero until 统一出件
	Materials                   []string
	Members                     []int
}

// PreparedBatch is a batch turned into rows, ready for Write.
type PreparedBatch struct {
	apps, events                  *rowWriter
	fees, waivers, ratings, rects *rowWriter
	seq, themeSeq                 map[calendar.Date]int
	themes                        []BulkTheme
	first, last                   string
	// Cases, Events and Open count what the batch holds.
	Cases, Events, Open int
}

// Prepare turns a batch into rows with row ids relative to the batch
// (1…n) until Write knows the table's last id, computes each case's clock
// cache as for a registered case, and adds the cases to a large load's
// daily totals. Pure Go work, no database; batches must be prepared in the
// order they are written.
func (b *Bulk) Prepare(batch BulkBatch) *PreparedBatch {
	p := &PreparedBatch{
		apps: &rowWriter{head: `INSERT INTO applications (id, number, site_code, item_id, applicant_id, window_id, clerk_id,
			received_at, received_date, status, ` + cacheColumns + `, rated_date, rating_level) VALUES`, cols: 27},
		events:  &rowWriter{head: "INSERT INTO events (app_id, seq, kind, at, actor_id, data) VALUES", cols: 6},
		fees:    &rowWriter{head: "INSERT INTO case_fees (id, app_id, fee_code, name, amount_fen, unit, basis) VALUES", cols: 7},
		waivers: &rowWriter{head: "INSERT INTO waivers (app_id, fee_id, kind, amount_fen, policy_id, reason, status, requested_by, requested_at, decided_by, decided_at, note) VALUES", cols: 12},
		ratings: &rowWriter{head: "INSERT INTO ratings (app_id, level, comment, at, clerk_id) VALUES", cols: 5},
		rects:   &rowWriter{head: `INSERT INTO rectifications (app_id, status, due_date, opened_at, done_date, measures, revisit, appeal, decision, updated_at) VALUES`, cols: 10},
		seq:     batch.Seq,
		themes:  batch.Themes, themeSeq: batch.ThemeSeq,
		Cases: len(batch.Cases),
	}
	for i := range batch.Cases {
		app := &batch.Cases[i]
		id := int64(i + 1)
		day := calendar.DateOf(app.ReceivedAt)
		last := calendar.DateOf(app.Events[len(app.Events)-1].At)
		r := clock.Compute(app.ClockEvents(), app.Limits(), b.cal, last, b.threshold)
		if app.Status.Open() {
			p.Open++
		}
		c := cachedClock(app, r, last)
		var ratedDate, ratingLevel any
		if g := app.Rating; g != nil {
			ratedDate, ratingLevel = calendar.DateOf(g.At).String(), g.Level
		}
		p.apps.add(append(append([]any{id, app.Number, app.SiteCode, app.Item.ID, app.Applicant.ID, app.WindowID, app.ClerkID,
			data.FormatTime(app.ReceivedAt), day.String(), string(app.Status)}, c[:]...), ratedDate, ratingLevel)...)
		if b.totals != nil {
			f := demoFacts(app.Item.ID, app.WindowID, app.ClerkID, app.SiteCode, day.String(), string(app.Status), &c, ratedDate, ratingLevel)
			b.totals.add(&f)
		}
		for _, e := range app.Events {
			p.events.add(id, e.Seq, string(e.Kind), data.FormatTime(e.At), e.ActorID, eventJSON(e.Data))
		}
		p.Events += len(app.Events)
		for _, f := range app.Fees {
			p.fees.add(f.ID, id, f.Code, f.Name, f.AmountFen, f.Unit, f.Basis)
		}
		for _, w := range app.Waivers {
			var by, at any
			if w.Status != data.ApprovalPending {
				by, at = b.users[w.DecidedBy], data.FormatTime(w.DecidedAt)
			}
			p.waivers.add(id, w.FeeID, string(w.Kind), w.AmountFen, w.PolicyID, w.Reason, string(w.Status), app.ClerkID, data.FormatTime(w.RequestedAt), by, at, w.Note)
		}
		if r := app.Rating; r != nil {
			p.ratings.add(id, r.Level, r.Comment, data.FormatTime(r.At), app.ClerkID)
			if x := r.Rectification; x != nil {
				var done any
				if x.Done != 0 {
					done = x.Done.String()
				}
				p.rects.add(id, string(x.Status), x.Due.String(), data.FormatTime(x.OpenedAt), done, x.Measures, x.Revisit, x.Appeal, x.Decision,
					data.FormatTime(app.Events[len(app.Events)-1].At))
			}
		}
		if p.first == "" {
			p.first = app.Number
		}
		p.last = app.Number
	}
	if b.totals != nil {
		b.totals.endBatch()
	}
	return p
}

// Write writes a prepared batch in one transaction with one audit entry.
func (b *Bulk) Write(ctx context.Context, p *PreparedBatch) error {
	return b.s.write(ctx, func(tx *sql.Tx) error {
		var base int64
		if err := tx.QueryRow("SELECT coalesce(max(id), 0) FROM applications").Scan(&base); err != nil {
			return err
		}
		for i := 0; i < len(p.apps.rows); i += p.apps.cols {
			p.apps.rows[i] = p.apps.rows[i].(int64) + base
		}
		var feeBase int64
		if err := tx.QueryRow("SELECT coalesce(max(id), 0) FROM case_fees").Scan(&feeBase); err != nil {
			return err
		}
		// Child rows start with their case's batch-relative id; fee lines
		// start with their own and then their case's, and waivers point at
		// fee lines in their second column.
		for _, w := range []*rowWriter{p.events, p.waivers, p.ratings, p.rects} {
			for i := 0; i < len(w.rows); i += w.cols {
				w.rows[i] = w.rows[i].(int64) + base
			}
		}
		for i := 0; i < len(p.fees.rows); i += p.fees.cols {
			p.fees.rows[i] = p.fees.rows[i].(int64) + feeBase
			p.fees.rows[i+1] = p.fees.rows[i+1].(int64) + base
		}
		for i := 1; i < len(p.waivers.rows); i += p.waivers.cols {
			p.waivers.rows[i] = p.waivers.rows[i].(int64) + feeBase
		}
		// Cases first: the events' foreign key points at them.
		if err := p.apps.write(tx, appChunk); err != nil {
			return fmt.Errorf("bulk cases: %w", err)
		}
		if err := p.events.write(tx, eventChunk); err != nil {
			return fmt.Errorf("bulk events: %w", err)
		}
		for _, w := range []*rowWriter{p.fees, p.waivers, p.ratings, p.rects} {
			if err := w.write(tx, appChunk); err != nil {
				return fmt.Errorf("bulk fees and ratings: %w", err)
			}
		}
		// Marked for export here, whether or not the export triggers are
		// in place (a large load drops them).
		if _, err := tx.Exec("INSERT OR IGNORE INTO export_dirty (app_id) SELECT id FROM applications WHERE id > ? AND id <= ? AND site_code = ?",
			base, base+int64(p.Cases), b.site); err != nil {
			return err
		}
		for d, last := range p.seq {
			if _, err := tx.Exec("INSERT OR REPLACE INTO number_seq (day, last) VALUES (?, ?)", d.Time().Format("20060102"), last); err != nil {
				return err
			}
		}
		if err := writeBulkThemes(tx, b.site, p.themes, base); err != nil {
			return fmt.Errorf("bulk themes: %w", err)
		}
		for d, last := range p.themeSeq {
			if _, err := tx.Exec("INSERT OR REPLACE INTO number_seq (day, last) VALUES (?, ?)", "ZT"+d.Time().Format("20060102"), last); err != nil {
				return err
			}
		}
		return b.s.audit(tx, "system", b.opt.Action+".cases", b.site, fmt.Sprintf(`{"count":%d,"first":%q,"last":%q}`, p.Cases, p.first, p.last))
	})
}

// eventJSON encodes event data; the common empty case needs no encoder.
func eventJSON(d data.EventData) string {
	if d.Materials == nil && d.Missing == nil && d.Reason == "" && d.Days == 0 && d.Approver == "" && d.Result == "" && d.Method == "" && d.Note == "" && d.Limits == nil &&
		d.Ref == 0 && d.FeeCode == "" && d.AmountFen == 0 && d.Policy == "" && d.Level == 0 && d.Status == "" && d.Fees == nil {
		return "{}"
	}
	b, _ := json.Marshal(d)
	return string(b)
}
