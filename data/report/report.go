// Package report holds the supervisors' processing-time report: its
// figures per group, the composite ranking, and the CSV and XLSX exports.
// The figures are computed by data.Store.Report from the clock cache that
// the clock functions keep on every case; every figure names the metric a
// drill-down (data.Store.ReportCases) lists the cases of.
package report

import (
	"math"
	"sort"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// By is the grouping of a report.
type By string

// Groupings.
const (
	ByDepartment By = "department"
	ByWindow     By = "window"
	ByItem       By = "item"
	ByClerk      By = "clerk"
	BySite       By = "site"
)

// Bys lists the groupings in menu order.
var Bys = []By{ByDepartment, ByWindow, ByItem, ByClerk, BySite}

// Label is the Chinese name of the grouping.
func (b By) Label() string {
	switch b {
	case ByDepartment:
		return "部门"
	case ByWindow:
		return "窗口"
	case ByItem:
		return "事项"
	case ByClerk:
		return "经办人"
	case BySite:
		return "站点"
	}
	return string(b)
}

// Spec says what a report covers: dates From…To (inclusive, Shanghai),
// grouped By, with open cases' colours read on Today.
type Spec struct {
	From, To calendar.Date
	By       By
	Today    calendar.Date
	// Weights of the ranking; nil for the defaults (a store fills in its
	// database's own).
	Weights []Weight
}

// Metric names a figure that can be traced to its cases.
type Metric string

// The traceable figures. Each is a set of cases; see data.Store.ReportCases.
const (
	Received        Metric = "received"         // received in the period
	Accepted        Metric = "accepted"         // accepted (受理) in the period
	Refused         Metric = "refused"          // refused in the period
	Withdrawn       Metric = "withdrawn"        // withdrawn in the period
	Completed       Metric = "completed"        // completed (办结) in the period
	OnTimePromised  Metric = "ontime_promised"  // completed in the period within the promised limit
	OnTimeStatutory Metric = "ontime_statutory" // … within the statutory limit
	Extended        Metric = "extended"         // completed in the period after an approved extension
	Paused          Metric = "paused"           // completed in the period with paused days
	Supplemented    Metric = "supplemented"     // received in the period and asked to supplement
	ImmediateDone   Metric = "immediate_done"   // 即办件 completed in the period
	ImmediateSame   Metric = "immediate_same"   // … completed on the day they were received
	Yellow          Metric = "yellow"           // open now and yellow (not red)
	Red             Metric = "red"              // open now and red
	FeeCases        Metric = "fee_cases"        // accepted in the period with fees
	Waived          Metric = "waived"           // with a waiver approved in the period
	Rated           Metric = "rated"            // rated in the period
	BadRated        Metric = "bad_rated"        // rated 1 or 2 in the period
	RectDue         Metric = "rect_due"         // rectification due in the period and decidable
	RectOnTime      Metric = "rect_ontime"      // … done by its due date
)

// Row is one group's figures.
type Row struct {
	Key  string // the group's id (item, window, user id; department id; site code)
	Name string

	Received, Accepted, Refused, Withdrawn, Completed int
	OnTimePromised, OnTimeStatutory                   int
	Extended, Paused, PauseDays                       int
	Supplemented                                      int
	ImmediateDone, ImmediateSame                      int
	Yellow, Red                                       int
	FeeCases                                          int
	FeesDueFen                                        int64
	Waived                                            int
	WaiverFen                                         int64
	Rated, RatingSum, BadRated                        int
	RectDue, RectOnTime                               int
	// 企业反映问题 led by the group (departments only): registered in the
	// period, closed in it and of those in time, pending and overdue now,
	// and the verdicts of the revisits of those closed in it (不满意: the
	// ones an unsatisfied revisit reopened).
	Problems, ProblemsClosed, ProblemsOnTime, ProblemsOverdue int
	ProblemsSatisfied, ProblemsFair, ProblemsUnsatisfied      int
	// Days[n] is how many cases completed in the period used n working days.
	Days map[int]int
}

// Count returns the figure of a traceable metric.
func (r *Row) Count(m Metric) int {
	switch m {
	case Received:
		return r.Received
	case Accepted:
		return r.Accepted
	case Refused:
		return r.Refused
	case Withdrawn:
		return r.Withdrawn
	case Completed:
		return r.Completed
	case OnTimePromised:
		return r.OnTimePromised
	case OnTimeStatutory:
		return r.OnTimeStatutory
	case Extended:
		return r.Extended
	case Paused:
		return r.Paused
	case Supplemented:
		return r.Supplemented
	case ImmediateDone:
		return r.ImmediateDone
	case ImmediateSame:
		return r.ImmediateSame
	case Yellow:
		return r.Yellow
	case Red:
		return r.Red
	case FeeCases:
		return r.FeeCases
	case Waived:
		return r.Waived
	case Rated:
		return r.Rated
	case BadRated:
		return r.BadRated
	case RectDue:
		return r.RectDue
	case RectOnTime:
		return r.RectOnTime
	}
	return 0
}

// Add adds o's figures to r (for totals, and departments from items).
func (r *Row) Add(o *Row) {
	r.Received += o.Received
	r.Accepted += o.Accepted
	r.Refused += o.Refused
	r.Withdrawn += o.Withdrawn
	r.Completed += o.Completed
	r.OnTimePromised += o.OnTimePromised
	r.OnTimeStatutory += o.OnTimeStatutory
	r.Extended += o.Extended
	r.Paused += o.Paused
	r.PauseDays += o.PauseDays
	r.Supplemented += o.Supplemented
	r.ImmediateDone += o.ImmediateDone
	r.ImmediateSame += o.ImmediateSame
	r.Yellow += o.Yellow
	r.Red += o.Red
	r.FeeCases += o.FeeCases
	r.FeesDueFen += o.FeesDueFen
	r.Waived += o.Waived
	r.WaiverFen += o.WaiverFen
	r.Rated += o.Rated
	r.RatingSum += o.RatingSum
	r.BadRated += o.BadRated
	r.RectDue += o.RectDue
	r.RectOnTime += o.RectOnTime
	r.Problems += o.Problems
	r.ProblemsClosed += o.ProblemsClosed
	r.ProblemsOnTime += o.ProblemsOnTime
	r.ProblemsOverdue += o.ProblemsOverdue
	r.ProblemsSatisfied += o.ProblemsSatisfied
	r.ProblemsFair += o.ProblemsFair
	r.ProblemsUnsatisfied += o.ProblemsUnsatisfied
	if len(o.Days) > 0 && r.Days == nil {
		r.Days = map[int]int{}
	}
	for d, n := range o.Days {
		r.Days[d] += n
	}
}

// ProblemOnTimeRate is the share of the problems closed in the period
// that were closed in time (NaN without any).
func (r *Row) ProblemOnTimeRate() float64 { return Rate(r.ProblemsOnTime, r.ProblemsClosed) }

// ProblemSatisfiedRate is the share of the revisits of problems closed in
// the period that found the enterprise 满意 or 基本满意 (NaN without any).
func (r *Row) ProblemSatisfiedRate() float64 {
	return Rate(r.ProblemsSatisfied+r.ProblemsFair, r.ProblemsSatisfied+r.ProblemsFair+r.ProblemsUnsatisfied)
}

// Rate is part/whole, or NaN when whole is 0 (shown as "—").
func Rate(part, whole int) float64 {
	if whole == 0 {
		return math.NaN()
	}
	return float64(part) / float64(whole)
}

// OnTimeRate is the share of completed cases within the promised limit.
func (r *Row) OnTimeRate() float64 { return Rate(r.OnTimePromised, r.Completed) }

// StatutoryRate is the share within the statutory limit.
func (r *Row) StatutoryRate() float64 { return Rate(r.OnTimeStatutory, r.Completed) }

// SupplementRate is the share of received cases asked to supplement.
func (r *Row) SupplementRate() float64 { return Rate(r.Supplemented, r.Received) }

// SameDayRate is the share of 即办件 completed on the day they came in.
func (r *Row) SameDayRate() float64 { return Rate(r.ImmediateSame, r.ImmediateDone) }

// RectRate is the share of rectifications done by their due date.
func (r *Row) RectRate() float64 { return Rate(r.RectOnTime, r.RectDue) }

// Satisfaction is the average rating (1–5), NaN without ratings.
func (r *Row) Satisfaction() float64 {
	if r.Rated == 0 {
		return math.NaN()
	}
	return float64(r.RatingSum) / float64(r.Rated)
}

// MeanDays is the average working days used by cases completed in the period.
func (r *Row) MeanDays() float64 {
	n, sum := 0, 0
	for d, c := range r.Days {
		n += c
		sum += d * c
	}
	if n == 0 {
		return math.NaN()
	}
	return float64(sum) / float64(n)
}

// Quantile is the q-quantile (0.5 median, 0.9 P90) of working days used, by
// the nearest-rank method: the smallest d such that at least q of the cases
// used d days or fewer. NaN without completed cases.
func (r *Row) Quantile(q float64) float64 {
	return Quantile(r.Days, q)
}

// Quantile is the nearest-rank q-quantile of a histogram.
func Quantile(h map[int]int, q float64) float64 {
	n := 0
	days := make([]int, 0, len(h))
	for d, c := range h {
		n += c
		days = append(days, d)
	}
	if n == 0 {
		return math.NaN()
	}
	sort.Ints(days)
	rank := int(math.Ceil(q * float64(n)))
	if rank < 1 {
		rank = 1
	}
	seen := 0
	for _, d := range days {
		seen += h[d]
		if seen >= rank {
			return float64(d)
		}
	}
	return float64(days[len(days)-1])
}

// WaiverLine is the approved waivers of one policy basis in the period.
type WaiverLine struct {
	Group  string // the group's name
	Policy string
	Basis  string
	Count  int
	Fen    int64
}

// Week is one week of the period for the volume chart.
type Week struct {
	Monday     calendar.Date
	Received   int
	Completed  int
	MedianDays float64 // of the cases completed that week; NaN if none
}

// Report is a whole report.
type Report struct {
	Spec    Spec
	Weights []Weight // the composite the ranking used
	Rows    []Row    // by name
	Total   Row
	Waivers []WaiverLine
	Weeks   []Week
	Ranking []Rank // departments or windows only
	// Policies is the 政策落实督查: per waiver policy and department, over
	// the cases accepted (their fees fixed) in the period.
	Policies []PolicyRow
	// Themes is the 一件事 report: per theme received in the period.
	Themes []ThemeRow
}

// The policy 督查's figures, each a set of cases (PolicyRow.Cases).
const (
	PolicyQualified Metric = "policy_qualified" // the facts met the policy's rule on a fee line it covers
	PolicyGranted   Metric = "policy_granted"   // a waiver of the policy approved
	PolicyMissed    Metric = "policy_missed"    // 应减未减: qualified, charged in full
	PolicyExplained Metric = "policy_explained" // … with the clerk's reason
	PolicyUnfounded Metric = "policy_unfounded" // 减免无依据: approved although the facts do not meet the rule
)

// PolicyRow is one waiver policy's figures in one department. Figures
// count cases; Cases holds each figure's case numbers (at most
// MaxPolicyCases), so a figure opens its cases.
type PolicyRow struct {
	Policy, PolicyName, Basis string
	Department                string
	Rule                      bool // the policy has a rule: qualified, missed and unfounded are judged
	Qualified, Granted        int
	WaivedFen                 int64 // approved waivers of the policy
	Missed, Explained         int
	MissedFen                 int64 // what the missed waivers would have taken off
	Unfounded                 int
	UnfoundedFen              int64
	Cases                     map[Metric][]string
}

// The 一件事 report's figures, each a set of the themes' item cases
// (ThemeRow.Cases).
const (
	ThemeReceived Metric = "theme_received" // themes received in the period
	ThemeOnTime   Metric = "theme_on_time"  // closed within the theme's limit
	ThemeLate     Metric = "theme_late"     // closed after it
	ThemeHeldUp   Metric = "theme_held_up"  // the item that held a closed theme up most often
)

// ThemeRow is one theme's figures over the themes received in the
// period: how many, how many closed within the theme's own limit, the
// working days the whole thing took (average and 90th percentile, over
// the closed ones) and the item that closed last most often.
type ThemeRow struct {
	Theme, ThemeName string
	LimitDays        int
	Received, Open   int
	OnTime, Late     int
	AvgDays, P90Days float64 // NaN when none closed
	HeldUp           string  // the item's name
	HeldUpCount      int
	Cases            map[Metric][]string // the item cases behind each figure
}

// OnTimeRate is the share of the closed themes closed within the limit.
func (t *ThemeRow) OnTimeRate() float64 {
	if t.OnTime+t.Late == 0 {
		return math.NaN()
	}
	return float64(t.OnTime) / float64(t.OnTime+t.Late)
}

// Add puts an item case's number under a figure (up to MaxPolicyCases).
func (t *ThemeRow) Add(m Metric, number string) {
	if t.Cases == nil {
		t.Cases = map[Metric][]string{}
	}
	if l := t.Cases[m]; len(l) < MaxPolicyCases {
		t.Cases[m] = append(l, number)
	}
}

// MaxPolicyCases bounds the case numbers a PolicyRow keeps per figure.
const MaxPolicyCases = 5000

// Add puts a case's number under a figure, once.
func (p *PolicyRow) Add(m Metric, number string) {
	if p.Cases == nil {
		p.Cases = map[Metric][]string{}
	}
	l := p.Cases[m]
	if len(l) > 0 && l[len(l)-1] == number || len(l) >= MaxPolicyCases {
		return
	}
	p.Cases[m] = append(l, number)
}

// Row returns the row with key, or nil.
func (r *Report) Row(key string) *Row {
	for i := range r.Rows {
		if r.Rows[i].Key == key {
			return &r.Rows[i]
		}
	}
	if key == "" {
		return &r.Total
	}
	return nil
}

// Check refuses a period that is empty, reversed or longer than ten
// years, and an unknown grouping.
func (spec Spec) Check() error {
	if spec.From == 0 || spec.To == 0 {
		return data.FieldError("from", "统计期间", "起止日期不能为空")
	}
	if spec.To < spec.From {
		return data.FieldError("to", "截止日期", "不能早于起始日期 %s", spec.From)
	}
	if spec.To-spec.From > 3700 {
		return data.FieldError("to", "统计期间", "不能超过十年")
	}
	for _, b := range Bys {
		if spec.By == b {
			return nil
		}
	}
	return data.FieldError("by", "分组方式", "应为 department、window、item、clerk 或 site")
}
