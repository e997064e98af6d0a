package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// Login rules: five wrong PINs in a row lock the user for ten minutes.
const (
	MaxPINFailures = 5
	PINLockout     = 10 * time.Minute
)

// rePIN is a new PIN: 6 to 8 digits (all 4-digit PINs fall in minutes to
// bcrypt on one core from a copied file; the sample's 1234 still logs in
// until it is changed).
var rePIN = regexp.MustCompile(`^[0-9]{6,8}$`)

// Login checks a user's PIN. A wrong PIN counts towards the lock; the
// attempt, right or wrong, is written to the audit chain.
func (s *Store) Login(ctx context.Context, login, pin string) (data.User, error) {
	var (
		u                 data.User
		hash, lockedUntil string
		failures          int
		result            error
	)
	now := s.now()
	err := s.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRow(`SELECT id, login, name, role, coalesce(window_id, 0), department, pin_hash, failed_pins, locked_until, must_change
			FROM users WHERE login = ? AND active`, login).
			Scan(&u.ID, &u.Login, &u.Name, &u.Role, &u.WindowID, &u.Department, &hash, &failures, &lockedUntil, &u.MustChange)
		if errors.Is(err, sql.ErrNoRows) {
			return &data.Error{Code: data.ENOTFOUND, Field: "login", Message: fmt.Sprintf("用户：%s 不存在或已停用", login)}
		}
		if err != nil {
			return err
		}
		if until, err := data.ParseTime(lockedUntil); err == nil && now.Before(until) {
			result = &data.Error{Code: data.EFORBIDDEN, Field: "pin", Message: fmt.Sprintf("PIN：连续输错 %d 次，已锁定至 %s", MaxPINFailures, until.In(calendar.Shanghai).Format("15:04"))}
			return s.audit(tx, login, "user.login_locked", login, "{}")
		}
		if hash == "" {
			return &data.Error{Code: data.EFORBIDDEN, Field: "pin", Message: "PIN：该用户尚未设置 PIN，请管理员在“设置 → 用户”中设置"}
		}
		if bcrypt.CompareHashAndPassword([]byte(hash), []byte(pin)) == nil {
			if _, err := tx.Exec("UPDATE users SET failed_pins = 0, locked_until = '' WHERE id = ?", u.ID); err != nil {
				return err
			}
			return s.audit(tx, login, "user.login", login, "{}")
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
		if _, err := tx.Exec("UPDATE users SET failed_pins = ?, locked_until = ? WHERE id = ?", failures, locked, u.ID); err != nil {
			return err
		}
		return s.audit(tx, login, "user.login_failed", login, fmt.Sprintf(`{"failures":%d}`, failures))
	})
	if err != nil {
		return data.User{}, err
	}
	if result != nil {
		// The failure was recorded (and committed); the caller sees why.
		return data.User{}, result
	}
	return u, nil
}

// SetPIN gives a user a new PIN and clears any lock; administrators only
// (a user changes their own with ChangePIN, which asks for the old one).
func (s *Store) SetPIN(ctx context.Context, actorID int64, login, pin string) error {
	hash, err := hashPIN(pin)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		actor, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		if err := setPINHash(tx, login, hash); err != nil {
			return err
		}
		return s.audit(tx, actor, "user.set_pin", login, "{}")
	})
}

// ChangePIN changes a user's own PIN. The old PIN is checked as at the
// login screen, so wrong guesses count towards the lock.
func (s *Store) ChangePIN(ctx context.Context, login, oldPIN, newPIN string) error {
	hash, err := hashPIN(newPIN)
	if err != nil {
		return err
	}
	if _, err := s.Login(ctx, login, oldPIN); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := setPINHash(tx, login, hash); err != nil {
			return err
		}
		return s.audit(tx, login, "user.change_pin", login, "{}")
	})
}

func setPINHash(tx *sql.Tx, login, hash string) error {
	res, err := tx.Exec("UPDATE users SET pin_hash = ?, failed_pins = 0, locked_until = '', must_change = 0 WHERE login = ? AND active", hash, login)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &data.Error{Code: data.ENOTFOUND, Field: "login", Message: fmt.Sprintf("用户：%s 不存在或已停用", login)}
	}
	return nil
}

// ClaimSite makes a new database a real site's: the administrator's PIN
// becomes adminPIN, and every other user still holding the sample PIN must
// choose their own at their first login. onewindow site init calls it.
func (s *Store) ClaimSite(ctx context.Context, adminPIN string) error {
	hash, err := hashPIN(adminPIN)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		// Only a new database: afterwards this would reset the
		// administrator's PIN without asking who calls.
		var claimed, cases int
		if err := tx.QueryRow("SELECT (SELECT count(*) FROM audit WHERE action = 'site.claim'), (SELECT count(*) FROM applications)").Scan(&claimed, &cases); err != nil {
			return err
		}
		if claimed > 0 || cases > 0 {
			return data.Errorf(data.ECONFLICT, "站点已在使用，不能再次设置初始管理员 PIN")
		}
		if err := setPINHash(tx, "admin", hash); err != nil {
			return err
		}
		if _, err := tx.Exec("UPDATE users SET must_change = 1 WHERE login <> 'admin' AND pin_hash <> ''"); err != nil {
			return err
		}
		return s.audit(tx, "admin", "site.claim", "admin", "{}")
	})
}

// CheckPIN refuses a new PIN that is not 6 to 8 digits.
func CheckPIN(pin string) error {
	if !rePIN.MatchString(pin) {
		return data.FieldError("pin", "PIN", "应为 6 到 8 位数字")
	}
	return nil
}

// hashPIN checks a PIN's form and returns its bcrypt hash.
func hashPIN(pin string) (string, error) {
	if err := CheckPIN(pin); err != nil {
		return "", err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pin), bcrypt.DefaultCost)
	return string(hash), err
}
