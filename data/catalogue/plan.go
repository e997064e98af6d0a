package catalogue

import (
	"fmt"
	"slices"
	"sort"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// Op is what an import does with a record.
type Op int

// Ops.
const (
	OpSame   Op = iota // the store already holds it as it is
	OpAdd              // new
	OpChange           // the store holds it otherwise: Changed lists the columns
)

// duplicates reports a key a sheet lists twice, on the later row.
func (c *Catalogue) duplicates(table string, r *sheetReader) {
	seen := map[string]int{}
	check := func(k string, row int, col string) {
		if first, dup := seen[k]; dup {
			r.rowNo = row
			r.problem(col, "“%s”与第 %d 行重复", k, first)
			return
		}
		seen[k] = row
	}
	switch table {
	case SheetDepartments:
		for _, d := range c.Departments {
			check(d.Code, d.Row, colDeptCode)
		}
	case SheetWindows:
		for _, w := range c.Windows {
			check(w.Code, w.Row, colWinCode)
		}
	case SheetUsers:
		for _, u := range c.Users {
			check(u.Login, u.Row, colLogin)
		}
	case SheetFees:
		for _, f := range c.Fees {
			check(f.Code+" 自 "+f.ValidFrom.String(), f.Row, colFrom)
		}
	case SheetPolicies:
		for _, p := range c.Policies {
			check(p.Code, p.Row, colPolicyCode)
		}
	case SheetItems:
		for _, it := range c.Items {
			check(it.Code, it.Row, colItemCode)
		}
	}
}

// Plan compares the file's catalogue c with what the store holds (cur,
// read whole) and marks each record of c as new, changed or the same; it
// lists every problem that needs the store to see: a department, window or
// fee code referred to that neither the file nor the store has, a login
// that belongs to someone else, fee schedules whose dates overlap, the
// importing administrator stopping or demoting themself. Columns a sheet
// lacks keep the store's values.
func Plan(c, cur *Catalogue, actor string) []Problem {
	c.resetOps()
	var problems []Problem
	add := func(table string, row int, col, format string, args ...any) {
		p := Problem{Sheet: c.Sheets[table], Row: row, Column: col, Message: fmt.Sprintf(format, args...)}
		if i, ok := c.cols[table][col]; ok {
			p.Col = ColumnLetter(i)
		}
		problems = append(problems, p)
	}
	depts := map[string]bool{}
	curDept := map[string]Department{}
	for _, d := range cur.Departments {
		curDept[d.Code], depts[d.Code] = d, true
	}
	for i := range c.Departments {
		d := &c.Departments[i]
		depts[d.Code] = true
		if old, ok := curDept[d.Code]; !ok {
			d.Op = OpAdd
		} else if old.Name != d.Name {
			d.Op, d.Changed = OpChange, []string{colDeptName}
		}
	}
	wins := map[string]bool{}
	curWin := map[string]Window{}
	for _, w := range cur.Windows {
		curWin[w.Code], wins[w.Code] = w, true
	}
	for i := range c.Windows {
		w := &c.Windows[i]
		wins[w.Code] = true
		if old, ok := curWin[w.Code]; !ok {
			w.Op = OpAdd
		} else if old.Name != w.Name {
			w.Op, w.Changed = OpChange, []string{colWinName}
		}
	}
	c.planUsers(cur, wins, actor, add)
	fees := c.planFees(cur, add)
	c.planPolicies(cur)
	c.planItems(cur, depts, fees, add)
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Row < problems[j].Row })
	return problems
}

func (c *Catalogue) planUsers(cur *Catalogue, wins map[string]bool, actor string, add func(string, int, string, string, ...any)) {
	curUser := map[string]User{}
	for _, u := range cur.Users {
		curUser[u.Login] = u
	}
	missing := c.Missing[SheetUsers]
	for i := range c.Users {
		u := &c.Users[i]
		old, exists := curUser[u.Login]
		if exists {
			if missing[colWinCode] {
				u.Window = old.Window
			}
			if missing[colStatus] {
				u.Active = old.Active
			}
		}
		if u.Window != "" && !wins[u.Window] {
			add(SheetUsers, u.Row, colWinCode, "窗口编号“%s”在“窗口”表和系统中都没有", u.Window)
		}
		if !exists {
			if !u.Active {
				add(SheetUsers, u.Row, colStatus, "新用户 %s 的状态应为在岗（停用的用户无须导入）", u.Login)
			}
			u.Op = OpAdd
			continue
		}
		if old.Name != u.Name {
			add(SheetUsers, u.Row, colLogin, "登录名“%s”已被%s用户 %s 使用；新用户请另取登录名，改名请在系统中修改", u.Login, map[bool]string{true: "", false: "已停用的"}[old.Active], old.Name)
			continue
		}
		if u.Login == actor && (u.Role != data.RoleAdmin || !u.Active) {
			add(SheetUsers, u.Row, colRole, "不能停用或改变正在导入的管理员 %s 自己的角色", actor)
			continue
		}
		var changed []string
		if old.Role != u.Role {
			changed = append(changed, colRole)
		}
		if old.Window != u.Window {
			changed = append(changed, colWinCode)
		}
		if old.Active != u.Active {
			changed = append(changed, colStatus)
		}
		if len(changed) > 0 {
			u.Op, u.Changed = OpChange, changed
		}
	}
}

// planFees marks the fee schedules and checks that the schedules of a code,
// the store's and the file's together, do not overlap in time; it returns
// the fee codes that will exist.
func (c *Catalogue) planFees(cur *Catalogue, add func(string, int, string, string, ...any)) map[string]bool {
	type key struct {
		code string
		from calendar.Date
	}
	codes := map[string]bool{}
	curFee := map[key]Fee{}
	for _, f := range cur.Fees {
		curFee[key{f.Code, f.ValidFrom}], codes[f.Code] = f, true
	}
	byCode := map[string][]Fee{}
	inFile := map[key]bool{}
	missingTo := c.Missing[SheetFees][colTo]
	for i := range c.Fees {
		f := &c.Fees[i]
		codes[f.Code] = true
		k := key{f.Code, f.ValidFrom}
		inFile[k] = true
		old, ok := curFee[k]
		if !ok {
			f.Op = OpAdd
		} else {
			if missingTo {
				f.ValidTo = old.ValidTo
			}
			var changed []string
			if old.Name != f.Name {
				changed = append(changed, colFeeName)
			}
			if old.AmountFen != f.AmountFen {
				changed = append(changed, colAmount)
			}
			if old.Unit != f.Unit {
				changed = append(changed, colUnit)
			}
			if old.Basis != f.Basis {
				changed = append(changed, colBasis)
			}
			if old.ValidTo != f.ValidTo {
				changed = append(changed, colTo)
			}
			if len(changed) > 0 {
				f.Op, f.Changed = OpChange, changed
			}
		}
		byCode[f.Code] = append(byCode[f.Code], *f)
	}
	for _, f := range cur.Fees {
		if _, ok := byCode[f.Code]; ok && !inFile[key{f.Code, f.ValidFrom}] {
			byCode[f.Code] = append(byCode[f.Code], f)
		}
	}
	for _, list := range byCode {
		sort.Slice(list, func(i, j int) bool { return list[i].ValidFrom < list[j].ValidFrom })
		for i := 1; i < len(list); i++ {
			prev, f := list[i-1], list[i]
			if prev.ValidTo != 0 && prev.ValidTo < f.ValidFrom {
				continue
			}
			row, other := f.Row, prev
			if row == 0 { // the later one is the store's: report the file's
				row, other = prev.Row, f
			}
			where := "系统中"
			if other.Row != 0 {
				where = fmt.Sprintf("第 %d 行", other.Row)
			}
			add(SheetFees, row, colFrom, "收费项目 %s 的有效期与%s自 %s 起的标准重叠；请为较早的标准填写失效日期", f.Code, where, other.ValidFrom)
		}
	}
	return codes
}

func (c *Catalogue) planPolicies(cur *Catalogue) {
	curPol := map[string]Policy{}
	for _, p := range cur.Policies {
		curPol[p.Code] = p
	}
	missingTo := c.Missing[SheetPolicies][colTo]
	for i := range c.Policies {
		p := &c.Policies[i]
		old, ok := curPol[p.Code]
		if !ok {
			p.Op = OpAdd
			continue
		}
		if missingTo {
			p.ValidTo = old.ValidTo
		}
		var changed []string
		if old.Name != p.Name {
			changed = append(changed, colPolicyName)
		}
		if old.Basis != p.Basis {
			changed = append(changed, colBasis)
		}
		if old.ValidFrom != p.ValidFrom {
			changed = append(changed, colFrom)
		}
		if old.ValidTo != p.ValidTo {
			changed = append(changed, colTo)
		}
		if len(changed) > 0 {
			p.Op, p.Changed = OpChange, changed
		}
	}
}

func (c *Catalogue) planItems(cur *Catalogue, depts, fees map[string]bool, add func(string, int, string, string, ...any)) {
	curItem := map[string]Item{}
	for _, it := range cur.Items {
		curItem[it.Code] = it
	}
	missing := c.Missing[SheetItems]
	for i := range c.Items {
		it := &c.Items[i]
		old, exists := curItem[it.Code]
		if exists {
			if missing[colMaterials] {
				it.Materials = old.Materials
			}
			if missing[colFeeCode] {
				it.Fees = old.Fees
			}
			if missing[colStatus] {
				it.Active = old.Active
			}
		}
		if !depts[it.Department] {
			add(SheetItems, it.Row, colDeptCode, "部门编码“%s”在“部门”表和系统中都没有", it.Department)
		}
		for _, f := range it.Fees {
			if !fees[f] {
				add(SheetItems, it.Row, colFeeCode, "收费项目“%s”在“收费标准”表和系统中都没有", f)
			}
		}
		if !exists {
			it.Op = OpAdd
			continue
		}
		var changed []string
		diff := func(same bool, col string) {
			if !same {
				changed = append(changed, col)
			}
		}
		diff(old.Name == it.Name, colItemName)
		diff(old.Department == it.Department, colDeptCode)
		diff(old.Kind == it.Kind, colKind)
		diff(old.Statutory == it.Statutory, colStatutory)
		diff(old.Promised == it.Promised, colPromised)
		diff(slices.Equal(old.Materials, it.Materials), colMaterials)
		diff(slices.Equal(old.Fees, it.Fees), colFeeCode)
		diff(old.Active == it.Active, colStatus)
		if len(changed) > 0 {
			it.Op, it.Changed = OpChange, changed
		}
	}
}

// resetOps forgets an earlier plan (a dry run before the import).
func (c *Catalogue) resetOps() {
	for i := range c.Departments {
		c.Departments[i].Op, c.Departments[i].Changed = OpSame, nil
	}
	for i := range c.Windows {
		c.Windows[i].Op, c.Windows[i].Changed = OpSame, nil
	}
	for i := range c.Users {
		c.Users[i].Op, c.Users[i].Changed = OpSame, nil
	}
	for i := range c.Fees {
		c.Fees[i].Op, c.Fees[i].Changed = OpSame, nil
	}
	for i := range c.Policies {
		c.Policies[i].Op, c.Policies[i].Changed = OpSame, nil
	}
	for i := range c.Items {
		c.Items[i].Op, c.Items[i].Changed = OpSame, nil
	}
}
