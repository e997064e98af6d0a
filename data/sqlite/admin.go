package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/onewindow/onewindow/data"
)

// Departments returns the departments ordered by code.
func (s *Store) Departments(ctx context.Context) ([]data.Department, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, code, name FROM departments ORDER BY code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []data.Department
	for rows.Next() {
		var d data.Department
		if err := rows.Scan(&d.ID, &d.Code, &d.Name); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// activeUser reads an active user inside tx.
func activeUser(tx *sql.Tx, id int64) (data.User, error) {
	var u data.User
	err := tx.QueryRow("SELECT id, login, name, role, coalesce(window_id, 0), department FROM users WHERE id = ? AND active", id).
		Scan(&u.ID, &u.Login, &u.Name, &u.Role, &u.WindowID, &u.Department)
	if errors.Is(err, sql.ErrNoRows) {
		return u, &data.Error{Code: data.ENOTFOUND, Field: "user", Message: fmt.Sprintf("经办人：编号 %d 不存在或已停用", id)}
	}
	return u, err
}

// requireAdmin returns the login of the acting user if they are an
// administrator, and a forbidden error otherwise.
func requireAdmin(tx *sql.Tx, actorID int64) (string, error) {
	u, err := activeUser(tx, actorID)
	if err != nil {
		return "", err
	}
	if u.Role != data.RoleAdmin {
		return "", data.Errorf(data.EFORBIDDEN, "只有管理员可以修改站点设置")
	}
	return u.Login, nil
}

// requireSupervisor returns the acting user if they are a supervisor, and a
// forbidden error naming what was tried otherwise.
func requireSupervisor(tx *sql.Tx, actorID int64, what string) (data.User, error) {
	u, err := activeUser(tx, actorID)
	if err != nil {
		return u, err
	}
	if u.Role != data.RoleSupervisor {
		return u, data.Errorf(data.EFORBIDDEN, "只有督查人员可以%s", what)
	}
	return u, nil
}

// SaveWindow adds a window (ID 0) or renames one; administrators only.
func (s *Store) SaveWindow(ctx context.Context, actorID int64, w data.Window) (data.Window, error) {
	if err := w.Validate(); err != nil {
		return w, err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		login, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		if w.ID == 0 {
			if w.ID, err = insertID(tx, "INSERT INTO windows (code, name) VALUES (?, ?)", w.Code, w.Name); err != nil {
				return err
			}
		} else if err := updateOne(tx, "UPDATE windows SET code = ?, name = ? WHERE id = ?", "窗口", w.Code, w.Name, w.ID); err != nil {
			return err
		}
		detail, _ := json.Marshal(w)
		return s.audit(tx, login, "window.save", w.Code, string(detail))
	})
	return w, err
}

// SaveDepartment adds a department (ID 0) or renames one; administrators only.
func (s *Store) SaveDepartment(ctx context.Context, actorID int64, d data.Department) (data.Department, error) {
	if err := d.Validate(); err != nil {
		return d, err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		login, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		if d.ID == 0 {
			if d.ID, err = insertID(tx, "INSERT INTO departments (code, name) VALUES (?, ?)", d.Code, d.Name); err != nil {
				return err
			}
		} else if err := updateOne(tx, "UPDATE departments SET code = ?, name = ? WHERE id = ?", "部门", d.Code, d.Name, d.ID); err != nil {
			return err
		}
		detail, _ := json.Marshal(d)
		return s.audit(tx, login, "department.save", d.Code, string(detail))
	})
	return d, err
}

// AddUser creates a user with a PIN; administrators only.
func (s *Store) AddUser(ctx context.Context, actorID int64, u data.User, pin string) (data.User, error) {
	if err := u.Validate(); err != nil {
		return u, err
	}
	hash, err := hashPIN(pin)
	if err != nil {
		return u, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		login, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		var win any
		if u.WindowID != 0 {
			if err := windowExists(tx, u.WindowID); err != nil {
				return err
			}
			win = u.WindowID
		}
		if err := departmentExists(tx, u.Department); err != nil {
			return err
		}
		if u.ID, err = insertID(tx, "INSERT INTO users (login, name, role, window_id, department, pin_hash) VALUES (?, ?, ?, ?, ?, ?)",
			u.Login, u.Name, u.Role, win, u.Department, hash); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"login": u.Login, "name": u.Name, "role": u.Role, "window_id": u.WindowID, "department": u.Department})
		return s.audit(tx, login, "user.add", u.Login, string(detail))
	})
	return u, err
}

// SetUserDepartment makes a user answer for a department (部门进驻人员:
// they record the answers, explanations, progress and closings of that
// department's problems, and no other's) or, with "", the window's own
// staff again; administrators only, audited.
func (s *Store) SetUserDepartment(ctx context.Context, actorID int64, login, department string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		admin, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		if err := departmentExists(tx, department); err != nil {
			return err
		}
		if err := updateOne(tx, "UPDATE users SET department = ? WHERE login = ? AND active", "用户", department, login); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"department": department})
		return s.audit(tx, admin, "user.department", login, string(detail))
	})
}

// departmentExists refuses a department code the catalogue does not have
// ("" is none, and allowed).
func departmentExists(tx *sql.Tx, code string) error {
	if code == "" {
		return nil
	}
	var ok bool
	if err := tx.QueryRow("SELECT count(*) > 0 FROM departments WHERE code = ?", code).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return data.FieldError("department", "所属部门", "编码 %s 不存在", code)
	}
	return nil
}

// updateOne runs an UPDATE that must change exactly one row.
func updateOne(tx *sql.Tx, q, what string, args ...any) error {
	res, err := tx.Exec(q, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return data.Errorf(data.ENOTFOUND, "%s不存在", what)
	}
	return nil
}

// SaveItem adds a service item (ID 0) or changes one; administrators only.
// Changed limits apply to applications received from then on: a case keeps
// the limits recorded when it arrived, so a receipt never goes stale.
func (s *Store) SaveItem(ctx context.Context, actorID int64, it data.ServiceItem) (data.ServiceItem, error) {
	if err := it.Validate(); err != nil {
		return it, err
	}
	mats, _ := json.Marshal(nonNil(it.Materials))
	err := s.write(ctx, func(tx *sql.Tx) error {
		login, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow("SELECT count(*) FROM departments WHERE id = ?", it.DepartmentID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return &data.Error{Code: data.ENOTFOUND, Field: "department", Message: "部门：请选择事项所属的部门"}
		}
		if it.ID == 0 {
			it.ID, err = insertID(tx, `INSERT INTO items (code, name, department_id, kind, statutory, promised, materials)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, it.Code, it.Name, it.DepartmentID, it.Kind, it.Statutory, it.Promised, string(mats))
			if err != nil {
				return err
			}
		} else {
			if err := updateOne(tx, `UPDATE items SET code = ?, name = ?, department_id = ?, kind = ?, statutory = ?, promised = ?, materials = ?
				WHERE id = ?`, "事项", it.Code, it.Name, it.DepartmentID, it.Kind, it.Statutory, it.Promised, string(mats), it.ID); err != nil {
				return err
			}
		}
		detail, _ := json.Marshal(it)
		return s.audit(tx, login, "item.save", it.Code, string(detail))
	})
	return it, err
}

// SaveSite changes the site's name, kind or code; administrators only. The
// code is part of every case number, so it cannot change once cases exist.
func (s *Store) SaveSite(ctx context.Context, actorID int64, site data.Site) error {
	if err := site.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		login, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		old, err := siteCode(tx)
		if err != nil {
			return err
		}
		if old != site.Code {
			var n int
			if err := tx.QueryRow("SELECT count(*) FROM applications").Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return &data.Error{Code: data.ECONFLICT, Field: "site_code", Message: fmt.Sprintf("站点编码：已有 %d 件办件使用 %s，不能再修改", n, old)}
			}
		}
		if _, err := tx.Exec("UPDATE site SET code = ?, name = ?, kind = ?, phone = ? WHERE id = 1", site.Code, site.Name, site.Kind, site.Phone); err != nil {
			return err
		}
		detail, _ := json.Marshal(site)
		return s.audit(tx, login, "site.save", site.Code, string(detail))
	})
}
