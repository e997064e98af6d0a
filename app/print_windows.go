package app

import (
	"fmt"
	"net/url"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"golang.org/x/sys/windows"
)

// systemPrint prints through the Windows shell's "print" verb for PDF files
// (the PDF reader the PC has prints to the default printer), and where no
// program offers that verb (Edge, for one, does not) opens the file in the
// PDF viewer, from which the clerk prints.
func systemPrint(path string) (string, error) {
	verb, err := windows.UTF16PtrFromString("print")
	if err != nil {
		return "", err
	}
	file, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return "", err
	}
	if err := windows.ShellExecute(0, verb, file, nil, nil, windows.SW_HIDE); err == nil {
		return lang.L("已送往默认打印机。"), nil
	}
	u := &url.URL{Scheme: "file", Path: "/" + filepath.ToSlash(path)}
	if err := fyne.CurrentApp().OpenURL(u); err != nil {
		return "", fmt.Errorf("%s%v", lang.L("没有找到打印机，也无法打开 PDF 查看器："), err)
	}
	return lang.L("没有默认打印机：已在 PDF 查看器中打开，请从那里打印。") + " " + path, nil
}
