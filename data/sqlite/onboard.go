package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/catalogue"
)

// A centre's catalogue from its spreadsheets (data/catalogue reads and
// checks them): read whole, compared, and written as one transaction with
// one audit entry naming the files' SHA-256.

// CatalogueImport says how to import.
type CatalogueImport struct {
	Files  []catalogue.File // named in the audit entry
	DryRun bool             // check and compare only; nothing is written or audited
	// Deliver, when set, receives the new users with their one-time PINs
	// inside the transaction, before it commits: the slips are written
	// (or printed) first, and when that fails nothing is imported, so no
	// user exists whose PIN nobody has.
	Deliver func([]NewUser) error
}

// NewUser is a user an import added, with the one-time PIN to hand over.
type NewUser struct {
	Login, Name string
	Role        data.Role
	Window      string
	PIN         string
}

// CatalogueResult is what an import found and did.
type CatalogueResult struct {
	Problems []catalogue.Problem // not empty: nothing was written
	Counts   []catalogue.Count
	Changes  []string
	NewUsers []NewUser // with their one-time PINs (none on a dry run)
	Applied  bool      // written and audited
}

// Catalogue reads the site's whole catalogue as the spreadsheets hold it:
// inactive users and items included, each item with its fee codes.
func (s *Store) Catalogue(ctx context.Context) (*catalogue.Catalogue, error) {
	return readCatalogue(ctx, s.db)
}

func readCatalogue(ctx context.Context, q querier) (*catalogue.Catalogue, error) {
	c := &catalogue.Catalogue{}
	if err := eachRow(ctx, q, "SELECT code, name FROM departments ORDER BY code", func(r *sql.Rows) error {
		var d catalogue.Department
		err := r.Scan(&d.Code, &d.Name)
		c.Departments = append(c.Departments, d)
		return err
	}); err != nil {
		return nil, err
	}
	if err := eachRow(ctx, q, "SELECT code, name FROM windows ORDER BY code", func(r *sql.Rows) error {
		var w catalogue.Window
		err := r.Scan(&w.Code, &w.Name)
		c.Windows = append(c.Windows, w)
		return err
	}); err != nil {
		return nil, err
	}
	if err := eachRow(ctx, q, `SELECT u.login, u.name, u.role, coalesce(w.code, ''), u.active FROM users u LEFT JOIN windows w ON w.id = u.window_id ORDER BY u.login`, func(r *sql.Rows) error {
		var u catalogue.User
		err := r.Scan(&u.Login, &u.Name, &u.Role, &u.Window, &u.Active)
		c.Users = append(c.Users, u)
		return err
	}); err != nil {
		return nil, err
	}
	fees, err := feeItems(ctx, q, "1", nil)
	if err != nil {
		return nil, err
	}
	for _, f := range fees {
		c.Fees = append(c.Fees, catalogue.Fee{FeeItem: f})
	}
	if err := eachRow(ctx, q, "SELECT code, name, basis, valid_from, coalesce(valid_to, '') FROM waiver_policies ORDER BY code", func(r *sql.Rows) error {
		var p catalogue.Policy
		var from, to string
		if err := r.Scan(&p.Code, &p.Name, &p.Basis, &from, &to); err != nil {
			return err
		}
		var err error
		p.ValidFrom, p.ValidTo, err = data.ParseValidity(from, to)
		c.Policies = append(c.Policies, p)
		return err
	}); err != nil {
		return nil, err
	}
	itemFees := map[string][]string{}
	if err := eachRow(ctx, q, "SELECT i.code, f.fee_code FROM item_fees f JOIN items i ON i.id = f.item_id ORDER BY i.code, f.fee_code", func(r *sql.Rows) error {
		var item, fee string
		err := r.Scan(&item, &fee)
		itemFees[item] = append(itemFees[item], fee)
		return err
	}); err != nil {
		return nil, err
	}
	err = eachRow(ctx, q, `SELECT i.code, i.name, d.code, i.kind, i.statutory, i.promised, i.materials, i.active
		FROM items i JOIN departments d ON d.id = i.department_id ORDER BY i.code`, func(r *sql.Rows) error {
		var it catalogue.Item
		var mats string
		if err := r.Scan(&it.Code, &it.Name, &it.Department, &it.Kind, &it.Statutory, &it.Promised, &mats, &it.Active); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(mats), &it.Materials); err != nil {
			return fmt.Errorf("item %s materials: %w", it.Code, err)
		}
		if len(it.Materials) == 0 {
			it.Materials = nil
		}
		it.Fees = itemFees[it.Code]
		c.Items = append(c.Items, it)
		return nil
	})
	return c, err
}

func eachRow(ctx context.Context, q querier, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ImportCatalogue compares the file's catalogue c (from catalogue.Parse,
// without problems) with the store's and, unless o.DryRun, writes what
// differs in one transaction with one audit entry; administrators only.
// When anything is wrong — a reference to nothing, a login of someone else,
// overlapping fee schedules — nothing is written and the result lists
// every problem (the error is EINVALID). New users get a one-time PIN
// they must change at their first login; the result carries the PINs,
// which are stored nowhere else.
func (s *Store) ImportCatalogue(ctx context.Context, actorID int64, c *catalogue.Catalogue, o CatalogueImport) (CatalogueResult, error) {
	var res CatalogueResult
	if o.DryRun {
		err := s.readTx(ctx, func(tx *sql.Tx) error {
			login, err := requireAdmin(tx, actorID)
			if err != nil {
				return err
			}
			return s.planCatalogue(ctx, tx, c, login, &res)
		})
		return res, err
	}
	// The PINs are hashed before the writer's lock is taken: a bcrypt hash
	// takes tens of milliseconds, and a centre adds dozens of staff at once.
	// Only for an administrator (checked again in the transaction).
	if err := s.readTx(ctx, func(tx *sql.Tx) error { _, err := requireAdmin(tx, actorID); return err }); err != nil {
		return res, err
	}
	pins, err := s.newPINs(ctx, c)
	if err != nil {
		return res, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		login, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		if err := s.planCatalogue(ctx, tx, c, login, &res); err != nil {
			return err
		}
		if err := applyCatalogue(tx, c, pins); err != nil {
			return err
		}
		for _, u := range c.NewUsers() {
			res.NewUsers = append(res.NewUsers, NewUser{Login: u.Login, Name: u.Name, Role: u.Role, Window: u.Window, PIN: pins[u.Login].pin})
		}
		if o.Deliver != nil && len(res.NewUsers) > 0 {
			if err := o.Deliver(res.NewUsers); err != nil {
				return err
			}
		}
		detail, _ := json.Marshal(map[string]any{"files": o.Files, "counts": res.Counts, "changes": res.Changes, "new_users": len(res.NewUsers)})
		return s.audit(tx, login, "catalogue.import", catalogueEntity(o.Files), string(detail))
	})
	if err != nil {
		res.NewUsers = nil
		return res, err
	}
	res.Applied = true
	return res, nil
}

func catalogueEntity(files []catalogue.File) string {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.SHA256
	}
	return strings.Join(names, ",")
}

// planCatalogue compares inside tx and fills the result; problems make it
// return EINVALID.
func (s *Store) planCatalogue(ctx context.Context, tx *sql.Tx, c *catalogue.Catalogue, actor string, res *CatalogueResult) error {
	cur, err := readCatalogue(ctx, tx)
	if err != nil {
		return err
	}
	res.Problems = catalogue.Plan(c, cur, actor)
	res.Counts, res.Changes = c.Counts(), c.Changes()
	if n := len(res.Problems); n > 0 {
		return &data.Error{Code: data.EINVALID, Field: "file", Message: fmt.Sprintf("文件中有 %d 处问题，没有导入任何内容", n)}
	}
	return nil
}

// readTx runs fn in a transaction that is always rolled back.
func (s *Store) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return classify(err)
	}
	defer tx.Rollback()
	return classify(fn(tx))
}

type newPIN struct{ pin, hash string }

// newPINs makes a one-time PIN and its hash for every user of c whose
// login the store does not have yet.
func (s *Store) newPINs(ctx context.Context, c *catalogue.Catalogue) (map[string]newPIN, error) {
	have := map[string]bool{}
	if err := eachRow(ctx, s.db, "SELECT login FROM users", func(r *sql.Rows) error {
		var l string
		err := r.Scan(&l)
		have[l] = true
		return err
	}); err != nil {
		return nil, err
	}
	out := map[string]newPIN{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var firstErr error
	sem := make(chan struct{}, 4)
	for _, u := range c.Users {
		if have[u.Login] {
			continue
		}
		wg.Add(1)
		go func(login string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			pin, err := oneTimePIN()
			var hash string
			if err == nil {
				hash, err = hashPIN(pin)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			out[login] = newPIN{pin, hash}
		}(u.Login)
	}
	wg.Wait()
	return out, firstErr
}

// oneTimePIN is a random PIN of 8 digits, for a new user's first login.
func oneTimePIN() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%08d", n.Int64()), nil
}

// applyCatalogue writes every record Plan marked new or changed, in the
// order references need: departments, windows, fees and policies before
// the items and users that name them.
func applyCatalogue(tx *sql.Tx, c *catalogue.Catalogue, pins map[string]newPIN) error {
	for _, d := range c.Departments {
		if err := upsert(tx, d.Op, "INSERT INTO departments (code, name) VALUES (?, ?)", "UPDATE departments SET name = ?2 WHERE code = ?1", d.Code, d.Name); err != nil {
			return fmt.Errorf("department %s: %w", d.Code, err)
		}
	}
	for _, w := range c.Windows {
		if err := upsert(tx, w.Op, "INSERT INTO windows (code, name) VALUES (?, ?)", "UPDATE windows SET name = ?2 WHERE code = ?1", w.Code, w.Name); err != nil {
			return fmt.Errorf("window %s: %w", w.Code, err)
		}
	}
	for _, f := range c.Fees {
		if err := upsert(tx, f.Op, "INSERT INTO fee_items (code, valid_from, name, amount_fen, unit, basis, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?)",
			"UPDATE fee_items SET name = ?3, amount_fen = ?4, unit = ?5, basis = ?6, valid_to = ?7 WHERE code = ?1 AND valid_from = ?2",
			f.Code, f.ValidFrom.String(), f.Name, f.AmountFen, f.Unit, f.Basis, dateOrNil(f.ValidTo)); err != nil {
			return fmt.Errorf("fee %s: %w", f.Code, err)
		}
	}
	for _, p := range c.Policies {
		if err := upsert(tx, p.Op, "INSERT INTO waiver_policies (code, name, basis, valid_from, valid_to) VALUES (?, ?, ?, ?, ?)",
			"UPDATE waiver_policies SET name = ?2, basis = ?3, valid_from = ?4, valid_to = ?5 WHERE code = ?1",
			p.Code, p.Name, p.Basis, p.ValidFrom.String(), dateOrNil(p.ValidTo)); err != nil {
			return fmt.Errorf("waiver policy %s: %w", p.Code, err)
		}
	}
	for _, it := range c.Items {
		if it.Op == catalogue.OpSame {
			continue
		}
		mats, _ := json.Marshal(nonNil(it.Materials))
		if err := upsert(tx, it.Op, `INSERT INTO items (code, name, department_id, kind, statutory, promised, materials, active)
			VALUES (?1, ?2, (SELECT id FROM departments WHERE code = ?3), ?4, ?5, ?6, ?7, ?8)`,
			`UPDATE items SET name = ?2, department_id = (SELECT id FROM departments WHERE code = ?3), kind = ?4, statutory = ?5, promised = ?6,
			materials = ?7, active = ?8 WHERE code = ?1`,
			it.Code, it.Name, it.Department, it.Kind, it.Statutory, it.Promised, string(mats), it.Active); err != nil {
			return fmt.Errorf("item %s: %w", it.Code, err)
		}
		var id int64
		if err := tx.QueryRow("SELECT id FROM items WHERE code = ?", it.Code).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec("DELETE FROM item_fees WHERE item_id = ?", id); err != nil {
			return err
		}
		if err := setItemFees(tx, id, it.Code, it.Fees); err != nil {
			return err
		}
	}
	for _, u := range c.Users {
		switch u.Op {
		case catalogue.OpAdd:
			p, ok := pins[u.Login]
			if !ok || p.hash == "" {
				return data.Errorf(data.ECONFLICT, "用户 %s 在检查后才被他人添加，请重新导入", u.Login)
			}
			if _, err := tx.Exec(`INSERT INTO users (login, name, role, window_id, pin_hash, must_change, active)
				VALUES (?, ?, ?, (SELECT id FROM windows WHERE code = ?), ?, 1, 1)`, u.Login, u.Name, u.Role, u.Window, p.hash); err != nil {
				return fmt.Errorf("user %s: %w", u.Login, err)
			}
		case catalogue.OpChange:
			if _, err := tx.Exec(`UPDATE users SET role = ?, window_id = (SELECT id FROM windows WHERE code = ?), active = ? WHERE login = ?`,
				u.Role, u.Window, u.Active, u.Login); err != nil {
				return fmt.Errorf("user %s: %w", u.Login, err)
			}
		}
	}
	return nil
}

// upsert runs insert for a new record and update for a changed one (both
// take the same arguments, the key first); a record that is the same is
// left alone.
func upsert(tx *sql.Tx, op catalogue.Op, insert, update string, args ...any) error {
	var q string
	switch op {
	case catalogue.OpAdd:
		q = insert
	case catalogue.OpChange:
		q = update
	default:
		return nil
	}
	res, err := tx.Exec(q, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("changed %d rows, want 1", n)
	}
	return nil
}
