package app

import (
	"fyne.io/fyne/v2/lang"
	"golang.org/x/sys/windows"
)

// systemPrint prints through the Windows shell's "print" verb for PDF files
// (the PDF reader the PC has prints to the default printer), and where no
// program offers that verb (Edge, for one, does not) opens the file in the
// PDF viewer, from which the clerk prints. With neither it returns
// errNoPrinter.
func systemPrint(path string) (string, error) {
	if shellExecute("print", path, windows.SW_HIDE) == nil {
		return lang.L("已送往默认打印机。"), nil
	}
	if shellExecute("open", path, windows.SW_SHOWNORMAL) != nil {
		return "", errNoPrinter
	}
	return lang.L("没有默认打印机：已在 PDF 查看器中打开，请从那里打印。") + " " + path, nil
}

// shellExecute asks the shell to apply verb to the file, the program's
// window shown as show says (hidden for printing); it fails when no program
// is registered for it.
func shellExecute(verb, path string, show int32) error {
	v, err := windows.UTF16PtrFromString(verb)
	if err != nil {
		return err
	}
	file, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	return windows.ShellExecute(0, v, file, nil, nil, show)
}
