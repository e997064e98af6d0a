package data_test

import (
	"testing"
	"time"

	"github.com/onewindow/onewindow/data"
)

var today = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

func TestCreditCode(t *testing.T) {
	good := []string{
		"91350100M000100Y43", // the example printed in the GB 32100-2015 explanatory material
		"914403001922038216", // 华为技术有限公司 (public business licence)
		"91440300708461136T", // 深圳市腾讯计算机系统有限公司
		"911000001000013428", // 中国银行股份有限公司
		"91330100716105852f", // lower case is normalised
		"913501００M000100Y43", // full-width digits pasted from a document
		"9135 0100 M000 100Y43",
	}
	for _, c := range good {
		if got, err := data.ValidateCreditCode(c); err != nil {
			t.Errorf("%s: %v", c, err)
		} else if got[17] >= 'a' {
			t.Errorf("%s not upper-cased: %s", c, got)
		}
	}
	bad := map[string]string{
		"91350100M000100Y44": "校验位不符",
		"91350100M000100Y4":  "应为 18 位",
		"91350100M0001O0Y43": "不是有效字符",
		"9135010OM000100Y43": "不是有效字符",
		"91350100M000100Y4中": "不是有效字符",
		"":                   "应为 18 位",
	}
	for c, msg := range bad {
		_, err := data.ValidateCreditCode(c)
		if err == nil {
			t.Errorf("%q accepted", c)
			continue
		}
		if data.ErrorCode(err) != data.EINVALID || !contains(data.ErrorMessage(err), msg) || !contains(data.ErrorMessage(err), "统一社会信用代码") {
			t.Errorf("%q: message %q should name the field and say %q", c, data.ErrorMessage(err), msg)
		}
	}
}

func TestIDNumber(t *testing.T) {
	good := []string{
		"11010519491231002X", // GB 11643-1999's own example
		"440524188001010014", // GB 11643-1999's own example
		"11010519491231002x",
	}
	for _, c := range good {
		if _, err := data.ValidateIDNumber(c, today); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
	bad := map[string]string{
		"110105194912310021": "校验位不符",
		"11010519491331002X": "出生日期",
		"110105202712310025": "出生日期", // in the future (check digit irrelevant)
		"11010519490230002X": "出生日期",
		"1101051949123100":   "应为 18 位",
		"1101051949123100AX": "第 17 位",
	}
	for c, msg := range bad {
		_, err := data.ValidateIDNumber(c, today)
		if err == nil || !contains(data.ErrorMessage(err), msg) || !contains(data.ErrorMessage(err), "身份证号") {
			t.Errorf("%q: got %v, want a message with %q", c, err, msg)
		}
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func FuzzCreditCode(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "914403001922038216", "", "ZZZZZZZZZZZZZZZZZZ", "中华人民共和国"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := data.ValidateCreditCode(s)
		if err != nil {
			if data.ErrorCode(err) != data.EINVALID {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		// A valid code is canonical: validating it again changes nothing.
		if again, err := data.ValidateCreditCode(code); err != nil || again != code || len(code) != 18 {
			t.Fatalf("%q → %q not stable: %v", s, code, err)
		}
	})
}

func FuzzIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "440524188001010014", "", "11010519491331002X", "１１０"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := data.ValidateIDNumber(s, today)
		if err != nil {
			if data.ErrorCode(err) != data.EINVALID {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if again, err := data.ValidateIDNumber(id, today); err != nil || again != id {
			t.Fatalf("%q → %q not stable: %v", s, id, err)
		}
	})
}
