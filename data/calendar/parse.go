package calendar

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Schedule is a published holiday arrangement for one or more years.
type Schedule struct {
	Years   []int
	Sources map[int]string // year → notice (文号 or address)
	Days    []Day
}

// maxScheduleBytes bounds what an import will read; a real year is ~3 KB.
const maxScheduleBytes = 1 << 20

// ParseText reads OneWindow's own schedule format (assets/calendar):
//
//	@year 2026 国办发明电〔2025〕7号
//	2026-01-01~2026-01-03 休 元旦
//	2026-01-04 班 元旦
//
// Blank lines and lines starting with # are ignored. Every date must lie in
// a year declared with @year before it, or in the days next to it.
func ParseText(b []byte) (Schedule, error) {
	s := Schedule{Sources: map[int]string{}}
	if len(b) > maxScheduleBytes {
		return s, fmt.Errorf("节假日文件过大（%d 字节）", len(b))
	}
	seen := map[Date]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if fields[0] == "@year" {
			var y int
			if len(fields) < 2 {
				return s, fmt.Errorf("第 %d 行：@year 后缺少年份", line)
			}
			if _, err := fmt.Sscanf(fields[1], "%d", &y); err != nil || y < 1990 || y > 2100 || fmt.Sprint(y) != fields[1] {
				return s, fmt.Errorf("第 %d 行：年份 %q 不正确", line, fields[1])
			}
			s.Years = append(s.Years, y)
			s.Sources[y] = strings.Join(fields[2:], " ")
			continue
		}
		if len(fields) < 2 {
			return s, fmt.Errorf("第 %d 行：应为“日期 休|班 名称”", line)
		}
		var working bool
		switch fields[1] {
		case "休":
		case "班":
			working = true
		default:
			return s, fmt.Errorf("第 %d 行：%q 应为“休”或“班”", line, fields[1])
		}
		from, to, err := parseRange(fields[0])
		if err != nil {
			return s, fmt.Errorf("第 %d 行：%v", line, err)
		}
		name := strings.Join(fields[2:], " ")
		for d := from; d <= to; d++ {
			if !s.covers(d) {
				return s, fmt.Errorf("第 %d 行：日期 %s 不在已声明的年份内", line, d)
			}
			if seen[d] {
				return s, fmt.Errorf("第 %d 行：日期 %s 重复", line, d)
			}
			seen[d] = true
			s.Days = append(s.Days, Day{Date: d, Working: working, Name: name})
		}
	}
	if err := sc.Err(); err != nil {
		return s, fmt.Errorf("读取节假日文件：%w", err)
	}
	if len(s.Years) == 0 {
		return s, fmt.Errorf("节假日文件未声明年份（@year）")
	}
	return s, nil
}

func parseRange(f string) (Date, Date, error) {
	a, b, isRange := strings.Cut(f, "~")
	from, err := ParseDate(a)
	if err != nil {
		return 0, 0, err
	}
	to := from
	if isRange {
		if to, err = ParseDate(b); err != nil {
			return 0, 0, err
		}
		if to < from || to-from > 31 {
			return 0, 0, fmt.Errorf("日期范围 %s 不正确", f)
		}
	}
	return from, to, nil
}

// covers reports whether d belongs to a declared year. A year's notice may
// also name the last days of December before it (元旦 2023 began on
// 2022-12-31) or the first days of January after it.
func (s Schedule) covers(d Date) bool {
	y, m, _ := d.Time().Date()
	for _, sy := range s.Years {
		if y == sy || (y == sy-1 && m == time.December) || (y == sy+1 && m == time.January) {
			return true
		}
	}
	return false
}

// jsonYear is the widely used open-data shape of one year's schedule:
// {"year": 2026, "papers": [...], "days": [{"name", "date", "isOffDay"}]}.
type jsonYear struct {
	Year   int      `json:"year"`
	Papers []string `json:"papers"`
	Days   []struct {
		Name     string `json:"name"`
		Date     string `json:"date"`
		IsOffDay *bool  `json:"isOffDay"`
	} `json:"days"`
}

// ParseJSON reads one year's schedule in the open-data JSON shape, so that a
// year published after this program was built can be imported.
func ParseJSON(b []byte) (Schedule, error) {
	s := Schedule{Sources: map[int]string{}}
	if len(b) > maxScheduleBytes {
		return s, fmt.Errorf("节假日文件过大（%d 字节）", len(b))
	}
	var j jsonYear
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&j); err != nil {
		return s, fmt.Errorf("节假日文件不是有效的 JSON：%v", err)
	}
	if j.Year < 1990 || j.Year > 2100 {
		return s, fmt.Errorf("节假日文件的年份 %d 不正确", j.Year)
	}
	if len(j.Days) == 0 {
		return s, fmt.Errorf("%d 年节假日文件没有任何日期", j.Year)
	}
	s.Years = []int{j.Year}
	s.Sources[j.Year] = strings.Join(j.Papers, " ")
	seen := map[Date]bool{}
	inYear := 0
	for i, jd := range j.Days {
		d, err := ParseDate(jd.Date)
		if err != nil {
			return s, fmt.Errorf("第 %d 个日期：%v", i+1, err)
		}
		if jd.IsOffDay == nil {
			return s, fmt.Errorf("日期 %s 缺少 isOffDay", jd.Date)
		}
		if !s.covers(d) {
			return s, fmt.Errorf("日期 %s 不属于 %d 年的安排", jd.Date, j.Year)
		}
		if seen[d] {
			return s, fmt.Errorf("日期 %s 重复", jd.Date)
		}
		seen[d] = true
		if d.Year() == j.Year {
			inYear++
		}
		s.Days = append(s.Days, Day{Date: d, Working: !*jd.IsOffDay, Name: jd.Name})
	}
	if inYear == 0 {
		return s, fmt.Errorf("节假日文件声明为 %d 年，但没有该年的日期", j.Year)
	}
	sort.Slice(s.Days, func(a, b int) bool { return s.Days[a].Date < s.Days[b].Date })
	return s, nil
}
