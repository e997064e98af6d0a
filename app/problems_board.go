package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data/calendar"
	pb "github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/sqlite"
)

// boardStore is what the problems' 督查 board reads.
type boardStore interface {
	ProblemBoard(ctx context.Context, from, to, today calendar.Date) ([]sqlite.ProblemRow, []sqlite.OverdueProblem, error)
}

var boardHeaders = []string{"牵头部门", "收到", "办结", "按期办结", "按期率", "立即解决", "尽快解决", "说明情况", "超期未办", "督办", "满意", "基本满意", "曾不满意"}

// problemBoard is 企业问题 → 督查看板: every lead department's problems over
// the last twelve months, and the problems overdue today, longest first.
type problemBoard struct {
	cells   [][]string
	overdue []sqlite.OverdueProblem
	table   *widget.Table
	list    *widget.List
	note    *widget.Label
}

func newProblemBoard() *problemBoard {
	b := &problemBoard{note: wrapped("")}
	b.table = widget.NewTableWithHeaders(func() (int, int) { return len(b.cells), len(boardHeaders) },
		func() fyne.CanvasObject { return truncatedLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(b.cells[id.Row][id.Col]) })
	b.table.ShowHeaderColumn = false
	b.table.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	b.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 {
			l := o.(*widget.Label)
			l.SetText(lang.L(boardHeaders[id.Col]))
			l.TextStyle.Bold = true
			l.Refresh()
		}
	}
	b.table.SetColumnWidth(0, 170)
	b.list = widget.NewList(func() int { return len(b.overdue) },
		func() fyne.CanvasObject { return truncatedLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			p := b.overdue[i]
			l := o.(*widget.Label)
			l.SetText(fmt.Sprintf(lang.L("%s　%s　%s　%s　超期 %d 个工作日（%s）"), p.Number, orDash(p.Name), p.Enterprise, p.Category, p.DaysOver, lang.L(p.Track.Label())))
			l.Importance = widget.DangerImportance
			l.Refresh()
		})
	return b
}

func (b *problemBoard) content() fyne.CanvasObject {
	split := container.NewVSplit(b.table, container.NewBorder(bold(lang.L("超期未办的问题")), nil, nil, nil, b.list))
	split.Offset = 0.55
	return container.NewBorder(b.note, nil, nil, nil, split)
}

// load reads the board for the twelve months to today.
func (b *problemBoard) load(bg *worker, s boardStore, today calendar.Date) {
	bg.run(func() {
		rows, overdue, err := s.ProblemBoard(context.Background(), today-364, today, today)
		fyne.Do(func() {
			if err != nil {
				say(b.note, wrong, problem(err))
				return
			}
			b.cells = nil
			for _, r := range rows {
				rate := "—"
				if n := r.ClosedTotal(); n > 0 {
					rate = fmt.Sprintf("%.1f%%", 100*float64(r.OnTimeTotal())/float64(n))
				}
				b.cells = append(b.cells, []string{orDash(r.Name), fmt.Sprint(r.Received), fmt.Sprint(r.ClosedTotal()), fmt.Sprint(r.OnTimeTotal()), rate,
					fmt.Sprint(r.Closed[pb.Immediate]), fmt.Sprint(r.Closed[pb.Soon]), fmt.Sprint(r.Closed[pb.Explain]),
					fmt.Sprint(r.Overdue), fmt.Sprint(r.Urged), fmt.Sprint(r.Satisfied), fmt.Sprint(r.Fair), fmt.Sprint(r.Unsatisfied)})
			}
			b.overdue = overdue
			// Each column as wide as its header and its figures (the
			// department's name up to 240).
			for c, h := range boardHeaders {
				w := cellWidth(lang.L(h), fyne.TextStyle{Bold: true})
				for _, row := range b.cells {
					w = max(w, cellWidth(row[c], fyne.TextStyle{}))
				}
				b.table.SetColumnWidth(c, min(w, 240))
			}
			b.note.SetText(fmt.Sprintf(lang.L("%s 至 %s：各牵头部门收到、办结（按处理方式）和按期办结的问题，今天超期未办的问题，督办次数和回访评价。"), today-364, today))
			b.table.Refresh()
			b.list.Refresh()
		})
	})
}
