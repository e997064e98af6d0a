package app

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/app/render"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/internal/testkit"
)

// From the case view the clerk prints a 受理通知书; printing it again is a
// 补打 of the same number; 验证回执 accepts its code and refuses a changed one.
func TestPrintAndVerifyReceipt(t *testing.T) {
	s := testkit.OpenTemp(t)
	ctx := context.Background()
	clerk, _ := s.UserByLogin(ctx, "zhangli")
	app := testkit.Register(t, s, "zhangli", "BDC-001", data.DecideAccept)
	ui := loggedIn(t, s, "zhangli")
	v := ui.view
	var printed []string
	ui.desk.print = func(path string) (string, error) {
		printed = append(printed, path)
		return "已送往默认打印机。", nil
	}
	v.open(app.Number)
	waitFor(t, "the case view", func() bool { return v.app.Number == app.Number })
	if !strings.Contains(actionLabels(v), "出具文书") {
		t.Fatalf("no document button: %s", actionLabels(v))
	}
	v.makeDocument(data.DocAccept, render.Options{Size: render.A5}, false)
	waitFor(t, "the print", func() bool { return strings.Contains(v.msg.Text, "已送往") })
	if len(printed) != 1 || !strings.Contains(v.msg.Text, "330102001-2026-SL000001") {
		t.Fatalf("printed %v, message %q", printed, v.msg.Text)
	}
	b, err := os.ReadFile(printed[0])
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("the file sent to the printer: %v", err)
	}
	v.makeDocument(data.DocAccept, render.Options{}, false)
	waitFor(t, "the reprint", func() bool { return strings.Contains(v.msg.Text, "补打第 1 次") })

	doc, err := s.IssueDocument(ctx, app.Number, data.DocAccept, clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	vs := ui.verify
	vs.entry.SetText(doc.Token)
	vs.check()
	waitFor(t, "the check", func() bool { return strings.Contains(vs.status.Text, "核验通过") })
	if !strings.Contains(vs.result.Text, "杭州示例食品有限公司") || !strings.Contains(vs.result.Text, "已补打 2 次") {
		t.Errorf("what the paper must say: %q", vs.result.Text)
	}
	vs.entry.SetText(strings.Replace(doc.Token, "SL000001", "SL000002", 1))
	vs.check()
	waitFor(t, "the refusal", func() bool { return strings.Contains(vs.status.Text, "核验未通过") })
	if vs.result.Text != "" {
		t.Errorf("a refused code still shows %q", vs.result.Text)
	}
}
