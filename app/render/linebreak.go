package render

import (
	"strings"
	"unicode"
)

// fpdf's MultiCell and SplitText lose a Chinese character at every
// automatic line break. The documents are laid out with Break instead.

// noStart are the characters no line may begin with: closing punctuation
// and marks that belong to what precedes them.
const noStart = "，。、；：？！）》」』】〕〉”’…—·%‰℃,.;:?!)]}·ー～"

// noEnd are the characters no line may end with: opening brackets and
// quotes that belong to what follows them.
const noEnd = "（《「『【〔〈“‘([{"

// cjk reports whether r is set as a single breakable unit: Han characters,
// kana, CJK symbols and punctuation, full-width forms.
func cjk(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana) ||
		r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF || r >= 0x2E80 && r <= 0x2FDF ||
		r == '〓' || strings.ContainsRune(noStart+noEnd, r) && r > 0x2000
}

// token is a unit the breaker never splits (unless it is wider than a whole
// line): one CJK character, a run of spaces, or a word of other characters
// — Latin words, numbers, codes like 91330102MA27XL1Q3X and dates.
type token struct {
	text  string
	space bool
}

func tokenize(s string) []token {
	var out []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		j := i + 1
		switch {
		case r == ' ' || r == '\t':
			for j < len(rs) && (rs[j] == ' ' || rs[j] == '\t') {
				j++
			}
			out = append(out, token{string(rs[i:j]), true})
		case cjk(r):
			out = append(out, token{string(r), false})
		default:
			for j < len(rs) && rs[j] != ' ' && rs[j] != '\t' && rs[j] != '\n' && !cjk(rs[j]) {
				j++
			}
			out = append(out, token{string(rs[i:j]), false})
		}
		i = j
	}
	return out
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

func lastRune(s string) rune {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0
	}
	return rs[len(rs)-1]
}

// Break splits text into lines no wider than width, measuring each rune
// with w. A newline in text ends a line. Lines break between CJK characters
// and at spaces, never inside a Latin word or number unless it alone is
// wider than the line; no line starts with closing punctuation such as
// ，。）》 or ends with an opening one such as （《 — the character moves to
// the next line with its neighbour instead. Spaces at a break stay at the
// end of the line they follow (they are not drawn and not counted), so the
// lines joined give back text without its newlines: nothing is lost or
// doubled.
func Break(text string, width float64, w func(rune) float64) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		lines = append(lines, breakPara(para, width, w)...)
	}
	return lines
}

func measure(s string, w func(rune) float64) float64 {
	var x float64
	for _, r := range s {
		x += w(r)
	}
	return x
}

// Width is the drawn width of a line: its trailing spaces are not drawn.
func Width(line string, w func(rune) float64) float64 {
	return measure(strings.TrimRight(line, " \t"), w)
}

func breakPara(para string, width float64, w func(rune) float64) []string {
	toks := chop(tokenize(para), width, w)
	if len(toks) == 0 {
		return []string{""}
	}
	var lines []string
	start := 0
	for start < len(toks) {
		// Take tokens while they fit; spaces always fit (they hang).
		x, end := 0.0, start
		for end < len(toks) {
			t := toks[end]
			tw := measure(t.text, w)
			if !t.space && x+tw > width && end > start {
				break
			}
			x += tw
			end++
		}
		// Trailing spaces after the last fitting token belong to this line.
		for end < len(toks) && toks[end].space {
			end++
		}
		if end < len(toks) {
			end = adjust(toks, start, end)
		}
		var b strings.Builder
		for _, t := range toks[start:end] {
			b.WriteString(t.text)
		}
		lines = append(lines, b.String())
		start = end
	}
	return lines
}

// adjust moves a break at end earlier while the next line would start with
// a no-start character or this line would end with a no-end character, as
// long as the line keeps at least one token. If no such place exists the
// break stays where it was.
func adjust(toks []token, start, end int) int {
	bad := func(k int) bool {
		next, prev := toks[k], toks[k-1]
		if prev.space {
			return false // a break at a space is always allowed
		}
		return strings.ContainsRune(noStart, firstRune(next.text)) || strings.ContainsRune(noEnd, lastRune(prev.text))
	}
	for k := end; k > start+1; k-- {
		if !bad(k) {
			return k
		}
	}
	return end
}

// chop cuts every word wider than a whole line into pieces that fit, in
// one pass; only such words are ever broken inside.
func chop(toks []token, width float64, w func(rune) float64) []token {
	var out []token
	for _, t := range toks {
		if t.space || measure(t.text, w) <= width {
			out = append(out, t)
			continue
		}
		x, from := 0.0, 0
		for i, r := range t.text {
			if rw := w(r); x+rw > width && i > from {
				out = append(out, token{t.text[from:i], false})
				x, from = 0, i
			}
			x += w(r)
		}
		out = append(out, token{t.text[from:], false})
	}
	return out
}
