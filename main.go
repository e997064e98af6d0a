// Command onewindow is 一窗通 OneWindow, the desktop client for one-stop
// administrative service windows. This file only wires the parts together.
package main

import (
	"context"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/onewindow/onewindow/app"
	"github.com/onewindow/onewindow/cli"
	_ "github.com/onewindow/onewindow/internal/zhlocale" // before the toolkit reads the locale
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, runGUI))
}

func runGUI(o cli.Opener) error {
	app.Program = "onewindow " + cli.Version
	return app.Start(fyneapp.NewWithID("cn.gov.onewindow"), func() (app.Reader, error) {
		// not a nil pointer in an interface
		if o.Centre != nil {
			s, err := o.Centre()
			if err != nil {
				return nil, err
			}
			return s, nil
		}
		s, err := o.Site()
		if err != nil {
			return nil, err
		}
		return s, nil
	})
}
