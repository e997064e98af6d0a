// Package theme is 一件事一次办: a named set of service items an applicant
// asks for as one "thing" (开办餐饮店: the business licence, then the food
// licence and the social-insurance registration), taken in at one window
// with one applicant and one merged checklist, registered as one case per
// item under one 主题件 number, each item with its own clock and
// department, and the whole thing measured against the theme's own limit.
//
// A step either starts at intake or waits for another step's result (食品
// 经营许可 after the business licence): its case is registered, and its
// clock starts, the day that step completes. A step's result (营业执照) is
// then not asked of the applicant by the steps after it.
//
// Nothing here reads a database or the clock.
package theme

import (
	"slices"
	"strconv"
	"strings"

	"github.com/onewindow/onewindow/data"
)

// Theme is one 一件事 of the catalogue.
type Theme struct {
	ID    int64
	Code  string
	Name  string
	Limit int // 主题承诺时限: working days from the theme's acceptance to its last item's completion
	// Together: the results are handed over together (统一出件), once every
	// item is done, with one 办结通知书 listing them.
	Together bool
	Steps    []Step
	Active   bool
}

// Step is one item of a theme.
type Step struct {
	Item   data.ServiceItem // the item (its code at least; filled when read)
	After  string           // the item code whose completion starts this step; "" from intake
	Result string           // what the item issues (营业执照), if a later step needs it
}

// Limits on a theme's size.
const (
	MaxSteps = 20
	MaxLimit = 365
)

// Validate checks the theme against the catalogue's items (by code): each
// step an active item, none twice, every After another step of the theme,
// no circle of waits, and at least one step that starts at intake.
func (t *Theme) Validate(items map[string]data.ServiceItem) error {
	if err := data.CheckText("code", "一件事编码", t.Code, 1, 40); err != nil {
		return err
	}
	if err := data.CheckText("name", "一件事名称", t.Name, 1, 100); err != nil {
		return err
	}
	if t.Limit < 1 || t.Limit > MaxLimit {
		return data.FieldError("limit", "一件事承诺时限", "应在 1 到 %d 个工作日之间", MaxLimit)
	}
	if len(t.Steps) < 2 || len(t.Steps) > MaxSteps {
		return data.FieldError("steps", "包含事项", "一件事应包含 2 到 %d 个事项", MaxSteps)
	}
	seen := map[string]bool{}
	for i := range t.Steps {
		st := &t.Steps[i]
		label := "包含事项（第 " + strconv.Itoa(i+1) + " 项）"
		it, ok := items[st.Item.Code]
		if !ok {
			return data.FieldError("steps", label, "事项 %s 不在事项目录中（或已停用）", st.Item.Code)
		}
		if seen[it.Code] {
			return data.FieldError("steps", label, "事项 %s 重复", it.Code)
		}
		seen[it.Code] = true
		st.Item = it
		if st.Result != "" {
			if err := data.CheckText("result", label+"的办理结果", st.Result, 1, 100); err != nil {
				return err
			}
		}
	}
	starts := 0
	for i, st := range t.Steps {
		label := "包含事项（第 " + strconv.Itoa(i+1) + " 项）"
		switch {
		case st.After == "":
			starts++
		case st.After == st.Item.Code:
			return data.FieldError("after", label, "事项 %s 不能等待自己办结", st.Item.Code)
		case !seen[st.After]:
			return data.FieldError("after", label, "前置事项 %s 不在本一件事中", st.After)
		}
		// Follow the waits: they must reach a step that starts at intake.
		cur, hops := st, 0
		for cur.After != "" {
			if hops++; hops > len(t.Steps) {
				return data.FieldError("after", label, "前置事项循环等待（%s）", st.Item.Code)
			}
			cur = *t.Step(cur.After)
		}
	}
	if starts == 0 {
		return data.FieldError("after", "前置事项", "至少一个事项应在受理时开始办理")
	}
	return nil
}

// Step is the step of item code, or nil.
func (t *Theme) Step(code string) *Step {
	for i := range t.Steps {
		if t.Steps[i].Item.Code == code {
			return &t.Steps[i]
		}
	}
	return nil
}

// Provided are the results the steps before st (those it waits for,
// directly or not) issue: materials of st the applicant need not bring.
func (t *Theme) Provided(st Step) map[string]bool {
	out := map[string]bool{}
	for hops := 0; st.After != "" && hops <= len(t.Steps); hops++ {
		prev := t.Step(st.After)
		if prev == nil {
			break
		}
		if prev.Result != "" {
			out[prev.Result] = true
		}
		st = *prev
	}
	return out
}

// Material is one line of the theme's merged checklist.
type Material struct {
	Name  string
	Items []string // the codes of the items that need it, in the theme's order
}

// Checklist is the theme's materials, each listed once (in the order the
// steps first name them), with the items that need it; a step's material
// that an earlier step's result provides is not on it.
func (t *Theme) Checklist() []Material {
	var out []Material
	at := map[string]int{}
	for _, st := range t.Steps {
		provided := t.Provided(st)
		for _, m := range st.Item.Materials {
			if provided[m] {
				continue
			}
			i, ok := at[m]
			if !ok {
				i = len(out)
				at[m] = i
				out = append(out, Material{Name: m})
			}
			out[i].Items = append(out[i].Items, st.Item.Code)
		}
	}
	return out
}

// Shared are the checklist's materials more than one item needs: collected
// once, listed once.
func (t *Theme) Shared() []string {
	var out []string
	for _, m := range t.Checklist() {
		if len(m.Items) > 1 {
			out = append(out, m.Name)
		}
	}
	return out
}

// Part is what intake does with one step.
type Part struct {
	Step    Step
	Wait    bool     // registered when the step it waits for completes
	Handed  []string // the item's materials handed in (and, for a waiting step, those its predecessors' results provide)
	Missing []string // the item's materials still missing: 补正 for this item only
}

// Plan says, for the materials handed in, what each step gets: the
// materials that are its, and those missing. A step with nothing missing
// is accepted (or, waiting, will be); one with something missing goes
// into 补正 alone. Materials that are no item's are returned as unknown.
func (t *Theme) Plan(handedIn []string) (parts []Part, unknown []string) {
	got := map[string]bool{}
	for _, m := range handedIn {
		got[m] = true
	}
	known := map[string]bool{}
	for _, st := range t.Steps {
		provided := t.Provided(st)
		p := Part{Step: st, Wait: st.After != ""}
		for _, m := range st.Item.Materials {
			known[m] = true
			switch {
			case got[m] || (p.Wait && provided[m]):
				p.Handed = append(p.Handed, m)
			case !provided[m]:
				p.Missing = append(p.Missing, m)
			}
		}
		parts = append(parts, p)
	}
	for _, m := range handedIn {
		if !known[m] && !slices.Contains(unknown, m) {
			unknown = append(unknown, m)
		}
	}
	return parts, unknown
}

// Describe is the theme's steps in a line: "企业设立登记 → 食品经营许可、社会保险登记".
func (t *Theme) Describe() string {
	var first, later []string
	for _, st := range t.Steps {
		if st.After == "" {
			first = append(first, st.Item.Name)
		} else {
			later = append(later, st.Item.Name)
		}
	}
	s := strings.Join(first, "、")
	if len(later) > 0 {
		s += " → " + strings.Join(later, "、")
	}
	return s
}
