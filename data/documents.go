package data

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
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

// The right of appeal printed on every refusal and denial: 60 days for
// administrative reconsideration (行政复议法 Art. 20), six months for an
// administrative suit (行政诉讼法 Art. 46).
const appealRights = "如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，也可以自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。"

// notCounted is the Art. 45 note of the Administrative Licensing Law.
const notCounted = "期限按工作日计算，不含法定节假日。依法需要听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审的，所需时间不计算在上述期限内，本机关将书面告知所需时间。"

// noticeInput is what a notice is built from, read inside the issuing
// transaction.
type noticeInput struct {
	app    *Application
	kind   DocKind
	number string
	issued calendar.Date
	site   Site
	window string // code and name
	clerk  string // the issuing user's name
	names  map[string]string
	clk    clock.Result
}

// buildNotice writes the notice of in.kind for the case.
func buildNotice(in noticeInput) Notice {
	a := in.app
	n := Notice{Kind: in.kind, Title: in.kind.Title(), Number: in.number, Issued: ChineseDate(in.issued),
		Site: in.site.Name + "（" + in.site.Code + "）", Window: in.window, Case: a.Number,
		Applicant: a.Applicant.Name, Item: a.Item.Name + "（" + a.Item.Code + "）", Department: a.Item.Department,
		Clerk: in.clerk, Phone: in.site.Phone}
	codeLabel := "统一社会信用代码"
	if a.Applicant.Kind == ApplicantIndividual {
		codeLabel = "公民身份号码"
	}
	n.ApplicantCode = codeLabel + "：" + a.Applicant.IDCode
	n.Contact = strings.TrimSpace(a.Applicant.Contact + " " + a.Applicant.Phone)
	n.Address = a.Applicant.Address
	event := func(kind EventKind) *Event {
		for i := len(a.Events) - 1; i >= 0; i-- {
			if a.Events[i].Kind == kind {
				return &a.Events[i]
			}
		}
		return nil
	}
	day := func(e *Event) string { return ChineseDate(calendar.DateOf(e.At)) }
	received := ChineseDate(calendar.DateOf(a.ReceivedAt))
	for _, e := range a.Events {
		n.Materials = append(n.Materials, e.Data.Materials...)
	}
	lim := a.Limits()
	dueFacts := func() {
		n.Note = notCounted
		if !in.clk.Started {
			// Not accepted (yet): the limits run from the day of 受理.
			if a.Item.Kind == KindImmediate || lim.Promised == 0 {
				n.Facts = append(n.Facts, Fact{"办理时限", "即办件，受理后当场办结"})
			} else {
				n.Facts = append(n.Facts, Fact{"承诺时限", fmt.Sprintf("%d 个工作日，自受理之日起计算", lim.Promised)})
			}
			n.Facts = append(n.Facts, Fact{"法定时限", fmt.Sprintf("%d 个工作日，自受理之日起计算", lim.Statutory)})
			return
		}
		if a.Item.Kind == KindImmediate || lim.Promised == 0 {
			n.Facts = append(n.Facts, Fact{"办理时限", "即办件，当场办结"})
		} else {
			n.Facts = append(n.Facts, Fact{"承诺时限", fmt.Sprintf("%d 个工作日，应于 %s 前办结", in.clk.Promised.Limit, ChineseDate(in.clk.Promised.Due))})
		}
		n.Facts = append(n.Facts, Fact{"法定时限", fmt.Sprintf("%d 个工作日，最迟 %s", in.clk.Statutory.Limit, ChineseDate(in.clk.Statutory.Due))})
		if in.clk.ExtraDays > 0 {
			n.Facts = append(n.Facts, Fact{"延长期限", fmt.Sprintf("经批准延长 %d 个工作日（已计入上述期限）", in.clk.ExtraDays)})
		}
	}
	n.Facts = append(n.Facts, Fact{"收件日期", received})
	switch in.kind {
	case DocAccept:
		acc := event(clock.Accepted)
		n.Facts = append(n.Facts, Fact{"受理日期", day(acc)})
		n.Body = []string{
			fmt.Sprintf("你（单位）于%s提交的%s申请，经审查，申请材料齐全、符合法定形式。根据《中华人民共和国行政许可法》第三十二条第一款第（五）项的规定，决定予以受理。", received, a.Item.Name),
		}
		dueFacts()
		n.Signatures, n.Seal = []string{"窗口经办人（签字）", "申请人（签字）"}, "受理专用章"
	case DocSupplement:
		sup := event(clock.SupplementRequested)
		n.Facts = append(n.Facts, Fact{"告知日期", day(sup)})
		n.Body = []string{
			fmt.Sprintf("你（单位）于%s提交的%s申请材料，经审查，需要补正。根据《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定，现一次性告知需要补正的全部内容如下：", received, a.Item.Name),
		}
		n.List = sup.Data.Missing
		n.After = []string{"请按上述要求一次补齐后提交。补正后申请材料齐全、符合法定形式的，本机关予以受理；本通知书所列以外的材料，不再要求补正。"}
		dueFacts()
		n.Signatures, n.Seal = []string{"窗口经办人（签字）", "申请人签收（签字）"}, "受理专用章"
	case DocRefuse:
		ref := event(clock.Refused)
		n.Facts = append(n.Facts, Fact{"决定日期", day(ref)})
		n.Body = []string{
			fmt.Sprintf("你（单位）于%s提交的%s申请，经审查，决定不予受理。理由如下：%s", received, a.Item.Name, ref.Data.Reason),
			appealRights,
		}
		dueFacts()
		n.Signatures, n.Seal = []string{"窗口经办人（签字）", "申请人签收（签字）"}, "受理专用章"
	case DocComplete:
		acc, done := event(clock.Accepted), event(clock.Completed)
		if acc != nil {
			n.Facts = append(n.Facts, Fact{"受理日期", day(acc)})
		}
		n.Facts = append(n.Facts, Fact{"办结日期", day(done)})
		result := "准予许可"
		if done.Data.Result == ResultDenied {
			result = "不予许可"
		}
		n.Facts = append(n.Facts, Fact{"办理结果", result})
		used := fmt.Sprintf("%d 个工作日", in.clk.Promised.Used)
		if t := in.clk.Promised.OnTime; t != nil && in.clk.Promised.Limit > 0 {
			if *t {
				used += fmt.Sprintf("（承诺时限 %d 个工作日内办结）", in.clk.Promised.Limit)
			} else {
				used += fmt.Sprintf("（超出承诺时限 %d 个工作日）", -in.clk.Promised.Remaining)
			}
		}
		n.Facts = append(n.Facts, Fact{"实际用时", used})
		if del := event(clock.Delivered); del != nil {
			how := "窗口领取"
			if del.Data.Method == MethodPost {
				how = "邮寄送达"
			}
			n.Facts = append(n.Facts, Fact{"送达方式", how + "，" + day(del)})
		} else {
			n.Facts = append(n.Facts, Fact{"送达方式", "待领取"})
		}
		dueFacts()
		n.Body = []string{fmt.Sprintf("你（单位）申请的%s，已于%s办结，办理结果为：%s。请凭本通知书领取办理结果。", a.Item.Name, day(done), result)}
		if done.Data.Result == ResultDenied {
			n.Body = append(n.Body, appealRights)
		}
		n.Signatures, n.Seal = []string{"窗口经办人（签字）", "领取人（签字）"}, "办件专用章"
	case DocWaiver:
		n.Body = []string{fmt.Sprintf("申请人%s办理%s，申请减免下列行政事业性收费，审批情况如下：", a.Applicant.Name, a.Item.Name)}
		for _, w := range a.Waivers {
			line := fmt.Sprintf("%s：%s %s；政策依据：%s（%s）；理由：%s；经办人 %s，%s 申请；",
				feeName(a, w.FeeCode), w.Kind.Label(), Yuan(w.AmountFen), w.Policy, w.Basis, w.Reason,
				nameOf(in.names, w.RequestedBy), ChineseDate(calendar.DateOf(w.RequestedAt)))
			switch w.Status {
			case ApprovalApproved, ApprovalRejected:
				line += fmt.Sprintf("审批结果：%s（审批人 %s，%s）", w.Status.Label(), nameOf(in.names, w.DecidedBy), ChineseDate(calendar.DateOf(w.DecidedAt)))
				if w.Note != "" {
					line += "，意见：" + w.Note
				}
			default:
				line += "审批结果：" + w.Status.Label()
			}
			n.List = append(n.List, line)
		}
		dueFacts()
		n.Signatures, n.Seal = []string{"经办人（签字）", "审批人（签字）"}, "单位印章"
	}
	n.Fees, n.AmountDue = noticeFees(a)
	if len(n.Fees) == 0 {
		n.FeeNote = "本事项不收费。"
		if event(clock.Accepted) == nil {
			n.FeeNote = "受理前不收取费用。"
		}
	}
	return n
}

func nameOf(names map[string]string, login string) string {
	if n := names[login]; n != "" {
		return n
	}
	return login
}

func feeName(a *Application, code string) string {
	for _, f := range a.Fees {
		if f.Code == code {
			return f.Name
		}
	}
	return code
}

// noticeFees prints each fee line with its waivers, and the amount due.
func noticeFees(a *Application) ([]NoticeFee, string) {
	var out []NoticeFee
	for _, f := range a.Fees {
		nf := NoticeFee{Name: f.Name, Amount: Yuan(f.AmountFen) + "/" + f.Unit, Basis: f.Basis}
		due := f.AmountFen
		var ws []string
		for _, w := range a.Waivers {
			if w.FeeID != f.ID || w.Status == ApprovalRejected {
				continue
			}
			ws = append(ws, fmt.Sprintf("%s %s（依据 %s %s，%s）", w.Kind.Label(), Yuan(w.AmountFen), w.Policy, w.Basis, w.Status.Label()))
			if w.Status == ApprovalApproved {
				due -= w.AmountFen
			}
		}
		nf.Waiver = strings.Join(ws, "；")
		nf.Due = Yuan(max(due, 0))
		out = append(out, nf)
	}
	if len(out) == 0 {
		return nil, ""
	}
	return out, Yuan(a.AmountDue())
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
		if err := c.tx.QueryRow("SELECT coalesce(max(seq), 0) + 1 FROM documents WHERE kind = ? AND year = ?", kind, year).Scan(&seq); err != nil {
			return err
		}
		in.number, in.issued = fmt.Sprintf("%s-%d-%s%06d", in.site.Code, year, kind.prefix(), seq), today
		n := buildNotice(in)
		h := n.Hash()
		content, _ := json.Marshal(n)
		doc = Document{Number: in.number, Kind: kind, Case: c.app.Number, IssuedAt: c.now, IssuedBy: c.actor.Login, Notice: n, Hash: hex.EncodeToString(h[:])}
		if _, err := c.tx.Exec(`INSERT INTO documents (number, kind, year, seq, app_id, issued_at, issued_by, content, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			doc.Number, kind, year, seq, c.app.ID, c.now.Format(time.RFC3339), c.actor.ID, string(content), doc.Hash); err != nil {
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

// Documents returns the documents issued for a case, oldest first.
func (s *Store) Documents(ctx context.Context, caseNumber string) ([]Document, error) {
	return s.documents(ctx, "a.number = ?", caseNumber)
}

func (s *Store) documents(ctx context.Context, where string, arg any) ([]Document, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.number, d.kind, a.number, d.issued_at, u.login, d.reprints, d.content, d.hash
		FROM documents d JOIN applications a ON a.id = d.app_id JOIN users u ON u.id = d.issued_by WHERE `+where+` ORDER BY d.id`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
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
// this database — its case, date and content hash must all match. It
// returns the document as issued, so the screen can show what the paper
// must say. A token signed by another site, altered, or naming a document
// this database does not hold is refused with a Chinese message.
func (s *Store) VerifyReceipt(ctx context.Context, token string) (Document, error) {
	t, _, err := ParseToken(token)
	if err != nil {
		return Document{}, err
	}
	site, err := s.Site(ctx)
	if err != nil {
		return Document{}, err
	}
	if t.SiteCode() != site.Code {
		return Document{}, &Error{Code: EINVALID, Field: "token", Message: fmt.Sprintf("回执验证码：该文书由站点 %s 签发，不是本站点（%s）的文书，本机无法核验", t.SiteCode(), site.Code)}
	}
	pub, err := s.PublicKey(ctx)
	if err != nil {
		return Document{}, err
	}
	if pub == nil {
		return Document{}, Errorf(ECONFLICT, "本站点尚未签发过文书，没有可用于核验的公钥")
	}
	if t, err = VerifyToken(token, pub); err != nil {
		return Document{}, err
	}
	docs, err := s.documents(ctx, "d.number = ?", t.Document)
	if err != nil {
		return Document{}, err
	}
	if len(docs) == 0 {
		return Document{}, &Error{Code: ENOTFOUND, Field: "token", Message: fmt.Sprintf("回执验证码：签名有效，但本数据库中没有文书 %s", t.Document)}
	}
	d := docs[0]
	h, _ := hex.DecodeString(d.Hash)
	if d.Case != t.Case || calendar.DateOf(d.IssuedAt) != t.Issued || len(h) < HashSize || string(h[:HashSize]) != string(t.Hash) {
		return Document{}, &Error{Code: ECONFLICT, Field: "token", Message: fmt.Sprintf("回执验证码：与本站点记录的文书 %s 不符", t.Document)}
	}
	if sum := d.Notice.Hash(); hex.EncodeToString(sum[:]) != d.Hash {
		return Document{}, Errorf(ECONFLICT, "文书 %s 的存档内容与其摘要不符，存档可能被改动", d.Number)
	}
	d.Token = token
	return d, nil
}

// Summary is what a verified document must say, for the command line and
// the 验证回执 screen.
func (d Document) Summary() string {
	n := d.Notice
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", n.Title)
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "%s：%s\n", label, value)
		}
	}
	line("文书编号", n.Number)
	line("办件编号", n.Case)
	line("出具日期", n.Issued)
	line("出具站点", n.Site)
	line("申请人", n.Applicant)
	line("证件", n.ApplicantCode)
	line("申请事项", n.Item)
	for _, f := range n.Facts {
		line(f.Label, f.Value)
	}
	for i, item := range n.List {
		line(fmt.Sprintf("第 %d 项", i+1), item)
	}
	for _, f := range n.Fees {
		v := f.Amount + "，应缴 " + f.Due
		if f.Waiver != "" {
			v += "；" + f.Waiver
		}
		line(f.Name, v)
	}
	line("合计应缴", n.AmountDue)
	line("经办人", n.Clerk)
	if d.Reprints > 0 {
		fmt.Fprintf(&b, "（此文书已补打 %d 次，各次内容相同）\n", d.Reprints)
	}
	fmt.Fprintf(&b, "签发时间：%s\n", d.IssuedAt.In(calendar.Shanghai).Format("2006-01-02 15:04"))
	return b.String()
}
