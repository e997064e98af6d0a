package catalogue

import (
	"strconv"
	"strings"

	"github.com/onewindow/onewindow/data/calendar"
)

// Count is how many records of one table an import adds, changes and
// leaves as they are.
type Count struct {
	Table                string
	Added, Changed, Same int
}

// Counts summarises a planned catalogue, table by table, for the tables the
// file had.
func (c *Catalogue) Counts() []Count {
	var out []Count
	for _, t := range Tables {
		if _, ok := c.Sheets[t.Name]; !ok {
			continue
		}
		n := Count{Table: t.Name}
		c.each(t.Name, func(_, _ string, op Op, _ []string) {
			switch op {
			case OpAdd:
				n.Added++
			case OpChange:
				n.Changed++
			default:
				n.Same++
			}
		})
		out = append(out, n)
	}
	return out
}

// Changes lists what a planned import does, one line per record added or
// changed: "事项 SCJG-001：修改 法定时限、承诺时限".
func (c *Catalogue) Changes() []string {
	var out []string
	for _, t := range Tables {
		c.each(t.Name, func(k, name string, op Op, changed []string) {
			switch op {
			case OpAdd:
				out = append(out, t.Name+" "+k+"（"+name+"）：新增")
			case OpChange:
				out = append(out, t.Name+" "+k+"（"+name+"）：修改 "+strings.Join(changed, "、"))
			}
		})
	}
	return out
}

// each calls fn with every record of a table: its key, name, op and
// changed columns.
func (c *Catalogue) each(table string, fn func(key, name string, op Op, changed []string)) {
	switch table {
	case SheetDepartments:
		for _, d := range c.Departments {
			fn(d.Code, d.Name, d.Op, d.Changed)
		}
	case SheetWindows:
		for _, w := range c.Windows {
			fn(w.Code, w.Name, w.Op, w.Changed)
		}
	case SheetUsers:
		for _, u := range c.Users {
			fn(u.Login, u.Name, u.Op, u.Changed)
		}
	case SheetFees:
		for _, f := range c.Fees {
			fn(f.Code+" 自 "+f.ValidFrom.String(), f.Name, f.Op, f.Changed)
		}
	case SheetPolicies:
		for _, p := range c.Policies {
			fn(p.Code, p.Name, p.Op, p.Changed)
		}
	case SheetItems:
		for _, it := range c.Items {
			fn(it.Code, it.Name, it.Op, it.Changed)
		}
	}
}

// NewUsers are the users the import adds, who need a one-time PIN.
func (c *Catalogue) NewUsers() []User {
	var out []User
	for _, u := range c.Users {
		if u.Op == OpAdd {
			out = append(out, u)
		}
	}
	return out
}

// Book writes the catalogue in the file format, every table as a sheet, in
// the order of Tables; Parse reads it back as the same catalogue.
func (c *Catalogue) Book() Book {
	var b Book
	for _, t := range Tables {
		s := Sheet{Name: t.Name, Rows: [][]string{headers(t)}}
		switch t.Name {
		case SheetDepartments:
			for _, d := range c.Departments {
				s.Rows = append(s.Rows, []string{d.Code, d.Name})
			}
		case SheetWindows:
			for _, w := range c.Windows {
				s.Rows = append(s.Rows, []string{w.Code, w.Name})
			}
		case SheetUsers:
			for _, u := range c.Users {
				s.Rows = append(s.Rows, []string{u.Login, u.Name, RoleLabel(u.Role), u.Window, map[bool]string{true: "在岗", false: "停用"}[u.Active]})
			}
		case SheetFees:
			for _, f := range c.Fees {
				s.Rows = append(s.Rows, []string{f.Code, f.Name, FormatYuan(f.AmountFen), f.Unit, f.Basis, f.ValidFrom.String(), dateText(f.ValidTo)})
			}
		case SheetPolicies:
			for _, p := range c.Policies {
				s.Rows = append(s.Rows, []string{p.Code, p.Name, p.Basis, p.ValidFrom.String(), dateText(p.ValidTo)})
			}
		case SheetItems:
			for _, it := range c.Items {
				s.Rows = append(s.Rows, []string{it.Code, it.Name, it.Department, it.Kind.Label(), strconv.Itoa(it.Statutory), strconv.Itoa(it.Promised),
					JoinMaterials(it.Materials), strings.Join(it.Fees, "；"), map[bool]string{true: statusActive, false: statusInactive}[it.Active]})
			}
		}
		b.Sheets = append(b.Sheets, s)
	}
	return b
}

func headers(t Table) []string {
	h := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		h[i] = c.Header
	}
	return h
}

func dateText(d calendar.Date) string {
	if d == 0 {
		return ""
	}
	return d.String()
}
