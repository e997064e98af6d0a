package sqlite_test

import (
	"fmt"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/theme"
	"github.com/onewindow/onewindow/internal/testkit"
)

func TestDemo(t *testing.T) {
	s, c := testkit.Open(t)
	c.Set("2026-11-20 18:00")
	res, err := demo.Run(ctx, s, demo.Options{Cases: 6000, Seed: 8})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cases != 6000 || res.Events < 6000*2 || res.Open == 0 {
		t.Errorf("result %+v", res)
	}
	db := testkit.RawDB(t, s.Path())
	if n := count(t, db, "SELECT count(DISTINCT number) FROM applications"); n != 6000 {
		t.Errorf("%d distinct numbers", n)
	}
	if n := count(t, db, "SELECT count(*) FROM applications WHERE received_date < '2025-11-20' OR received_date >= '2026-11-20' OR received_at > '2026-11-20T10:00:00Z'"); n != 0 {
		t.Errorf("%d cases outside the last twelve months", n)
	}
	if n := count(t, db, "SELECT count(*) FROM applications WHERE CAST(strftime('%H', received_at) AS INTEGER) NOT BETWEEN 0 AND 9"); n != 0 {
		// 08:30–17:30 Shanghai is 00:30–09:30 UTC.
		t.Errorf("%d cases received outside working hours", n)
	}
	// 一件事: about one case in ten belongs to a theme; every member case
	// is the theme's applicant's and item's; themes open, handed over
	// together, and closed with nothing granted occur.
	members := count(t, db, "SELECT count(*) FROM theme_members WHERE app_id IS NOT NULL")
	if members < 6000/20 || members > 6000/5 {
		t.Errorf("%d of 6000 cases in themes", members)
	}
	if n := count(t, db, `SELECT count(*) FROM theme_members m JOIN theme_cases t ON t.id = m.theme_case_id JOIN applications a ON a.id = m.app_id
		JOIN items i ON i.id = a.item_id WHERE a.applicant_id != t.applicant_id OR i.code != m.item_code`); n != 0 {
		t.Errorf("%d member cases not the theme's applicant's or item's", n)
	}
	themes, err := s.ThemeCases(ctx, 0, 0, calendar.NewDate(2026, 11, 20))
	if err != nil {
		t.Fatal(err)
	}
	states := map[theme.Status]int{}
	for _, tc := range themes {
		states[tc.Status]++
		if tc.Status == theme.StatusDelivered && tc.DeliveredAt.IsZero() && tc.Theme.Together {
			t.Errorf("%s delivered without 统一出件", tc.Number)
		}
	}
	if states[theme.StatusDelivered] == 0 || states[theme.StatusAccepted] == 0 || states[theme.StatusClosed] == 0 {
		t.Errorf("theme states %v", states)
	}
	// Every status and every event kind occurs.
	for _, st := range data.Statuses {
		if n := count(t, db, "SELECT count(*) FROM applications WHERE status = '"+string(st)+"'"); n == 0 {
			t.Errorf("no case in status %s", st)
		}
	}
	for _, k := range []clock.Kind{clock.SupplementRequested, clock.SupplementCompleted, clock.Refused, clock.Paused,
		clock.Resumed, clock.Extended, clock.Completed, clock.Delivered, clock.Withdrawn} {
		if n := count(t, db, "SELECT count(*) FROM events WHERE kind = '"+string(k)+"'"); n == 0 {
			t.Errorf("no %s event", k)
		}
	}
	// Replaying each case through the lifecycle and the clock gives the
	// stored status and cache; some open cases are overdue, most closed ones
	// on time.
	cal, _ := s.Calendar(ctx)
	today := calendar.NewDate(2026, 11, 20)
	var red, onTime, late, deemed int
	for off := 0; off < 6000; off += 500 {
		apps, err := s.Cases(ctx, data.CaseFilter{Limit: 500, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range apps {
			st := data.StatusReceived
			for i, e := range a.Events {
				if i == 0 {
					continue
				}
				if data.Annotation(e.Kind) {
					continue
				}
				if st, err = data.Next(st, e.Kind); err != nil {
					t.Fatalf("%s: %v", a.Number, err)
				}
				if e.At.Before(a.Events[i-1].At) {
					t.Errorf("%s: events out of order", a.Number)
				}
			}
			if st != a.Status {
				t.Errorf("%s: status %s, replay says %s", a.Number, a.Status, st)
			}
			if _, err := data.ValidateCreditCode(a.Applicant.IDCode); a.Applicant.Kind == data.ApplicantEnterprise && err != nil {
				t.Errorf("%s: generated credit code %s invalid: %v", a.Number, a.Applicant.IDCode, err)
			}
			if _, err := data.ValidateIDNumber(a.Applicant.IDCode, today.Time()); a.Applicant.Kind == data.ApplicantIndividual && err != nil {
				t.Errorf("%s: generated ID %s invalid: %v", a.Number, a.Applicant.IDCode, err)
			}
			r := clock.Compute(a.ClockEvents(), a.Limits(), cal, today, 0)
			var due string
			db.QueryRow("SELECT coalesce(due_statutory, '') FROM applications WHERE id = ?", a.ID).Scan(&due)
			if r.Started && !r.Paused && due != r.Statutory.Due.String() {
				t.Errorf("%s: cached due %s, clock %s", a.Number, due, r.Statutory.Due)
			}
			if r.Open && r.Promised.Warning == clock.Red {
				red++
			}
			if r.DeemedLate {
				deemed++
			}
			if r.Promised.OnTime != nil {
				if *r.Promised.OnTime {
					onTime++
				} else {
					late++
				}
			}
		}
	}
	if red == 0 || late == 0 || deemed == 0 || onTime < 4*late {
		t.Errorf("red open %d, on time %d, late %d, deemed accepted %d", red, onTime, late, deemed)
	}
	// The "only yellow and red" filter gives exactly the open cases the
	// clock colours yellow or red today.
	open := []data.Status{data.StatusReceived, data.StatusSupplement, data.StatusSupplied, data.StatusAccepted, data.StatusPaused}
	want := map[string]bool{}
	for off := 0; ; off += 500 {
		apps, err := s.Cases(ctx, data.CaseFilter{Statuses: open, Order: "id", Limit: 500, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range apps {
			r := clock.Compute(a.ClockEvents(), a.Limits(), cal, today, 0)
			if r.Promised.Warning == clock.Yellow || r.Promised.Warning == clock.Red || r.Statutory.Warning == clock.Yellow || r.Statutory.Warning == clock.Red {
				want[a.Number] = true
			}
		}
		if len(apps) < 500 {
			break
		}
	}
	warned, err := s.Cases(ctx, data.CaseFilter{WarningsAt: today, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	if len(warned) != len(want) || len(want) == 0 {
		t.Errorf("warning filter: %d cases, the clock says %d", len(warned), len(want))
	}
	for _, a := range warned {
		if !want[a.Number] {
			t.Errorf("%s under the warning filter but green", a.Number)
		}
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Errorf("verify: %+v %v", rep, err)
	}
	// Fees, waivers in every state, ratings of every level and
	// rectifications in every state, each consistent with its case.
	for _, q := range []string{
		"SELECT count(*) FROM case_fees",
		"SELECT count(*) FROM waivers WHERE status = 'approved'", "SELECT count(*) FROM waivers WHERE status = 'rejected'",
		"SELECT count(*) FROM waivers WHERE status = 'pending'", "SELECT count(*) FROM waivers WHERE kind = 'partial'",
		"SELECT count(*) FROM ratings WHERE level = 1", "SELECT count(*) FROM ratings WHERE level = 2", "SELECT count(*) FROM ratings WHERE level = 3",
		"SELECT count(*) FROM ratings WHERE level = 4", "SELECT count(*) FROM ratings WHERE level = 5",
		"SELECT count(*) FROM rectifications WHERE status = 'open'", "SELECT count(*) FROM rectifications WHERE status = 'in_progress'",
		"SELECT count(*) FROM rectifications WHERE status = 'done'", "SELECT count(*) FROM rectifications WHERE status = 'appealed'",
		"SELECT count(*) FROM rectifications WHERE status = 'invalid'",
	} {
		if count(t, db, q) == 0 {
			t.Errorf("none: %s", q)
		}
	}
	for q, want := range map[string]int{
		"SELECT count(*) FROM waivers w JOIN case_fees f ON f.id = w.fee_id WHERE f.app_id != w.app_id OR w.amount_fen > f.amount_fen":                         0,
		"SELECT count(*) FROM case_fees f JOIN applications a ON a.id = f.app_id WHERE a.status IN ('received', 'supplement', 'refused')":                      0,
		"SELECT count(*) FROM ratings g JOIN applications a ON a.id = g.app_id WHERE a.status NOT IN ('completed', 'delivered')":                               0,
		"SELECT count(*) FROM rectifications r JOIN ratings g ON g.app_id = r.app_id WHERE g.level > 2":                                                        0,
		"SELECT (SELECT count(*) FROM waivers) - (SELECT count(*) FROM events WHERE kind = 'waiver_requested')":                                                0,
		"SELECT (SELECT count(*) FROM waivers WHERE status != 'pending') - (SELECT count(*) FROM events WHERE kind IN ('waiver_approved', 'waiver_rejected'))": 0,
		"SELECT (SELECT count(*) FROM ratings) - (SELECT count(*) FROM events WHERE kind = 'rated')":                                                           0,
		"SELECT count(*) FROM pragma_foreign_key_check":                                                                                                        0,
	} {
		if got := count(t, db, q); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
	// A case with waivers reads back with its amount due.
	var number string
	db.QueryRow("SELECT a.number FROM waivers w JOIN applications a ON a.id = w.app_id WHERE w.status = 'approved' LIMIT 1").Scan(&number)
	if a, err := s.Case(ctx, number); err != nil || len(a.Fees) == 0 || a.AmountDue() >= a.FeeTotal() || a.AmountDue() < 0 {
		t.Errorf("%s: fees %+v waivers %+v, due %d: %v", number, a.Fees, a.Waivers, a.AmountDue(), err)
	}
	// A registration after the demo continues the day's sequence.
	f := load(t, s)
	var last int
	db.QueryRow("SELECT last FROM number_seq WHERE day = '20261120'").Scan(&last)
	app, err := s.Register(ctx, f.clerk.ID, f.intake("个体工商户登记", data.DecideAccept))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("33010200120261120%04d", last+1); app.Number != want {
		t.Errorf("number after demo %s, want %s", app.Number, want)
	}
}
