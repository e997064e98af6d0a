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
}

// BuildNotice writes the notice of in.kind for the case.
func BuildNotice(in NoticeInput) Notice {
	a := in.App
	n := Notice{Kind: in.Kind, Title: in.Kind.Title(), Number: in.Number, Issued: ChineseDate(in.Issued),
		Site: in.Site.Name + "（" + in.Site.Code + "）", Window: in.Window, Case: a.Number,
		Applicant: a.Applicant.Name, Item: a.Item.Name + "（" + a.Item.Code + "）", Department: a.Item.Department,
		Clerk: in.Clerk, Phone: in.Site.Phone}
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
		if !in.Clock.Started {
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
			n.Facts = append(n.Facts, Fact{"承诺时限", fmt.Sprintf("%d 个工作日，应于 %s 前办结", in.Clock.Promised.Limit, ChineseDate(in.Clock.Promised.Due))})
		}
		n.Facts = append(n.Facts, Fact{"法定时限", fmt.Sprintf("%d 个工作日，最迟 %s", in.Clock.Statutory.Limit, ChineseDate(in.Clock.Statutory.Due))})
		if in.Clock.ExtraDays > 0 {
			n.Facts = append(n.Facts, Fact{"延长期限", fmt.Sprintf("经批准延长 %d 个工作日（已计入上述期限）", in.Clock.ExtraDays)})
		}
	}
	n.Facts = append(n.Facts, Fact{"收件日期", received})
	switch in.Kind {
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
		used := fmt.Sprintf("%d 个工作日", in.Clock.Promised.Used)
		if t := in.Clock.Promised.OnTime; t != nil && in.Clock.Promised.Limit > 0 {
			if *t {
				used += fmt.Sprintf("（承诺时限 %d 个工作日内办结）", in.Clock.Promised.Limit)
			} else {
				used += fmt.Sprintf("（超出承诺时限 %d 个工作日）", -in.Clock.Promised.Remaining)
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
				nameOf(in.Names, w.RequestedBy), ChineseDate(calendar.DateOf(w.RequestedAt)))
			switch w.Status {
			case ApprovalApproved, ApprovalRejected:
				line += fmt.Sprintf("审批结果：%s（审批人 %s，%s）", w.Status.Label(), nameOf(in.Names, w.DecidedBy), ChineseDate(calendar.DateOf(w.DecidedAt)))
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
