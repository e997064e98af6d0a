package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/theme"
)

// themeView is the JSON shape of one registered theme case (主题件) for
// `onewindow themes --json`.
type themeView struct {
	Number    string         `json:"number"`
	ThemeCode string         `json:"theme_code"`
	ThemeName string         `json:"theme_name"`
	Status    string         `json:"status"` // supplement | accepted | completed | delivered | closed
	Applicant string         `json:"applicant_name"`
	Cases     []string       `json:"cases"`   // the items' case numbers, in the theme's order (waiting items have none yet)
	Waiting   []string       `json:"waiting"` // the item codes still waiting for another item's result
	HeldUp    string         `json:"held_up_by"`
	Clock     themeClockView `json:"clock"`
}

// themeClockView is a theme's clock, counted like a case's from the day
// the theme was accepted, against the theme's limit.
type themeClockView struct {
	LimitDays     int     `json:"limit_days"`
	StartDate     *string `json:"start_date"` // null until an item is accepted
	DueDate       *string `json:"due_date"`
	UsedDays      int     `json:"used_days"`
	RemainingDays int     `json:"remaining_days"`
	OnTime        *bool   `json:"on_time"` // when every item is closed
	Warning       *string `json:"warning"` // while open: green, yellow, red
}

func newThemeView(c *theme.Case) themeView {
	v := themeView{Number: c.Number, ThemeCode: c.Theme.Code, ThemeName: c.Theme.Name, Status: string(c.Status), Applicant: c.Applicant.Name,
		Cases: []string{}, Waiting: []string{}, HeldUp: c.HeldUp()}
	for _, m := range c.Members {
		if m.App != nil {
			v.Cases = append(v.Cases, m.App.Number)
		} else if !c.Blocked(m.Step) {
			v.Waiting = append(v.Waiting, m.Step.Item.Code)
		}
	}
	v.Clock = themeClockView{LimitDays: c.Theme.Limit, RemainingDays: c.Theme.Limit}
	if c.Clock.Started {
		t := c.Track()
		start, due := c.Clock.Start.String(), t.Due.String()
		v.Clock.StartDate, v.Clock.DueDate = &start, &due
		v.Clock.UsedDays, v.Clock.RemainingDays, v.Clock.OnTime = t.Used, t.Remaining, t.OnTime
		if t.Warning != "" {
			w := string(t.Warning)
			v.Clock.Warning = &w
		}
	}
	return v
}

// line is the plain-text form of a theme case.
func (v themeView) line() string {
	due, left := "-", "-"
	if v.Clock.DueDate != nil {
		due, left = *v.Clock.DueDate, fmt.Sprint(v.Clock.RemainingDays)
	}
	return fmt.Sprintf("%s  %s  %s  到期 %-10s 剩余 %3s  %d 件  %s", v.Number, theme.Status(v.Status).Label(), v.ThemeName, due, left, len(v.Cases), v.Applicant)
}

// themeStore is what `themes` needs of a store: a site's file.
type themeStore interface {
	ThemeCases(ctx context.Context, limit, offset int, today calendar.Date) ([]theme.Case, error)
}

func runThemes(e *env, args []string) error {
	fs := flag.NewFlagSet("themes", flag.ContinueOnError)
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "每行输出一个 JSON 对象")
	todayArg := todayFlag(fs)
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	today, err := todayOf(e, *todayArg)
	if err != nil {
		return err
	}
	s, err := e.openCentral(*db)
	if err != nil {
		return err
	}
	defer s.Close()
	ts, ok := s.(themeStore)
	if !ok {
		return data.Errorf(data.ECONFLICT, "该数据库不保存一件事（主题件只在站点的数据库中）")
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for off := 0; ; off += 200 {
		list, err := ts.ThemeCases(e.ctx, 200, off, today)
		if err != nil {
			return err
		}
		for i := range list {
			v := newThemeView(&list[i])
			if *asJSON {
				err = enc.Encode(v)
			} else {
				_, err = fmt.Fprintln(out, v.line())
			}
			if err != nil {
				return err
			}
		}
		if len(list) < 200 {
			return nil
		}
	}
}

// todayFlag is the --today of the commands that read clocks.
func todayFlag(fs *flag.FlagSet) *string {
	return fs.String("today", "", "按此日期（YYYY-MM-DD）读取计时，默认今天")
}

// todayOf is the day clocks are read on: --today, or today.
func todayOf(e *env, flag string) (calendar.Date, error) {
	if flag == "" {
		return calendar.DateOf(e.now()), nil
	}
	d, err := calendar.ParseDate(flag)
	if err != nil {
		return 0, usageError{fmt.Errorf("--today：%v", err)}
	}
	return d, nil
}
