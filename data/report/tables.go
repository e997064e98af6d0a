package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Format of a number in a table.
type Format int

// Number formats.
const (
	Int     Format = iota // a count
	Percent               // a rate 0…1
	Decimal               // one decimal (days, satisfaction)
	Yuan                  // an amount in fen, shown in yuan
)

// Cell is one value of a table: text, or a number with its format (NaN for
// "no such cases"), and the metric whose cases it counts, if any.
type Cell struct {
	Text   string
	Num    float64
	Format Format
	IsNum  bool
	Metric Metric
}

func num(v float64, f Format) Cell { return Cell{Num: v, Format: f, IsNum: true} }
func count(v int, m Metric) Cell   { return Cell{Num: float64(v), Format: Int, IsNum: true, Metric: m} }
func text(s string) Cell           { return Cell{Text: s} }

// String is the cell as shown on the screen and in the CSV.
func (c Cell) String() string {
	if !c.IsNum {
		return c.Text
	}
	if math.IsNaN(c.Num) {
		return "—"
	}
	switch c.Format {
	case Percent:
		return strconv.FormatFloat(c.Num*100, 'f', 1, 64) + "%"
	case Decimal:
		return strconv.FormatFloat(c.Num, 'f', 1, 64)
	case Yuan:
		return strconv.FormatFloat(c.Num/100, 'f', 2, 64)
	}
	return strconv.FormatFloat(c.Num, 'f', 0, 64)
}

// Table is one table of a report, as the screen, the PDF, the XLSX and
// the CSV show it. RowKeys[i] is the group key of row i ("" for the total).
type Table struct {
	Name    string
	Header  []string
	Rows    [][]Cell
	RowKeys []string
}

// Columns of the main table.
var mainHeader = []string{"", "收件", "受理", "不予受理", "撤回", "办结", "承诺时限内办结", "承诺按期率", "法定时限内办结", "法定按期率",
	"平均用时（工作日）", "中位用时", "P90 用时", "延期办结", "有暂停", "暂停工作日", "补正件", "补正率", "即办件办结", "当日办结", "当日办结率",
	"黄灯（现在）", "红灯（现在）", "收费办件", "应收金额（元）", "减免办件", "减免金额（元）", "评价数", "满意度", "差评数", "到期整改", "按期整改", "整改按期率"}

func mainRow(r *Row) []Cell {
	return []Cell{text(r.Name), count(r.Received, Received), count(r.Accepted, Accepted), count(r.Refused, Refused), count(r.Withdrawn, Withdrawn),
		count(r.Completed, Completed), count(r.OnTimePromised, OnTimePromised), num(r.OnTimeRate(), Percent),
		count(r.OnTimeStatutory, OnTimeStatutory), num(r.StatutoryRate(), Percent),
		num(r.MeanDays(), Decimal), num(r.Quantile(0.5), Decimal), num(r.Quantile(0.9), Decimal),
		count(r.Extended, Extended), count(r.Paused, Paused), num(float64(r.PauseDays), Int),
		count(r.Supplemented, Supplemented), num(r.SupplementRate(), Percent),
		count(r.ImmediateDone, ImmediateDone), count(r.ImmediateSame, ImmediateSame), num(r.SameDayRate(), Percent),
		count(r.Yellow, Yellow), count(r.Red, Red), count(r.FeeCases, FeeCases), num(float64(r.FeesDueFen), Yuan),
		count(r.Waived, Waived), num(float64(r.WaiverFen), Yuan), count(r.Rated, Rated), num(r.Satisfaction(), Decimal),
		count(r.BadRated, BadRated), count(r.RectDue, RectDue), count(r.RectOnTime, RectOnTime), num(r.RectRate(), Percent)}
}

// Tables returns the report's tables: the figures by group (with the
// total), the ranking, the waivers by policy basis, the weeks, and a note
// of what the report covers.
func (rep *Report) Tables() []Table {
	by := rep.Spec.By.Label()
	main := Table{Name: "办件时效（按" + by + "）", Header: append([]string{by}, mainHeader[1:]...)}
	for i := range rep.Rows {
		main.Rows = append(main.Rows, mainRow(&rep.Rows[i]))
		main.RowKeys = append(main.RowKeys, rep.Rows[i].Key)
	}
	main.Rows = append(main.Rows, mainRow(&rep.Total))
	main.RowKeys = append(main.RowKeys, "")
	out := []Table{main}
	if len(rep.Ranking) > 0 {
		t := Table{Name: "综合排名（按" + by + "）", Header: []string{"名次", by, "综合得分"}}
		for _, w := range rep.Weights {
			t.Header = append(t.Header, fmt.Sprintf("%s（权重 %.0f%%）", w.Name, w.Weight*100))
		}
		t.Header = append(t.Header, "标注")
		for _, r := range rep.Ranking {
			row := []Cell{num(float64(r.Place), Int), text(r.Name), num(r.Score, Decimal)}
			for _, p := range r.Parts {
				row = append(row, num(p, Percent))
			}
			mark := ""
			if r.Best {
				mark = "最佳"
			}
			if r.Worst {
				mark = "最差"
			}
			t.Rows = append(t.Rows, append(row, text(mark)))
			t.RowKeys = append(t.RowKeys, r.Key)
		}
		out = append(out, t)
	}
	if rep.Spec.By == ByDepartment && rep.Total.Problems+rep.Total.ProblemsClosed+rep.Total.ProblemsOverdue > 0 {
		out = append(out, rep.problemTable())
	}
	if len(rep.Policies) > 0 {
		out = append(out, rep.PolicyTable())
	}
	if len(rep.Themes) > 0 {
		out = append(out, rep.ThemeTable())
	}
	w := Table{Name: "减免（按政策依据）", Header: []string{by, "减免政策", "依据文号", "笔数", "金额（元）"}}
	for _, l := range rep.Waivers {
		w.Rows = append(w.Rows, []Cell{text(l.Group), text(l.Policy), text(l.Basis), num(float64(l.Count), Int), num(float64(l.Fen), Yuan)})
		w.RowKeys = append(w.RowKeys, "")
	}
	out = append(out, w)
	wk := Table{Name: "每周办件量", Header: []string{"周一", "收件", "办结", "办结中位用时（工作日）"}}
	for _, x := range rep.Weeks {
		wk.Rows = append(wk.Rows, []Cell{text(x.Monday.String()), num(float64(x.Received), Int), num(float64(x.Completed), Int), num(x.MedianDays, Decimal)})
		wk.RowKeys = append(wk.RowKeys, "")
	}
	out = append(out, wk)
	note := Table{Name: "说明", Header: []string{"项目", "内容"}, Rows: [][]Cell{
		{text("统计期间"), text(rep.Spec.From.String() + " 至 " + rep.Spec.To.String())},
		{text("分组"), text(by)},
		{text("红黄灯截至"), text(rep.Spec.Today.String())},
		{text("口径"), text("收件按收件日期、受理按受理日期、办结和不予受理按决定日期计入期间；用时为扣除暂停后的工作日，与办件详情的计时一致。")},
		{text("综合得分"), text(WeightsText(rep.Weights))},
	}}
	if len(rep.Policies) > 0 {
		note.Rows = append(note.Rows, []Cell{text("政策落实督查"), text("按受理日期（收费确定之日）计入期间；符合条件、应减未减、减免无依据按政策的适用条件与办件登记的事实判断，“—”为未设适用条件、由窗口判断的政策。")})
	}
	if len(rep.Themes) > 0 {
		note.Rows = append(note.Rows, []Cell{text("一件事"), text("按一件事的收件日期计入期间；整体用时自其第一个事项受理之日起，至最后一个事项办结之日止，按工作日计算（不扣除单个事项的暂停和补正），与一件事承诺时限比较；“最常拖后的事项”为最后办结次数最多的事项。")})
	}
	for range note.Rows {
		note.RowKeys = append(note.RowKeys, "")
	}
	return append(out, note)
}

// problemTable: each lead department's 企业反映问题 beside its cases'
// on-time rate and 好差评 (the 督查 board's figures, in the report and its
// exports).
func (rep *Report) problemTable() Table {
	t := Table{Name: "企业反映问题（按牵头部门）", Header: []string{"部门", "办件承诺按期率", "办件满意度", "差评数",
		"登记问题", "办结问题", "按期办结", "按期办结率", "超期未办（现在）", "回访满意", "基本满意", "不满意（重办）", "回访满意率"}}
	line := func(r *Row) []Cell {
		return []Cell{text(r.Name), num(r.OnTimeRate(), Percent), num(r.Satisfaction(), Decimal), count(r.BadRated, BadRated),
			num(float64(r.Problems), Int), num(float64(r.ProblemsClosed), Int), num(float64(r.ProblemsOnTime), Int), num(r.ProblemOnTimeRate(), Percent),
			num(float64(r.ProblemsOverdue), Int), num(float64(r.ProblemsSatisfied), Int), num(float64(r.ProblemsFair), Int),
			num(float64(r.ProblemsUnsatisfied), Int), num(r.ProblemSatisfiedRate(), Percent)}
	}
	for i := range rep.Rows {
		r := &rep.Rows[i]
		if r.Problems+r.ProblemsClosed+r.ProblemsOverdue == 0 {
			continue
		}
		t.Rows = append(t.Rows, line(r))
		t.RowKeys = append(t.RowKeys, r.Key)
	}
	t.Rows = append(t.Rows, line(&rep.Total))
	t.RowKeys = append(t.RowKeys, "")
	return t
}

// PolicyTable is the 政策落实督查: per policy and department, the cases
// that qualified, the waivers granted and their amount, 应减未减 (and how
// many of those the clerk explained) and 减免无依据. RowKeys index
// rep.Policies ("" for the total).
func (rep *Report) PolicyTable() Table {
	t := Table{Name: "政策落实督查（按政策和部门）", Header: []string{"减免政策", "依据文号", "部门", "符合条件", "已减免", "减免金额（元）",
		"应减未减", "其中已说明理由", "应减未减金额（元）", "减免无依据", "无依据金额（元）"}}
	var total PolicyRow
	judged := func(r *PolicyRow, n int, m Metric) Cell {
		if !r.Rule {
			return text("—") // a policy without a rule is applied by judgement
		}
		return count(n, m)
	}
	for i := range rep.Policies {
		r := &rep.Policies[i]
		t.Rows = append(t.Rows, []Cell{text(r.PolicyName), text(r.Basis), text(r.Department), judged(r, r.Qualified, PolicyQualified),
			count(r.Granted, PolicyGranted), num(float64(r.WaivedFen), Yuan), judged(r, r.Missed, PolicyMissed), judged(r, r.Explained, PolicyExplained),
			num(float64(r.MissedFen), Yuan), judged(r, r.Unfounded, PolicyUnfounded), num(float64(r.UnfoundedFen), Yuan)})
		t.RowKeys = append(t.RowKeys, strconv.Itoa(i))
		total.Qualified += r.Qualified
		total.Granted += r.Granted
		total.WaivedFen += r.WaivedFen
		total.Missed += r.Missed
		total.Explained += r.Explained
		total.MissedFen += r.MissedFen
		total.Unfounded += r.Unfounded
		total.UnfoundedFen += r.UnfoundedFen
	}
	t.Rows = append(t.Rows, []Cell{text("合计"), text(""), text(""), num(float64(total.Qualified), Int), num(float64(total.Granted), Int),
		num(float64(total.WaivedFen), Yuan), num(float64(total.Missed), Int), num(float64(total.Explained), Int), num(float64(total.MissedFen), Yuan),
		num(float64(total.Unfounded), Int), num(float64(total.UnfoundedFen), Yuan)})
	t.RowKeys = append(t.RowKeys, "")
	return t
}

// ThemeTable is the 一件事 report: per theme received in the period, how
// many, how many still open, closed within the theme's limit or after it,
// the on-time rate, the average and 90th-percentile working days of the
// whole thing, and the item that closed last most often. RowKeys index
// rep.Themes ("" for the total).
func (rep *Report) ThemeTable() Table {
	t := Table{Name: "一件事（按主题）", Header: []string{"一件事", "承诺时限（工作日）", "收件", "办理中", "按期办结", "超期办结", "按期率",
		"平均用时（工作日）", "P90 用时（工作日）", "最常拖后的事项", "次数"}}
	var total ThemeRow
	for i := range rep.Themes {
		r := &rep.Themes[i]
		t.Rows = append(t.Rows, []Cell{text(r.ThemeName), num(float64(r.LimitDays), Int), count(r.Received, ThemeReceived), num(float64(r.Open), Int),
			count(r.OnTime, ThemeOnTime), count(r.Late, ThemeLate), num(r.OnTimeRate(), Percent), num(r.AvgDays, Decimal), num(r.P90Days, Decimal),
			text(r.HeldUp), count(r.HeldUpCount, ThemeHeldUp)})
		t.RowKeys = append(t.RowKeys, strconv.Itoa(i))
		total.Received += r.Received
		total.Open += r.Open
		total.OnTime += r.OnTime
		total.Late += r.Late
	}
	t.Rows = append(t.Rows, []Cell{text("合计"), text(""), num(float64(total.Received), Int), num(float64(total.Open), Int),
		num(float64(total.OnTime), Int), num(float64(total.Late), Int), num(total.OnTimeRate(), Percent), text(""), text(""), text(""), text("")})
	t.RowKeys = append(t.RowKeys, "")
	return t
}

// Find is the table of tables whose name starts with prefix, and whether
// there is one.
func Find(tables []Table, prefix string) (Table, bool) {
	for _, t := range tables {
		if strings.HasPrefix(t.Name, prefix) {
			return t, true
		}
	}
	return Table{}, false
}

// WeightsText says how the composite score is made, for the report's
// notes and the screen.
func WeightsText(ws []Weight) string {
	var parts []string
	for _, w := range ws {
		parts = append(parts, fmt.Sprintf("%s×%.0f%%", w.Name, w.Weight*100))
	}
	return strings.Join(parts, " + ") + fmt.Sprintf("；某项无数据时不计入并按比例放大其余权重；办结少于 %d 件的不参加排名。", MinCompleted)
}
