package data

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
	// DocThemeAccept is the one 受理通知书 of a 一件事 (package theme builds
	// it): every item, its department and due date. Not in DocKinds, which
	// are a case's own.
	DocThemeAccept DocKind = "theme_accept"
	// DocThemeComplete is its one 办结通知书: every item's result, handed
	// over together (统一出件).
	DocThemeComplete DocKind = "theme_complete"
	// DocThemeSupplement is its one 一次性告知书: every material still
	// missing, per item.
	DocThemeSupplement DocKind = "theme_supplement"
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
	case DocThemeAccept:
		return "一件事受理通知书"
	case DocThemeComplete:
		return "一件事办结通知书（统一出件）"
	case DocThemeSupplement:
		return "一件事补正材料通知书（一次性告知书）"
	}
	return string(k)
}

// Prefix is the kind's letters in document numbers.
func (k DocKind) Prefix() string {
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
	case DocThemeAccept:
		return "YS"
	case DocThemeComplete:
		return "YB"
	case DocThemeSupplement:
		return "YZ"
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
	return "", FieldError("kind", "文书种类", "应为 accept、supplement、refuse、complete 或 waiver")
}

// ForTheme says whether k is a paper of a 主题件 (一件事) rather than of
// one of its cases.
func (k DocKind) ForTheme() bool {
	return k == DocThemeAccept || k == DocThemeComplete || k == DocThemeSupplement
}

// ForProblem says whether k is a paper of an enterprise's problem (package
// problem issues them: 问题受理回执, 情况说明函) rather than of a case.
func (k DocKind) ForProblem() bool { return strings.HasPrefix(string(k), "problem_") }

// Labels are what a paper of kind k calls its subject's number, what it is
// about and the department: a case's 申请事项 is a problem's 问题类别.
func (k DocKind) Labels() (number, about, department string) {
	if k.ForProblem() {
		return "问题编号", "问题类别", "牵头部门"
	}
	if k.ForTheme() {
		return "主题件编号", "申请事项", "实施部门"
	}
	return "办件编号", "申请事项", "实施部门"
}

// ApplicantLabel is what a paper of kind k calls who it is for: a problem
// is raised by an enterprise, a case applied for by an applicant.
func (k DocKind) ApplicantLabel() string {
	if k.ForProblem() {
		return "反映企业"
	}
	return "申请人"
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
		return FieldError("kind", "文书种类", "%q 不是文书种类", string(k))
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
	// Sample marks a notice of a database holding demo data: it is
	// printed on the paper (样例数据，不作凭证) and verified with it.
	Sample bool `json:"sample,omitempty"`
}

// SampleMark is what a notice, a window and a bundle of demo data say.
const SampleMark = "样例数据，不作凭证"

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

// ReceiptToken is what the document's QR code carries, before signing.
func (d *Document) ReceiptToken() ReceiptToken {
	h, _ := hex.DecodeString(d.Hash)
	if len(h) > HashSize {
		h = h[:HashSize]
	}
	return ReceiptToken{Document: d.Number, Case: d.Case, Issued: calendar.DateOf(d.IssuedAt), Hash: h}
}

// Summary is what a verified document must say, for the command line and
// the 验证回执 screen.
func (d Document) Summary() string {
	n := d.Notice
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", n.Title)
	if n.Sample {
		fmt.Fprintf(&b, "%s\n", SampleMark)
	}
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "%s：%s\n", label, value)
		}
	}
	number, about, _ := n.Kind.Labels()
	line("文书编号", n.Number)
	line(number, n.Case)
	line("出具日期", n.Issued)
	line("出具站点", n.Site)
	line(n.Kind.ApplicantLabel(), n.Applicant)
	line("证件", n.ApplicantCode)
	line(about, n.Item)
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
