package demo

import (
	"fmt"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/data/theme"
)

// The demo's 一件事: now and then an enterprise comes for a theme, and the
// next cases of the run are its items — those that start at intake on
// the day it came, each with its own intake (a 补正 now and then) and
// department's pace; those that wait for another item on the day that one
// was completed with 准予许可 (or never, when it was denied or is not done
// yet: the index then makes an ordinary case). A theme whose results go
// out together has them delivered together once every item is closed.

// themeShare is the chance that a case starts a theme: about one case in
// ten then belongs to one (a theme has three or four items).
const themeShare = 0.035

// demoTheme is a theme being generated.
type demoTheme struct {
	bt      sqlite.BulkTheme
	who     int
	clerk   demoClerk
	day     calendar.Date
	next    int // the step the next case index makes
	arrival time.Time
}

// themeCase makes case i as the next item of the theme being generated,
// or starts a theme there; ok is false when case i is an ordinary case.
func (g *gen) themeCase(i int) (data.Application, bool, error) {
	if g.cur == nil {
		if len(g.themes) == 0 || i+theme.MaxSteps > g.batchEnd || g.rng.Float64() >= themeShare {
			return data.Application{}, false, nil
		}
		t := g.themes[g.rng.IntN(len(g.themes))]
		day, arrival := g.dayOf(i)
		g.themeSeq[day]++
		dt := &demoTheme{who: g.rng.IntN(g.nEnt), clerk: g.clerks[g.rng.IntN(len(g.clerks))], day: day, arrival: arrival}
		dt.bt = sqlite.BulkTheme{Number: fmt.Sprintf("%sZT%s%04d", g.site, day.Time().Format("20060102"), g.themeSeq[day]), Theme: t,
			ApplicantID: g.applicants[dt.who], WindowID: dt.clerk.windowID, User: dt.clerk.id, ReceivedAt: arrival.UTC(), Members: make([]int, len(t.Steps))}
		for _, m := range t.Checklist() {
			dt.bt.Materials = append(dt.bt.Materials, m.Name)
		}
		for j := range dt.bt.Members {
			dt.bt.Members[j] = -1
		}
		g.cur = dt
		g.batchThemes = append(g.batchThemes, dt)
	}
	dt := g.cur
	j := dt.next
	dt.next++
	if dt.next == len(dt.bt.Theme.Steps) {
		g.cur = nil
	}
	st := dt.bt.Theme.Steps[j]
	day, at, direct := dt.day, dt.arrival.Add(time.Duration(j)*time.Minute), false
	if st.After != "" {
		prev := dt.bt.Members[stepIndex(dt.bt.Theme, st.After)]
		if prev < 0 {
			return data.Application{}, false, nil
		}
		p := &(*g.batchCases)[prev]
		done := completion(p)
		if done == nil || done.Data.Result != data.ResultGranted {
			return data.Application{}, false, nil // still waiting, or never starts
		}
		day, at, direct = calendar.DateOf(done.At), done.At.Add(time.Duration(5+g.rng.IntN(30))*time.Minute), true
	}
	c, err := g.arriveAs(st.Item, dt.who, dt.clerk, day, at)
	if err != nil {
		return data.Application{}, true, err
	}
	c.together = dt.bt.Theme.Together
	if direct { // registered and accepted by the store when its predecessor completed
		if c.add(clock.Accepted, day, data.EventData{}) {
			c.work(day, day)
		}
	} else if acceptDay, accepted := c.intake(day); accepted {
		c.work(day, acceptDay)
	}
	dt.bt.Members[j] = i - g.batchFrom
	app := c.app
	if !c.together {
		g.rate(&app)
	}
	return app, true, nil
}

// stepIndex is the position of item code among t's steps.
func stepIndex(t theme.Theme, code string) int {
	for i, st := range t.Steps {
		if st.Item.Code == code {
			return i
		}
	}
	return -1
}

// completion is the case's completed event, or nil.
func completion(a *data.Application) *data.Event {
	for i := range a.Events {
		if a.Events[i].Kind == clock.Completed {
			return &a.Events[i]
		}
	}
	return nil
}

// dayOf is the day and arrival time of case index i (cases arrive in date
// order, spread over the working hours).
func (g *gen) dayOf(i int) (calendar.Date, time.Time) {
	pos := int64(i) * int64(len(g.days))
	day := g.days[pos/int64(g.total)]
	frac := float64(pos%int64(g.total)) / float64(g.total)
	y, m, dd := day.Time().Date()
	return day, time.Date(y, m, dd, 8, 30, 0, 0, calendar.Shanghai).Add(time.Duration(frac * float64(9*time.Hour))).Truncate(time.Second)
}

// arriveAs is arrive for a theme's item: the item, applicant, clerk, day
// and time are the theme's.
func (g *gen) arriveAs(it data.ServiceItem, who int, clerk demoClerk, day calendar.Date, at time.Time) (*demoCase, error) {
	g.seq[day]++
	if g.seq[day] > data.MaxDailySequence {
		return nil, data.Errorf(data.ECONFLICT, "%s 的办件编号已用完：演示办件太多", day)
	}
	app := data.Application{
		Number:   fmt.Sprintf("%s%s%04d", g.site, day.Time().Format("20060102"), g.seq[day]),
		SiteCode: g.site, Item: it, WindowID: clerk.windowID, ClerkID: clerk.id, Status: data.StatusReceived,
	}
	app.Applicant = g.pool[who]
	app.Applicant.ID = g.applicants[who]
	c := &demoCase{g: g, app: app, clerk: clerk, t: at.UTC()}
	c.app.ReceivedAt = c.t
	lim := it.Limits()
	c.add(clock.Received, day, data.EventData{Materials: it.Materials, Limits: &lim, Proofs: g.proofs(who, day)})
	return c, nil
}

// deliverThemes hands over together the results of the batch's themes
// whose every item is closed (统一出件), a day or two after the last, and
// adds them to the batch.
func (g *gen) deliverThemes(b *sqlite.BulkBatch) {
	for _, dt := range g.batchThemes {
		if dt.bt.Theme.Together {
			g.deliverTogether(dt, b.Cases)
		}
		for j := range dt.bt.Members {
			if idx := dt.bt.Members[j]; idx >= 0 && dt.bt.Theme.Together {
				g.rate(&b.Cases[idx])
			}
		}
		b.Themes = append(b.Themes, dt.bt)
	}
	g.batchThemes, g.cur = nil, nil
}

func (g *gen) deliverTogether(dt *demoTheme, cases []data.Application) {
	var last time.Time
	granted := false
	for j, idx := range dt.bt.Members {
		if idx < 0 {
			// A step never started counts as closed only when what it
			// waits for was denied, refused or withdrawn.
			after := dt.bt.Theme.Steps[j].After
			if after == "" {
				return
			}
			prev := dt.bt.Members[stepIndex(dt.bt.Theme, after)]
			if prev < 0 || cases[prev].Status.Open() || !theme.Denied(&cases[prev]) && cases[prev].Status != data.StatusRefused && cases[prev].Status != data.StatusWithdrawn {
				return
			}
			continue
		}
		a := &cases[idx]
		if a.Status.Open() {
			return
		}
		if e := a.Events[len(a.Events)-1]; e.At.After(last) {
			last = e.At
		}
		if a.Status == data.StatusCompleted && !theme.Denied(a) {
			granted = true
		}
	}
	if !granted {
		return
	}
	day := g.cal.AddWorkdays(calendar.DateOf(last), g.rng.IntN(3))
	if day > g.today {
		return
	}
	at := g.at(day, last)
	method := data.MethodPickup
	if g.rng.Float64() < 0.3 {
		method = data.MethodPost
	}
	for _, idx := range dt.bt.Members {
		if idx < 0 {
			continue
		}
		a := &cases[idx]
		if a.Status != data.StatusCompleted {
			continue
		}
		a.Status = data.StatusDelivered
		a.Events = append(a.Events, data.Event{Seq: len(a.Events) + 1, Kind: clock.Delivered, At: at, ActorID: dt.clerk.id, Data: data.EventData{Method: method}})
	}
	dt.bt.DeliveredAt = at
}
