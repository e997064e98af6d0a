package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// Defaults are the starting data compiled into the program.
type Defaults struct {
	Catalogue []byte            // sample site and service catalogue (JSON)
	National  calendar.Schedule // the State Council holiday schedule
}

// OpenDefault opens the database at path, sets up an empty one with the
// sample site and catalogue, and loads national calendar years it lacks.
func OpenDefault(ctx context.Context, path string, d Defaults) (*Store, error) {
	s, err := Open(path)
	if err != nil {
		return nil, err
	}
	if err := s.prepare(ctx, d, nil); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// prepare sets up an empty database (with site instead of the catalogue's
// own when given) and brings the national calendar up to date.
func (s *Store) prepare(ctx context.Context, d Defaults, site *data.Site) error {
	ok, err := s.Initialised(ctx)
	if err != nil {
		return err
	}
	if !ok {
		if err := s.Setup(ctx, d.Catalogue, site); err != nil {
			return err
		}
	}
	if _, err = s.EnsureNational(ctx, d.National); err != nil {
		return err
	}
	return s.refreshCacheVersion(ctx)
}

// clockCacheVersion changes whenever the cached clock columns gain a field
// or change meaning; a file with an older version has every case
// recomputed once when it is opened.
const clockCacheVersion = "4"

func (s *Store) refreshCacheVersion(ctx context.Context) error {
	v, err := s.setting(ctx, "clock_cache", "")
	if err != nil || v == clockCacheVersion {
		return err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return err
	}
	threshold := s.Threshold(ctx)
	return s.write(ctx, func(tx *sql.Tx) error {
		n, err := s.refreshCases(ctx, tx, cal, threshold, "1")
		if err != nil {
			return err
		}
		if _, err := tx.Exec("INSERT OR REPLACE INTO settings (key, value) VALUES ('clock_cache', ?)", clockCacheVersion); err != nil {
			return err
		}
		return s.audit(tx, "system", "cache.refresh", "applications", fmt.Sprintf(`{"version":%q,"cases_changed":%d}`, clockCacheVersion, n))
	})
}

// CreateSite makes a new database at path for site, with the catalogue's
// departments, windows, users and items. The file must not hold a site yet.
func CreateSite(ctx context.Context, path string, site data.Site, d Defaults) (*Store, error) {
	if err := site.Validate(); err != nil {
		return nil, err
	}
	s, err := Open(path)
	if err != nil {
		return nil, err
	}
	if ok, err := s.Initialised(ctx); err != nil || ok {
		s.Close()
		if err == nil {
			err = data.Errorf(data.ECONFLICT, "数据库 %s 已属于一个站点，不能再次初始化", path)
		}
		return nil, err
	}
	if err := s.prepare(ctx, d, &site); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
