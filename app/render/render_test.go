package render

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

var ctx = context.Background()

// world is a sample database with a clerk, a supervisor and the clock at a
// fixed time.
type world struct {
	s      *sqlite.Store
	clerk  data.User
	super  data.User
	window int64
	items  map[string]data.ServiceItem
	now    time.Time
}

func newWorld(tb testing.TB) *world {
	tb.Helper()
	s := testkit.OpenTemp(tb)
	w := &world{s: s, items: map[string]data.ServiceItem{}, now: time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)}
	s.Now = func() time.Time { return w.now }
	var err error
	if w.clerk, err = s.UserByLogin(ctx, "zhangli"); err != nil {
		tb.Fatal(err)
	}
	if w.super, err = s.UserByLogin(ctx, "wangjg"); err != nil {
		tb.Fatal(err)
	}
	w.window = w.clerk.WindowID
	items, err := s.Items(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	for _, it := range items {
		w.items[it.Code] = it
	}
	return w
}

// register registers a case of item for applicant with decision d.
func (w *world) register(tb testing.TB, item string, a data.Applicant, d data.Decision, reason string, missing ...string) data.Application {
	tb.Helper()
	it := w.items[item]
	handedIn := slices.DeleteFunc(slices.Clone(it.Materials), func(m string) bool { return slices.Contains(missing, m) })
	app, err := w.s.Register(ctx, w.clerk.ID, data.Intake{ItemID: it.ID, Applicant: a, WindowID: w.window, Decision: d,
		Materials: handedIn, Reason: reason, Missing: missing})
	if err != nil {
		tb.Fatal(err)
	}
	return app
}

func (w *world) issue(tb testing.TB, number string, kind data.DocKind) data.Document {
	tb.Helper()
	doc, err := w.s.IssueDocument(ctx, number, kind, w.clerk.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

// longCompany is a real-looking enterprise whose name and address wrap
// several times, with Latin letters, digits and full-width punctuation.
func longCompany() data.Applicant {
	return data.Applicant{Kind: data.ApplicantEnterprise, IDCode: "91330102MA27XL1Q3G",
		Name:    "浙江省杭州市西湖区工业企业技术改造项目备案服务（集团）有限公司ABC分公司",
		Contact: "欧阳建国", Phone: "0571-88886666",
		Address: "浙江省杭州市西湖区文三路 199 号创业大厦 B 座 1208 室（近学院路与教工路交叉口东北角，地铁 2 号线学院路站 C 口步行约 300 米），邮编 310012；通讯地址同上"}
}

// pdfText writes b to a file and returns what pdftotext reads from it.
func pdfText(tb testing.TB, b []byte, args ...string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command("pdftotext", append(append([]string{"-enc", "UTF-8"}, args...), path, "-")...).Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// squash removes the spaces and line ends pdftotext puts between lines and
// cells, so a wrapped string can be found whole.
func squash(s string) string {
	return strings.NewReplacer(" ", "", "\n", "", "\f", "", "\u3000", "").Replace(s)
}

func keep(tb testing.TB, name string, b []byte) {
	if dir := os.Getenv("ONEWINDOW_PDF_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func TestAcceptReceiptText(t *testing.T) {
	w := newWorld(t)
	app := w.register(t, "BDC-001", longCompany(), data.DecideAccept, "")
	doc := w.issue(t, app.Number, data.DocAccept)
	for _, opt := range []Options{{Size: A4}, {Size: A5}, {TwoPart: true}} {
		res, err := Render(doc, opt)
		if err != nil {
			t.Fatal(err)
		}
		keep(t, "accept-"+string(opt.Size)+map[bool]string{true: "-two"}[opt.TwoPart]+".pdf", res.PDF)
		if len(res.Warnings) != 0 {
			t.Errorf("warnings %v", res.Warnings)
		}
		got := squash(pdfText(t, res.PDF))
		n := doc.Notice
		want := []string{n.Title, n.Number, n.Case, n.Applicant, n.ApplicantCode, n.Contact, n.Item, n.Department, n.Note, n.AmountDue, n.Clerk, n.Phone, n.Window}
		if opt.Size == A4 && !opt.TwoPart {
			want = append(want, n.Address) // A5 leaves the address out to stay on one sheet
		}
		if res.Pages != 1 {
			t.Errorf("%+v: the receipt takes %d sheets", opt, res.Pages)
		}
		want = append(want, n.Body...)
		want = append(want, n.Materials...)
		for _, f := range n.Facts {
			want = append(want, f.Label, f.Value)
		}
		for _, f := range n.Fees {
			want = append(want, f.Name, f.Basis, f.Amount, f.Due)
		}
		for _, s := range want {
			if !strings.Contains(got, squash(s)) {
				t.Errorf("%+v: %q is not whole in the PDF", opt, s)
			}
		}
		if opt.TwoPart && (strings.Count(got, squash(n.Body[0])) != 2 || !strings.Contains(got, "第二联")) {
			t.Errorf("two parts: body printed %d times", strings.Count(got, squash(n.Body[0])))
		}
		if len(res.PDF) > 150*1024 {
			t.Errorf("%+v: %d bytes", opt, len(res.PDF))
		}
	}
}

// Rendering the same document twice gives the same bytes.
func TestDeterministic(t *testing.T) {
	w := newWorld(t)
	app := w.register(t, "BDC-001", longCompany(), data.DecideAccept, "")
	doc := w.issue(t, app.Number, data.DocAccept)
	a, err := Render(doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.PDF, b.PDF) {
		t.Fatal("two renderings differ")
	}
}
