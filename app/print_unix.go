//go:build !windows

package app

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// systemPrint prints with CUPS' lp when the PC has a default printer, and
// otherwise opens the file in the system's PDF viewer, from which the clerk
// prints.
func systemPrint(path string) (string, error) {
	if lp, err := exec.LookPath("lp"); err == nil {
		cmd := exec.Command("lpstat", "-d")
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		if out, err := cmd.Output(); err == nil && strings.Contains(string(out), "system default destination:") {
			res, err := exec.Command(lp, "-t", filepath.Base(path), path).CombinedOutput()
			if err != nil {
				return "", fmt.Errorf("%s%v %s", lang.L("打印失败："), err, strings.TrimSpace(string(res)))
			}
			return lang.L("已送往默认打印机。") + " " + strings.TrimSpace(string(res)), nil
		}
	}
	u := &url.URL{Scheme: "file", Path: path}
	if err := fyne.CurrentApp().OpenURL(u); err != nil {
		return "", fmt.Errorf("%s%v", lang.L("没有找到打印机，也无法打开 PDF 查看器："), err)
	}
	return lang.L("没有默认打印机：已在 PDF 查看器中打开，请从那里打印。") + " " + path, nil
}
