package cli

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/postgres"
	"github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/sqlite"
)

// 企业反映问题 on the command line: problems lists them (one JSON object a
// line with --json), problem register records one, problem record records
// an event of one.

// problemView is the JSON shape of one problem for `onewindow problems
// --json`: stable names scripts can rely on.
type problemView struct {
	Number         string             `json:"number"`
	EnterpriseCode string             `json:"enterprise_code"`
	EnterpriseName string             `json:"enterprise_name"`
	Category       string             `json:"category"`
	Department     string             `json:"department"`      // the lead department's code ("" until assigned)
	DepartmentName string             `json:"department_name"` // its name
	Track          string             `json:"track"`           // immediate | soon | explain | "" (not triaged)
	Status         string             `json:"status"`          // received | open | closed | done
	ReceivedAt     string             `json:"received_at"`     // UTC
	Urges          int                `json:"urges"`
	Reopened       int                `json:"reopened"`
	Verdict        string             `json:"verdict"` // the last revisit's: satisfied | fair | unsatisfied
	Events         []problemEventView `json:"events"`
	Clock          problemClockView   `json:"clock"`
}

type problemEventView struct {
	Kind  string            `json:"kind"`
	At    string            `json:"at"`
	Actor string            `json:"actor"`
	Data  problem.EventData `json:"data"`
}

type problemClockView struct {
	DueDate        *string `json:"due_date"`         // closing: the track's day or the promised date
	ExplainDueDate *string `json:"explain_due_date"` // explain track only
	ProgressDue    *string `json:"progress_due_date"`
	UsedDays       int     `json:"used_days"`
	RemainingDays  int     `json:"remaining_days"` // to the deadline that applies now; pending problems only
	Warning        *string `json:"warning"`        // pending problems: green, yellow, red
	OnTime         *bool   `json:"on_time"`        // closed problems
}

func optDate(d calendar.Date) *string {
	if d == 0 {
		return nil
	}
	s := d.String()
	return &s
}

func newProblemView(p *problem.Problem, c problem.Clock) problemView {
	v := problemView{Number: p.Number, EnterpriseCode: p.EnterpriseCode, EnterpriseName: p.EnterpriseName, Category: p.Category,
		Department: p.Department, DepartmentName: p.DepartmentName, Track: string(p.State.Track), Status: string(p.State.Status),
		ReceivedAt: p.ReceivedAt.UTC().Format(time.RFC3339), Urges: p.State.Urges, Reopened: p.State.Reopened, Verdict: string(p.State.Verdict),
		Events: []problemEventView{}}
	for _, e := range p.Events {
		v.Events = append(v.Events, problemEventView{Kind: string(e.Kind), At: e.At.UTC().Format(time.RFC3339), Actor: e.Actor, Data: e.Data})
	}
	v.Clock = problemClockView{DueDate: optDate(c.Due), ExplainDueDate: optDate(c.ExplainDue), ProgressDue: optDate(c.ProgressDue),
		UsedDays: c.Used, RemainingDays: c.Remaining, OnTime: c.OnTime}
	if c.Warning != "" {
		w := string(c.Warning)
		v.Clock.Warning = &w
	}
	return v
}

func (v problemView) line() string {
	due, warn := "-", "-"
	if v.Clock.DueDate != nil {
		due = *v.Clock.DueDate
	}
	if v.Clock.Warning != nil {
		warn = *v.Clock.Warning
	}
	return fmt.Sprintf("%s  %s  %-8s %-6s 到期 %-10s  %s  %s  %s", v.Number, problem.Status(v.Status).Label(), problem.Track(v.Track).Label(),
		warn, due, v.DepartmentName, v.EnterpriseName, v.Category)
}

func runProblems(e *env, args []string) error {
	fs := flag.NewFlagSet("problems", flag.ContinueOnError)
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "每行输出一个 JSON 对象")
	status := fs.String("status", "", "只列出该状态的问题（received, open, closed, done），可用逗号分隔多个")
	todayArg := todayFlag(fs)
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	today, err := todayOf(e, *todayArg)
	if err != nil {
		return err
	}
	var f sqlite.ProblemFilter
	if *status != "" {
		for _, st := range strings.Split(*status, ",") {
			ok := false
			for _, s := range problem.Statuses {
				ok = ok || string(s) == st
			}
			if !ok {
				return usageError{fmt.Errorf("--status：未知状态 %q（可用：received, open, closed, done）", st)}
			}
			f.Statuses = append(f.Statuses, problem.Status(st))
		}
	}
	s, err := e.open(*db)
	if err != nil {
		return err
	}
	defer s.Close()
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for f.Limit = 500; ; {
		ps, err := s.Problems(e.ctx, f)
		if err != nil {
			return err
		}
		for i := range ps {
			c, err := s.ProblemClock(e.ctx, ps[i].State, today)
			if err != nil {
				return err
			}
			v := newProblemView(&ps[i], c)
			if *asJSON {
				err = enc.Encode(v)
			} else {
				_, err = fmt.Fprintln(out, v.line())
			}
			if err != nil {
				return err
			}
		}
		if len(ps) < f.Limit {
			return nil
		}
		f.AfterID = ps[len(ps)-1].ID
	}
}

// runProblem: problem register (a new problem) and problem record (an
// event of one).
func runProblem(e *env, args []string) error {
	if len(args) == 0 {
		return usageError{fmt.Errorf("problem 需要子命令：register、record 或 reply")}
	}
	switch args[0] {
	case "register":
		return runProblemRegister(e, args[1:])
	case "record":
		return runProblemRecord(e, args[1:])
	case "reply":
		return runProblemReply(e, args[1:])
	}
	return usageError{fmt.Errorf("未知的 problem 子命令 %q", args[0])}
}

func runProblemRegister(e *env, args []string) error {
	fs := flag.NewFlagSet("problem register", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "登记人")
	var in problem.Intake
	fs.StringVar(&in.EnterpriseCode, "code", "", "企业的统一社会信用代码")
	fs.StringVar(&in.EnterpriseName, "name", "", "企业名称")
	fs.StringVar(&in.Contact, "contact", "", "联系人")
	fs.StringVar(&in.Phone, "phone", "", "联系电话")
	fs.StringVar(&in.Category, "category", "", "问题类别（设置中维护的清单）")
	fs.StringVar(&in.Source, "source", "窗口", "问题来源："+strings.Join(problem.Sources, "、"))
	fs.StringVar(&in.Text, "text", "", "问题内容")
	fs.StringVar(&in.Case, "case", "", "相关办件编号（可空）")
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	s, u, err := e.openSigned(*db, sg)
	if err != nil {
		return err
	}
	defer s.Close()
	p, err := s.RegisterProblem(e.ctx, u.ID, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已登记问题 %s：%s（%s）\n", p.Number, p.EnterpriseName, p.Category)
	return nil
}

func runProblemRecord(e *env, args []string) error {
	fs := flag.NewFlagSet("problem record", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "经办人")
	kind := fs.String("kind", "", "操作：triaged（分流）、track_changed（改变处理方式）、assigned（交办）、answered（答复）、explained（情况说明）、progress（进展）、urged（督办）、closed（办结）、revisited（回访）、escalated（上报县级部门，--department 为其编码）")
	var d problem.EventData
	track := fs.String("track", "", "处理方式：immediate、soon 或 explain")
	fs.StringVar(&d.Reason, "reason", "", "改变处理方式的理由")
	fs.StringVar(&d.Department, "department", "", "牵头部门编码（上报时为县级部门编码）")
	helpers := fs.String("helpers", "", "协办部门编码，逗号分隔")
	fs.StringVar(&d.Text, "text", "", "答复、说明、进展、督办意见、办结结果或不满意的原因")
	fs.StringVar(&d.Promised, "promised", "", "承诺解决日期（YYYY-MM-DD）")
	verdict := fs.String("verdict", "", "回访评价：satisfied、fair 或 unsatisfied")
	number, err := parseOne(e, fs, args)
	if err != nil {
		return err
	}
	if number == "" || *kind == "" {
		return usageError{fmt.Errorf("用法：onewindow problem record 问题编号 --kind 操作 [参数] --user 登录名")}
	}
	d.Track, d.Verdict = problem.Track(*track), problem.Verdict(*verdict)
	if *helpers != "" {
		d.Helpers = strings.Split(*helpers, ",")
	}
	s, u, err := e.openSigned(*db, sg)
	if err != nil {
		return err
	}
	defer s.Close()
	p, err := s.RecordProblem(e.ctx, number, u.ID, problem.Event{Kind: problem.Kind(*kind), Data: d})
	if err != nil {
		return err
	}
	c, err := s.ProblemClock(e.ctx, p.State, calendar.DateOf(e.now()))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已记录：%s\n", newProblemView(&p, c).line())
	return nil
}

// runProblemReply records, at the centre (SQLite or PostgreSQL), a county
// department's answer to a problem a township reported up; the centre's
// next publish carries it back.
func runProblemReply(e *env, args []string) error {
	fs := flag.NewFlagSet("problem reply", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "答复人")
	var r problem.Reply
	kind := fs.String("kind", "answered", "答复种类：answered（答复）、explained（情况说明，须 --promised）或 progress（进展）")
	fs.StringVar(&r.Text, "text", "", "答复内容")
	fs.StringVar(&r.Promised, "promised", "", "承诺解决日期（YYYY-MM-DD）")
	number, err := parseOne(e, fs, args)
	if err != nil {
		return err
	}
	if number == "" || r.Text == "" {
		return usageError{fmt.Errorf("用法：onewindow problem reply 问题编号 [--kind answered] --text 答复内容 --user 登录名 --db 中心数据库")}
	}
	r.Problem, r.Kind = number, problem.Kind(*kind)
	c, u, err := e.openCentralSigned(*db, sg)
	if err != nil {
		return err
	}
	defer c.Close()
	switch s := c.(type) {
	case *sqlite.Store:
		r, err = s.ReplyProblem(e.ctx, u.ID, r)
	case *postgres.Store:
		r, err = s.ReplyProblem(e.ctx, u.ID, r)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已记录 %s 对问题 %s 的%s，随下一个下发包（publish）发回站点\n", r.DepartmentName, r.Problem, r.Kind.Label())
	return nil
}
