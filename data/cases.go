package data

import (
	"slices"
	"strings"
)

// Decision is what the clerk decides at the counter when registering.
type Decision string

// Decisions at intake.
const (
	DecideNone       Decision = ""           // only receive the materials
	DecideAccept     Decision = "accept"     // 受理
	DecideSupplement Decision = "supplement" // 一次性告知补正
	DecideRefuse     Decision = "refuse"     // 不予受理
)

// Intake is a registration at the counter.
type Intake struct {
	ItemID    int64
	Applicant Applicant
	WindowID  int64
	Materials []string // materials handed in
	Proofs    []Proof  // evidence for waiver policies (data/policy checks them)
	Decision  Decision
	Missing   []string // DecideSupplement: every missing material
	Reason    string   // DecideRefuse: the reason
}

// MaxDailySequence is the largest 4-digit daily sequence number.
const MaxDailySequence = 9999

// MissingOf lists the materials of item it that were not handed in, in the
// catalogue's order.
func MissingOf(it ServiceItem, handedIn []string) []string {
	got := map[string]bool{}
	for _, m := range handedIn {
		got[m] = true
	}
	var missing []string
	for _, m := range it.Materials {
		if !got[m] {
			missing = append(missing, m)
		}
	}
	return missing
}

// Check applies the counter's rules to an intake of item it and returns
// every problem, each naming its field: the materials handed in must be
// the item's; 受理 only when every material is in; 一次性告知补正 only when
// one is missing, and then every missing one at once (Missing is filled in
// from the item when left empty); 不予受理 with a reason. The store checks
// the same before it registers anything.
func (in *Intake) Check(it ServiceItem) []error {
	var errs []error
	known := map[string]bool{}
	for _, m := range it.Materials {
		known[m] = true
	}
	for _, m := range in.Materials {
		if !known[m] {
			errs = append(errs, FieldError("materials", "材料", "%s 不是“%s”的申请材料", m, it.Name))
		}
	}
	missing := MissingOf(it, in.Materials)
	switch in.Decision {
	case DecideAccept:
		if len(missing) > 0 {
			errs = append(errs, FieldError("materials", "材料", "缺少 %s，应一次性告知补正，不能受理", strings.Join(missing, "、")))
		}
	case DecideSupplement:
		if len(missing) == 0 {
			errs = append(errs, FieldError("materials", "材料", "材料已齐全，无需补正；请取消勾选缺少的材料"))
			break
		}
		if len(in.Missing) == 0 {
			in.Missing = missing
		} else if !slices.Equal(sorted(in.Missing), sorted(missing)) {
			errs = append(errs, FieldError("missing", "需补正材料", "应一次性告知全部缺少的材料：%s", strings.Join(missing, "、")))
		}
	case DecideRefuse:
		if strings.TrimSpace(in.Reason) == "" {
			errs = append(errs, FieldError("reason", "理由", "不予受理须写明理由"))
		}
	}
	return errs
}

func sorted(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return out
}
