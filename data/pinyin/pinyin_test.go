package pinyin_test

import (
	"testing"

	"github.com/onewindow/onewindow/data/pinyin"
)

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{
		"食品经营许可":       "spjyxk",
		"工业企业技术改造项目备案": "gyqyjsgzxmba",
		"个体工商户登记":      "gtgshdj",
		"建设工程规划许可":     "jsgcghxk",
		"排污许可":         "pwxk",
		"最低生活保障申请":     "zdshbzsq",
		"残疾人证办理":       "cjrzbl",
		"啊":            "a",
		"座":            "z",
		"ISO 9001认证":   "iso9001rz",
		"（食品）":         "sp",
		"𠮷":            "",
	} {
		if got := pinyin.Initials(in); got != want {
			t.Errorf("Initials(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzInitials(f *testing.F) {
	f.Add("食品经营许可")
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range pinyin.Initials(s) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				t.Fatalf("Initials(%q) produced %q", s, c)
			}
		}
	})
}
