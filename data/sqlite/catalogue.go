package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/policy"
	"github.com/onewindow/onewindow/data/theme"
)

// Catalogue is the file shape of a site's starting data: the site, its
// departments, windows, users and service items (assets/catalogue).
type Catalogue struct {
	Site        data.Site `json:"site"`
	Departments []struct {
		Code string `json:"code"`
		Name string `json:"name"`
	} `json:"departments"`
	Windows []struct {
		Code string `json:"code"`
		Name string `json:"name"`
	} `json:"windows"`
	Users []struct {
		Login   string    `json:"login"`
		Name    string    `json:"name"`
		Role    data.Role `json:"role"`
		Window  string    `json:"window"`
		PINHash string    `json:"pin_hash"` // bcrypt; empty: the admin sets a PIN before first login
	} `json:"users"`
	Items []struct {
		Code       string        `json:"code"`
		Name       string        `json:"name"`
		Department string        `json:"department"`
		Kind       data.ItemKind `json:"kind"`
		Statutory  int           `json:"statutory"`
		Promised   int           `json:"promised"`
		Materials  []string      `json:"materials"`
		Fees       []string      `json:"fees"` // fee codes
	} `json:"items"`
	Fees []struct {
		Code      string `json:"code"`
		Name      string `json:"name"`
		AmountFen int64  `json:"amount_fen"`
		Unit      string `json:"unit"`
		Basis     string `json:"basis"`
		ValidFrom string `json:"valid_from"`
		ValidTo   string `json:"valid_to"`
	} `json:"fees"`
	WaiverPolicies []struct {
		Code      string          `json:"code"`
		Name      string          `json:"name"`
		Basis     string          `json:"basis"`
		ValidFrom string          `json:"valid_from"`
		ValidTo   string          `json:"valid_to"`
		Rule      json.RawMessage `json:"rule"` // its eligibility (policy.Rule), if any
	} `json:"waiver_policies"`
	Themes []struct {
		Code     string `json:"code"`
		Name     string `json:"name"`
		Limit    int    `json:"limit_days"`
		Together bool   `json:"together"`
		Steps    []struct {
			Item   string `json:"item"`
			After  string `json:"after"`
			Result string `json:"result"`
		} `json:"steps"`
	} `json:"themes"` // 一件事
}

// catalogueValidity reads a catalogue's validity dates ("" = open end).
func catalogueValidity(what, from, to string) (calendar.Date, calendar.Date, error) {
	f, t, err := data.ParseValidity(from, to)
	if err != nil {
		return 0, 0, data.FieldError("valid_from", "有效期", "%s 的日期不正确：%v", what, err)
	}
	return f, t, nil
}

// Initialised reports whether the database has a site.
func (s *Store) Initialised(ctx context.Context) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM site").Scan(&n)
	return n > 0, err
}

// Setup loads a catalogue into an empty database in one transaction. site,
// when not nil, replaces the catalogue's own site (a new site made with
// `onewindow site init`).
func (s *Store) Setup(ctx context.Context, raw []byte, site *data.Site) error {
	var c Catalogue
	if err := json.Unmarshal(raw, &c); err != nil {
		return data.Errorf(data.EINVALID, "事项目录文件格式不正确：%v", err)
	}
	if site != nil {
		c.Site = *site
	}
	if err := c.Site.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRow("SELECT count(*) FROM site").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return data.Errorf(data.ECONFLICT, "数据库已初始化，不能再次导入目录")
		}
		if _, err := tx.Exec("INSERT INTO site (id, code, name, kind, phone) VALUES (1, ?, ?, ?, ?)", c.Site.Code, c.Site.Name, c.Site.Kind, c.Site.Phone); err != nil {
			return err
		}
		deps, err := setupOrg(tx, &c)
		if err != nil {
			return err
		}
		if err := setupMoney(tx, &c); err != nil {
			return err
		}
		if err := setupItems(tx, &c, deps); err != nil {
			return err
		}
		if err := setupThemes(ctx, tx, &c); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]int{"departments": len(c.Departments), "windows": len(c.Windows), "users": len(c.Users), "items": len(c.Items),
			"fees": len(c.Fees), "waiver_policies": len(c.WaiverPolicies), "themes": len(c.Themes)})
		return s.audit(tx, "system", "site.setup", c.Site.Code, string(detail))
	})
}

// setupOrg writes the catalogue's departments, windows and users, and
// returns the departments' ids by code.
func setupOrg(tx *sql.Tx, c *Catalogue) (map[string]int64, error) {
	deps := map[string]int64{}
	for _, d := range c.Departments {
		dep := data.Department{Code: d.Code, Name: d.Name}
		if err := dep.Validate(); err != nil {
			return nil, err
		}
		id, err := insertID(tx, "INSERT INTO departments (code, name) VALUES (?, ?)", d.Code, d.Name)
		if err != nil {
			return nil, fmt.Errorf("department %s: %w", d.Code, err)
		}
		deps[d.Code] = id
	}
	wins := map[string]int64{}
	for _, w := range c.Windows {
		win := data.Window{Code: w.Code, Name: w.Name}
		if err := win.Validate(); err != nil {
			return nil, err
		}
		id, err := insertID(tx, "INSERT INTO windows (code, name) VALUES (?, ?)", w.Code, w.Name)
		if err != nil {
			return nil, fmt.Errorf("window %s: %w", w.Code, err)
		}
		wins[w.Code] = id
	}
	for _, u := range c.Users {
		user := data.User{Login: u.Login, Name: u.Name, Role: u.Role}
		if err := user.Validate(); err != nil {
			return nil, err
		}
		var win any
		if u.Window != "" {
			id, ok := wins[u.Window]
			if !ok {
				return nil, data.FieldError("window", "窗口", "用户 %s 的窗口 %s 不存在", u.Login, u.Window)
			}
			win = id
		}
		if _, err := tx.Exec("INSERT INTO users (login, name, role, window_id, pin_hash) VALUES (?, ?, ?, ?, ?)", u.Login, u.Name, u.Role, win, u.PINHash); err != nil {
			return nil, fmt.Errorf("user %s: %w", u.Login, err)
		}
	}
	return deps, nil
}

// setupMoney writes the fee schedules and the waiver policies.
func setupMoney(tx *sql.Tx, c *Catalogue) error {
	for _, f := range c.Fees {
		fee := data.FeeItem{Code: f.Code, Name: f.Name, AmountFen: f.AmountFen, Unit: f.Unit, Basis: f.Basis}
		var err error
		if fee.ValidFrom, fee.ValidTo, err = catalogueValidity(f.Code, f.ValidFrom, f.ValidTo); err != nil {
			return err
		}
		if err := fee.Validate(); err != nil {
			return fmt.Errorf("收费项目 %s：%w", f.Code, err)
		}
		if _, err := tx.Exec(`INSERT INTO fee_items (code, name, amount_fen, unit, basis, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			fee.Code, fee.Name, fee.AmountFen, fee.Unit, fee.Basis, fee.ValidFrom.String(), dateOrNil(fee.ValidTo)); err != nil {
			return fmt.Errorf("fee %s: %w", f.Code, err)
		}
	}
	for _, p := range c.WaiverPolicies {
		pol := data.WaiverPolicy{Code: p.Code, Name: p.Name, Basis: p.Basis}
		var err error
		if pol.ValidFrom, pol.ValidTo, err = catalogueValidity(p.Code, p.ValidFrom, p.ValidTo); err != nil {
			return err
		}
		if err := pol.Validate(); err != nil {
			return fmt.Errorf("减免政策 %s：%w", p.Code, err)
		}
		rule, err := policy.ParseRule(string(p.Rule))
		if err != nil {
			return fmt.Errorf("减免政策 %s：%w", p.Code, err)
		}
		if _, err := tx.Exec("INSERT INTO waiver_policies (code, name, basis, valid_from, valid_to, rule) VALUES (?, ?, ?, ?, ?, ?)",
			pol.Code, pol.Name, pol.Basis, pol.ValidFrom.String(), dateOrNil(pol.ValidTo), rule.Text()); err != nil {
			return fmt.Errorf("waiver policy %s: %w", p.Code, err)
		}
	}
	return nil
}

// setupThemes writes the catalogue's themes (一件事), checked against its
// items.
func setupThemes(ctx context.Context, tx *sql.Tx, c *Catalogue) error {
	if len(c.Themes) == 0 {
		return nil
	}
	items, err := itemsByCode(ctx, tx, "i.active")
	if err != nil {
		return err
	}
	for _, ct := range c.Themes {
		t := theme.Theme{Code: ct.Code, Name: ct.Name, Limit: ct.Limit, Together: ct.Together, Active: true}
		for _, st := range ct.Steps {
			t.Steps = append(t.Steps, theme.Step{Item: data.ServiceItem{Code: st.Item}, After: st.After, Result: st.Result})
		}
		if err := t.Validate(items); err != nil {
			return fmt.Errorf("一件事 %s：%w", ct.Code, err)
		}
		if err := insertTheme(tx, &t); err != nil {
			return err
		}
	}
	return nil
}

// setupItems writes the service items with their fees.
func setupItems(tx *sql.Tx, c *Catalogue, deps map[string]int64) error {
	for _, it := range c.Items {
		item := data.ServiceItem{Code: it.Code, Name: it.Name, Kind: it.Kind, Statutory: it.Statutory, Promised: it.Promised, Materials: it.Materials}
		if err := item.Validate(); err != nil {
			return fmt.Errorf("事项 %s：%w", it.Code, err)
		}
		dep, ok := deps[it.Department]
		if !ok {
			return data.FieldError("department", "部门", "事项 %s 的部门 %s 不存在", it.Code, it.Department)
		}
		mats, _ := json.Marshal(nonNil(it.Materials))
		id, err := insertID(tx, `INSERT INTO items (code, name, department_id, kind, statutory, promised, materials)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, it.Code, it.Name, dep, it.Kind, it.Statutory, it.Promised, string(mats))
		if err != nil {
			return fmt.Errorf("item %s: %w", it.Code, err)
		}
		if err := setItemFees(tx, id, it.Code, it.Fees); err != nil {
			return err
		}
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func insertID(tx *sql.Tx, q string, args ...any) (int64, error) {
	res, err := tx.Exec(q, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// Site returns this database's site.
func (s *Store) Site(ctx context.Context) (data.Site, error) {
	return siteOf(ctx, s.db)
}

func siteOf(ctx context.Context, q querier) (data.Site, error) {
	var site data.Site
	err := q.QueryRowContext(ctx, "SELECT code, name, kind, phone FROM site WHERE id = 1").Scan(&site.Code, &site.Name, &site.Kind, &site.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return site, data.Errorf(data.ENOTFOUND, "数据库尚未初始化站点")
	}
	return site, err
}

// Items returns the active service items ordered by code.
func (s *Store) Items(ctx context.Context) ([]data.ServiceItem, error) {
	return readItems(ctx, s.db, "i.active ORDER BY i.code")
}

// readItems reads the service items matching where (SQL over alias i,
// its order too), with their departments' names and their materials.
func readItems(ctx context.Context, q querier, where string) ([]data.ServiceItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT i.id, i.code, i.name, i.department_id, d.name, i.kind, i.statutory, i.promised, i.materials
		FROM items i JOIN departments d ON d.id = i.department_id WHERE `+where)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []data.ServiceItem
	for rows.Next() {
		var it data.ServiceItem
		var mats string
		if err := rows.Scan(&it.ID, &it.Code, &it.Name, &it.DepartmentID, &it.Department, &it.Kind, &it.Statutory, &it.Promised, &mats); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(mats), &it.Materials); err != nil {
			return nil, fmt.Errorf("item %s materials: %w", it.Code, err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// item reads one service item inside a transaction.
func item(tx *sql.Tx, id int64) (data.ServiceItem, error) {
	var it data.ServiceItem
	var mats string
	err := tx.QueryRow(`SELECT i.id, i.code, i.name, i.department_id, d.name, i.kind, i.statutory, i.promised, i.materials
		FROM items i JOIN departments d ON d.id = i.department_id WHERE i.id = ?`, id).
		Scan(&it.ID, &it.Code, &it.Name, &it.DepartmentID, &it.Department, &it.Kind, &it.Statutory, &it.Promised, &mats)
	if errors.Is(err, sql.ErrNoRows) {
		return it, &data.Error{Code: data.ENOTFOUND, Field: "item", Message: fmt.Sprintf("办理事项：编号 %d 不存在", id)}
	}
	if err != nil {
		return it, err
	}
	return it, json.Unmarshal([]byte(mats), &it.Materials)
}

// Windows returns the site's windows ordered by code.
func (s *Store) Windows(ctx context.Context) ([]data.Window, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, code, name FROM windows ORDER BY code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []data.Window
	for rows.Next() {
		var w data.Window
		if err := rows.Scan(&w.ID, &w.Code, &w.Name); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Users returns the active users ordered by login.
func (s *Store) Users(ctx context.Context) ([]data.User, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, login, name, role, coalesce(window_id, 0), department FROM users WHERE active ORDER BY login")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []data.User
	for rows.Next() {
		var u data.User
		if err := rows.Scan(&u.ID, &u.Login, &u.Name, &u.Role, &u.WindowID, &u.Department); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserByLogin finds an active user.
func (s *Store) UserByLogin(ctx context.Context, login string) (data.User, error) {
	var u data.User
	err := s.db.QueryRowContext(ctx, "SELECT id, login, name, role, coalesce(window_id, 0), department FROM users WHERE login = ? AND active", login).
		Scan(&u.ID, &u.Login, &u.Name, &u.Role, &u.WindowID, &u.Department)
	if errors.Is(err, sql.ErrNoRows) {
		return u, &data.Error{Code: data.ENOTFOUND, Field: "user", Message: fmt.Sprintf("用户：%s 不存在或已停用", login)}
	}
	return u, err
}
