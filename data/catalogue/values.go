package catalogue

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// Cells as people and spreadsheets write them: working days, money in
// yuan, dates in several forms and as a spreadsheet's serial numbers, lists
// in one cell.

var reDays = regexp.MustCompile(`^([0-9]{1,4})(\.0+)?(个工作日|工作日)?$`)

// parseDays reads a limit in working days: "20", "20.0" (a spreadsheet's
// number), "20个工作日".
func parseDays(s string) (int, error) {
	m := reDays.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("not a number of days")
	}
	return strconv.Atoi(m[1])
}

// SplitMaterials reads a materials cell: one per line, or, in a cell of one
// line, separated by "；" or ";".
func SplitMaterials(s string) []string {
	var parts []string
	if strings.ContainsAny(s, "\n\r") {
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	} else {
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == '；' || r == ';' })
	}
	var out []string
	for _, p := range parts {
		if p = trim(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// JoinMaterials writes a materials cell that SplitMaterials reads back
// as the same list: one per line, with a trailing line break when a single
// material has a "；" of its own.
func JoinMaterials(m []string) string {
	s := strings.Join(m, "\n")
	if len(m) == 1 && strings.ContainsAny(s, "；;") {
		s += "\n"
	}
	return s
}

func splitCodes(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '；' || r == ';' || r == '、' || r == ',' || r == '，' || r == '\n' || r == ' ' || r == '\u3000'
	}) {
		if p = trim(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParseYuan reads an amount in yuan with at most two decimals ("80",
// "80.00", "1,200.5", "¥80") into fen, exactly. A spreadsheet's number may
// carry binary noise ("12.300000000000001"); it is accepted when it is
// within a millionth of a fen value.
func ParseYuan(s string) (int64, error) {
	t := strings.NewReplacer(",", "", "，", "", "¥", "", "￥", "", "元", "", " ", "").Replace(s)
	r, ok := new(big.Rat).SetString(t)
	if !ok || strings.ContainsAny(t, "/eE") && !reSci.MatchString(t) {
		return 0, fmt.Errorf("应为以元为单位的金额（如 80 或 80.00），不能是“%s”", s)
	}
	if r.Sign() < 0 {
		return 0, fmt.Errorf("金额不能为负数")
	}
	fen := new(big.Rat).Mul(r, big.NewRat(100, 1))
	if !fen.IsInt() {
		f, _ := fen.Float64()
		rounded := int64(f + 0.5)
		if d := f - float64(rounded); d > 1e-6 || d < -1e-6 {
			return 0, fmt.Errorf("金额最多两位小数（分），不能是“%s”", s)
		}
		fen.SetInt64(rounded)
	}
	if !fen.Num().IsInt64() || fen.Num().Int64() > data.MaxFeeFen {
		return 0, fmt.Errorf("金额应在 0 到 %s 之间", data.Yuan(data.MaxFeeFen))
	}
	return fen.Num().Int64(), nil
}

var reSci = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?[eE][-+]?[0-9]{1,2}$`)

// FormatYuan writes fen as the sheet's yuan with two decimals.
func FormatYuan(fen int64) string {
	return fmt.Sprintf("%d.%02d", fen/100, fen%100)
}

var (
	reDash  = regexp.MustCompile(`^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$`)
	reHan   = regexp.MustCompile(`^([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日?$`)
	reDigit = regexp.MustCompile(`^([0-9]{4})([0-9]{2})([0-9]{2})$`)
	reSer   = regexp.MustCompile(`^[0-9]{1,6}(\.0+)?$`)
)

// excel1970 is 1970-01-01 as a spreadsheet's date serial number.
const excel1970 = 25569

// ParseDate reads a date as people and spreadsheets write it: 2026-01-01,
// 2026/1/1, 2026.1.1, 2026年1月1日, 20260101, or a spreadsheet's date serial
// number (days since 1899-12-30, as Excel and WPS store dates).
func ParseDate(s string) (calendar.Date, error) {
	bad := fmt.Errorf("“%s”不是日期：应写作 2026-01-01", s)
	if m := reDigit.FindStringSubmatch(s); m != nil {
		return ymd(m[1], m[2], m[3], bad)
	}
	if reSer.MatchString(s) {
		n, _ := strconv.Atoi(strings.SplitN(s, ".", 2)[0])
		// 1 (1900-01-01) … 2958465 (9999-12-31); before 1900-03-01 Excel
		// counts a 29 February that never was, and no fee is that old.
		if n < 61 || n > 2958465 {
			return 0, bad
		}
		d := calendar.Date(n - excel1970)
		if err := data.CheckDate("date", "日期", d); err != nil {
			return 0, fmt.Errorf("%s", strings.TrimPrefix(data.ErrorMessage(err), "日期："))
		}
		return d, nil
	}
	for _, re := range []*regexp.Regexp{reDash, reHan} {
		if m := re.FindStringSubmatch(s); m != nil {
			return ymd(m[1], m[2], m[3], bad)
		}
	}
	// A date with a time of day (a cell formatted as both): the date part.
	if d, _, ok := strings.Cut(s, " "); ok && d != s {
		if m := reDash.FindStringSubmatch(d); m != nil {
			return ymd(m[1], m[2], m[3], bad)
		}
	}
	return 0, bad
}

func ymd(y, m, d string, bad error) (calendar.Date, error) {
	iy, _ := strconv.Atoi(y)
	im, _ := strconv.Atoi(m)
	id, _ := strconv.Atoi(d)
	date, err := calendar.ParseDate(fmt.Sprintf("%04d-%02d-%02d", iy, im, id))
	if err != nil {
		return 0, bad
	}
	if err := data.CheckDate("date", "日期", date); err != nil {
		return 0, fmt.Errorf("%s", strings.TrimPrefix(data.ErrorMessage(err), "日期："))
	}
	return date, nil
}
