package cli

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/report"
)

// runBulletin writes the monthly 督查通报 as a PDF: the month's cases by
// department with the best commended and the worst named, the enterprises'
// problems, and every problem overdue at the month's end.
func runBulletin(e *env, args []string) error {
	fs := flag.NewFlagSet("bulletin", flag.ContinueOnError)
	db := dbFlag(fs)
	month := fs.String("month", "", "月份 YYYY-MM（默认上个月）")
	out := fs.String("o", "", "输出的 PDF 文件")
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	if *out == "" {
		return usageError{fmt.Errorf("用法：onewindow bulletin --month YYYY-MM -o 通报.pdf")}
	}
	today := calendar.DateOf(e.now())
	first := calendar.NewDate(today.Year(), today.Time().Month(), 1).AddDays(-1)
	first = calendar.NewDate(first.Year(), first.Time().Month(), 1)
	if *month != "" {
		t, err := time.Parse("2006-01", *month)
		if err != nil {
			return usageError{fmt.Errorf("--month：%q 不是 YYYY-MM 形式的月份", *month)}
		}
		first = calendar.NewDate(t.Year(), t.Month(), 1)
	}
	last := calendar.NewDate(first.Year(), first.Time().Month()+1, 1).AddDays(-1)
	if first > today {
		return usageError{fmt.Errorf("--month：%s 还没有到", *month)}
	}
	asOf := min(last, today)
	s, err := e.open(*db)
	if err != nil {
		return err
	}
	defer s.Close()
	site, err := s.Site(e.ctx)
	if err != nil {
		return err
	}
	rep, err := s.Report(e.ctx, report.Spec{From: first, To: last, Today: asOf, By: report.ByDepartment})
	if err != nil {
		return err
	}
	board, overdue, err := s.ProblemBoard(e.ctx, first, last, asOf)
	if err != nil {
		return err
	}
	b := problem.NewBulletin(problem.BulletinInput{Site: site, Month: first, Report: rep, Board: board, Overdue: overdue, Issued: today})
	pdf, err := render.RenderBulletin(b, e.now())
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, pdf, 0o644); err != nil {
		return fmt.Errorf("写入 %s：%w", *out, err)
	}
	fmt.Fprintf(e.stdout, "%s 已写入 %s：%s\n", b.Number, *out, b.Title)
	return nil
}
