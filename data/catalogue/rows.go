package catalogue

import (
	"slices"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
)

// The rows of each sheet, read into records and checked with the domain's
// own rules (data.ServiceItem.Validate and the rest), so that a row is
// refused for what the settings screen would refuse.

var (
	deptFields   = map[string]string{"code": colDeptCode, "name": colDeptName}
	winFields    = map[string]string{"code": colWinCode, "name": colWinName}
	userFields   = map[string]string{"login": colLogin, "name": colUserName, "role": colRole}
	feeFields    = map[string]string{"code": colFeeCode, "name": colFeeName, "amount_fen": colAmount, "unit": colUnit, "basis": colBasis, "valid_from": colFrom, "valid_to": colTo}
	policyFields = map[string]string{"code": colPolicyCode, "name": colPolicyName, "basis": colBasis, "valid_from": colFrom, "valid_to": colTo}
	itemFields   = map[string]string{"code": colItemCode, "name": colItemName, "kind": colKind, "statutory": colStatutory, "promised": colPromised, "materials": colMaterials}
)

func (c *Catalogue) readDepartment(r *sheetReader) {
	d := data.Department{Code: r.cell(colDeptCode), Name: r.cell(colDeptName)}
	if err := d.Validate(); err != nil {
		r.fieldErr(err, deptFields)
		return
	}
	c.Departments = append(c.Departments, Department{Department: d, Row: r.rowNo})
}

func (c *Catalogue) readWindow(r *sheetReader) {
	w := data.Window{Code: r.cell(colWinCode), Name: r.cell(colWinName)}
	if err := w.Validate(); err != nil {
		r.fieldErr(err, winFields)
		return
	}
	c.Windows = append(c.Windows, Window{Window: w, Row: r.rowNo})
}

// RoleLabel is the role as the sheet writes it.
func RoleLabel(role data.Role) string {
	switch role {
	case data.RoleClerk:
		return roleChoices[0]
	case data.RoleSupervisor:
		return roleChoices[1]
	case data.RoleAdmin:
		return roleChoices[2]
	}
	return string(role)
}

func parseRole(s string) (data.Role, bool) {
	switch strings.ToLower(s) {
	case "窗口人员", "窗口工作人员", "受理人员", "clerk":
		return data.RoleClerk, true
	case "督查人员", "督查", "中心领导", "supervisor":
		return data.RoleSupervisor, true
	case "系统管理员", "管理员", "admin":
		return data.RoleAdmin, true
	}
	return "", false
}

func (c *Catalogue) readUser(r *sheetReader) {
	u := User{Login: r.cell(colLogin), Name: r.cell(colUserName), Window: r.cell(colWinCode), Active: true, Row: r.rowNo}
	ok := true
	if v, has := r.required(colRole); has {
		if u.Role, ok = parseRole(v); !ok {
			r.problem(colRole, "应为窗口人员、督查人员或系统管理员，不能是“%s”", v)
		}
	} else {
		ok = false
	}
	switch v := r.cell(colStatus); v {
	case "", "在岗", "在用", "启用", "正常":
	case "停用", "离岗", "禁用":
		u.Active = false
	default:
		r.problem(colStatus, "应为在岗或停用，不能是“%s”", v)
		ok = false
	}
	du := data.User{Login: u.Login, Name: u.Name, Role: u.Role}
	if u.Role == "" {
		du.Role = data.RoleClerk // the role is reported above; check the rest
	}
	if err := du.Validate(); err != nil {
		r.fieldErr(err, userFields)
		return
	}
	if ok {
		c.Users = append(c.Users, u)
	}
}

func (c *Catalogue) readFee(r *sheetReader) {
	f := data.FeeItem{Code: r.cell(colFeeCode), Name: r.cell(colFeeName), Unit: r.cell(colUnit), Basis: r.cell(colBasis)}
	ok := true
	if v, has := r.required(colAmount); has {
		fen, err := ParseYuan(v)
		if err != nil {
			r.problem(colAmount, "%s", err.Error())
			ok = false
		}
		f.AmountFen = fen
	} else {
		ok = false
	}
	var good bool
	if f.ValidFrom, f.ValidTo, good = r.validity(); !good {
		ok = false
	}
	if !ok {
		return
	}
	if f.Basis == "" {
		r.problem(colBasis, "收费项目须写明依据文号")
		return
	}
	if err := f.Validate(); err != nil {
		r.fieldErr(err, feeFields)
		return
	}
	c.Fees = append(c.Fees, Fee{FeeItem: f, Row: r.rowNo})
}

func (c *Catalogue) readPolicy(r *sheetReader) {
	p := data.WaiverPolicy{Code: r.cell(colPolicyCode), Name: r.cell(colPolicyName), Basis: r.cell(colBasis)}
	var ok bool
	if p.ValidFrom, p.ValidTo, ok = r.validity(); !ok {
		return
	}
	if p.Basis == "" {
		r.problem(colBasis, "减免政策须写明依据文号")
		return
	}
	if err := p.Validate(); err != nil {
		r.fieldErr(err, policyFields)
		return
	}
	c.Policies = append(c.Policies, Policy{WaiverPolicy: p, Row: r.rowNo})
}

// validity reads the 生效日期 and 失效日期 columns.
func (r *sheetReader) validity() (from, to calendar.Date, ok bool) {
	ok = true
	if v, has := r.required(colFrom); has {
		var err error
		if from, err = ParseDate(v); err != nil {
			r.problem(colFrom, "%s", err.Error())
			ok = false
		}
	} else {
		ok = false
	}
	if v := r.cell(colTo); v != "" {
		var err error
		if to, err = ParseDate(v); err != nil {
			r.problem(colTo, "%s", err.Error())
			ok = false
		}
	}
	return from, to, ok
}

func parseKind(s string) (data.ItemKind, bool) {
	switch strings.ToLower(s) {
	case "即办件", "即办", "immediate":
		return data.KindImmediate, true
	case "承诺件", "承诺", "promised":
		return data.KindPromised, true
	case "上报件", "上报", "reported":
		return data.KindReported, true
	case "联办件", "联办", "joint":
		return data.KindJoint, true
	}
	return "", false
}

func (c *Catalogue) readItem(r *sheetReader) {
	it := Item{Code: r.cell(colItemCode), Name: r.cell(colItemName), Department: r.cell(colDeptCode), Active: true, Row: r.rowNo}
	ok := true
	if v, has := r.required(colKind); has {
		var known bool
		if it.Kind, known = parseKind(v); !known {
			r.problem(colKind, "不认识的办件类型“%s”：应为即办件、承诺件、上报件或联办件", v)
			ok = false
		}
	} else {
		ok = false
	}
	for _, lim := range []struct {
		col string
		to  *int
	}{{colStatutory, &it.Statutory}, {colPromised, &it.Promised}} {
		v, has := r.required(lim.col)
		if !has {
			ok = false
			continue
		}
		n, err := parseDays(v)
		if err != nil {
			r.problem(lim.col, "应为整数个工作日，不能是“%s”", v)
			ok = false
		}
		*lim.to = n
	}
	if _, has := r.required(colDeptCode); !has {
		ok = false
	}
	it.Materials = SplitMaterials(r.cell(colMaterials))
	for _, f := range splitCodes(r.cell(colFeeCode)) {
		if !slices.Contains(it.Fees, f) {
			it.Fees = append(it.Fees, f)
		}
	}
	slices.Sort(it.Fees)
	switch v := r.cell(colStatus); v {
	case "", statusActive, "启用", "在岗", "正常":
	case statusInactive, "禁用", "取消":
		it.Active = false
	default:
		r.problem(colStatus, "应为在用或停用，不能是“%s”", v)
		ok = false
	}
	if !ok {
		return
	}
	si := data.ServiceItem{Code: it.Code, Name: it.Name, Kind: it.Kind, Statutory: it.Statutory, Promised: it.Promised, Materials: it.Materials}
	if err := si.Validate(); err != nil {
		r.fieldErr(err, itemFields)
		return
	}
	c.Items = append(c.Items, it)
}
