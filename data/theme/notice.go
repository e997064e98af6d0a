package theme

import (
	"fmt"
	"slices"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// NoticeInput is what the theme's 受理通知书 is built from, read inside
// the issuing transaction; the case must have been computed (Compute).
type NoticeInput struct {
	Number string // the document's number
	Issued calendar.Date
	Site   data.Site
	Window string // code and name
	Clerk  string
	Sample bool
}

// Notice is the theme case's paper of kind: its 受理通知书
// (data.DocThemeAccept), its 一次性告知书 (data.DocThemeSupplement) or its
// 办结通知书 (data.DocThemeComplete).
func (c *Case) Notice(kind data.DocKind, in NoticeInput) data.Notice {
	switch kind {
	case data.DocThemeComplete:
		return c.completeNotice(in)
	case data.DocThemeSupplement:
		return c.supplementNotice(in)
	}
	return c.acceptNotice(in)
}

// acceptNotice is the one 一件事受理通知书 of the theme case: every item with its
// department, its case number and its due date (or why it has none yet),
// the theme's own limit and due date, the materials received, and how the
// results are handed over. Its QR vouches for all of it.
func (c *Case) acceptNotice(in NoticeInput) data.Notice {
	n := c.head(data.DocThemeAccept, in)
	received := data.ChineseDate(calendar.DateOf(c.ReceivedAt))
	n.Body = []string{fmt.Sprintf("你（单位）于%s申请办理的“%s”一件事，涉及以下 %d 个事项，由本窗口综合受理、各部门分别审批。各事项的受理情况和办理期限如下：",
		received, c.Theme.Name, len(c.Members))}
	for _, m := range c.Members {
		line := m.Step.Item.Name + "（" + m.Step.Item.Department + "）："
		switch {
		case m.App == nil:
			prev := c.Theme.Step(m.Step.After)
			line += fmt.Sprintf("待%s办结后受理", prev.Item.Name)
			if m.Step.Item.Kind == data.KindImmediate || m.Step.Item.Promised == 0 {
				line += "，即办"
			} else {
				line += fmt.Sprintf("，承诺 %d 个工作日", m.Step.Item.Promised)
			}
		case m.App.Status == data.StatusSupplement:
			ev := m.App.Events[len(m.App.Events)-1]
			line += fmt.Sprintf("办件编号 %s，需补正：%s（另见一次性告知书）", m.App.Number, strings.Join(ev.Data.Missing, "、"))
		case m.Clock.Started && (m.Step.Item.Kind == data.KindImmediate || m.Clock.Promised.Limit == 0):
			line += fmt.Sprintf("办件编号 %s，已受理，即办", m.App.Number)
		case m.Clock.Started:
			line += fmt.Sprintf("办件编号 %s，已受理，承诺 %s 前办结", m.App.Number, data.ChineseDate(m.Clock.Promised.Due))
		default:
			line += fmt.Sprintf("办件编号 %s，%s", m.App.Number, m.App.Status.Label())
		}
		n.List = append(n.List, line)
	}
	n.Materials = slices.Clone(c.Materials)
	n.FeeNote = "各事项如有收费，以该事项受理时确定的收费项目和标准为准。"
	n.Facts = append(n.Facts, data.Fact{Label: "收件日期", Value: received})
	if c.Clock.Started {
		t := c.Track()
		n.Facts = append(n.Facts, data.Fact{Label: "受理日期", Value: data.ChineseDate(c.Clock.Start)},
			data.Fact{Label: "一件事承诺时限", Value: fmt.Sprintf("%d 个工作日，全部事项应于 %s 前办结", t.Limit, data.ChineseDate(t.Due))})
	} else {
		n.Facts = append(n.Facts, data.Fact{Label: "一件事承诺时限", Value: fmt.Sprintf("%d 个工作日，自补正后受理之日起计算", c.Theme.Limit)})
	}
	if c.Theme.Together {
		n.After = []string{"全部事项办结后，办理结果由本窗口统一出件，届时另行通知领取。"}
	} else {
		n.After = []string{"各事项办结后，办理结果分别出件。"}
	}
	n.Note = "期限按工作日计算，不含法定节假日。后续事项自前一事项办结之日起受理和计算期限。"
	n.Signatures, n.Seal = []string{"窗口经办人（签字）", "申请人（签字）"}, "受理专用章"
	return n
}

// head is what both papers of a theme case say first: the site, the
// numbers, the applicant and the departments.
func (c *Case) head(kind data.DocKind, in NoticeInput) data.Notice {
	n := data.Notice{Kind: kind, Title: kind.Title(), Number: in.Number, Issued: data.ChineseDate(in.Issued),
		Site: in.Site.Name + "（" + in.Site.Code + "）", Window: in.Window, Case: c.Number,
		Applicant: c.Applicant.Name, Item: c.Theme.Name + "（一件事，" + c.Theme.Code + "）", Clerk: in.Clerk, Phone: in.Site.Phone, Sample: in.Sample}
	codeLabel := "统一社会信用代码"
	if c.Applicant.Kind == data.ApplicantIndividual {
		codeLabel = "公民身份号码"
	}
	n.ApplicantCode = codeLabel + "：" + c.Applicant.IDCode
	n.Contact = strings.TrimSpace(c.Applicant.Contact + " " + c.Applicant.Phone)
	n.Address = c.Applicant.Address
	var depts []string
	for _, m := range c.Members {
		if d := m.Step.Item.Department; d != "" && !slices.Contains(depts, d) {
			depts = append(depts, d)
		}
	}
	n.Department = strings.Join(depts, "、")
	return n
}

// completeNotice is the 一件事办结通知书: every item's result — 准予许可
// and what it issues, 不予许可 with the right of appeal, 不予受理, 撤回, or
// never started because what it waited for was not granted — the whole
// thing's working days against its limit, and the hand-over.
func (c *Case) completeNotice(in NoticeInput) data.Notice {
	n := c.head(data.DocThemeComplete, in)
	n.Body = []string{fmt.Sprintf("你（单位）申请办理的“%s”一件事，各事项均已办结，办理结果如下。请凭本通知书一并领取。", c.Theme.Name)}
	denied := false
	for _, m := range c.Members {
		line := m.Step.Item.Name + "（" + m.Step.Item.Department + "）："
		switch {
		case m.App == nil:
			line += "因前置事项未予许可，未启动"
		case m.App.Status == data.StatusRefused:
			line += fmt.Sprintf("办件编号 %s，不予受理", m.App.Number)
		case m.App.Status == data.StatusWithdrawn:
			line += fmt.Sprintf("办件编号 %s，申请人已撤回", m.App.Number)
		case Denied(m.App):
			line += fmt.Sprintf("办件编号 %s，不予许可（%s办结）", m.App.Number, data.ChineseDate(m.Clock.End))
			denied = true
		default:
			line += fmt.Sprintf("办件编号 %s，准予许可（%s办结）", m.App.Number, data.ChineseDate(m.Clock.End))
			if m.Step.Result != "" {
				line += "，发给" + m.Step.Result
			}
		}
		n.List = append(n.List, line)
	}
	n.Facts = append(n.Facts, data.Fact{Label: "收件日期", Value: data.ChineseDate(calendar.DateOf(c.ReceivedAt))})
	if c.Clock.Started {
		t := c.Track()
		n.Facts = append(n.Facts, data.Fact{Label: "受理日期", Value: data.ChineseDate(c.Clock.Start)}, data.Fact{Label: "办结日期", Value: data.ChineseDate(c.Clock.End)})
		onTime := "按期"
		if t.OnTime != nil && !*t.OnTime {
			onTime = "超期"
		}
		n.Facts = append(n.Facts, data.Fact{Label: "一件事用时", Value: fmt.Sprintf("%d 个工作日（承诺 %d 个工作日，%s）", t.Used, t.Limit, onTime)})
	}
	if !c.DeliveredAt.IsZero() {
		n.Facts = append(n.Facts, data.Fact{Label: "出件方式", Value: "统一出件，" + data.ChineseDate(calendar.DateOf(c.DeliveredAt))})
	}
	if denied {
		n.After = []string{"如对不予许可的决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，也可以自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。"}
	}
	n.FeeNote = "各事项如有收费，以该事项受理时确定的收费项目和标准为准。"
	// No list of the materials received: the 受理通知书 has it, and a theme
	// of four items with a dozen materials pushed the signatures onto a
	// second page.
	n.Signatures, n.Seal = []string{"窗口经办人（签字）", "领取人（签字）"}, "办件专用章"
	return n
}

// Supplementing says whether an item of the theme waits for materials.
func (c *Case) Supplementing() bool {
	for _, m := range c.Members {
		if m.App != nil && m.App.Status == data.StatusSupplement {
			return true
		}
	}
	return false
}

// supplementNotice is the theme's one 一次性告知书: for every item in 补正,
// every material it still lacks, at once; the items that go on meanwhile.
func (c *Case) supplementNotice(in NoticeInput) data.Notice {
	n := c.head(data.DocThemeSupplement, in)
	received := data.ChineseDate(calendar.DateOf(c.ReceivedAt))
	n.Body = []string{fmt.Sprintf("你（单位）于%s申请办理的“%s”一件事，经审查，下列事项的申请材料需要补正。根据《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定，现一次性告知需要补正的全部内容如下：",
		received, c.Theme.Name)}
	var going []string
	for _, m := range c.Members {
		switch {
		case m.App != nil && m.App.Status == data.StatusSupplement:
			var missing []string
			for i := len(m.App.Events) - 1; i >= 0; i-- {
				if m.App.Events[i].Kind == clock.SupplementRequested {
					missing = m.App.Events[i].Data.Missing
					break
				}
			}
			n.List = append(n.List, fmt.Sprintf("%s（%s，办件编号 %s）：%s", m.Step.Item.Name, m.Step.Item.Department, m.App.Number, strings.Join(missing, "、")))
		case m.App != nil && m.App.Status.Open():
			going = append(going, m.Step.Item.Name)
		}
	}
	if len(going) > 0 {
		n.After = []string{fmt.Sprintf("%s材料齐全，已受理，不因上述补正而停止办理。补正材料齐全后，相关事项自受理之日起计算办理期限。", strings.Join(going, "、"))}
	}
	n.Facts = append(n.Facts, data.Fact{Label: "收件日期", Value: received}, data.Fact{Label: "告知日期", Value: data.ChineseDate(in.Issued)})
	n.FeeNote = "各事项如有收费，以该事项受理时确定的收费项目和标准为准。"
	n.Materials = slices.Clone(c.Materials)
	n.Signatures, n.Seal = []string{"窗口经办人（签字）", "申请人签收（签字）"}, "受理专用章"
	return n
}
