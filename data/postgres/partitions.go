package postgres

// The year partitions of cases and events, and the dates a merge writes.

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/exchange"
)

// day is a date of a bundle (checked by exchange.ReadBundle, or above) as
// the driver writes a date column.
func day(s string) any {
	d, err := calendar.ParseDate(s)
	if err != nil {
		return nil
	}
	return d.Time()
}

func optDay(s *string) any {
	if s == nil {
		return nil
	}
	return day(*s)
}

// ensureYear makes the partitions of cases and events for a year.
func ensureYear(ctx context.Context, tx pgx.Tx, year string) error {
	y := 0
	if _, err := fmt.Sscanf(year, "%4d", &y); err != nil || y < 1949 || y > 2099 {
		return exchange.BundleError("收件年份 %q 不正确", year)
	}
	for _, t := range []string{"applications", "events"} {
		q := fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s_%d PARTITION OF %s FOR VALUES FROM ('%d-01-01') TO ('%d-01-01')", t, y, t, y, y+1)
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("partition %s %d: %w", t, y, err)
		}
	}
	return nil
}

// Years lists the years that have partitions, for archiving.
func (s *Store) Years(ctx context.Context) ([]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'applications'`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, classify(err)
		}
		var y int
		if _, err := fmt.Sscanf(strings.TrimPrefix(name, "applications_"), "%d", &y); err == nil {
			out = append(out, y)
		}
	}
	sort.Ints(out)
	return out, classify(rows.Err())
}
