package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// maxRecordProblems is how many disagreeing records Verify names.
const maxRecordProblems = 20

// checkRecords replays every case's events and compares what they make
// with what the rows say: the case's status; for a closed case the close
// date, the working days used and the on-time flags of its clock cache;
// and each waiver's state and amount against its request and decision
// events. A row edited behind the program's back (a case marked withdrawn,
// a waiver marked approved) disagrees with the events that should have
// made it, and is named. It returns the first maxRecordProblems.
func checkRecords(ctx context.Context, db *sql.DB, items map[int64]data.ServiceItem, cal *calendar.Calendar, threshold float64) ([]string, error) {
	var problems []string
	add := func(format string, args ...any) bool {
		problems = append(problems, fmt.Sprintf(format, args...))
		return len(problems) < maxRecordProblems
	}
	var own string
	if err := db.QueryRowContext(ctx, "SELECT code FROM site WHERE id = 1").Scan(&own); err != nil {
		return nil, classify(err)
	}
	audited, err := loadCaseAudit(ctx, db)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT a.id, a.number, a.site_code, a.item_id, a.status, coalesce(a.closed_date, ''), coalesce(a.used_days, -1),
		coalesce(a.ontime_promised, -1), coalesce(a.ontime_statutory, -1),
		coalesce(a.start_date, ''), coalesce(a.due_promised, ''), coalesce(a.due_statutory, ''), e.seq, e.kind, e.at, e.data
		FROM applications a JOIN events e ON e.app_id = a.id ORDER BY a.id, e.seq`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	type stored struct {
		number, site, status, closed string
		used, onP, onS               int64
		start, dueP, dueS            string
	}
	var cur stored
	var app data.Application
	var curID int64
	waivers := map[int64][]waiverFact{} // case id → requests and decisions, in order
	extensions := map[int64]string{}    // request id → "number status days" its events make
	fees := map[int64]string{}          // case id → the fee lines its 受理 event recorded
	flush := func() bool {
		if curID == 0 {
			return true
		}
		ok := true
		status, err := replayStatus(app.Events)
		if err != nil {
			return add("办件 %s：事件不合流程（%v）", cur.number, err)
		}
		if string(status) != cur.status {
			return add("办件 %s：状态为“%s”，其事件得出的是“%s”（记录被改动？）", cur.number, data.Status(cur.status).Label(), status.Label())
		}
		if cur.site == own {
			if msg := audited.check(cur.number, len(app.Events)); msg != "" && !add("办件 %s：%s", cur.number, msg) {
				return false
			}
		}
		// The clock cache of a case of this site (another site's was
		// computed on that site's calendar, with its own days off).
		if cur.site == own {
			app.Status = status
			last := calendar.DateOf(app.Events[len(app.Events)-1].At)
			r := clock.Compute(app.ClockEvents(), app.Limits(), cal, last, threshold)
			c := cachedClock(&app, r, last)
			switch {
			case !status.Open():
				got := fmt.Sprint(cur.closed, cur.used, cur.onP, cur.onS)
				want := fmt.Sprint(orEmpty(c[3]), orInt(c[7]), orInt(c[8]), orInt(c[9]))
				if got != want {
					ok = add("办件 %s：计时记录（办结日、用时、按期）为 %s，其事件得出 %s", cur.number, got, want)
				}
			case !r.Paused:
				// An open case's start and due dates follow from its
				// events (a paused one's move with the day they are read).
				got := fmt.Sprint(cur.start, " ", cur.dueP, " ", cur.dueS)
				want := fmt.Sprint(orEmpty(c[0]), " ", orEmpty(c[1]), " ", orEmpty(c[2]))
				if got != want {
					ok = add("办件 %s：计时记录（起算日、承诺和法定期限）为 %s，其事件得出 %s", cur.number, got, want)
				}
			}
		}
		return ok
	}
	for rows.Next() {
		var id, itemID, seq int64
		var s stored
		var kind, at, raw string
		if err := rows.Scan(&id, &s.number, &s.site, &itemID, &s.status, &s.closed, &s.used, &s.onP, &s.onS, &s.start, &s.dueP, &s.dueS, &seq, &kind, &at, &raw); err != nil {
			return nil, err
		}
		if id != curID {
			if !flush() {
				return problems, nil
			}
			curID, cur = id, s
			app = data.Application{ID: id, Number: s.number, Item: items[itemID]}
		}
		e := data.Event{Seq: int(seq), Kind: data.EventKind(kind)}
		if e.At, err = data.ParseTime(at); err != nil {
			if !add("办件 %s：事件 %d 的时间 %q 不正确", s.number, seq, at) {
				return problems, nil
			}
			continue
		}
		if err := json.Unmarshal([]byte(raw), &e.Data); err != nil {
			if !add("办件 %s：事件 %d 的内容不正确", s.number, seq) {
				return problems, nil
			}
			continue
		}
		app.Events = append(app.Events, e)
		switch e.Kind {
		case data.WaiverRequested, data.WaiverApproved, data.WaiverRejected:
			waivers[id] = append(waivers[id], waiverFact{kind: e.Kind, fee: e.Data.FeeCode, amount: e.Data.AmountFen, number: s.number})
		case clock.Accepted:
			if s.site == own && e.Data.Fees != nil {
				if _, done := fees[id]; !done {
					fees[id] = feeLines(s.number, e.Data.Fees)
				}
			}
		case data.ExtensionRequested, data.ExtensionRejected, clock.Extended:
			// Requests are this site's rows (a centre's copies have its
			// own ids): only its own cases are held to them.
			if s.site == own && e.Data.Ref > 0 {
				extensions[e.Data.Ref] = extensionState(extensions[e.Data.Ref], e, s.number)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !flush() {
		return problems, nil
	}
	more, err := checkWaivers(ctx, db, waivers, maxRecordProblems-len(problems))
	if err != nil {
		return nil, err
	}
	problems = append(problems, more...)
	more, err = checkExtensions(ctx, db, own, extensions, maxRecordProblems-len(problems))
	if err != nil {
		return nil, err
	}
	problems = append(problems, more...)
	more, err = checkFeeLines(ctx, db, own, fees, maxRecordProblems-len(problems))
	return append(problems, more...), err
}

// feeLines writes a case's fee lines as one comparable text.
func feeLines(number string, lines []data.EventFee) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprintf("%s %d", l.Code, l.AmountFen)
	}
	sort.Strings(parts)
	return number + ": " + strings.Join(parts, ", ")
}

// checkFeeLines compares this site's cases' fee lines with what their 受理
// event recorded (cases accepted before events recorded them are not
// checked).
func checkFeeLines(ctx context.Context, db *sql.DB, own string, want map[int64]string, room int) ([]string, error) {
	if room <= 0 || len(want) == 0 {
		return nil, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT f.app_id, a.number, f.fee_code, f.amount_fen FROM case_fees f
		JOIN applications a ON a.id = f.app_id WHERE a.site_code = ? ORDER BY f.app_id`, own)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	got := map[int64][]data.EventFee{}
	for rows.Next() {
		var id, amount int64
		var number, code string
		if err := rows.Scan(&id, &number, &code, &amount); err != nil {
			return nil, err
		}
		got[id] = append(got[id], data.EventFee{Code: code, AmountFen: amount})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var problems []string
	ids := make([]int64, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		number, _, _ := strings.Cut(want[id], ":")
		if have := feeLines(number, got[id]); have != want[id] && len(problems) < room {
			problems = append(problems, fmt.Sprintf("办件 %s 的收费为 %s，其受理事件记录的是 %s（记录被改动？）",
				number, strings.TrimPrefix(have, number+": "), strings.TrimPrefix(want[id], number+": ")))
		}
	}
	return problems, nil
}

// extensionState is what an extension request's events make of it.
func extensionState(was string, e data.Event, number string) string {
	switch e.Kind {
	case data.ExtensionRequested:
		return fmt.Sprintf("%s %s %d", number, data.ApprovalPending, e.Data.Days)
	case data.ExtensionRejected:
		return fmt.Sprintf("%s %s %d", number, data.ApprovalRejected, e.Data.Days)
	}
	return fmt.Sprintf("%s %s %d", number, data.ApprovalApproved, e.Data.Days)
}

// checkExtensions compares this site's extension requests with what their
// events make of them.
func checkExtensions(ctx context.Context, db *sql.DB, own string, want map[int64]string, room int) ([]string, error) {
	if room <= 0 {
		return nil, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT x.id, a.number, x.status, x.days FROM extension_requests x
		JOIN applications a ON a.id = x.app_id WHERE a.site_code = ? ORDER BY x.id`, own)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var problems []string
	seen := map[int64]bool{}
	for rows.Next() {
		var id, days int64
		var number, status string
		if err := rows.Scan(&id, &number, &status, &days); err != nil {
			return nil, err
		}
		seen[id] = true
		if got := fmt.Sprintf("%s %s %d", number, status, days); got != want[id] && len(problems) < room {
			problems = append(problems, fmt.Sprintf("办件 %s 的延期申请（%d）记录为 %q，其事件得出 %q（记录被改动？）", number, id, got, want[id]))
		}
	}
	for id, w := range want {
		if !seen[id] && len(problems) < room {
			problems = append(problems, fmt.Sprintf("延期申请 %d（%s）有事件而没有记录", id, w))
		}
	}
	return problems, rows.Err()
}

// waiverFact is a waiver event of a case: its kind, fee and amount.
type waiverFact struct {
	kind   data.EventKind
	fee    string
	amount int64
	number string
}

// checkWaivers compares each fee line's waiver rows, oldest first, with its
// requests and their decisions in event order: the n-th request of a fee
// line is its n-th waiver, pending until a decision of that fee follows.
func checkWaivers(ctx context.Context, db *sql.DB, facts map[int64][]waiverFact, room int) ([]string, error) {
	if room <= 0 {
		return nil, nil
	}
	type key struct {
		app int64
		fee string
	}
	want := map[key][]string{} // "status amount" per request
	numbers := map[int64]string{}
	for app, list := range facts {
		for _, f := range list {
			k := key{app, f.fee}
			numbers[app] = f.number
			switch f.kind {
			case data.WaiverRequested:
				want[k] = append(want[k], fmt.Sprintf("%s %d", data.ApprovalPending, f.amount))
			case data.WaiverApproved, data.WaiverRejected:
				if n := len(want[k]); n > 0 {
					status := data.ApprovalApproved
					if f.kind == data.WaiverRejected {
						status = data.ApprovalRejected
					}
					amount := want[k][n-1][len(data.ApprovalPending)+1:]
					want[k][n-1] = fmt.Sprintf("%s %s", status, amount)
				}
			}
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT w.app_id, a.number, f.fee_code, w.status, w.amount_fen FROM waivers w
		JOIN case_fees f ON f.id = w.fee_id JOIN applications a ON a.id = w.app_id ORDER BY w.app_id, f.fee_code, w.id`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	got := map[key][]string{}
	for rows.Next() {
		var app, amount int64
		var number, fee, status string
		if err := rows.Scan(&app, &number, &fee, &status, &amount); err != nil {
			return nil, err
		}
		numbers[app] = number
		k := key{app, fee}
		got[k] = append(got[k], fmt.Sprintf("%s %d", status, amount))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var problems []string
	check := func(k key) {
		if len(problems) >= room || fmt.Sprint(got[k]) == fmt.Sprint(want[k]) {
			return
		}
		problems = append(problems, fmt.Sprintf("办件 %s 收费 %s 的减免记录为 %v，其申请和审批事件得出 %v（记录被改动？）", numbers[k.app], k.fee, got[k], want[k]))
	}
	for k := range want {
		check(k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			check(k)
		}
	}
	return problems, nil
}

// replayStatus is the status a case's events lead to.
func replayStatus(events []data.Event) (data.Status, error) {
	status := data.StatusReceived
	for _, e := range events[1:] {
		if data.Annotation(e.Kind) {
			continue
		}
		next, err := data.Next(status, e.Kind)
		if err != nil {
			return status, fmt.Errorf("第 %d 个事件 %s：%v", e.Seq, e.Kind, data.ErrorMessage(err))
		}
		status = next
	}
	return status, nil
}

func orEmpty(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

func orInt(v any) int64 {
	if n, ok := v.(int); ok {
		return int64(n)
	}
	return -1
}

// caseAudit is what the audit chain says was done to each case: the
// registration (and how many events it made: the receipt, and the decision
// taken at the counter if any), the entries of every later event, and the
// numbers the demo generator wrote in batches (one entry per batch).
type caseAudit struct {
	registered map[string]int // case number → events the registration made
	later      map[string]int // case number → entries of later events
	demo       [][2]string    // first and last number of each demo batch
}

func loadCaseAudit(ctx context.Context, db *sql.DB) (*caseAudit, error) {
	a := &caseAudit{registered: map[string]int{}, later: map[string]int{}}
	rows, err := db.QueryContext(ctx, `SELECT action, entity, detail FROM audit
		WHERE action = 'case.register' OR action = 'demo.cases' OR action LIKE 'case.%' OR action LIKE 'waiver.%'
			OR action LIKE 'extension.%' OR action LIKE 'rating.%' OR action LIKE 'rectification.%'`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var action, entity, detail string
		if err := rows.Scan(&action, &entity, &detail); err != nil {
			return nil, err
		}
		switch action {
		case "case.register":
			var d struct{ Decision string }
			json.Unmarshal([]byte(detail), &d)
			a.registered[entity] = 1
			if d.Decision != "" {
				a.registered[entity] = 2
			}
		case "demo.cases":
			var d struct{ First, Last string }
			if json.Unmarshal([]byte(detail), &d) == nil && d.First != "" {
				a.demo = append(a.demo, [2]string{d.First, d.Last})
			}
		default:
			a.later[entity]++
		}
	}
	return a, rows.Err()
}

// check says what is wrong with a case of this site that has events
// events ("" when its audit entries account for them all).
func (a *caseAudit) check(number string, events int) string {
	for _, r := range a.demo {
		if number >= r[0] && number <= r[1] {
			return "" // written by the demo generator, audited per batch
		}
	}
	reg, ok := a.registered[number]
	if !ok {
		return "审计记录中没有它的登记（记录被插入？）"
	}
	if want, got := events-reg, a.later[number]; got != want {
		return fmt.Sprintf("有 %d 个事件，审计记录说明的是 %d 个（记录被插入或删除？）", events, got+reg)
	}
	return ""
}
