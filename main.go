// Command onewindow is 一窗通 OneWindow, the desktop client for one-stop
// administrative service windows. This file only wires the parts together.
package main

import (
	"context"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/onewindow/onewindow/app"
	"github.com/onewindow/onewindow/cli"
	"github.com/onewindow/onewindow/data/sqlite"
	_ "github.com/onewindow/onewindow/internal/zhlocale" // before the toolkit reads the locale
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, runGUI))
}

func runGUI(open func() (*sqlite.Store, error)) error {
	app.Program = "onewindow " + cli.Version
	return app.Start(fyneapp.NewWithID("cn.gov.onewindow"), func() (app.Store, error) {
		s, err := open()
		if err != nil {
			return nil, err // not a nil *data.Store in an interface
		}
		return s, nil
	})
}
