package render

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// fixed measures every CJK character as 1 and everything else as 0.5.
func fixed(r rune) float64 {
	if r > 0x2000 {
		return 1
	}
	return 0.5
}

func TestBreak(t *testing.T) {
	for _, c := range []struct {
		text  string
		width float64
		want  []string
	}{
		// fpdf printed "项目 / 案" here, losing 备.
		{"工业企业技术改造项目备案", 10, []string{"工业企业技术改造项目", "备案"}},
		// No line starts with 。 — the character before it moves down too.
		{"申请材料齐全符合法定形式。请核对", 10, []string{"申请材料齐全符合法定", "形式。请核对"}},
		// No line ends with （.
		{"一二三四五六七（八九）", 8, []string{"一二三四五六七", "（八九）"}},
		{"杭州示例科技有限公（有限合伙）", 6, []string{"杭州示例科技", "有限公（有限", "合伙）"}},
		// Latin words and numbers stay whole; spaces hang at the line end.
		{"代码 91330102MA27XL1Q3G 有效", 10, []string{"代码 ", "91330102MA27XL1Q3G ", "有效"}},
		// Only a word wider than the whole line is cut.
		{"代码 91330102MA27XL1Q3G 有效", 6, []string{"代码 ", "91330102MA27", "XL1Q3G 有效"}},
		{"Hangzhou Example Co., Ltd. 杭州", 8, []string{"Hangzhou Example ", "Co., Ltd. 杭州"}},
		// A newline ends a line; an empty paragraph stays a line.
		{"第一行\n\n第三行", 10, []string{"第一行", "", "第三行"}},
		// Several closing marks in a row move together.
		{"一二三四五六」。", 6, []string{"一二三四五", "六」。"}},
	} {
		got := Break(c.text, c.width, fixed)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("Break(%q, %v) = %q, want %q", c.text, c.width, got, c.want)
		}
	}
}

func FuzzBreak(f *testing.F) {
	for _, s := range []string{"工业企业技术改造项目备案", "浙江省杭州市西湖区（集团）有限公司，。、；", "a b  c\td", "《「『（", "）」』。！？",
		"91330102MA27XL1Q3G", "𠮷野家 😀 emoji", "\n\n", "", "x\x00y", "\xff\xfe", "超长单词ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ"} {
		f.Add(s, 5.0)
	}
	f.Fuzz(func(t *testing.T, text string, width float64) {
		if width < 1 || width > 200 || width != width {
			return
		}
		text = strings.ToValidUTF8(text, "\uFFFD")
		lines := Break(text, width, fixed)
		if got, want := strings.Join(lines, ""), strings.ReplaceAll(text, "\n", ""); got != want {
			t.Fatalf("runes lost or doubled: %q → %q", text, lines)
		}
		if len(lines) < strings.Count(text, "\n")+1 {
			t.Fatalf("%d lines for %d paragraphs", len(lines), strings.Count(text, "\n")+1)
		}
		for _, l := range lines {
			if Width(l, fixed) > width && utf8.RuneCountInString(strings.TrimRight(l, " \t")) > 1 {
				t.Fatalf("line %q is %.1f wide, box %.1f (text %q)", l, Width(l, fixed), width, text)
			}
		}
	})
}
