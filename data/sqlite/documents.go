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

		// The latest document of this kind for the case, if any.
		var prevNumber, prevAt, prevHash string
		var prevReprints int
		var prevBy string
		err = c.tx.QueryRow(`SELECT d.number, d.issued_at, d.hash, d.reprints, u.login FROM documents d JOIN users u ON u.id = d.issued_by
			WHERE d.app_id = ? AND d.kind = ? ORDER BY d.id DESC LIMIT 1`, c.app.ID, kind).Scan(&prevNumber, &prevAt, &prevHash, &prevReprints, &prevBy)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil {
			at, err := time.Parse(time.RFC3339, prevAt)
			if err != nil {
				return err
			}
			in.Number, in.Issued = prevNumber, calendar.DateOf(at)
			n := data.BuildNotice(in)
			if h := n.Hash(); hex.EncodeToString(h[:]) == prevHash {
				if err := updateOne(c.tx, "UPDATE documents SET reprints = reprints + 1 WHERE number = ?", "文书", prevNumber); err != nil {
					return err
				}
				doc = data.Document{Number: prevNumber, Kind: kind, Case: c.app.Number, IssuedAt: at, IssuedBy: prevBy, Reprints: prevReprints + 1, Notice: n, Hash: prevHash}
				return c.s.audit(c.tx, c.actor.Login, "document.reprint", prevNumber, fmt.Sprintf(`{"case":%q,"kind":%q,"reprint":%d}`, c.app.Number, kind, doc.Reprints))
			}
		}
		year := c.now.In(calendar.Shanghai).Year()
		var seq int
		if err := c.tx.QueryRow("SELECT coalesce(max(seq), 0) + 1 FROM documents WHERE site_code = ? AND kind = ? AND year = ?", in.Site.Code, kind, year).Scan(&seq); err != nil {
			return err
		}
		in.Number, in.Issued = fmt.Sprintf("%s-%d-%s%06d", in.Site.Code, year, kind.Prefix(), seq), today
		n := data.BuildNotice(in)
		h := n.Hash()
		content, _ := json.Marshal(n)
		doc = data.Document{Number: in.Number, Kind: kind, Case: c.app.Number, IssuedAt: c.now, IssuedBy: c.actor.Login, Notice: n, Hash: hex.EncodeToString(h[:])}
		if _, err := c.tx.Exec(`INSERT INTO documents (number, site_code, kind, year, seq, app_id, issued_at, issued_by, content, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			doc.Number, in.Site.Code, kind, year, seq, c.app.ID, c.now.Format(time.RFC3339), c.actor.ID, string(content), doc.Hash); err != nil {
			return err
		}
		detail := fmt.Sprintf(`{"case":%q,"kind":%q,"hash":%q}`, c.app.Number, kind, doc.Hash)
		if prevNumber != "" {
			detail = fmt.Sprintf(`{"case":%q,"kind":%q,"hash":%q,"replaces":%q}`, c.app.Number, kind, doc.Hash, prevNumber)
		}
		return c.s.audit(c.tx, c.actor.Login, "document.issue", doc.Number, detail)
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
