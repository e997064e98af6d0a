//go:build !windows

package app

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
)

// systemPrint prints with CUPS' lp when the PC has a default printer, and
// otherwise opens the file in the system's PDF viewer, from which the clerk
// prints. With neither it returns errNoPrinter.
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
	if !openViewer("xdg-open", path, 3*time.Second) {
		return "", errNoPrinter
	}
	return lang.L("没有默认打印机：已在 PDF 查看器中打开，请从那里打印。") + " " + path, nil
}

// openViewer runs the desktop's opener on path and says whether a program
// took the file: the opener exited without an error, or is still running
// after wait (a viewer it runs in the foreground). xdg-open exits 3 or 4
// when no program handles the file — where Fyne's OpenURL, which only
// starts it, would report success.
func openViewer(opener, path string, wait time.Duration) bool {
	prog, err := exec.LookPath(opener)
	if err != nil {
		return false
	}
	cmd := exec.Command(prog, path)
	if err := cmd.Start(); err != nil {
		return false
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err == nil
	case <-time.After(wait):
		return true
	}
}
