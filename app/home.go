package app

import (
	"context"
	"fmt"
	"log"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// homeStore is what the home screen reads.
type homeStore interface {
	Items(ctx context.Context) ([]data.ServiceItem, error)
	Cases(ctx context.Context, f data.CaseFilter) ([]data.Application, error)
	CountCases(ctx context.Context, f data.CaseFilter) (int, error)
	Clock(ctx context.Context, app *data.Application, today calendar.Date) (clock.Result, error)
}

// homeScreen lists the service catalogue and the most recent cases.
type homeScreen struct {
	store homeStore
	bg    *worker
	now   func() time.Time

	items    []data.ServiceItem
	rows     []listRow
	itemList *widget.List
	table    *caseTable
	status   *widget.Label
}

func newHomeScreen(s homeStore) *homeScreen {
	h := &homeScreen{store: s, now: time.Now, status: widget.NewLabel(lang.L("正在读取……"))}
	h.itemList = widget.NewList(
		func() int { return len(h.items) },
		func() fyne.CanvasObject { return truncatedLabel(lang.L("食品经营许可（承诺件 10/20 日）")) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			it := h.items[id]
			o.(*widget.Label).SetText(fmt.Sprintf(lang.L("%s（%s %d/%d 日）"), it.Name, lang.L(it.Kind.Label()), it.Promised, it.Statutory))
		})
	h.table = newCaseTable(func() []listRow { return h.rows })
	return h
}

func (h *homeScreen) content() fyne.CanvasObject {
	left := container.NewBorder(widget.NewLabelWithStyle(lang.L("服务事项目录"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, h.itemList)
	right := container.NewBorder(widget.NewLabelWithStyle(lang.L("最近办件"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), h.status, nil, nil, h.table)
	split := container.NewHSplit(left, right)
	split.Offset = 0.2
	return split
}

// load reads the catalogue and the latest 200 cases in the background.
func (h *homeScreen) load() {
	h.bg.run(func() {
		ctx := context.Background()
		items, err := h.store.Items(ctx)
		if err != nil {
			log.Printf("read catalogue: %v", err)
		}
		rows, total, err := h.readCases(ctx)
		fyne.Do(func() {
			h.items = items
			h.itemList.Refresh()
			if err != nil {
				h.status.SetText(lang.L("读取办件失败：") + problem(err))
				return
			}
			h.rows = rows
			h.table.reloaded()
			if total == 0 {
				h.status.SetText(lang.L("尚无办件。试用时可在终端运行 bin/onewindow demo --cases 20000 生成演示办件。"))
				return
			}
			h.status.SetText(fmt.Sprintf(lang.L("共 %d 件，显示最近 %d 件；计时截至 %s"), total, len(rows), calendar.DateOf(h.now())))
		})
	})
}

func (h *homeScreen) readCases(ctx context.Context) ([]listRow, int, error) {
	total, err := h.store.CountCases(ctx, data.CaseFilter{})
	if err != nil {
		return nil, 0, err
	}
	apps, err := h.store.Cases(ctx, data.CaseFilter{Limit: 200})
	if err != nil {
		return nil, 0, err
	}
	rows, err := newListRows(ctx, h.store, apps, calendar.DateOf(h.now()))
	return rows, total, err
}
