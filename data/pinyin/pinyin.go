// Package pinyin gives the pinyin initials of Chinese text, so that a clerk
// can find 食品经营许可 by typing "spjy".
//
// It uses a fact of GB 2312: its 3,755 level-1 characters are ordered by
// pinyin, so the initial of one is known from where its code falls between
// the first characters of each letter. Level-2 characters (ordered by
// radical) and characters outside GB 2312 have no initial here; for a
// polyphone the reading GB 2312 sorted it by is used.
package pinyin

import (
	"strings"
	"unicode"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// firstCodes are the GB 2312 codes of the first level-1 character of each
// initial letter (there are no level-1 syllables starting with i, u or v).
var firstCodes = []struct {
	code   int
	letter byte
}{
	{0xB0A1, 'a'}, {0xB0C5, 'b'}, {0xB2C1, 'c'}, {0xB4EE, 'd'}, {0xB6EA, 'e'}, {0xB7A2, 'f'},
	{0xB8C1, 'g'}, {0xB9FE, 'h'}, {0xBBF7, 'j'}, {0xBFA6, 'k'}, {0xC0AC, 'l'}, {0xC2E8, 'm'},
	{0xC4C3, 'n'}, {0xC5B6, 'o'}, {0xC5BE, 'p'}, {0xC6DA, 'q'}, {0xC8BB, 'r'}, {0xC8F6, 's'},
	{0xCBFA, 't'}, {0xCDDA, 'w'}, {0xCEF4, 'x'}, {0xD1B9, 'y'}, {0xD4D1, 'z'},
}

const lastLevel1 = 0xD7F9

// Initial returns the pinyin initial of one Han character, or 0.
func Initial(r rune) byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(string(r)))
	if err != nil || len(b) != 2 {
		return 0
	}
	code := int(b[0])<<8 | int(b[1])
	if code < firstCodes[0].code || code > lastLevel1 {
		return 0
	}
	letter := byte(0)
	for _, f := range firstCodes {
		if code < f.code {
			break
		}
		letter = f.letter
	}
	return letter
}

// Initials returns the initials of the Han characters in s, with Latin
// letters and digits kept (lower-cased) and everything else dropped:
// "食品经营许可" → "spjyxk", "ISO认证" → "isorz".
func Initials(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		case unicode.Is(unicode.Han, r):
			if c := Initial(r); c != 0 {
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}
