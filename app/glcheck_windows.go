package app

import (
	"fmt"

	"github.com/go-gl/glfw/v3.3/glfw"
	"golang.org/x/sys/windows"
)

// checkGraphics makes a hidden window with the OpenGL 2.1 context the
// toolkit will ask for. Where there is none — remote desktop, some virtual
// machines, old Intel graphics — the toolkit would stop with a line on a
// console nobody sees; instead a message box says why and what to do, and
// the program ends. It runs on the main thread (the toolkit locks main.main
// there), before the toolkit starts GLFW itself.
func checkGraphics() error {
	err := glfw.Init()
	if err == nil {
		glfw.WindowHint(glfw.Visible, glfw.False)
		glfw.WindowHint(glfw.ContextVersionMajor, 2)
		glfw.WindowHint(glfw.ContextVersionMinor, 1)
		var w *glfw.Window
		if w, err = glfw.CreateWindow(1, 1, "OneWindow", nil, nil); err == nil {
			w.Destroy()
		}
		glfw.Terminate()
	}
	if err == nil {
		return nil
	}
	text := "无法打开一窗通的窗口：这台电脑的显卡或其驱动不支持 OpenGL 2.1" +
		"（远程桌面、部分虚拟机和很旧的集成显卡常见）。\n\n" +
		"请在这台电脑上直接登录后使用，或安装显卡厂商的最新驱动。" +
		"命令行功能不受影响（在命令提示符中运行 onewindow.exe help）。\n\n系统报告：" + err.Error()
	t, _ := windows.UTF16PtrFromString(text)
	c, _ := windows.UTF16PtrFromString("一窗通 OneWindow")
	windows.MessageBox(0, t, c, windows.MB_OK|windows.MB_ICONERROR)
	return fmt.Errorf("no OpenGL 2.1: %w", err)
}
