package data

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// DocKind is a kind of document handed to the applicant.
type DocKind string

// Document kinds.
const (
	DocAccept     DocKind = "accept"     // 受理通知书
	DocSupplement DocKind = "supplement" // 补正材料通知书（一次性告知书）
	DocRefuse     DocKind = "refuse"     // 不予受理通知书
	DocComplete   DocKind = "complete"   // 办结通知书（领取回执）
	DocWaiver     DocKind = "waiver"     // 减免审批单
)

// DocKinds lists every kind in the order of a case's life.
var DocKinds = []DocKind{DocAccept, DocSupplement, DocRefuse, DocComplete, DocWaiver}

// Title is the document's printed title.
func (k DocKind) Title() string {
	switch k {
	case DocAccept:
		return "受理通知书"
	case DocSupplement:
		return "补正材料通知书（一次性告知书）"
	case DocRefuse:
		return "不予受理通知书"
	case DocComplete:
		return "办结通知书（领取回执）"
	case DocWaiver:
		return "行政事业性收费减免审批单"
	}
	return string(k)
}

// prefix is the kind's letters in document numbers.
func (k DocKind) prefix() string {
	switch k {
	case DocAccept:
		return "SL"
	case DocSupplement:
		return "BZ"
	case DocRefuse:
		return "BY"
	case DocComplete:
		return "BJ"
	case DocWaiver:
		return "JM"
	}
	return ""
}

// ParseDocKind reads a kind as the command line writes it.
func ParseDocKind(s string) (DocKind, error) {
	for _, k := range DocKinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fieldError("kind", "文书种类", "应为 accept、supplement、refuse、complete 或 waiver")
}

// Issuable reports whether the case has what a document of kind k states:
// nil, or an ECONFLICT error saying what is missing.
func (k DocKind) Issuable(app *Application) error {
	has := func(kind EventKind) bool {
		for _, e := range app.Events {
			if e.Kind == kind {
				return true
			}
		}
		return false
	}
	var ok bool
	var why string
	switch k {
	case DocAccept:
		ok, why = has(clock.Accepted), "尚未受理"
	case DocSupplement:
		ok, why = has(clock.SupplementRequested), "没有一次性告知补正"
	case DocRefuse:
		ok, why = has(clock.Refused), "没有不予受理决定"
	case DocComplete:
		ok, why = has(clock.Completed), "尚未办结"
	case DocWaiver:
		ok, why = len(app.Waivers) > 0, "没有减免申请"
	default:
		return fieldError("kind", "文书种类", "%q 不是文书种类", string(k))
	}
	if !ok {
		return Errorf(ECONFLICT, "办件 %s %s，不能出具%s", app.Number, why, k.Title())
	}
	return nil
}

// IssuableKinds returns the kinds of document the case can have now.
func IssuableKinds(app *Application) []DocKind {
	var out []DocKind
	for _, k := range DocKinds {
		if k.Issuable(app) == nil {
			out = append(out, k)
		}
	}
	return out
}

// Notice is everything a document says, in the words printed. It is stored
// with the document as canonical JSON, and its SHA-256 is what the signed
// QR token vouches for; the renderer lays it out and adds nothing of
// substance.
type Notice struct {
	Kind          DocKind     `json:"kind"`
	Title         string      `json:"title"`
	Number        string      `json:"number"`
	Issued        string      `json:"issued"` // 2026年11月26日
	Site          string      `json:"site"`   // name and code
	Window        string      `json:"window"`
	Case          string      `json:"case"`
	Applicant     string      `json:"applicant"`
	ApplicantCode string      `json:"applicant_code"` // with its label: 统一社会信用代码：…
	Item          string      `json:"item"`
	Department    string      `json:"department"`
	Body          []string    `json:"body"`    // the paragraphs of this kind of document
	List          []string    `json:"list"`    // numbered under the body: the missing materials, the waivers
	After         []string    `json:"after"`   // paragraphs after the list
	Contact       string      `json:"contact"` // the applicant's contact person and phone
	Address       string      `json:"address"`
	Facts         []Fact      `json:"facts"` // dates, limits, due dates, result
	Note          string      `json:"note"`  // the time that is not counted
	Fees          []NoticeFee `json:"fees"`
	FeeNote       string      `json:"fee_note"` // when there are no fee lines
	AmountDue     string      `json:"amount_due"`
	Materials     []string    `json:"materials"` // received
	Clerk         string      `json:"clerk"`
	Phone         string      `json:"phone"`
	Signatures    []string    `json:"signatures"` // places to sign
	Seal          string      `json:"seal"`       // the seal's place
}

// Fact is one labelled line of a notice.
type Fact struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// NoticeFee is one fee line as printed.
type NoticeFee struct {
	Name   string `json:"name"`
	Amount string `json:"amount"` // 80.00 元/件
	Basis  string `json:"basis"`
	Waiver string `json:"waiver"` // 免收 80.00 元（依据 …，已批准）, or empty
	Due    string `json:"due"`
}

// Hash is the SHA-256 of the notice's canonical JSON.
func (n *Notice) Hash() [32]byte {
	b, _ := json.Marshal(n)
	return sha256.Sum256(b)
}

// Document is an issued document: its notice, its signed token and how
// often it has been printed again (补打).
type Document struct {
	Number   string
	Kind     DocKind
	Case     string
	IssuedAt time.Time // UTC
	IssuedBy string    // login
	Reprints int       // 0 for the first print
	Notice   Notice
	Hash     string // hex SHA-256 of the notice
	Token    string // the QR code's text
}

// ChineseDate writes d as 2026年11月26日.
func ChineseDate(d calendar.Date) string {
	t := d.Time()
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// IssueDocument issues a document of kind for the case, or prints the one
// already issued again: when the case's notice of that kind reads as it did
// (same content hash), it is the same document, counted as a reprint (补打)
// and audited; when something changed since (a waiver approved, a later
// decision), it is a new document with a new number. Either way one
// transaction with its audit entry, and the returned document carries its
// signed token.
func (s *Store) IssueDocument(ctx context.Context, number string, kind DocKind, actorID int64) (Document, error) {
	if _, err := ParseDocKind(string(kind)); err != nil {
		return Document{}, err
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return Document{}, err
	}
	var doc Document
	_, err = s.onCase(ctx, number, actorID, func(c *caseTx) error {
		if err := kind.Issuable(&c.app); err != nil {
			return err
		}
		in := noticeInput{app: &c.app, kind: kind, clerk: c.actor.Name}
		var err error
		if in.site, err = siteOf(ctx, c.tx); err != nil {
			return err
		}
		var wname string
		if err := c.tx.QueryRow("SELECT code, name FROM windows WHERE id = ?", c.app.WindowID).Scan(&in.window, &wname); err != nil {
			return err
		}
		in.window += " " + wname
		if in.names, err = userNames(c.tx); err != nil {
			return err
		}
		today := calendar.DateOf(c.now)
		in.clk = clock.Compute(c.app.ClockEvents(), c.app.Limits(), c.cal, today, c.threshold)

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
			in.number, in.issued = prevNumber, calendar.DateOf(at)
			n := buildNotice(in)
			if h := n.Hash(); hex.EncodeToString(h[:]) == prevHash {
				if err := updateOne(c.tx, "UPDATE documents SET reprints = reprints + 1 WHERE number = ?", "文书", prevNumber); err != nil {
					return err
				}
				doc = Document{Number: prevNumber, Kind: kind, Case: c.app.Number, IssuedAt: at, IssuedBy: prevBy, Reprints: prevReprints + 1, Notice: n, Hash: prevHash}
				return c.s.audit(c.tx, c.actor.Login, "document.reprint", prevNumber, fmt.Sprintf(`{"case":%q,"kind":%q,"reprint":%d}`, c.app.Number, kind, doc.Reprints))
			}
		}
		year := c.now.In(calendar.Shanghai).Year()
		var seq int
		if err := c.tx.QueryRow("SELECT coalesce(max(seq), 0) + 1 FROM documents WHERE site_code = ? AND kind = ? AND year = ?", in.site.Code, kind, year).Scan(&seq); err != nil {
			return err
		}
		in.number, in.issued = fmt.Sprintf("%s-%d-%s%06d", in.site.Code, year, kind.prefix(), seq), today
		n := buildNotice(in)
		h := n.Hash()
		content, _ := json.Marshal(n)
		doc = Document{Number: in.number, Kind: kind, Case: c.app.Number, IssuedAt: c.now, IssuedBy: c.actor.Login, Notice: n, Hash: hex.EncodeToString(h[:])}
		if _, err := c.tx.Exec(`INSERT INTO documents (number, site_code, kind, year, seq, app_id, issued_at, issued_by, content, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			doc.Number, in.site.Code, kind, year, seq, c.app.ID, c.now.Format(time.RFC3339), c.actor.ID, string(content), doc.Hash); err != nil {
			return err
		}
		detail := fmt.Sprintf(`{"case":%q,"kind":%q,"hash":%q}`, c.app.Number, kind, doc.Hash)
		if prevNumber != "" {
			detail = fmt.Sprintf(`{"case":%q,"kind":%q,"hash":%q,"replaces":%q}`, c.app.Number, kind, doc.Hash, prevNumber)
		}
		return c.s.audit(c.tx, c.actor.Login, "document.issue", doc.Number, detail)
	})
	if err != nil {
		return Document{}, err
	}
	doc.Token = doc.token().Sign(key)
	return doc, nil
}

func (d *Document) token() ReceiptToken {
	h, _ := hex.DecodeString(d.Hash)
	if len(h) > HashSize {
		h = h[:HashSize]
	}
	return ReceiptToken{Document: d.Number, Case: d.Case, Issued: calendar.DateOf(d.IssuedAt), Hash: h}
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
