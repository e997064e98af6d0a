package app

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data/calendar"
	pb "github.com/onewindow/onewindow/data/problem"
)

// bulletinStore is what the monthly 督查通报 needs beyond the report: the
// site and the problem board. A central store on a server has no problems
// of its own yet, so the button is there only when the store has them.
type bulletinStore interface {
	Bulletin(ctx context.Context, day, today calendar.Date) (pb.Bulletin, error)
}

// bulletinButton is 统计报表's 督查通报: the month the period starts in.
func (rs *reportScreen) bulletinButton() *widget.Button {
	s, ok := rs.store.(bulletinStore)
	if !ok {
		return nil
	}
	return widget.NewButton(lang.L("督查通报 PDF"), func() { rs.bulletin(s) })
}

func (rs *reportScreen) bulletin(s bulletinStore) {
	start, err := calendar.ParseDate(rs.from.Text)
	if err != nil {
		say(rs.msg, wrong, lang.L("期间的起始日期：")+err.Error())
		return
	}
	now := rs.now()
	say(rs.msg, plain, lang.L("正在生成督查通报……"))
	rs.bg.run(func() {
		b, out, err := bulletinPDF(context.Background(), s, start, now)
		fyne.Do(func() {
			if err != nil {
				say(rs.msg, wrong, problem(err))
				return
			}
			name := fmt.Sprintf(lang.L("督查通报_%d年%d月.pdf"), start.Year(), int(start.Time().Month()))
			saveFile(rs.win, name, out, func(path string, err error) {
				if err != nil {
					say(rs.msg, wrong, lang.L("保存失败：")+err.Error())
					return
				}
				say(rs.msg, plain, fmt.Sprintf(lang.L("%s 已保存到 %s"), b.Number, path))
			})
		})
	})
}

// bulletinPDF makes the bulletin of the month a day falls in, as of now.
func bulletinPDF(ctx context.Context, s bulletinStore, day calendar.Date, now time.Time) (pb.Bulletin, []byte, error) {
	b, err := s.Bulletin(ctx, day, calendar.DateOf(now))
	if err != nil {
		return b, nil, err
	}
	out, err := render.RenderBulletin(b, now)
	return b, out, err
}
