package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// IssueDocument issues a document of kind for the case, or prints the one
// already issued again: when the case's notice of that kind reads as it did
// (same content hash), it is the same document, counted as a reprint (补打)
// and audited; when something changed since (a waiver approved, a later
// decision), it is a new document with a new number. Either way one
// transaction with its audit entry, and the returned document carries its
// signed token.
func (s *Store) IssueDocument(ctx context.Context, number string, kind data.DocKind, actorID int64) (data.Document, error) {
	if _, err := data.ParseDocKind(string(kind)); err != nil {
		return data.Document{}, err
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return data.Document{}, err
	}
	var doc data.Document
	_, err = s.onCase(ctx, number, actorID, func(c *caseTx) error {
		if err := kind.Issuable(&c.app); err != nil {
			return err
		}
		in := data.NoticeInput{App: &c.app, Kind: kind, Clerk: c.actor.Name}
		if err := c.tx.QueryRow("SELECT coalesce((SELECT value FROM settings WHERE key = 'sample_data'), '') = '1'").Scan(&in.Sample); err != nil {
			return err
		}
		var err error
		if in.Site, err = siteOf(ctx, c.tx); err != nil {
			return err
		}
		var wname string
		if err := c.tx.QueryRow("SELECT code, name FROM windows WHERE id = ?", c.app.WindowID).Scan(&in.Window, &wname); err != nil {
			return err
		}
		in.Window += " " + wname
		if in.Names, err = userNames(c.tx); err != nil {
			return err
		}
		today := calendar.DateOf(c.now)
		in.Clock = clock.Compute(c.app.ClockEvents(), c.app.Limits(), c.cal, today, c.threshold)

		doc, err = c.s.issuePaper(c.tx, c.actor, c.app.ID, c.app.Number, in.Site.Code, kind, c.now, map[string]string{"case": c.app.Number},
			func(number string, issued calendar.Date) data.Notice {
				in.Number, in.Issued = number, issued
				return data.BuildNotice(in)
			})
		return err
	})
	if err != nil {
		return data.Document{}, err
	}
	doc.Token = doc.ReceiptToken().Sign(key)
	return doc, nil
}

func userNames(tx *sql.Tx) (map[string]string, error) {
	rows, err := tx.Query("SELECT login, name FROM users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var l, n string
		if err := rows.Scan(&l, &n); err != nil {
			return nil, err
		}
		out[l] = n
	}
	return out, rows.Err()
}

// issuePaper issues a paper of kind kept with the case appID (number
// caseNumber, of site), or counts a reprint (补打) of the latest one of
// that kind when build writes it the same again (same content hash); build
// writes the notice for a document number and issue day. subject names
// what the audit entry is about (the case, a 主题件). In the caller's
// transaction, with its audit entry.
func (s *Store) issuePaper(tx *sql.Tx, actor data.User, appID int64, caseNumber, site string, kind data.DocKind, now time.Time,
	subject map[string]string, build func(number string, issued calendar.Date) data.Notice) (data.Document, error) {
	detail := func(extra map[string]any) string {
		m := map[string]any{"kind": kind}
		for k, v := range subject {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	var prevNumber, prevAt, prevHash, prevBy string
	var prevReprints int
	err := tx.QueryRow(`SELECT d.number, d.issued_at, d.hash, d.reprints, u.login FROM documents d JOIN users u ON u.id = d.issued_by
		WHERE d.app_id = ? AND d.kind = ? ORDER BY d.id DESC LIMIT 1`, appID, kind).Scan(&prevNumber, &prevAt, &prevHash, &prevReprints, &prevBy)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return data.Document{}, err
	}
	if err == nil {
		at, err := time.Parse(time.RFC3339, prevAt)
		if err != nil {
			return data.Document{}, err
		}
		n := build(prevNumber, calendar.DateOf(at))
		if h := n.Hash(); hex.EncodeToString(h[:]) == prevHash {
			if err := updateOne(tx, "UPDATE documents SET reprints = reprints + 1 WHERE number = ?", "文书", prevNumber); err != nil {
				return data.Document{}, err
			}
			doc := data.Document{Number: prevNumber, Kind: kind, Case: caseNumber, IssuedAt: at, IssuedBy: prevBy, Reprints: prevReprints + 1, Notice: n, Hash: prevHash}
			return doc, s.audit(tx, actor.Login, "document.reprint", prevNumber, detail(map[string]any{"reprint": doc.Reprints}))
		}
	}
	year := now.In(calendar.Shanghai).Year()
	var seq int
	if err := tx.QueryRow("SELECT coalesce(max(seq), 0) + 1 FROM documents WHERE site_code = ? AND kind = ? AND year = ?", site, kind, year).Scan(&seq); err != nil {
		return data.Document{}, err
	}
	number := fmt.Sprintf("%s-%d-%s%06d", site, year, kind.Prefix(), seq)
	n := build(number, calendar.DateOf(now))
	h := n.Hash()
	content, _ := json.Marshal(n)
	doc := data.Document{Number: number, Kind: kind, Case: caseNumber, IssuedAt: now, IssuedBy: actor.Login, Notice: n, Hash: hex.EncodeToString(h[:])}
	if _, err := tx.Exec(`INSERT INTO documents (number, site_code, kind, year, seq, app_id, issued_at, issued_by, content, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		doc.Number, site, kind, year, seq, appID, now.Format(time.RFC3339), actor.ID, string(content), doc.Hash); err != nil {
		return data.Document{}, err
	}
	extra := map[string]any{"hash": doc.Hash}
	if prevNumber != "" {
		extra["replaces"] = prevNumber
	}
	return doc, s.audit(tx, actor.Login, "document.issue", doc.Number, detail(extra))
}
