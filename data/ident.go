package data

import (
	"strings"
	"time"
)

// creditCharset is GB 32100-2015's code character set: digits and capital
// letters without I, O, S, V and Z; a character's value is its index.
const CreditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidateCreditCode checks a 统一社会信用代码 (unified social credit code,
// GB 32100-2015): 18 characters from the code set, and the 18th the weighted
// mod-31 check character of the first 17. It returns the code normalised to
// upper case.
func ValidateCreditCode(s string) (string, error) {
	code := NormaliseCode(s)
	const label = "统一社会信用代码"
	if n := len([]rune(code)); n != 18 {
		return "", FieldError("credit_code", label, "应为 18 位，实际为 %d 位", n)
	}
	sum := 0
	for i, r := range []rune(code) {
		v := -1
		if r < 128 {
			v = strings.IndexByte(CreditCharset, byte(r))
		}
		if v < 0 {
			return "", FieldError("credit_code", label, "第 %d 位“%c”不是有效字符（不含 I、O、S、V、Z）", i+1, r)
		}
		if i < 17 {
			sum += v * creditWeights[i]
		}
	}
	// The registration-authority code (position 1) and the institution kind
	// (position 2) are checked only through the check character: new
	// categories are added from time to time.
	want := CreditCharset[(31-sum%31)%31]
	if code[17] != want {
		return "", FieldError("credit_code", label, "校验位不符（第 18 位应为 %c）", want)
	}
	return code, nil
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheck = "10X98765432"

// ValidateIDNumber checks an 18-digit 居民身份证号 (GB 11643-1999): a
// 6-digit address code, a real birth date not in the future, a 3-digit
// sequence and an ISO 7064 MOD 11-2 check character (0–9 or X). It returns
// the number with a lower-case x made upper case.
func ValidateIDNumber(s string, today time.Time) (string, error) {
	id := NormaliseCode(s)
	const label = "身份证号"
	if n := len([]rune(id)); n != 18 {
		return "", FieldError("id_number", label, "应为 18 位，实际为 %d 位", n)
	}
	if len(id) != 18 {
		return "", FieldError("id_number", label, "只能包含数字和 X")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return "", FieldError("id_number", label, "第 %d 位应为数字", i+1)
		}
		sum += int(c-'0') * idWeights[i]
	}
	if c := id[17]; (c < '0' || c > '9') && c != 'X' {
		return "", FieldError("id_number", label, "第 18 位应为数字或 X")
	}
	birth, err := time.Parse("20060102", id[6:14])
	if err != nil || birth.Format("20060102") != id[6:14] {
		return "", FieldError("id_number", label, "出生日期 %s 不是有效日期", id[6:14])
	}
	if birth.Year() < 1880 || birth.After(today) {
		return "", FieldError("id_number", label, "出生日期 %s 不合理", id[6:14])
	}
	if want := idCheck[sum%11]; id[17] != want {
		return "", FieldError("id_number", label, "校验位不符（第 18 位应为 %c）", want)
	}
	return id, nil
}

// normaliseCode makes a pasted identifier comparable: full-width letters and
// digits (common in Word documents) become ASCII, spaces go, letters are
// upper-cased.
func NormaliseCode(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '！' && r <= '～':
			r -= '！' - '!'
		case r == ' ' || r == '\t' || r == '\u3000' || r == '-':
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

// CreditCheckChar is the check character (GB 32100-2015) of a credit
// code's first 17 characters.
func CreditCheckChar(body17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(CreditCharset, body17[i]) * creditWeights[i]
	}
	return CreditCharset[(31-sum%31)%31]
}

// IDCheckChar is the check character (GB 11643-1999) of an ID number's
// first 17 digits.
func IDCheckChar(body17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body17[i]-'0') * idWeights[i]
	}
	return idCheck[sum%11]
}
