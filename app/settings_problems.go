package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data"
	pb "github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/report"
)

// problemSettingsStore is what 设置 → 企业问题 needs.
type problemSettingsStore interface {
	ProblemCategories(ctx context.Context) ([]string, error)
	SetProblemCategory(ctx context.Context, actorID int64, name string, active bool) error
	ProblemDays(ctx context.Context) (pb.Days, error)
	SetProblemDays(ctx context.Context, actorID int64, d pb.Days) error
	RankWeights(ctx context.Context) ([]report.Weight, error)
	SetRankWeights(ctx context.Context, actorID int64, percent map[string]int) error
}

// problemSettings is 设置 → 企业问题: the categories (add one, retire one)
// the working days of the tracks (for problems triaged from now on), and
// the weights of the 综合排名, which the problem figures joined.
type problemSettings struct {
	store   problemSettingsStore
	bg      *worker
	session func() data.User

	cats                  []string
	list                  *widget.List
	newCat                *widget.Entry
	soon, explain, report *widget.Entry
	addB, retireB, saveB  *widget.Button
	weights               []*widget.Entry // one per report.Weights part, in its order
	weightsB              *widget.Button
	selected              int
	msg                   *widget.Label
}

func newProblemSettings(s problemSettingsStore, session func() data.User) *problemSettings {
	ps := &problemSettings{store: s, session: session, selected: -1, msg: wrapped("")}
	ps.list = widget.NewList(func() int { return len(ps.cats) }, func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(ps.cats[i]) })
	ps.list.OnSelected = func(i widget.ListItemID) { ps.selected = i }
	ps.newCat = widget.NewEntry()
	ps.newCat.SetPlaceHolder(lang.L("新的问题类别"))
	ps.addB = widget.NewButton(lang.L("增加类别"), func() { ps.setCategory(ps.newCat.Text, true) })
	ps.retireB = widget.NewButton(lang.L("停用所选类别"), func() {
		if ps.selected >= 0 && ps.selected < len(ps.cats) {
			ps.setCategory(ps.cats[ps.selected], false)
		}
	})
	ps.soon, ps.explain, ps.report = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	ps.saveB = widget.NewButton(lang.L("保存期限"), ps.saveDays)
	for range report.Weights {
		ps.weights = append(ps.weights, widget.NewEntry())
	}
	ps.weightsB = widget.NewButton(lang.L("保存权重"), ps.saveWeights)
	return ps
}

func (ps *problemSettings) content() fyne.CanvasObject {
	if ps.session().Role != data.RoleAdmin {
		for _, b := range []*widget.Button{ps.addB, ps.retireB, ps.saveB, ps.weightsB} {
			b.Disable()
		}
	}
	days := widget.NewForm(widget.NewFormItem(lang.L("尽快解决：办结期限（工作日）"), ps.soon),
		widget.NewFormItem(lang.L("说明情况：书面说明期限（工作日）"), ps.explain),
		widget.NewFormItem(lang.L("说明情况：进展报告间隔（工作日）"), ps.report))
	left := container.NewBorder(container.NewVBox(bold(lang.L("问题类别")), container.NewBorder(nil, nil, nil, ps.addB, ps.newCat)), ps.retireB, nil, nil, ps.list)
	weights := widget.NewForm()
	for i, w := range report.Weights {
		weights.Append(lang.L(w.Name)+"（%）", ps.weights[i])
	}
	right := container.NewVBox(bold(lang.L("处理期限")), wrapped(lang.L("立即解决须当天办结。修改只影响此后分流的问题，已分流的问题保持分流时的期限。")), days,
		container.NewHBox(ps.saveB),
		bold(lang.L("综合排名权重")), wrapped(lang.L("各项之和应为100%；某部门某项无数据时不计入，按比例放大其余权重。企业问题两项按牵头部门统计。")), weights,
		container.NewHBox(ps.weightsB), ps.msg)
	split := container.NewHSplit(left, container.NewVScroll(right))
	split.Offset = 0.35
	return split
}

func (ps *problemSettings) load() {
	ps.bg.run(func() {
		ctx := context.Background()
		cats, err := ps.store.ProblemCategories(ctx)
		d, derr := ps.store.ProblemDays(ctx)
		ws, werr := ps.store.RankWeights(ctx)
		fyne.Do(func() {
			if err := firstErr(err, derr, werr); err != nil {
				say(ps.msg, wrong, problem(err))
				return
			}
			percent := report.Percents(ws)
			for i, w := range report.Weights {
				ps.weights[i].SetText(strconv.Itoa(percent[w.Key]))
			}
			ps.cats, ps.selected = cats, -1
			ps.list.UnselectAll()
			ps.list.Refresh()
			ps.soon.SetText(strconv.Itoa(d.Soon))
			ps.explain.SetText(strconv.Itoa(d.Explain))
			ps.report.SetText(strconv.Itoa(d.Progress))
		})
	})
}

func (ps *problemSettings) setCategory(name string, active bool) {
	actor := ps.session().ID
	ps.bg.run(func() {
		err := ps.store.SetProblemCategory(context.Background(), actor, name, active)
		fyne.Do(func() {
			if err != nil {
				say(ps.msg, wrong, problem(err))
				return
			}
			if active {
				say(ps.msg, done, fmt.Sprintf(lang.L("已增加类别：%s"), strings.TrimSpace(name)))
				ps.newCat.SetText("")
			} else {
				say(ps.msg, done, fmt.Sprintf(lang.L("已停用类别：%s（已登记的问题不受影响）"), name))
			}
			ps.load()
		})
	})
}

func (ps *problemSettings) saveWeights() {
	percent := map[string]int{}
	for i, w := range report.Weights {
		n, err := strconv.Atoi(strings.TrimSpace(ps.weights[i].Text))
		if err != nil {
			say(ps.msg, wrong, lang.L(w.Name)+lang.L("：权重应为 0 到 100 的整数"))
			return
		}
		percent[w.Key] = n
	}
	actor := ps.session().ID
	ps.bg.run(func() {
		err := ps.store.SetRankWeights(context.Background(), actor, percent)
		fyne.Do(func() {
			if err != nil {
				say(ps.msg, wrong, problem(err))
				return
			}
			say(ps.msg, done, lang.L("已保存：此后生成的报表和通报按新权重排名"))
		})
	})
}

func (ps *problemSettings) saveDays() {
	var d pb.Days
	for _, f := range []struct {
		e     *widget.Entry
		v     *int
		label string
	}{{ps.soon, &d.Soon, lang.L("尽快解决的期限")}, {ps.explain, &d.Explain, lang.L("情况说明的期限")}, {ps.report, &d.Progress, lang.L("进展报告的间隔")}} {
		n, err := strconv.Atoi(strings.TrimSpace(f.e.Text))
		if err != nil {
			say(ps.msg, wrong, f.label+lang.L("：应为整数个工作日"))
			return
		}
		*f.v = n
	}
	actor := ps.session().ID
	ps.bg.run(func() {
		err := ps.store.SetProblemDays(context.Background(), actor, d)
		fyne.Do(func() {
			if err != nil {
				say(ps.msg, wrong, problem(err))
				return
			}
			say(ps.msg, done, lang.L("已保存：此后分流的问题按新期限计时"))
		})
	})
}
