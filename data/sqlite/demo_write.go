package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/onewindow/onewindow/data"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// The demo generator's writing half: batches of generated cases become
// multi-row INSERTs in one transaction each.

type batchStats struct{ events, open int }

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

// demoRows is one batch of generated cases ready to write, with row ids
// relative to the batch (1…n) until the writer knows the table's last id.
type demoRows struct {
	apps, events                  *rowWriter
	fees, waivers, ratings, rects *rowWriter
	seq                           map[calendar.Date]int // last number used per day, after this batch
	n                             int
	first, last                   string
	stats                         batchStats
}

// prepareBatch generates cases from … from+n-1 (pure Go work, no database).
func (g *demoGen) prepareBatch(from, n int) (*demoRows, error) {
	b := &demoRows{
		apps: &rowWriter{head: `INSERT INTO applications (id, number, site_code, item_id, applicant_id, window_id, clerk_id,
			received_at, received_date, status, ` + cacheColumns + `, rated_date, rating_level) VALUES`, cols: 27},
		events:  &rowWriter{head: "INSERT INTO events (app_id, seq, kind, at, actor_id, data) VALUES", cols: 6},
		fees:    &rowWriter{head: "INSERT INTO case_fees (id, app_id, fee_code, name, amount_fen, unit, basis) VALUES", cols: 7},
		waivers: &rowWriter{head: "INSERT INTO waivers (app_id, fee_id, kind, amount_fen, policy_id, reason, status, requested_by, requested_at, decided_by, decided_at, note) VALUES", cols: 12},
		ratings: &rowWriter{head: "INSERT INTO ratings (app_id, level, comment, at, clerk_id) VALUES", cols: 5},
		rects:   &rowWriter{head: `INSERT INTO rectifications (app_id, status, due_date, opened_at, done_date, measures, revisit, appeal, decision, updated_at) VALUES`, cols: 10},
		seq:     map[calendar.Date]int{},
		n:       n,
	}
	g.feeSeq = 0
	for i := 0; i < n; i++ {
		app, err := g.generate(from + i)
		if err != nil {
			return nil, err
		}
		id := int64(i + 1)
		day := calendar.DateOf(app.ReceivedAt)
		b.seq[day] = g.seq[day]
		r := clock.Compute(app.ClockEvents(), app.Limits(), g.cal, calendar.DateOf(app.Events[len(app.Events)-1].At), g.threshold)
		if app.Status.Open() {
			b.stats.open++
		}
		c := cachedClock(&app, r, calendar.DateOf(app.Events[len(app.Events)-1].At))
		var ratedDate, ratingLevel any
		if g := app.Rating; g != nil {
			ratedDate, ratingLevel = calendar.DateOf(g.At).String(), g.Level
		}
		b.apps.add(append(append([]any{id, app.Number, app.SiteCode, app.Item.ID, app.Applicant.ID, app.WindowID, app.ClerkID,
			data.FormatTime(app.ReceivedAt), day.String(), string(app.Status)}, c[:]...), ratedDate, ratingLevel)...)
		if g.totals != nil {
			f := demoFacts(app.Item.ID, app.WindowID, app.ClerkID, app.SiteCode, day.String(), string(app.Status), &c, ratedDate, ratingLevel)
			g.totals.add(&f)
		}
		for _, e := range app.Events {
			b.events.add(id, e.Seq, string(e.Kind), data.FormatTime(e.At), e.ActorID, eventJSON(e.Data))
		}
		b.stats.events += len(app.Events)
		for _, f := range app.Fees {
			b.fees.add(f.ID, id, f.Code, f.Name, f.AmountFen, f.Unit, f.Basis)
		}
		for _, w := range app.Waivers {
			var by, at any
			if w.Status != data.ApprovalPending {
				by, at = g.superID, data.FormatTime(w.DecidedAt)
			}
			b.waivers.add(id, w.FeeID, string(w.Kind), w.AmountFen, w.PolicyID, w.Reason, string(w.Status), app.ClerkID, data.FormatTime(w.RequestedAt), by, at, w.Note)
		}
		if r := app.Rating; r != nil {
			b.ratings.add(id, r.Level, r.Comment, data.FormatTime(r.At), app.ClerkID)
			if x := r.Rectification; x != nil {
				var done any
				if x.Done != 0 {
					done = x.Done.String()
				}
				b.rects.add(id, string(x.Status), x.Due.String(), data.FormatTime(x.OpenedAt), done, x.Measures, x.Revisit, x.Appeal, x.Decision,
					data.FormatTime(app.Events[len(app.Events)-1].At))
			}
		}
		if b.first == "" {
			b.first = app.Number
		}
		b.last = app.Number
	}
	if g.totals != nil {
		g.totals.endBatch()
	}
	return b, nil
}

// writeBatch writes a prepared batch in one transaction with one audit entry.
func (g *demoGen) writeBatch(ctx context.Context, b *demoRows) error {
	return g.s.write(ctx, func(tx *sql.Tx) error {
		var base int64
		if err := tx.QueryRow("SELECT coalesce(max(id), 0) FROM applications").Scan(&base); err != nil {
			return err
		}
		for i := 0; i < len(b.apps.rows); i += b.apps.cols {
			b.apps.rows[i] = b.apps.rows[i].(int64) + base
		}
		var feeBase int64
		if err := tx.QueryRow("SELECT coalesce(max(id), 0) FROM case_fees").Scan(&feeBase); err != nil {
			return err
		}
		// Child rows start with their case's batch-relative id; fee lines
		// start with their own and then their case's, and waivers point at
		// fee lines in their second column.
		for _, w := range []*rowWriter{b.events, b.waivers, b.ratings, b.rects} {
			for i := 0; i < len(w.rows); i += w.cols {
				w.rows[i] = w.rows[i].(int64) + base
			}
		}
		for i := 0; i < len(b.fees.rows); i += b.fees.cols {
			b.fees.rows[i] = b.fees.rows[i].(int64) + feeBase
			b.fees.rows[i+1] = b.fees.rows[i+1].(int64) + base
		}
		for i := 1; i < len(b.waivers.rows); i += b.waivers.cols {
			b.waivers.rows[i] = b.waivers.rows[i].(int64) + feeBase
		}
		// Cases first: the events' foreign key points at them.
		if err := b.apps.write(tx, appChunk); err != nil {
			return fmt.Errorf("demo cases: %w", err)
		}
		if err := b.events.write(tx, eventChunk); err != nil {
			return fmt.Errorf("demo events: %w", err)
		}
		for _, w := range []*rowWriter{b.fees, b.waivers, b.ratings, b.rects} {
			if err := w.write(tx, appChunk); err != nil {
				return fmt.Errorf("demo fees and ratings: %w", err)
			}
		}
		// Marked for export here, whether or not the export triggers are
		// in place (a large run drops them).
		if _, err := tx.Exec("INSERT OR IGNORE INTO export_dirty (app_id) SELECT id FROM applications WHERE id > ? AND id <= ? AND site_code = ?",
			base, base+int64(b.n), g.site); err != nil {
			return err
		}
		for d, last := range b.seq {
			if _, err := tx.Exec("INSERT OR REPLACE INTO number_seq (day, last) VALUES (?, ?)", d.Time().Format("20060102"), last); err != nil {
				return err
			}
		}
		return g.s.audit(tx, "system", "demo.cases", g.site, fmt.Sprintf(`{"count":%d,"first":%q,"last":%q}`, b.n, b.first, b.last))
	})
}

// eventJSON encodes event data; the common empty case needs no encoder.
func eventJSON(d data.EventData) string {
	if d.Materials == nil && d.Missing == nil && d.Reason == "" && d.Days == 0 && d.Approver == "" && d.Result == "" && d.Method == "" && d.Note == "" && d.Limits == nil &&
		d.Ref == 0 && d.FeeCode == "" && d.AmountFen == 0 && d.Policy == "" && d.Level == 0 && d.Status == "" {
		return "{}"
	}
	b, _ := json.Marshal(d)
	return string(b)
}
