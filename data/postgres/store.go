// Package postgres is the central office's store on a PostgreSQL server
// (or one that speaks its protocol), for a city or a province whose cases
// outgrow one SQLite file. It merges the sites' bundles with the same rules
// as the SQLite centre (exchange.ImportDir decides the order and the
// outcomes; signatures are checked before anything is read), loading each
// bundle with COPY in one transaction; cases and events are partitioned by
// the year the case arrived. Driver: pgx v5.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

//go:embed migrations/*.sql
var migrations embed.FS

// IsURL says whether a --db value names a PostgreSQL database.
func IsURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Store is a central store on PostgreSQL.
type Store struct {
	pool      *pgxpool.Pool
	now       func() time.Time
	calendars calendarCache // each site's, for the clocks
}

// Open connects and brings the schema up to date.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, data.Errorf(data.EINVALID, "数据库地址不正确：%v", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, classify(err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, data.Errorf(data.EINTERNAL, "无法连接数据库服务器 %s：%v", cfg.ConnConfig.Host, err)
	}
	s := &Store{pool: pool, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the connections.
func (s *Store) Close() error { s.pool.Close(); return nil }

// migrate applies the embedded migrations not yet applied, each in its own
// transaction, holding an advisory lock so that two programs starting at
// once do not both apply one.
func (s *Store) migrate(ctx context.Context) error {
	entries, err := migrations.ReadDir("migrations")
	if err != nil {
		return err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return classify(err)
	}
	defer conn.Release()
	const lock = 0x6f6e6577 // "onew"
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lock); err != nil {
		return classify(err)
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", lock)
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return classify(err)
	}
	var have int
	if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&have); err != nil {
		return classify(err)
	}
	if have > len(names) {
		return data.Errorf(data.ECONFLICT, "数据库由较新版本的程序创建（结构版本 %d，本程序只认识到 %d），请升级程序", have, len(names))
	}
	for i, n := range names[have:] {
		v := have + i + 1
		body, err := migrations.ReadFile("migrations/" + n)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", n, err)
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", v, n)
			return err
		})
		if err != nil {
			return classify(err)
		}
	}
	return nil
}

// write runs fn in a transaction and commits it.
func (s *Store) write(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return classify(pgx.BeginFunc(ctx, s.pool, fn))
}

// classify turns a server's failures into coded errors; one of ours
// passes through.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var de *data.Error
	if errors.As(err, &de) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return &data.Error{Code: data.ECONFLICT, Message: "记录已存在：" + pe.Detail, Cause: err}
		case "53100":
			return &data.Error{Code: data.EINTERNAL, Message: "数据库服务器磁盘已满，未保存", Cause: err}
		case "25006":
			return &data.Error{Code: data.EINTERNAL, Message: "数据库为只读，未保存", Cause: err}
		}
	}
	return &data.Error{Code: data.EINTERNAL, Message: "数据库出错：" + err.Error(), Cause: err}
}

// audit appends an entry to the centre's chain inside tx; the table lock
// orders concurrent writers so the chain stays one line.
func (s *Store) audit(ctx context.Context, tx pgx.Tx, actor, action, entity, detail string) error {
	if _, err := tx.Exec(ctx, "LOCK TABLE audit IN EXCLUSIVE MODE"); err != nil {
		return err
	}
	e := data.AuditEntry{At: data.FormatTime(s.now()), Actor: actor, Action: action, Entity: entity, Detail: detail}
	err := tx.QueryRow(ctx, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").Scan(&e.Seq, &e.PrevHash)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		e.Seq, e.PrevHash = 0, data.AuditGenesis
	case err != nil:
		return fmt.Errorf("audit: %w", err)
	}
	e.Seq++
	e.Hash = e.ComputeHash()
	_, err = tx.Exec(ctx, `INSERT INTO audit (seq, at, actor, action, entity, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.Seq, e.At, e.Actor, e.Action, e.Entity, e.Detail, e.PrevHash, e.Hash)
	return err
}

// Init makes the database a central office: its site (a centre) and its
// administrator with the PIN given. sample marks a centre for trials.
func (s *Store) Init(ctx context.Context, site data.Site, adminPIN string, sample bool) error {
	if err := site.Validate(); err != nil {
		return err
	}
	if site.Kind != data.SiteCentre {
		return data.FieldError("kind", "站点类型", "PostgreSQL 数据库只用于中心（centre）")
	}
	hash, err := hashPIN(adminPIN)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM site").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return data.Errorf(data.ECONFLICT, "数据库已属于一个中心，不能再次初始化")
		}
		if _, err := tx.Exec(ctx, "INSERT INTO site (id, code, name, kind, phone, sample) VALUES (1, $1, $2, $3, $4, $5)", site.Code, site.Name, site.Kind, site.Phone, sample); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO users (login, name, role, pin_hash) VALUES ('admin', '系统管理员', 'admin', $1)", hash); err != nil {
			return err
		}
		return s.audit(ctx, tx, "system", "site.setup", site.Code, fmt.Sprintf(`{"kind":"centre","sample":%t}`, sample))
	})
}

// Site returns the centre.
func (s *Store) Site(ctx context.Context) (data.Site, error) {
	var site data.Site
	err := s.pool.QueryRow(ctx, "SELECT code, name, kind, phone FROM site WHERE id = 1").Scan(&site.Code, &site.Name, &site.Kind, &site.Phone)
	if errors.Is(err, pgx.ErrNoRows) {
		return site, data.Errorf(data.ENOTFOUND, "数据库尚未初始化：请先运行 onewindow site init --kind centre --db …")
	}
	return site, classify(err)
}

// SampleData reports whether this centre was made for trials.
func (s *Store) SampleData(ctx context.Context) (bool, error) {
	var sample bool
	err := s.pool.QueryRow(ctx, "SELECT sample FROM site WHERE id = 1").Scan(&sample)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return sample, classify(err)
}

// PIN rules, as at a site.
const (
	MaxPINFailures = 5
	PINLockout     = 10 * time.Minute
)

func hashPIN(pin string) (string, error) {
	if len(pin) < 6 || len(pin) > 8 || strings.Trim(pin, "0123456789") != "" {
		return "", data.FieldError("pin", "PIN", "应为 6 到 8 位数字")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pin), bcrypt.DefaultCost)
	return string(h), err
}

// Login checks a user's PIN: five wrong ones in a row lock the user for
// ten minutes; every attempt is audited.
func (s *Store) Login(ctx context.Context, login, pin string) (data.User, error) {
	var u data.User
	var result error
	now := s.now()
	err := s.write(ctx, func(tx pgx.Tx) error {
		var hash, lockedUntil string
		var failures int
		err := tx.QueryRow(ctx, "SELECT id, login, name, role, pin_hash, failed_pins, locked_until FROM users WHERE login = $1 AND active FOR UPDATE", login).
			Scan(&u.ID, &u.Login, &u.Name, &u.Role, &hash, &failures, &lockedUntil)
		if errors.Is(err, pgx.ErrNoRows) {
			return &data.Error{Code: data.ENOTFOUND, Field: "login", Message: fmt.Sprintf("用户：%s 不存在或已停用", login)}
		}
		if err != nil {
			return err
		}
		if until, err := data.ParseTime(lockedUntil); err == nil && now.Before(until) {
			result = &data.Error{Code: data.EFORBIDDEN, Field: "pin", Message: fmt.Sprintf("PIN：连续输错 %d 次，已锁定至 %s", MaxPINFailures, until.In(calendar.Shanghai).Format("15:04"))}
			return s.audit(ctx, tx, login, "user.login_locked", login, "{}")
		}
		if hash != "" && bcrypt.CompareHashAndPassword([]byte(hash), []byte(pin)) == nil {
			if _, err := tx.Exec(ctx, "UPDATE users SET failed_pins = 0, locked_until = '' WHERE id = $1", u.ID); err != nil {
				return err
			}
			return s.audit(ctx, tx, login, "user.login", login, "{}")
		}
		failures++
		locked := ""
		if failures >= MaxPINFailures {
			locked = data.FormatTime(now.Add(PINLockout))
			result = &data.Error{Code: data.EFORBIDDEN, Field: "pin", Message: fmt.Sprintf("PIN：连续输错 %d 次，已锁定 %d 分钟", MaxPINFailures, int(PINLockout.Minutes()))}
			failures = 0
		} else {
			result = &data.Error{Code: data.EFORBIDDEN, Field: "pin", Message: fmt.Sprintf("PIN：不正确，还可再试 %d 次", MaxPINFailures-failures)}
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET failed_pins = $1, locked_until = $2 WHERE id = $3", failures, locked, u.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, login, "user.login_failed", login, `{"failures":`+strconv.Itoa(failures)+`}`)
	})
	if err != nil {
		return data.User{}, err
	}
	if result != nil {
		return data.User{}, result
	}
	return u, nil
}

// requireAdmin returns the login of the acting user if they are an active
// administrator.
func requireAdmin(ctx context.Context, tx pgx.Tx, actorID int64) (string, error) {
	var login string
	var role data.Role
	err := tx.QueryRow(ctx, "SELECT login, role FROM users WHERE id = $1 AND active", actorID).Scan(&login, &role)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", &data.Error{Code: data.ENOTFOUND, Field: "user", Message: fmt.Sprintf("经办人：编号 %d 不存在或已停用", actorID)}
	}
	if err != nil {
		return "", err
	}
	if role != data.RoleAdmin {
		return "", data.Errorf(data.EFORBIDDEN, "只有管理员可以修改站点设置")
	}
	return login, nil
}
