package exchange_test

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/onewindow/onewindow/assets"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/catalogue"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/problem"
)

var centre = data.Site{Code: "330100000", Name: "示例市政务服务中心", Kind: data.SiteCentre}

func testKey(b byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize))
}

// publication makes a signed publication with a small catalogue and the
// national schedule.
func publication(t testing.TB, key ed25519.PrivateKey) []byte {
	t.Helper()
	p := &exchange.Publication{
		Manifest:  exchange.PublicationManifest{Note: "2027 年事项目录", Sites: []string{"330102101"}},
		Catalogue: &catalogue.Book{Sheets: []catalogue.Sheet{{Name: "部门", Rows: [][]string{{"部门编码", "部门名称"}, {"SCJG", "市场监督管理局"}}}}},
		Calendar:  assets.NationalCalendar,
		Replies: []problem.Reply{{Problem: "330102101-2026-WT000001", Department: "ZRGH", DepartmentName: "自然资源和规划局", Kind: problem.Answered,
			Text: "县局已受理规划调整申请", At: "2026-12-01T02:00:00Z", By: "李四"}},
	}
	raw, err := p.Seal(centre, 7, time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC), "onewindow test", key)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// A publication reads back whole with the centre's key, and is refused —
// with a message saying why — when signed by another key, named for
// another centre, altered, cut short or oversized.
func TestPublication(t *testing.T) {
	key := testKey(1)
	pub := key.Public().(ed25519.PublicKey)
	raw := publication(t, key)
	p, err := exchange.ReadPublication(raw, centre.Code, pub)
	if err != nil {
		t.Fatal(err)
	}
	m := p.Manifest
	if m.Seq != 7 || m.CentreName != centre.Name || !m.For("330102101") || m.For("330102102") || p.Schedule == nil || len(p.Schedule.Years) == 0 ||
		len(p.Catalogue.Sheets) != 1 || p.Catalogue.Sheets[0].Rows[1][1] != "市场监督管理局" {
		t.Fatalf("read back: %+v", p)
	}
	if !strings.Contains(p.Summary(), "部门 1 行") || !strings.Contains(p.Summary(), "节假日安排") {
		t.Errorf("summary %q", p.Summary())
	}
	if again := publication(t, key); !bytes.Equal(again, raw) {
		t.Error("the same publication gives other bytes")
	}
	if name := exchange.PublicationName(centre.Code, 7); name != "330100000-pub-000007.owp" {
		t.Errorf("name %s", name)
	} else if c, seq, ok := exchange.ParsePublicationName(name); !ok || c != centre.Code || seq != 7 {
		t.Errorf("parse name: %s %d %v", c, seq, ok)
	}
	// A member's bytes changed: rewrite the zip with one byte of the
	// catalogue altered and the manifest as it was.
	altered := rezip(t, raw, func(name string, b []byte) []byte {
		if name == "catalogue.json" {
			return bytes.Replace(b, []byte("市场"), []byte("市埸"), 1)
		}
		return b
	})
	manifest := rezip(t, raw, func(name string, b []byte) []byte {
		if name == "manifest.json" {
			return bytes.Replace(b, []byte(`"seq": 7`), []byte(`"seq": 8`), 1)
		}
		return b
	})
	for _, c := range []struct {
		what   string
		raw    []byte
		centre string
		pub    ed25519.PublicKey
		want   string
	}{
		{"another key", raw, centre.Code, testKey(2).Public().(ed25519.PublicKey), "签名无效"},
		{"another centre", raw, "330200000", pub, "由中心 330100000 签发"},
		{"a member altered", altered, centre.Code, pub, "校验和不符"},
		{"the manifest altered", manifest, centre.Code, pub, "签名无效"},
		{"cut short", raw[:len(raw)/2], centre.Code, pub, "不完整"},
		{"empty", nil, centre.Code, pub, "不完整"},
		{"oversized", make([]byte, exchange.MaxPublicationBytes+1), centre.Code, pub, "过大"},
	} {
		_, err := exchange.ReadPublication(c.raw, c.centre, c.pub)
		if data.ErrorCode(err) != data.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.what, err)
		}
	}
}

// rezip copies a zip, passing each member through change.
func rezip(t *testing.T, raw []byte, change func(name string, b []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		w, _ := zw.Create(f.Name)
		w.Write(change(f.Name, b.Bytes()))
	}
	zw.Close()
	return buf.Bytes()
}

// FuzzReadPublication: whatever the bytes, the reader returns a
// publication or an EINVALID error, never a panic; what it returns was
// signed by the key.
func FuzzReadPublication(f *testing.F) {
	key := testKey(1)
	f.Add(publication(f, key))
	f.Add([]byte{})
	f.Add([]byte("PK\x03\x04"))
	if b, err := os.ReadFile("testdata/bundle.owb"); err == nil {
		f.Add(b)
	}
	pub := key.Public().(ed25519.PublicKey)
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := exchange.ReadPublication(raw, centre.Code, pub)
		if err != nil {
			if data.ErrorCode(err) != data.EINVALID {
				t.Fatalf("not EINVALID: %v", err)
			}
			return
		}
		if p.Manifest.Centre != centre.Code || p.Manifest.Seq < 1 {
			t.Fatalf("accepted %+v", p.Manifest)
		}
	})
}

// The answers a publication carries: each line a reply that validates;
// a wrong number, kind, date or an unknown field is refused with a
// message, never a panic.
func FuzzReadReplies(f *testing.F) {
	f.Add([]byte(`{"problem":"330102101-2026-WT000001","department":"ZRGH","department_name":"自然资源和规划局","kind":"explained","text":"规划调整已列入明年第一批","promised":"2027-03-31","at":"2026-12-01T02:00:00Z","by":"李四"}` + "\n"))
	f.Add([]byte(`{"problem":"330102101-2026-WT000001","kind":"closed"}` + "\n"))
	f.Add([]byte(`{"problem":"x","extra":1}`))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		rs, err := exchange.ReadReplies(body)
		if err != nil {
			if data.ErrorCode(err) != data.EINVALID {
				t.Fatalf("not EINVALID: %v", err)
			}
			return
		}
		for _, r := range rs {
			if err := r.Validate(); err != nil || !problem.NumberRE.MatchString(r.Problem) {
				t.Fatalf("accepted %+v: %v", r, err)
			}
		}
	})
}
