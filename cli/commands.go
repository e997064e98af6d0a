package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/postgres"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/gctune"
)

func runDemo(e *env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	db := dbFlag(fs)
	n := fs.Int("cases", 1000, "生成的办件数量")
	seed := fs.Uint64("seed", 1, "随机种子（相同种子生成相同办件）")
	quiet := fs.Bool("quiet", false, "不显示进度")
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	s, err := e.open(*db)
	if err != nil {
		return err
	}
	defer s.Close()
	start := e.now()
	opt := demo.Options{Cases: *n, Seed: *seed}
	if !*quiet {
		opt.Progress = func(done, total int) {
			fmt.Fprintf(e.stderr, "\r已生成 %d / %d 件", done, total)
			if done == total {
				fmt.Fprintln(e.stderr)
			}
		}
	}
	// This process does nothing else meanwhile: the collector may trade
	// memory for speed.
	defer gctune.Bulk()()
	res, err := demo.Run(e.ctx, s, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "生成办件 %d 件（未办结 %d 件），事件 %d 条，申请人 %d 个，企业反映问题 %d 个，用时 %.1f 秒，数据库 %s\n",
		res.Cases, res.Open, res.Events, res.Applicants, res.Problems, e.now().Sub(start).Seconds(), s.Path())
	return nil
}

func runVerify(e *env, args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	db := dbFlag(fs)
	repair := fs.Bool("repair", false, "统计汇总与办件不一致时从办件重建汇总（办件记录不变）")
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	if postgres.IsURL(*db) {
		return e.verifyCentral(*db, *repair)
	}
	if _, err := os.Stat(*db); err != nil {
		return data.Errorf(data.ENOTFOUND, "数据库文件 %s 不存在", *db)
	}
	s, err := sqlite.Open(*db)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := s.Verify(e.ctx)
	if err != nil {
		return err
	}
	if r.Integrity != "ok" {
		return verifyError{fmt.Sprintf("数据库文件损坏：%s", r.Integrity)}
	}
	if r.BadSeq != 0 {
		return verifyError{fmt.Sprintf("审计链校验失败：%s（已检查 %d 条）", r.Problem, r.Entries)}
	}
	if len(r.Records) > 0 {
		return verifyError{"记录与其事件不符（数据库被改动？）：\n" + strings.Join(r.Records, "\n")}
	}
	if r.Totals != "" {
		if !*repair {
			return verifyError{fmt.Sprintf("统计报表的每日汇总（%s）与办件不一致；办件记录本身无误，可用 verify --repair 从办件重建汇总", r.Totals)}
		}
		if err := s.RebuildDayTotals(e.ctx); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已从办件重建统计报表的每日汇总（%s）\n", r.Totals)
	}
	fmt.Fprintf(e.stdout, "数据库完整（integrity_check: ok），审计链完好：%d 条记录，办件和减免记录与其事件一致，统计汇总与办件一致\n", r.Entries)
	return nil
}

func runCalendar(e *env, args []string) error {
	if len(args) == 0 {
		return usageError{fmt.Errorf("calendar 需要子命令：show、import 或 site-day")}
	}
	switch args[0] {
	case "show":
		return runCalendarShow(e, args[1:])
	case "import":
		return runCalendarImport(e, args[1:])
	case "site-day":
		return runCalendarSiteDay(e, args[1:])
	}
	return usageError{fmt.Errorf("未知的 calendar 子命令 %q", args[0])}
}

// runCalendarShow lists a year's holidays and working weekends.
func runCalendarShow(e *env, args []string) error {
	fs := flag.NewFlagSet("calendar show", flag.ContinueOnError)
	db := dbFlag(fs)
	year := fs.Int("year", e.now().In(calendar.Shanghai).Year(), "年份")
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	s, err := e.open(*db)
	if err != nil {
		return err
	}
	defer s.Close()
	cal, err := s.Calendar(e.ctx)
	if err != nil {
		return err
	}
	known := "已发布"
	if !cal.Knows(*year) {
		known = "未导入国务院安排，按周一至周五计算"
	}
	fmt.Fprintf(e.stdout, "%d 年（%s）：工作日 %d 天\n", *year, known,
		cal.CountWorkdays(calendar.NewDate(*year, 1, 1)-1, calendar.NewDate(*year, 12, 31)))
	for d := calendar.NewDate(*year, 1, 1); d.Year() == *year; d++ {
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		if w := cal.IsWorkday(d); w == weekend {
			kind := "休"
			if w {
				kind = "班"
			}
			fmt.Fprintf(e.stdout, "%s %s %s %s\n", d, weekdayCN[d.Weekday()], kind, cal.Name(d))
		}
	}
	return nil
}

// runCalendarImport imports the State Council's holiday schedule.
func runCalendarImport(e *env, args []string) error {
	fs := flag.NewFlagSet("calendar import", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "系统管理员")
	file, err := parseOne(e, fs, args)
	if err != nil {
		return err
	}
	if file == "" {
		return usageError{fmt.Errorf("用法：onewindow calendar import 文件.json --user 管理员登录名 [--db 路径]")}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return data.Errorf(data.EINVALID, "读取节假日文件 %s：%v", file, err)
	}
	sched, err := calendar.ParseJSON(b)
	if err != nil {
		return data.Errorf(data.EINVALID, "节假日文件 %s：%v", file, err)
	}
	s, u, err := e.openSigned(*db, sg)
	if err != nil {
		return err
	}
	defer s.Close()
	ch, err := s.ImportCalendar(e.ctx, u.ID, sched)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已导入 %v 年节假日安排（%d 个日期），%d 件未办结办件的期限已重新计算\n", ch.Years, ch.Days, ch.CasesChanged)
	return nil
}

// runCalendarSiteDay sets or clears one day of this site's own calendar.
func runCalendarSiteDay(e *env, args []string) error {
	fs := flag.NewFlagSet("calendar site-day", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "系统管理员")
	date := fs.String("date", "", "日期 YYYY-MM-DD")
	working := fs.Bool("working", false, "本站点该日上班（如周六上午开窗）")
	off := fs.Bool("off", false, "本站点该日不上班")
	name := fs.String("name", "", "说明，如“周六上午窗口开放”")
	remove := fs.Bool("remove", false, "取消本站点对该日的设置，恢复全国安排")
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	d, err := calendar.ParseDate(*date)
	if err != nil {
		return usageError{fmt.Errorf("--date：%v", err)}
	}
	if !*remove && *working == *off {
		return usageError{fmt.Errorf("请给出 --working 或 --off（或 --remove）之一")}
	}
	s, u, err := e.openSigned(*db, sg)
	if err != nil {
		return err
	}
	defer s.Close()
	ch, err := s.SetSiteDay(e.ctx, u.ID, calendar.Day{Date: d, Working: *working, Name: *name}, *remove)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已更新本站点 %s 的安排，%d 件未办结办件的期限已重新计算\n", d, ch.CasesChanged)
	return nil
}

var weekdayCN = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

func runCases(e *env, args []string) error {
	fs := flag.NewFlagSet("cases", flag.ContinueOnError)
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "每行输出一个 JSON 对象")
	status := fs.String("status", "", "只列出该状态的办件（"+statusList()+"），可用逗号分隔多个")
	limit := fs.Int("limit", 0, "最多输出的办件数（0 为全部）")
	todayArg := todayFlag(fs)
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	today, err := todayOf(e, *todayArg)
	if err != nil {
		return err
	}
	var f data.CaseFilter
	if *status != "" {
		for _, st := range strings.Split(*status, ",") {
			if !validStatus(data.Status(st)) {
				return usageError{fmt.Errorf("--status：未知状态 %q（可用：%s）", st, statusList())}
			}
			f.Statuses = append(f.Statuses, data.Status(st))
		}
	}
	s, err := e.openCentral(*db) // a site's file, a SQLite centre or a PostgreSQL one
	if err != nil {
		return err
	}
	defer s.Close()
	// The waiver policies with their rules: each case says which it
	// qualified for and what was done (该减则减).
	var policies []data.WaiverPolicy
	if ps, ok := s.(interface {
		WaiverPolicies(ctx context.Context) ([]data.WaiverPolicy, error)
	}); ok {
		if policies, err = ps.WaiverPolicies(e.ctx); err != nil {
			return err
		}
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	f.Order = "id"
	written := 0
	for {
		f.Limit = 500
		if *limit > 0 {
			f.Limit = min(500, *limit-written)
		}
		apps, err := s.Cases(e.ctx, f)
		if err != nil {
			return err
		}
		for i := range apps {
			r, err := s.Clock(e.ctx, &apps[i], today)
			if err != nil {
				return err
			}
			v := newCaseView(&apps[i], r, today)
			v.eligible(&apps[i], policies)
			if *asJSON {
				err = enc.Encode(v)
			} else {
				_, err = fmt.Fprintln(out, v.line())
			}
			if err != nil {
				return err
			}
		}
		written += len(apps)
		if len(apps) < f.Limit || (*limit > 0 && written >= *limit) {
			return nil
		}
		f.AfterID = apps[len(apps)-1].ID
	}
}

func statusList() string {
	names := make([]string, len(data.Statuses))
	for i, st := range data.Statuses {
		names[i] = string(st)
	}
	return strings.Join(names, ", ")
}

func validStatus(s data.Status) bool {
	for _, st := range data.Statuses {
		if st == s {
			return true
		}
	}
	return false
}

// runPIN sets a PIN. An administrator sets another user's (their own PIN,
// then the new one, on standard input); a user changes their own with the
// old one (the old PIN, then the new one).
func runPIN(e *env, args []string) error {
	fs := flag.NewFlagSet("pin", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "执行人（管理员，或改自己 PIN 的用户）")
	target := fs.String("for", "", "要设置 PIN 的用户（默认为 --user 本人）")
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	if *sg.login == "" {
		return usageError{fmt.Errorf("用法：onewindow pin --user 登录名 [--for 登录名]，标准输入第一行为执行人的 PIN，第二行为新 PIN")}
	}
	who := *target
	if who == "" {
		who = *sg.login
	}
	s, err := e.open(*db)
	if err != nil {
		return err
	}
	defer s.Close()
	if who == *sg.login {
		old, err := e.pin(sg)
		if err != nil {
			return err
		}
		pin, err := e.line("新 PIN")
		if err != nil {
			return err
		}
		if err := s.ChangePIN(e.ctx, who, old, strings.TrimSpace(pin)); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s 的 PIN 已更改\n", who)
		return nil
	}
	u, err := e.signIn(s, sg)
	if err != nil {
		return err
	}
	pin, err := e.line("新 PIN")
	if err != nil {
		return err
	}
	if err := s.SetPIN(e.ctx, u.ID, who, strings.TrimSpace(pin)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已为 %s 设置新的 PIN\n", who)
	return nil
}
