package problem

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/report"
)

// Bulletin is the monthly 督查通报 (the seed: "对最佳的部门予以宣传表彰，对最差
// 的部门予以通报批评"): the month's cases and problems, the departments
// commended and named, and every problem overdue, in the order of an
// official notice. Its text is made here; app/render lays it out.
type Bulletin struct {
	Issuer   string // the site's name: the notice's issuing office
	Number   string // 督查通报〔2026〕11号
	Title    string
	To       string // 主送
	Intro    string
	Sections []Section
	Date     calendar.Date // 成文日期
}

// Section is one numbered part: 一、…
type Section struct {
	Heading    string
	Paragraphs []string
}

// BulletinSource is a store the bulletin is read from: a site's, or a
// centre's over every site.
type BulletinSource interface {
	Site(ctx context.Context) (data.Site, error)
	Report(ctx context.Context, spec report.Spec) (*report.Report, error)
	ProblemBoard(ctx context.Context, from, to, today calendar.Date) ([]BoardRow, []Overdue, error)
}

// MakeBulletin writes the 督查通报 of the month day falls in, as of today
// (the month's end, or today while the month runs): the processing report
// by department with its ranking, the problem board, the overdue problems.
func MakeBulletin(ctx context.Context, s BulletinSource, day, today calendar.Date) (Bulletin, error) {
	first := calendar.NewDate(day.Year(), day.Time().Month(), 1)
	last := calendar.NewDate(day.Year(), day.Time().Month()+1, 1) - 1
	asOf := min(last, today)
	site, err := s.Site(ctx)
	if err != nil {
		return Bulletin{}, err
	}
	rep, err := s.Report(ctx, report.Spec{From: first, To: last, Today: asOf, By: report.ByDepartment})
	if err != nil {
		return Bulletin{}, err
	}
	board, overdue, err := s.ProblemBoard(ctx, first, last, asOf)
	if err != nil {
		return Bulletin{}, err
	}
	return NewBulletin(BulletinInput{Site: site, Month: first, Report: rep, Board: board, Overdue: overdue, Issued: today}), nil
}

var chineseNumbers = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// BulletinInput is what the month's bulletin is made from: the processing
// report by department over the month (its ranking included), the problem
// board over the month, and the problems overdue at its end.
type BulletinInput struct {
	Site    data.Site
	Month   calendar.Date // any day of the month
	Report  *report.Report
	Board   []BoardRow
	Overdue []Overdue
	Issued  calendar.Date
}

// NewBulletin writes the month's bulletin.
func NewBulletin(in BulletinInput) Bulletin {
	y, m := in.Month.Year(), int(in.Month.Time().Month())
	b := Bulletin{Issuer: in.Site.Name, Number: fmt.Sprintf("督查通报〔%d〕%d号", y, m),
		Title: fmt.Sprintf("关于%d年%d月优质服务竞赛和企业反映问题办理情况的通报", y, m), To: "各部门、各窗口：", Date: in.Issued}
	b.Intro = fmt.Sprintf("根据优质服务竞赛和企业反映问题督查制度，现将%d年%d月各部门办件和企业反映问题的办理情况通报如下。", y, m)
	t := in.Report.Total
	var recv, closed, onTime, overdue int
	for _, r := range in.Board {
		recv, closed, onTime, overdue = recv+r.Received, closed+r.ClosedTotal(), onTime+r.OnTimeTotal(), overdue+r.Overdue
	}
	general := []string{
		fmt.Sprintf("本月共收件 %d 件，办结 %d 件，承诺时限内办结率 %s，法定时限内办结率 %s；收到评价 %d 次，满意度 %s。",
			t.Received, t.Completed, percent(t.OnTimeRate()), percent(t.StatutoryRate()), t.Rated, score(t.Satisfaction())),
		fmt.Sprintf("本月登记企业反映问题 %d 个，办结 %d 个，其中按期办结 %d 个（%s）；月末仍有 %d 个问题超期未办。",
			recv, closed, onTime, percent(ratio(onTime, closed)), overdue),
	}
	b.Sections = append(b.Sections, Section{Heading: "总体情况", Paragraphs: general})
	problems := map[string]BoardRow{}
	for _, r := range in.Board {
		problems[r.Name] = r
	}
	line := func(rk report.Rank) string {
		s := fmt.Sprintf("%s（综合得分 %.1f", rk.Name, rk.Score)
		if r, ok := problems[rk.Name]; ok && r.ClosedTotal() > 0 {
			s += fmt.Sprintf("，企业问题按期办结 %d/%d", r.OnTimeTotal(), r.ClosedTotal())
		}
		return s + "）"
	}
	var best, worst []string
	for _, rk := range in.Report.Ranking {
		if rk.Best {
			best = append(best, line(rk))
		}
		if rk.Worst {
			worst = append(worst, line(rk))
		}
	}
	if len(best) > 0 {
		b.Sections = append(b.Sections, Section{Heading: "表扬", Paragraphs: []string{
			"以下部门本月办件按期、群众满意，企业反映问题办理及时，予以通报表扬：" + strings.Join(best, "；") + "。"}})
	}
	crit := []string{}
	if len(worst) > 0 {
		crit = append(crit, "以下部门本月综合得分居后，予以通报批评，请于下月5个工作日内提交整改措施："+strings.Join(worst, "；")+"。")
	}
	var named []string
	for _, r := range in.Board {
		if r.Overdue > 0 && r.Department != "" {
			named = append(named, fmt.Sprintf("%s（%d 个）", r.Name, r.Overdue))
		}
	}
	if len(named) > 0 {
		crit = append(crit, "以下部门有企业反映问题超期未办："+strings.Join(named, "、")+"。")
	}
	if len(crit) > 0 {
		b.Sections = append(b.Sections, Section{Heading: "批评", Paragraphs: crit})
	}
	if len(in.Overdue) > 0 {
		var lines []string
		for i, o := range in.Overdue {
			dept := o.Name
			if o.Department == "" {
				dept = "尚未交办"
			}
			lines = append(lines, fmt.Sprintf("%d. %s，%s，%s反映“%s”类问题，%s，超期 %d 个工作日。", i+1, o.Number, dept, o.Enterprise, o.Category, o.Track.Label(), o.DaysOver))
		}
		b.Sections = append(b.Sections, Section{Heading: "超期未办的企业反映问题", Paragraphs: lines})
	}
	if sec, ok := policySection(in.Report.Policies); ok {
		b.Sections = append(b.Sections, sec)
	}
	b.Sections = append(b.Sections, Section{Heading: "工作要求", Paragraphs: []string{
		"各部门要对照通报查找不足：能够解决的，立即解决；容易解决的，尽快解决；一时解决有困难的，要及时向企业说明情况，并创造条件努力解决。超期未办的问题，牵头部门须在5个工作日内办结或书面说明原因。"}})
	for i := range b.Sections {
		b.Sections[i].Heading = chineseNumbers[i%len(chineseNumbers)] + "、" + b.Sections[i].Heading
	}
	return b
}

func ratio(n, d int) float64 {
	if d == 0 {
		return math.NaN()
	}
	return float64(n) / float64(d)
}

func percent(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

func score(v float64) string {
	if math.IsNaN(v) || v == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f 分", v)
}

// policySection is the 政策落实 part (该减则减、该免则免): the month's
// waivers judged by the policies' rules, and the departments with fees
// charged in full to those who qualified (应减未减) or waived without
// grounds (减免无依据). None when no policy with a rule met a case.
func policySection(rows []report.PolicyRow) (Section, bool) {
	var qualified, granted, missed, explained, unfounded int
	var waived, missedFen, unfoundedFen int64
	type dept struct{ missed, unfounded []string }
	byDept := map[string]*dept{}
	var order []string
	for _, r := range rows {
		granted, waived = granted+r.Granted, waived+r.WaivedFen
		if !r.Rule {
			continue
		}
		qualified, missed, explained, missedFen = qualified+r.Qualified, missed+r.Missed, explained+r.Explained, missedFen+r.MissedFen
		unfounded, unfoundedFen = unfounded+r.Unfounded, unfoundedFen+r.UnfoundedFen
		if r.Missed+r.Unfounded == 0 {
			continue
		}
		d := byDept[r.Department]
		if d == nil {
			d = &dept{}
			byDept[r.Department] = d
			order = append(order, r.Department)
		}
		if r.Missed > 0 {
			d.missed = append(d.missed, fmt.Sprintf("“%s”%d 件", r.PolicyName, r.Missed))
		}
		if r.Unfounded > 0 {
			d.unfounded = append(d.unfounded, fmt.Sprintf("“%s”%d 件", r.PolicyName, r.Unfounded))
		}
	}
	if qualified+unfounded == 0 {
		return Section{}, false
	}
	paras := []string{fmt.Sprintf("本月符合减免政策条件的办件 %d 件；批准减免 %d 件，金额 %s。应减未减 %d 件，涉及金额 %s（其中窗口已说明理由 %d 件）；减免无依据 %d 件，金额 %s。",
		qualified, granted, data.Yuan(waived), missed, data.Yuan(missedFen), explained, unfounded, data.Yuan(unfoundedFen))}
	for _, name := range order {
		d := byDept[name]
		var parts []string
		if len(d.missed) > 0 {
			parts = append(parts, "应减未减："+strings.Join(d.missed, "、"))
		}
		if len(d.unfounded) > 0 {
			parts = append(parts, "减免无依据："+strings.Join(d.unfounded, "、"))
		}
		paras = append(paras, name+"，"+strings.Join(parts, "；")+"。")
	}
	if missed+unfounded > 0 {
		paras = append(paras, "应减未减的，相关窗口须在5个工作日内告知申请人，依申请办理减免或退费；减免无依据的，由督查人员逐件复核，确属不符合政策的予以纠正。")
	}
	return Section{Heading: "政策落实", Paragraphs: paras}, true
}
