package data

import (
	"fmt"
	"strings"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// The right of appeal printed on every refusal and denial: 60 days for
// administrative reconsideration (行政复议法 Art. 20), six months for an
// administrative suit (行政诉讼法 Art. 46).
const appealRights = "如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，也可以自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。"

// notCounted is the Art. 45 note of the Administrative Licensing Law.
const notCounted = "期限按工作日计算，不含法定节假日。依法需要听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审的，所需时间不计算在上述期限内，本机关将书面告知所需时间。"

// NoticeInput is what a notice is built from, read inside the issuing
// transaction.
type NoticeInput struct {
	App    *Application
	Kind   DocKind
	Number string
	Issued calendar.Date
	Site   Site
	Window string // code and name
	Clerk  string // the issuing user's name
	Names  map[string]string
	Clock  clock.Result
	Sample bool // the database holds demo data
}

// BuildNotice writes the notice of in.kind for the case.
func BuildNotice(in NoticeInput) Notice {
	a := in.App
	w := &noticeWriter{in: in, a: a, lim: a.Limits(), received: ChineseDate(calendar.DateOf(a.ReceivedAt)), n: &Notice{Kind: in.Kind, Title: in.Kind.Title(), Number: in.Number, Issued: ChineseDate(in.Issued),
		Site: in.Site.Name + "（" + in.Site.Code + "）", Window: in.Window, Case: a.Number,
		Applicant: a.Applicant.Name, Item: a.Item.Name + "（" + a.Item.Code + "）", Department: a.Item.Department,
		Clerk: in.Clerk, Phone: in.Site.Phone, Sample: in.Sample}}
	w.head()
	w.n.Facts = append(w.n.Facts, Fact{"收件日期", w.received})
	switch in.Kind {
	case DocAccept:
		w.accept()
	case DocSupplement:
		w.supplement()
	case DocRefuse:
		w.refuse()
	case DocComplete:
		w.complete()
	case DocWaiver:
		w.waiver()
	}
	w.fees()
	return *w.n
}

// noticeWriter is one notice being written.
type noticeWriter struct {
	in       NoticeInput
	a        *Application
	lim      clock.Limits
	received string // the day the case was received, in Chinese
	n        *Notice
}

// head: the applicant's code, contact and address, and every material
// handed in.
func (w *noticeWriter) head() {
	codeLabel := "统一社会信用代码"
	if w.a.Applicant.Kind == ApplicantIndividual {
		codeLabel = "公民身份号码"
	}
	w.n.ApplicantCode = codeLabel + "：" + w.a.Applicant.IDCode
	w.n.Contact = strings.TrimSpace(w.a.Applicant.Contact + " " + w.a.Applicant.Phone)
	w.n.Address = w.a.Applicant.Address
	for _, e := range w.a.Events {
		w.n.Materials = append(w.n.Materials, e.Data.Materials...)
	}
}

// event is the case's last event of kind, or nil.
func (w *noticeWriter) event(kind EventKind) *Event {
	for i := len(w.a.Events) - 1; i >= 0; i-- {
		if w.a.Events[i].Kind == kind {
			return &w.a.Events[i]
		}
	}
	return nil
}

func (w *noticeWriter) day(e *Event) string { return ChineseDate(calendar.DateOf(e.At)) }

// dueFacts: the limits and, once the clock runs, the due dates.
func (w *noticeWriter) dueFacts() {
	w.n.Note = notCounted
	if !w.in.Clock.Started {
		// Not accepted (yet): the limits run from the day of 受理.
		if w.a.Item.Kind == KindImmediate || w.lim.Promised == 0 {
			w.n.Facts = append(w.n.Facts, Fact{"办理时限", "即办件，受理后当场办结"})
		} else {
			w.n.Facts = append(w.n.Facts, Fact{"承诺时限", fmt.Sprintf("%d 个工作日，自受理之日起计算", w.lim.Promised)})
		}
		w.n.Facts = append(w.n.Facts, Fact{"法定时限", fmt.Sprintf("%d 个工作日，自受理之日起计算", w.lim.Statutory)})
		return
	}
	if w.a.Item.Kind == KindImmediate || w.lim.Promised == 0 {
		w.n.Facts = append(w.n.Facts, Fact{"办理时限", "即办件，当场办结"})
	} else {
		w.n.Facts = append(w.n.Facts, Fact{"承诺时限", fmt.Sprintf("%d 个工作日，应于 %s 前办结", w.in.Clock.Promised.Limit, ChineseDate(w.in.Clock.Promised.Due))})
	}
	w.n.Facts = append(w.n.Facts, Fact{"法定时限", fmt.Sprintf("%d 个工作日，最迟 %s", w.in.Clock.Statutory.Limit, ChineseDate(w.in.Clock.Statutory.Due))})
	if w.in.Clock.ExtraDays > 0 {
		w.n.Facts = append(w.n.Facts, Fact{"延长期限", fmt.Sprintf("经批准延长 %d 个工作日（已计入上述期限）", w.in.Clock.ExtraDays)})
	}
}

// accept: 受理通知书.
func (w *noticeWriter) accept() {
	acc := w.event(clock.Accepted)
	w.n.Facts = append(w.n.Facts, Fact{"受理日期", w.day(acc)})
	w.n.Body = []string{
		fmt.Sprintf("你（单位）于%s提交的%s申请，经审查，申请材料齐全、符合法定形式。根据《中华人民共和国行政许可法》第三十二条第一款第（五）项的规定，决定予以受理。", w.received, w.a.Item.Name),
	}
	w.dueFacts()
	w.n.Signatures, w.n.Seal = []string{"窗口经办人（签字）", "申请人（签字）"}, "受理专用章"
}

// supplement: 补正材料通知书, every missing material at once.
func (w *noticeWriter) supplement() {
	sup := w.event(clock.SupplementRequested)
	w.n.Facts = append(w.n.Facts, Fact{"告知日期", w.day(sup)})
	w.n.Body = []string{
		fmt.Sprintf("你（单位）于%s提交的%s申请材料，经审查，需要补正。根据《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定，现一次性告知需要补正的全部内容如下：", w.received, w.a.Item.Name),
	}
	w.n.List = sup.Data.Missing
	w.n.After = []string{"请按上述要求一次补齐后提交。补正后申请材料齐全、符合法定形式的，本机关予以受理；本通知书所列以外的材料，不再要求补正。"}
	w.dueFacts()
	w.n.Signatures, w.n.Seal = []string{"窗口经办人（签字）", "申请人签收（签字）"}, "受理专用章"
}

// refuse: 不予受理通知书, with the reason and the rights of appeal.
func (w *noticeWriter) refuse() {
	ref := w.event(clock.Refused)
	w.n.Facts = append(w.n.Facts, Fact{"决定日期", w.day(ref)})
	w.n.Body = []string{
		fmt.Sprintf("你（单位）于%s提交的%s申请，经审查，决定不予受理。理由如下：%s", w.received, w.a.Item.Name, ref.Data.Reason),
		appealRights,
	}
	w.dueFacts()
	w.n.Signatures, w.n.Seal = []string{"窗口经办人（签字）", "申请人签收（签字）"}, "受理专用章"
}

// complete: 办结通知书, the result, the days used and the delivery.
func (w *noticeWriter) complete() {
	acc, done := w.event(clock.Accepted), w.event(clock.Completed)
	if acc != nil {
		w.n.Facts = append(w.n.Facts, Fact{"受理日期", w.day(acc)})
	}
	w.n.Facts = append(w.n.Facts, Fact{"办结日期", w.day(done)})
	result := "准予许可"
	if done.Data.Result == ResultDenied {
		result = "不予许可"
	}
	w.n.Facts = append(w.n.Facts, Fact{"办理结果", result})
	used := fmt.Sprintf("%d 个工作日", w.in.Clock.Promised.Used)
	if t := w.in.Clock.Promised.OnTime; t != nil && w.in.Clock.Promised.Limit > 0 {
		if *t {
			used += fmt.Sprintf("（承诺时限 %d 个工作日内办结）", w.in.Clock.Promised.Limit)
		} else {
			used += fmt.Sprintf("（超出承诺时限 %d 个工作日）", -w.in.Clock.Promised.Remaining)
		}
	}
	w.n.Facts = append(w.n.Facts, Fact{"实际用时", used})
	if del := w.event(clock.Delivered); del != nil {
		how := "窗口领取"
		if del.Data.Method == MethodPost {
			how = "邮寄送达"
		}
		w.n.Facts = append(w.n.Facts, Fact{"送达方式", how + "，" + w.day(del)})
	} else {
		w.n.Facts = append(w.n.Facts, Fact{"送达方式", "待领取"})
	}
	w.dueFacts()
	w.n.Body = []string{fmt.Sprintf("你（单位）申请的%s，已于%s办结，办理结果为：%s。请凭本通知书领取办理结果。", w.a.Item.Name, w.day(done), result)}
	if done.Data.Result == ResultDenied {
		w.n.Body = append(w.n.Body, appealRights)
	}
	w.n.Signatures, w.n.Seal = []string{"窗口经办人（签字）", "领取人（签字）"}, "办件专用章"
}

// waiver: 减免审批单, each request with its policy and decision.
func (w *noticeWriter) waiver() {
	w.n.Body = []string{fmt.Sprintf("申请人%s办理%s，申请减免下列行政事业性收费，审批情况如下：", w.a.Applicant.Name, w.a.Item.Name)}
	for _, x := range w.a.Waivers {
		line := fmt.Sprintf("%s：%s %s；政策依据：%s（%s）；理由：%s；经办人 %s，%s 申请；",
			feeName(w.a, x.FeeCode), x.Kind.Label(), Yuan(x.AmountFen), x.Policy, x.Basis, x.Reason,
			nameOf(w.in.Names, x.RequestedBy), ChineseDate(calendar.DateOf(x.RequestedAt)))
		switch x.Status {
		case ApprovalApproved, ApprovalRejected:
			line += fmt.Sprintf("审批结果：%s（审批人 %s，%s）", x.Status.Label(), nameOf(w.in.Names, x.DecidedBy), ChineseDate(calendar.DateOf(x.DecidedAt)))
			if x.Note != "" {
				line += "，意见：" + x.Note
			}
		default:
			line += "审批结果：" + x.Status.Label()
		}
		w.n.List = append(w.n.List, line)
	}
	w.dueFacts()
	w.n.Signatures, w.n.Seal = []string{"经办人（签字）", "审批人（签字）"}, "单位印章"
}

// fees: the fee lines and the amount due, or why there are none.
func (w *noticeWriter) fees() {
	w.n.Fees, w.n.AmountDue = noticeFees(w.a)
	if len(w.n.Fees) == 0 {
		w.n.FeeNote = "本事项不收费。"
		if w.event(clock.Accepted) == nil {
			w.n.FeeNote = "受理前不收取费用。"
		}
	}
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
