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
	"github.com/onewindow/onewindow/data/problem"
)

// IssueProblemDocument issues a problem's paper (问题受理回执, 情况说明函)
// as IssueDocument does a case's: the same paper again (same content hash)
// is a reprint, audited; a paper whose words changed since (a track chosen,
// a later explanation) gets a new number. One transaction with its audit
// entry; the document carries its signed token, whose case field is the
// problem number. Only the site that registered the problem issues its
// papers.
func (s *Store) IssueProblemDocument(ctx context.Context, number string, kind data.DocKind, actorID int64) (data.Document, error) {
	if _, err := problem.ParseDocKind(string(kind)); err != nil {
		return data.Document{}, err
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return data.Document{}, err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return data.Document{}, err
	}
	threshold := s.Threshold(ctx)
	now := s.now()
	var doc data.Document
	err = s.write(ctx, func(tx *sql.Tx) error {
		actor, err := activeUser(tx, actorID)
		if err != nil {
			return err
		}
		p, err := loadProblem(ctx, tx, number)
		if err != nil {
			return err
		}
		in := problem.NoticeInput{Problem: &p, Kind: kind, Clerk: actor.Name}
		if in.Site, err = siteOf(ctx, tx); err != nil {
			return err
		}
		if p.SiteCode != in.Site.Code {
			return data.Errorf(data.EFORBIDDEN, "问题 %s 由站点 %s 登记，其文书只能在该站点出具", number, p.SiteCode)
		}
		if err := problem.Issuable(&p, kind); err != nil {
			return err
		}
		if err := tx.QueryRow("SELECT coalesce((SELECT value FROM settings WHERE key = 'sample_data'), '') = '1'").Scan(&in.Sample); err != nil {
			return err
		}
		if actor.WindowID != 0 {
			var code, name string
			if err := tx.QueryRow("SELECT code, name FROM windows WHERE id = ?", actor.WindowID).Scan(&code, &name); err != nil {
				return err
			}
			in.Window = code + " " + name
		} else {
			in.Window = in.Site.Name
		}
		if in.Departments, err = departmentNames(tx); err != nil {
			return err
		}
		today := calendar.DateOf(now)
		in.Clock = problem.Compute(p.State, cal, today, threshold)

		var prevNumber, prevAt, prevHash, prevBy string
		var prevReprints int
		err = tx.QueryRow(`SELECT d.number, d.issued_at, d.hash, d.reprints, u.login FROM problem_documents d JOIN users u ON u.id = d.issued_by
			WHERE d.problem_id = ? AND d.kind = ? ORDER BY d.id DESC LIMIT 1`, p.ID, kind).Scan(&prevNumber, &prevAt, &prevHash, &prevReprints, &prevBy)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil {
			at, err := time.Parse(time.RFC3339, prevAt)
			if err != nil {
				return err
			}
			in.Number, in.Issued = prevNumber, calendar.DateOf(at)
			n := problem.BuildNotice(in)
			if h := n.Hash(); hex.EncodeToString(h[:]) == prevHash {
				if err := updateOne(tx, "UPDATE problem_documents SET reprints = reprints + 1 WHERE number = ?", "文书", prevNumber); err != nil {
					return err
				}
				doc = data.Document{Number: prevNumber, Kind: kind, Case: p.Number, IssuedAt: at, IssuedBy: prevBy, Reprints: prevReprints + 1, Notice: n, Hash: prevHash}
				return s.audit(tx, actor.Login, "document.reprint", prevNumber, fmt.Sprintf(`{"problem":%q,"kind":%q,"reprint":%d}`, p.Number, kind, doc.Reprints))
			}
		}
		year := now.In(calendar.Shanghai).Year()
		var seq int
		if err := tx.QueryRow("SELECT coalesce(max(seq), 0) + 1 FROM problem_documents WHERE site_code = ? AND kind = ? AND year = ?", in.Site.Code, kind, year).Scan(&seq); err != nil {
			return err
		}
		in.Number, in.Issued = fmt.Sprintf("%s-%d-%s%06d", in.Site.Code, year, problem.DocPrefix(kind), seq), today
		n := problem.BuildNotice(in)
		h := n.Hash()
		content, _ := json.Marshal(n)
		doc = data.Document{Number: in.Number, Kind: kind, Case: p.Number, IssuedAt: now, IssuedBy: actor.Login, Notice: n, Hash: hex.EncodeToString(h[:])}
		if _, err := tx.Exec(`INSERT INTO problem_documents (number, site_code, kind, year, seq, problem_id, issued_at, issued_by, content, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			doc.Number, in.Site.Code, kind, year, seq, p.ID, now.Format(time.RFC3339), actor.ID, string(content), doc.Hash); err != nil {
			return err
		}
		detail := fmt.Sprintf(`{"problem":%q,"kind":%q,"hash":%q}`, p.Number, kind, doc.Hash)
		if prevNumber != "" {
			detail = fmt.Sprintf(`{"problem":%q,"kind":%q,"hash":%q,"replaces":%q}`, p.Number, kind, doc.Hash, prevNumber)
		}
		return s.audit(tx, actor.Login, "document.issue", doc.Number, detail)
	})
	if err != nil {
		return data.Document{}, err
	}
	doc.Token = doc.ReceiptToken().Sign(key)
	return doc, nil
}

// ProblemDocuments returns the papers issued for a problem, oldest first.
func (s *Store) ProblemDocuments(ctx context.Context, number string) ([]data.Document, error) {
	return problemDocuments(ctx, s.db, "p.number = ?", number)
}

func problemDocuments(ctx context.Context, q querier, where string, arg any) ([]data.Document, error) {
	return scanDocuments(q.QueryContext(ctx, `SELECT d.number, d.kind, p.number, d.issued_at, u.login, d.reprints, d.content, d.hash
		FROM problem_documents d JOIN problems p ON p.id = d.problem_id JOIN users u ON u.id = d.issued_by WHERE `+where+` ORDER BY d.id`, arg))
}

func departmentNames(tx *sql.Tx) (map[string]string, error) {
	rows, err := tx.Query("SELECT code, name FROM departments")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}
