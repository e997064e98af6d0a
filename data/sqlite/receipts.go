package sqlite

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// Documents returns the documents issued for a case, oldest first.
func (s *Store) Documents(ctx context.Context, caseNumber string) ([]data.Document, error) {
	return s.documents(ctx, "a.number = ?", caseNumber)
}

func (s *Store) documents(ctx context.Context, where string, arg any) ([]data.Document, error) {
	return scanDocuments(s.db.QueryContext(ctx, `SELECT d.number, d.kind, a.number, d.issued_at, u.login, d.reprints, d.content, d.hash
		FROM documents d JOIN applications a ON a.id = d.app_id JOIN users u ON u.id = d.issued_by WHERE `+where+` ORDER BY d.id`, arg))
}

// scanDocuments reads documents (number, kind, case or problem number,
// issued at, by, reprints, content, hash) with their notices.
func scanDocuments(rows *sql.Rows, err error) ([]data.Document, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []data.Document
	for rows.Next() {
		var d data.Document
		var at, content string
		if err := rows.Scan(&d.Number, &d.Kind, &d.Case, &at, &d.IssuedBy, &d.Reprints, &content, &d.Hash); err != nil {
			return nil, err
		}
		if d.IssuedAt, err = time.Parse(time.RFC3339, at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(content), &d.Notice); err != nil {
			return nil, fmt.Errorf("document %s: %w", d.Number, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// VerifyReceipt checks a token read from a document's QR code offline: the
// signature against this site's public key, then the document it names in
// this database — its case, date and content hash must all match (at a
// central office also the documents merged from registered sites, each
// against its site's registered key). It
// returns the document as issued, so the screen can show what the paper
// must say. A token signed by another site, altered, or naming a document
// this database does not hold is refused with a Chinese message.
func (s *Store) VerifyReceipt(ctx context.Context, token string) (data.Document, error) {
	t, _, err := data.ParseToken(token)
	if err != nil {
		return data.Document{}, err
	}
	site, err := s.Site(ctx)
	if err != nil {
		return data.Document{}, err
	}
	var pub ed25519.PublicKey
	if t.SiteCode() == site.Code {
		if pub, err = s.PublicKey(ctx); err != nil {
			return data.Document{}, err
		}
		if pub == nil {
			return data.Document{}, data.Errorf(data.ECONFLICT, "本站点尚未签发过文书，没有可用于核验的公钥")
		}
	} else {
		// A central office checks the documents of the sites registered
		// with it, against the key each registered, once their bundles
		// have brought the documents here.
		var key string
		err := s.db.QueryRowContext(ctx, "SELECT public_key FROM sites WHERE code = ?", t.SiteCode()).Scan(&key)
		if errors.Is(err, sql.ErrNoRows) {
			return data.Document{}, &data.Error{Code: data.EINVALID, Field: "token", Message: fmt.Sprintf("回执验证码：该文书由站点 %s 签发，不是本站点（%s）的文书，本机无法核验", t.SiteCode(), site.Code)}
		} else if err != nil {
			return data.Document{}, classify(err)
		}
		b, err := base64.StdEncoding.DecodeString(key)
		if err != nil || len(b) != ed25519.PublicKeySize {
			return data.Document{}, data.Errorf(data.ECONFLICT, "站点 %s 登记的公钥已损坏", t.SiteCode())
		}
		pub = b
	}
	if t, err = data.VerifyToken(token, pub); err != nil {
		return data.Document{}, err
	}
	docs, err := s.documents(ctx, "d.number = ?", t.Document)
	if err == nil && len(docs) == 0 { // a problem's paper
		docs, err = problemDocuments(ctx, s.db, "d.number = ?", t.Document)
	}
	if err != nil {
		return data.Document{}, err
	}
	if len(docs) == 0 {
		return data.Document{}, &data.Error{Code: data.ENOTFOUND, Field: "token", Message: fmt.Sprintf("回执验证码：签名有效，但本数据库中没有文书 %s", t.Document)}
	}
	d := docs[0]
	h, _ := hex.DecodeString(d.Hash)
	if d.Case != t.Case || calendar.DateOf(d.IssuedAt) != t.Issued || len(h) < data.HashSize || string(h[:data.HashSize]) != string(t.Hash) {
		return data.Document{}, &data.Error{Code: data.ECONFLICT, Field: "token", Message: fmt.Sprintf("回执验证码：与本站点记录的文书 %s 不符", t.Document)}
	}
	if sum := d.Notice.Hash(); hex.EncodeToString(sum[:]) != d.Hash {
		return data.Document{}, data.Errorf(data.ECONFLICT, "文书 %s 的存档内容与其摘要不符，存档可能被改动", d.Number)
	}
	d.Token = token
	return d, nil
}
