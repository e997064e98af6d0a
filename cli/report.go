package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/report"
)

// runReport writes the processing-time report as PDF, XLSX or CSV.
func runReport(e *env, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	db := dbFlag(fs)
	from := fs.String("from", "", "起始日期 YYYY-MM-DD")
	to := fs.String("to", "", "截止日期 YYYY-MM-DD（含）")
	by := fs.String("by", "department", "分组：department 部门，window 窗口，item 事项，clerk 经办人，site 站点")
	format := fs.String("format", "", "格式：pdf、xlsx 或 csv（默认取输出文件的扩展名）")
	out := fs.String("o", "", "输出文件")
	today := fs.String("today", "", "红黄灯的判断日期（默认今天）")
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	if *from == "" || *to == "" || *out == "" {
		return usageError{fmt.Errorf("用法：onewindow report --from 日期 --to 日期 [--by department] [--format pdf|xlsx|csv] -o 文件")}
	}
	spec := report.Spec{By: report.By(*by), Today: calendar.DateOf(e.now())}
	var err error
	for _, d := range []struct {
		s    string
		into *calendar.Date
		name string
	}{{*from, &spec.From, "--from"}, {*to, &spec.To, "--to"}, {*today, &spec.Today, "--today"}} {
		if d.s == "" {
			continue
		}
		if *d.into, err = calendar.ParseDate(d.s); err != nil {
			return usageError{fmt.Errorf("%s：日期应为 YYYY-MM-DD", d.name)}
		}
	}
	name := *format
	if name == "" {
		name = filepath.Ext(*out)
	}
	f, err := render.ParseFormat(name)
	if err != nil {
		return usageError{fmt.Errorf("--format 应为 pdf、xlsx 或 csv")}
	}
	s, err := e.openCentral(*db) // a site's file, a centre's, or a PostgreSQL centre
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.Report(e.ctx, spec)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := render.Encode(&buf, f, rep, e.now()); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("写入 %s：%w", *out, err)
	}
	fmt.Fprintf(e.stdout, "%s–%s 按%s统计：%d 组，收件 %d，办结 %d，已写入 %s\n", spec.From, spec.To, spec.By.Label(), len(rep.Rows),
		rep.Total.Received, rep.Total.Completed, *out)
	return nil
}
