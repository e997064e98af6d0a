package cli

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data/calendar"
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
	if first > today {
		return usageError{fmt.Errorf("--month：%s 还没有到", *month)}
	}
	s, err := e.openCentral(*db) // a site's, or a centre's over every site
	if err != nil {
		return err
	}
	defer s.Close()
	b, err := s.Bulletin(e.ctx, first, today)
	if err != nil {
		return err
	}
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
