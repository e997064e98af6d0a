package sqlite

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/catalogue"
	"github.com/onewindow/onewindow/data/exchange"
)

// Publications (下发包, exchange/publication.go): a central office on
// SQLite makes them; a site takes its centre's in sequence.

// Publish makes the centre's next publication from p (its catalogue,
// schedule, addressees and note), signed with the centre's key, and
// records it — its bytes kept — with its audit entry; administrators of a
// centre only. It returns the publication's bytes, for the caller to
// write into the exchange folder.
func (s *Store) Publish(ctx context.Context, actorID int64, p *exchange.Publication, program string) ([]byte, error) {
	site, err := s.Site(ctx)
	if err != nil {
		return nil, err
	}
	if site.Kind != data.SiteCentre {
		return nil, data.Errorf(data.EFORBIDDEN, "只有中心可以下发：本站点是%s", site.Kind.Label())
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return nil, err
	}
	var raw []byte
	err = s.write(ctx, func(tx *sql.Tx) error {
		actor, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		var seq int64
		if err := tx.QueryRow("SELECT coalesce(max(seq), 0) + 1 FROM publications").Scan(&seq); err != nil {
			return err
		}
		// The county departments' answers to problems reported up, for
		// the sites this publication goes to.
		if p.Replies, err = takeReplies(tx, seq, p.Manifest.Sites); err != nil {
			return err
		}
		if p.Empty() {
			return data.Errorf(data.ECONFLICT, "没有可下发的内容：没有事项目录、节假日安排，也没有待发回的上报问题答复")
		}
		if raw, err = p.Seal(site, seq, s.now(), program, key); err != nil {
			return err
		}
		sites, _ := json.Marshal(p.Manifest.Sites)
		if _, err := tx.Exec("INSERT INTO publications (seq, sha256, created_at, sites, summary, body) VALUES (?, ?, ?, ?, ?, ?)",
			seq, p.SHA256, p.Manifest.CreatedAt, string(sites), p.Summary(), raw); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"sha256": p.SHA256, "sites": p.Manifest.Sites, "summary": p.Summary(), "note": p.Manifest.Note})
		return s.audit(tx, actor, "publication.publish", exchange.PublicationName(site.Code, seq), string(detail))
	})
	return raw, err
}

// PublicationBytes returns the bytes of the centre's publication seq, to
// write a lost file again.
func (s *Store) PublicationBytes(ctx context.Context, seq int64) ([]byte, error) {
	var raw []byte
	err := s.db.QueryRowContext(ctx, "SELECT body FROM publications WHERE seq = ?", seq).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &data.Error{Code: data.ENOTFOUND, Field: "seq", Message: fmt.Sprintf("下发包：第 %d 号不存在", seq)}
	}
	return raw, err
}

// CentreTrust is the central office whose publications a site takes.
type CentreTrust struct {
	Code, Name string
	Key        ed25519.PublicKey
}

// Centre returns the central office this site takes publications from;
// ENOTFOUND before one is registered.
func (s *Store) Centre(ctx context.Context) (CentreTrust, error) {
	var c CentreTrust
	code, err := s.setting(ctx, "centre_code", "")
	if err != nil {
		return c, err
	}
	if code == "" {
		return c, data.Errorf(data.ENOTFOUND, "本站点尚未登记中心：请用 onewindow site trust-centre 中心登记文件.json 登记")
	}
	name, err := s.setting(ctx, "centre_name", "")
	if err != nil {
		return c, err
	}
	key, err := s.setting(ctx, "centre_public_key", "")
	if err != nil {
		return c, err
	}
	b, err := base64.StdEncoding.DecodeString(key)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return c, data.Errorf(data.ECONFLICT, "数据库中登记的中心公钥已损坏，请重新登记中心")
	}
	return CentreTrust{Code: code, Name: name, Key: b}, nil
}

// TrustCentre registers the central office whose publications this site
// takes, from the centre's registration file; administrators only. The same
// centre and key again change nothing; another centre or key is refused
// unless replace is set (a forged file must not take the centre's place
// unnoticed).
func (s *Store) TrustCentre(ctx context.Context, actorID int64, r exchange.Registration, replace bool) (changed bool, err error) {
	if r, err = exchange.ParseRegistration(exchange.MarshalRegistration(r)); err != nil {
		return false, err
	}
	if r.Kind != data.SiteCentre {
		return false, data.FieldError("kind", "登记文件", "%s（%s）不是中心，是%s", r.Name, r.Code, r.Kind.Label())
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		actor, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		var code, key string
		tx.QueryRow("SELECT value FROM settings WHERE key = 'centre_code'").Scan(&code)
		tx.QueryRow("SELECT value FROM settings WHERE key = 'centre_public_key'").Scan(&key)
		if code == r.Code && key == r.PublicKey {
			return nil
		}
		if code != "" && !replace {
			return data.Errorf(data.ECONFLICT, "本站点已登记中心 %s；换为 %s（%s）须明确要求替换（--replace）", code, r.Name, r.Code)
		}
		for k, v := range map[string]string{"centre_code": r.Code, "centre_name": r.Name, "centre_public_key": r.PublicKey} {
			if _, err := tx.Exec("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", k, v); err != nil {
				return err
			}
		}
		changed = true
		detail, _ := json.Marshal(map[string]string{"name": r.Name, "fingerprint": r.Fingerprint(), "replaced": code})
		return s.audit(tx, actor, "centre.trust", r.Code, string(detail))
	})
	return changed, err
}

// Receive says how a site takes its centre's publications.
type Receive struct {
	// WithStaff takes the windows and staff a publication carries for this
	// site; without it they are left out (and the result says so).
	WithStaff bool
	DryRun    bool                  // check and compare only
	Deliver   func([]NewUser) error // the new users' one-time PINs, as CatalogueImport's
}

// PublicationResult is what became of one publication file.
type PublicationResult struct {
	File      string
	Seq       int64
	Outcome   exchange.ImportOutcome
	Message   string
	Summary   string
	Catalogue CatalogueResult
	Calendar  *CalendarChange
	StaffLeft bool // windows or staff were carried and left out
	Replies   int  // answers to this site's problems written into their logs
}

// ReceivePublications takes the centre's publications found in dir, in
// sequence: each verified against the registered centre's key before it
// is read, applied in one transaction with its audit entry (the catalogue
// as an onboarding import does — what it does not name is kept — and the
// national schedule), or recorded as not addressed to this site; one whose
// predecessor has not been taken is held, and one with problems stops the
// sequence there with nothing of it written. Administrators only.
func (s *Store) ReceivePublications(ctx context.Context, actorID int64, dir string, o Receive) ([]PublicationResult, error) {
	centre, err := s.Centre(ctx)
	if err != nil {
		return nil, err
	}
	site, err := s.Site(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, data.Errorf(data.ENOTFOUND, "文件夹 %s 无法读取：%v", dir, err)
	}
	var files []PublicationResult
	for _, e := range entries {
		if code, seq, ok := exchange.ParsePublicationName(e.Name()); ok && code == centre.Code && !e.IsDir() {
			files = append(files, PublicationResult{File: filepath.Join(dir, e.Name()), Seq: seq})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Seq < files[j].Seq })
	stopped := false
	for i := range files {
		r := &files[i]
		last, sum, err := s.lastPublication(ctx, centre.Code, r.Seq)
		if err != nil {
			return files, err
		}
		switch {
		case sum != "":
			r.Outcome, r.Message = exchange.ImportAlready, "已接收过"
			continue
		case stopped || r.Seq > last+1:
			r.Outcome, r.Message = exchange.ImportHeld, fmt.Sprintf("缺少第 %d 号下发包，暂缓", last+1)
			continue
		}
		if err := s.receiveOne(ctx, actorID, site, centre, r, o); err != nil {
			if data.ErrorCode(err) != data.EINVALID && data.ErrorCode(err) != data.ECONFLICT {
				return files, err
			}
			r.Outcome, r.Message = exchange.ImportRejected, data.ErrorMessage(err)
			stopped = true
		}
	}
	return files, nil
}

// lastPublication returns the last sequence taken from the centre, and
// the SHA-256 of seq if it was taken.
func (s *Store) lastPublication(ctx context.Context, centre string, seq int64) (int64, string, error) {
	var last int64
	var sum string
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0), coalesce(max(CASE WHEN seq = ? THEN sha256 END), '')
		FROM received_publications WHERE centre = ?`, seq, centre).Scan(&last, &sum)
	return last, sum, err
}

func (s *Store) receiveOne(ctx context.Context, actorID int64, site data.Site, centre CentreTrust, r *PublicationResult, o Receive) error {
	raw, err := exchange.ReadPublicationFile(r.File)
	if err != nil {
		return exchange.PublicationError("%v", err)
	}
	p, err := exchange.ReadPublication(raw, centre.Code, centre.Key)
	if err != nil {
		return err
	}
	if p.Manifest.Seq != r.Seq {
		return exchange.PublicationError("文件名是第 %d 号，内容是第 %d 号", r.Seq, p.Manifest.Seq)
	}
	r.Summary = p.Summary()
	outcome := "applied"
	var c *catalogue.Catalogue
	if !p.Manifest.For(site.Code) {
		outcome, r.Summary = "not_addressed", "不是发给本站点的："+r.Summary
	} else if p.Catalogue != nil {
		var problems []catalogue.Problem
		if c, problems = catalogue.Parse(*p.Catalogue); len(problems) > 0 {
			r.Catalogue.Problems = problems
			return data.Errorf(data.EINVALID, "事项目录中有 %d 处问题，没有接收", len(problems))
		}
		if !o.WithStaff && (len(c.Windows) > 0 || len(c.Users) > 0) {
			c.Windows, c.Users, r.StaffLeft = nil, nil, true
		}
	}
	if err := s.readTx(ctx, func(tx *sql.Tx) error { _, err := requireAdmin(tx, actorID); return err }); err != nil {
		return err
	}
	pins := map[string]newPIN{}
	if c != nil && !o.DryRun {
		if pins, err = s.newPINs(ctx, c); err != nil {
			return err
		}
	}
	apply := func(tx *sql.Tx) error {
		login, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		var last int64
		if err := tx.QueryRow("SELECT coalesce(max(seq), 0) FROM received_publications WHERE centre = ?", centre.Code).Scan(&last); err != nil {
			return err
		}
		if last != r.Seq-1 {
			return data.Errorf(data.ECONFLICT, "第 %d 号下发包已由另一次接收处理", r.Seq)
		}
		if c != nil {
			if err := s.planCatalogue(ctx, tx, c, login, &r.Catalogue); err != nil {
				return err
			}
			if !o.DryRun {
				if err := applyCatalogue(tx, c, pins); err != nil {
					return err
				}
				for _, u := range c.NewUsers() {
					r.Catalogue.NewUsers = append(r.Catalogue.NewUsers, NewUser{Login: u.Login, Name: u.Name, Role: u.Role, Window: u.Window, PIN: pins[u.Login].pin})
				}
			}
		}
		if p.Schedule != nil && outcome == "applied" && !o.DryRun {
			ch, err := s.putNational(ctx, tx, *p.Schedule)
			if err != nil {
				return err
			}
			r.Calendar = &ch
		}
		if len(p.Replies) > 0 && outcome == "applied" && !o.DryRun {
			actor, err := activeUser(tx, actorID)
			if err != nil {
				return err
			}
			if r.Replies, err = s.applyReplies(ctx, tx, site, actor, exchange.PublicationName(centre.Code, r.Seq), p.Replies); err != nil {
				return err
			}
		}
		if o.DryRun {
			return nil
		}
		if o.Deliver != nil && len(r.Catalogue.NewUsers) > 0 {
			if err := o.Deliver(r.Catalogue.NewUsers); err != nil {
				return err
			}
		}
		if _, err := tx.Exec("INSERT INTO received_publications (centre, seq, sha256, applied_at, outcome, summary) VALUES (?, ?, ?, ?, ?, ?)",
			centre.Code, r.Seq, p.SHA256, data.FormatTime(s.now()), outcome, r.Summary); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"sha256": p.SHA256, "outcome": outcome, "summary": r.Summary, "note": p.Manifest.Note,
			"counts": r.Catalogue.Counts, "changes": r.Catalogue.Changes, "new_users": len(r.Catalogue.NewUsers), "calendar": r.Calendar, "staff_left_out": r.StaffLeft, "replies": r.Replies})
		return s.audit(tx, login, "publication.receive", exchange.PublicationName(centre.Code, r.Seq), string(detail))
	}
	if o.DryRun {
		err = s.readTx(ctx, apply)
	} else {
		err = s.writeThen(ctx, apply, s.dropCalendar)
	}
	if err != nil {
		r.Catalogue.NewUsers = nil
		return err
	}
	r.Outcome, r.Catalogue.Applied = exchange.ImportApplied, !o.DryRun
	r.Message = r.Summary
	if r.StaffLeft {
		r.Message += "；其中的窗口和人员未采用（需要时用 --with-staff 接收）"
	}
	if r.Replies > 0 {
		r.Message += fmt.Sprintf("；%d 条上报问题的答复已记入问题", r.Replies)
	}
	return nil
}

// ReceivedPublication is one publication a site took.
type ReceivedPublication struct {
	Centre    string
	Seq       int64
	AppliedAt string
	Outcome   string
	Summary   string
}

// ReceivedPublications lists what the site took, newest first.
func (s *Store) ReceivedPublications(ctx context.Context) ([]ReceivedPublication, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT centre, seq, applied_at, outcome, summary FROM received_publications ORDER BY applied_at DESC, seq DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReceivedPublication
	for rows.Next() {
		var p ReceivedPublication
		if err := rows.Scan(&p.Centre, &p.Seq, &p.AppliedAt, &p.Outcome, &p.Summary); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
