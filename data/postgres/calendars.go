package postgres

// Each site's working-day calendar as its last bundle carried it, for the
// clocks of its cases at the centre.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// Clock reads the case's clock at date today on its site's calendar (the
// national schedule and the site's own days, as the site's last bundle
// carried them) with the default warning threshold.
func (s *Store) Clock(ctx context.Context, app *data.Application, today calendar.Date) (clock.Result, error) {
	cal, err := s.calendars.get(ctx, s, app.SiteCode)
	if err != nil {
		return clock.Result{}, err
	}
	return clock.Compute(app.ClockEvents(), app.Limits(), cal, today, clock.DefaultThreshold), nil
}

// calendarCache keeps each site's calendar, read again when the site's
// calendar stamp moves (checked at most once a second per site).
type calendarCache struct {
	mu    sync.Mutex
	sites map[string]*siteCalendar
}

type siteCalendar struct {
	cal     *calendar.Calendar
	stamp   string
	checked time.Time
}

// calendarRecheck is how long a site's calendar is used before its stamp
// is read again.
const calendarRecheck = time.Second

func (c *calendarCache) get(ctx context.Context, s *Store, site string) (*calendar.Calendar, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sites == nil {
		c.sites = map[string]*siteCalendar{}
	}
	now := time.Now()
	sc := c.sites[site]
	if sc != nil && now.Sub(sc.checked) < calendarRecheck {
		return sc.cal, nil
	}
	var stamp string
	err := s.pool.QueryRow(ctx, "SELECT calendar_stamp FROM sites WHERE code = $1", site).Scan(&stamp)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, classify(err)
	}
	if sc != nil && sc.stamp == stamp {
		sc.checked = now
		return sc.cal, nil
	}
	cal, err := s.loadCalendar(ctx, site)
	if err != nil {
		return nil, err
	}
	c.sites[site] = &siteCalendar{cal: cal, stamp: stamp, checked: now}
	return cal, nil
}

// loadCalendar reads a site's calendar: the years its national schedule
// covers, and its national and own days.
func (s *Store) loadCalendar(ctx context.Context, site string) (*calendar.Calendar, error) {
	rows, err := s.pool.Query(ctx, "SELECT layer, day, working, name FROM calendar_days WHERE site_code = $1 ORDER BY day", site)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	layers := map[string][]calendar.Day{}
	years := map[int]bool{}
	for rows.Next() {
		var layer, day, name string
		var working int
		if err := rows.Scan(&layer, &day, &working, &name); err != nil {
			return nil, classify(err)
		}
		d, err := calendar.ParseDate(day)
		if err != nil {
			return nil, fmt.Errorf("calendar of %s, %s: %w", site, day, err)
		}
		if layer == "national" {
			years[d.Year()] = true
		}
		layers[layer] = append(layers[layer], calendar.Day{Date: d, Working: working != 0, Name: name})
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	var ys []int
	for y := range years {
		ys = append(ys, y)
	}
	return calendar.New(ys, layers["national"], layers["site"]), nil
}
