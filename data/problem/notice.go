package problem

import (
	"fmt"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// The papers of a problem, issued through the same pipeline as a case's
// documents: numbered per site and year, kept with their content hash, and
// signed in the same QR token (whose case field carries the problem
// number).
const (
	DocReceipt data.DocKind = "problem_receipt" // 企业反映问题受理回执
	DocExplain data.DocKind = "problem_explain" // 情况说明函 (the third track)
)

// DocKinds are a problem's papers, in the order of its life.
var DocKinds = []data.DocKind{DocReceipt, DocExplain}

// ParseDocKind reads a problem paper's kind as the command line writes it
// (receipt or explain, or the stored name).
func ParseDocKind(s string) (data.DocKind, error) {
	switch s {
	case "receipt", string(DocReceipt):
		return DocReceipt, nil
	case "explain", string(DocExplain):
		return DocExplain, nil
	}
	return "", data.FieldError("kind", "文书种类", "应为 receipt（问题受理回执）或 explain（情况说明函）")
}

// Issuable says whether the problem has what a paper of kind states: nil,
// or an ECONFLICT error saying what is missing.
func Issuable(p *Problem, kind data.DocKind) error {
	switch kind {
	case DocReceipt:
		return nil
	case DocExplain:
		if lastEvent(p, Explained) == nil {
			return data.Errorf(data.ECONFLICT, "问题 %s 尚未作出情况说明，不能出具情况说明函", p.Number)
		}
		return nil
	}
	return data.FieldError("kind", "文书种类", "%q 不是问题文书的种类", string(kind))
}

// IssuableKinds are the papers the problem can have now.
func IssuableKinds(p *Problem) []data.DocKind {
	var out []data.DocKind
	for _, k := range DocKinds {
		if Issuable(p, k) == nil {
			out = append(out, k)
		}
	}
	return out
}

// NoticeInput is what a problem's paper is built from, read inside the
// issuing transaction.
type NoticeInput struct {
	Problem     *Problem
	Kind        data.DocKind
	Number      string
	Issued      calendar.Date
	Site        data.Site
	Window      string            // the issuing user's window: code and name
	Clerk       string            // the issuing user's name
	Departments map[string]string // code → name, for the helping departments
	Clock       Clock
	Sample      bool
}

// counted is how the papers say days are counted.
const counted = "期限按工作日计算，不含法定节假日；遇调休上班日照常计算。"

// seedWords is the seed's promise, printed on the receipt.
const seedWords = "我们将按照“能够解决的，立即解决；容易解决的，尽快解决；一时解决有困难的，及时说明情况，并创造条件努力解决”的要求办理，办理结果将及时告知你单位。"

// BuildNotice writes the paper of in.Kind for the problem, in the words
// printed; its hash is what the QR token vouches for.
func BuildNotice(in NoticeInput) data.Notice {
	p := in.Problem
	reg := p.Events[0].Data
	dept := p.DepartmentName
	if dept == "" {
		dept = "待交办"
	}
	n := data.Notice{Kind: in.Kind, Title: DocTitle(in.Kind), Number: in.Number, Issued: data.ChineseDate(in.Issued),
		Site: in.Site.Name + "（" + in.Site.Code + "）", Window: in.Window, Case: p.Number,
		Applicant: p.EnterpriseName, ApplicantCode: "统一社会信用代码：" + p.EnterpriseCode,
		Item: p.Category, Department: dept, Contact: strings.TrimSpace(reg.Contact + " " + reg.Phone),
		Clerk: in.Clerk, Phone: in.Site.Phone, Note: counted, Sample: in.Sample}
	received := data.ChineseDate(p.State.Received)
	n.Facts = append(n.Facts, data.Fact{Label: "登记日期", Value: received}, data.Fact{Label: "问题来源", Value: reg.Source})
	if len(p.State.Helpers) > 0 {
		var hs []string
		for _, h := range p.State.Helpers {
			hs = append(hs, nameOr(in.Departments, h))
		}
		n.Facts = append(n.Facts, data.Fact{Label: "协办部门", Value: strings.Join(hs, "、")})
	}
	if reg.Case != "" {
		n.Facts = append(n.Facts, data.Fact{Label: "涉及办件", Value: reg.Case})
	}
	switch in.Kind {
	case DocReceipt:
		n.Body = []string{fmt.Sprintf("你单位于%s通过%s反映的问题，已登记受理，问题编号 %s。%s", received, sourceWords(reg.Source), p.Number, seedWords), "你单位反映的问题如下："}
		n.List = strings.Split(reg.Text, "\n")
		if s := p.State; s.Track.Valid() {
			n.Facts = append(n.Facts, data.Fact{Label: "处理方式", Value: s.Track.Label()})
			if in.Clock.ExplainDue != 0 {
				n.Facts = append(n.Facts, data.Fact{Label: "情况说明", Value: fmt.Sprintf("%s 前书面说明情况", data.ChineseDate(in.Clock.ExplainDue))})
			}
			if in.Clock.Due != 0 {
				n.Facts = append(n.Facts, data.Fact{Label: "办结时限", Value: fmt.Sprintf("%s 前办结", data.ChineseDate(in.Clock.Due))})
			}
		} else {
			n.Facts = append(n.Facts, data.Fact{Label: "处理方式", Value: "待分流，分流后告知办理时限"})
		}
		n.After = []string{"以上为你单位反映的问题内容。办理中如需补充情况，请与经办人联系，并告知问题编号。"}
		n.Signatures, n.Seal = []string{"经办人（签字）", "企业联系人签收（签字）"}, "受理专用章"
	case DocExplain:
		e := lastEvent(p, Explained)
		n.Facts = append(n.Facts, data.Fact{Label: "说明日期", Value: data.ChineseDate(DateOf(e.At))})
		promised := "尚未承诺"
		if d, err := calendar.ParseDate(e.Data.Promised); err == nil {
			promised = data.ChineseDate(d)
		}
		n.Facts = append(n.Facts, data.Fact{Label: "预计解决日期", Value: promised})
		n.Body = []string{fmt.Sprintf("你单位于%s反映的问题（问题编号 %s），经%s研究，一时解决确有困难，需要统筹兼顾、逐步解决。现将有关情况说明如下：", received, p.Number, dept)}
		n.List = strings.Split(e.Data.Text, "\n")
		progress := p.State.Days.Progress
		if progress == 0 {
			progress = DefaultDays.Progress
		}
		n.After = []string{fmt.Sprintf("我们将创造条件努力解决，预计于%s前解决；解决之前，每 %d 个工作日内至少告知你单位一次进展。如有疑问，请与经办人联系，并告知问题编号。", promised, progress)}
		n.Signatures, n.Seal = []string{"承办人（签字）", "企业联系人签收（签字）"}, "承办单位（盖章）"
	}
	return n
}

// DocTitle is a problem paper's printed title.
func DocTitle(k data.DocKind) string {
	switch k {
	case DocReceipt:
		return "企业反映问题受理回执"
	case DocExplain:
		return "情况说明函"
	}
	return string(k)
}

// DocPrefix is the paper's letters in document numbers (a case's papers
// use others: SL, BZ, BY, BJ, JM).
func DocPrefix(k data.DocKind) string {
	switch k {
	case DocReceipt:
		return "WH"
	case DocExplain:
		return "SM"
	}
	return ""
}

func sourceWords(s string) string {
	switch s {
	case "窗口":
		return "服务窗口"
	case "走访":
		return "走访"
	case "电话":
		return "电话"
	case "座谈会":
		return "座谈会"
	case "网上":
		return "网上渠道"
	}
	return "其他渠道"
}

func nameOr(names map[string]string, code string) string {
	if n := names[code]; n != "" {
		return n
	}
	return code
}

// lastEvent is the problem's last event of kind, or nil.
func lastEvent(p *Problem, k Kind) *Event {
	for i := len(p.Events) - 1; i >= 0; i-- {
		if p.Events[i].Kind == k {
			return &p.Events[i]
		}
	}
	return nil
}
