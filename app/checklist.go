package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// checkList is a column of check boxes whose texts wrap: a material's name
// of forty characters is read whole at any width, where a CheckGroup cuts
// it at the pane's edge. Tab reaches each box, Space ticks it.
type checkList struct {
	box       *fyne.Container
	Options   []string
	Selected  []string // in the order of Options
	OnChanged func([]string)
	checks    []*widget.Check
	setting   bool // SetSelected is ticking boxes: one OnChanged at the end
}

func newCheckList(changed func([]string)) *checkList {
	return &checkList{box: container.NewVBox(), OnChanged: changed}
}

// SetOptions shows one box per option, none ticked.
func (c *checkList) SetOptions(opts []string) {
	c.Options, c.Selected, c.checks = opts, nil, nil
	c.box.Objects = nil
	for _, o := range opts {
		ch := widget.NewCheck("", func(bool) { c.collect() })
		text := widget.NewLabel(o)
		text.Wrapping = fyne.TextWrapWord
		c.checks = append(c.checks, ch)
		c.box.Add(container.NewBorder(nil, nil, ch, nil, text))
	}
	c.box.Refresh()
}

// SetSelected ticks exactly the options in sel.
func (c *checkList) SetSelected(sel []string) {
	c.setting = true
	for i, o := range c.Options {
		c.checks[i].SetChecked(slices.Contains(sel, o))
	}
	c.setting = false
	c.collect()
}

func (c *checkList) collect() {
	if c.setting {
		return
	}
	c.Selected = nil
	for i, ch := range c.checks {
		if ch.Checked {
			c.Selected = append(c.Selected, c.Options[i])
		}
	}
	if c.OnChanged != nil {
		c.OnChanged(c.Selected)
	}
}
