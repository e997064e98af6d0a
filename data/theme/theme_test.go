package theme

import (
	"slices"
	"testing"

	"github.com/onewindow/onewindow/data"
)

var testItems = map[string]data.ServiceItem{
	"LIC":  {ID: 1, Code: "LIC", Name: "企业设立登记", Materials: []string{"申请书", "章程", "住所使用证明"}},
	"FOOD": {ID: 2, Code: "FOOD", Name: "食品经营许可", Materials: []string{"许可申请书", "营业执照", "住所使用证明", "布局图"}},
	"SOC":  {ID: 3, Code: "SOC", Name: "社会保险登记", Materials: []string{"登记表", "营业执照", "法定代表人身份证明"}},
	"TAX":  {ID: 4, Code: "TAX", Name: "税务登记", Materials: []string{"法定代表人身份证明"}},
}

func restaurant() Theme {
	return Theme{Code: "KB", Name: "开办餐饮店", Limit: 12, Together: true, Steps: []Step{
		{Item: data.ServiceItem{Code: "LIC"}, Result: "营业执照"},
		{Item: data.ServiceItem{Code: "FOOD"}, After: "LIC"},
		{Item: data.ServiceItem{Code: "SOC"}, After: "LIC"},
		{Item: data.ServiceItem{Code: "TAX"}},
	}}
}

// Validation names the field of each mistake: an unknown item, an item
// twice, a wait for an item outside the theme or for itself, a circle of
// waits, no step that starts at intake, a limit out of range.
func TestValidate(t *testing.T) {
	ok := restaurant()
	if err := ok.Validate(testItems); err != nil {
		t.Fatal(err)
	}
	if ok.Steps[1].Item.Name != "食品经营许可" {
		t.Errorf("items not filled in: %+v", ok.Steps[1].Item)
	}
	for name, c := range map[string]struct {
		edit  func(*Theme)
		field string
	}{
		"no code":        {func(t *Theme) { t.Code = "" }, "code"},
		"limit 0":        {func(t *Theme) { t.Limit = 0 }, "limit"},
		"limit 366":      {func(t *Theme) { t.Limit = 366 }, "limit"},
		"one item":       {func(t *Theme) { t.Steps = t.Steps[:1] }, "steps"},
		"unknown item":   {func(t *Theme) { t.Steps[3].Item.Code = "NOPE" }, "steps"},
		"item twice":     {func(t *Theme) { t.Steps[3].Item.Code = "FOOD" }, "steps"},
		"after outside":  {func(t *Theme) { t.Steps[1].After = "NOPE" }, "after"},
		"after itself":   {func(t *Theme) { t.Steps[1].After = "FOOD" }, "after"},
		"circle":         {func(t *Theme) { t.Steps[0].After = "FOOD" }, "after"},
		"nothing starts": {func(t *Theme) { t.Steps = t.Steps[1:3]; t.Steps[0].After = "SOC"; t.Steps[1].After = "FOOD" }, "after"},
	} {
		th := restaurant()
		c.edit(&th)
		if err := th.Validate(testItems); data.ErrorField(err) != c.field {
			t.Errorf("%s: %v, want field %s", name, err, c.field)
		}
	}
}

// The checklist lists each material once, with the items that need it; the
// licence the first step issues is not on it.
func TestChecklist(t *testing.T) {
	th := restaurant()
	if err := th.Validate(testItems); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range th.Checklist() {
		names = append(names, m.Name)
		if m.Name == "住所使用证明" && !slices.Equal(m.Items, []string{"LIC", "FOOD"}) {
			t.Errorf("住所使用证明 needed by %v", m.Items)
		}
	}
	want := []string{"申请书", "章程", "住所使用证明", "许可申请书", "布局图", "登记表", "法定代表人身份证明"}
	if !slices.Equal(names, want) {
		t.Errorf("checklist %v, want %v", names, want)
	}
	if got := th.Shared(); !slices.Equal(got, []string{"住所使用证明", "法定代表人身份证明"}) {
		t.Errorf("shared %v", got)
	}
	if got := th.Describe(); got != "企业设立登记、税务登记 → 食品经营许可、社会保险登记" {
		t.Errorf("describe %q", got)
	}
}

// A missing material puts only the items that need it into 补正; a waiting
// step gets the licence from the step before it; a material of no item is
// named.
func TestPlan(t *testing.T) {
	th := restaurant()
	if err := th.Validate(testItems); err != nil {
		t.Fatal(err)
	}
	parts, unknown := th.Plan([]string{"申请书", "章程", "许可申请书", "布局图", "登记表", "法定代表人身份证明", "户口簿"})
	if !slices.Equal(unknown, []string{"户口簿"}) {
		t.Errorf("unknown %v", unknown)
	}
	missing := map[string][]string{}
	for _, p := range parts {
		missing[p.Step.Item.Code] = p.Missing
		if p.Wait != (p.Step.After != "") {
			t.Errorf("%s wait %v", p.Step.Item.Code, p.Wait)
		}
	}
	if !slices.Equal(missing["LIC"], []string{"住所使用证明"}) || !slices.Equal(missing["FOOD"], []string{"住所使用证明"}) || missing["SOC"] != nil || missing["TAX"] != nil {
		t.Errorf("missing %v", missing)
	}
	if !slices.Contains(parts[2].Handed, "营业执照") {
		t.Errorf("社会保险登记 handed %v", parts[2].Handed)
	}
}
