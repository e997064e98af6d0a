package data_test

import (
	"slices"
	"testing"

	"github.com/onewindow/onewindow/data"
)

// The counter's rules hold for whoever registers: the screen, the command
// line or a test.
func TestIntakeCheck(t *testing.T) {
	it := data.ServiceItem{Name: "食品经营许可", Materials: []string{"申请书", "营业执照", "场所平面图"}}
	all := it.Materials
	some := []string{"申请书", "场所平面图"}
	for _, c := range []struct {
		name    string
		in      data.Intake
		fields  []string // the fields of the problems, in order
		missing []string // Missing after the check
	}{
		{"受理 with everything", data.Intake{Decision: data.DecideAccept, Materials: all}, nil, nil},
		{"受理 with one missing", data.Intake{Decision: data.DecideAccept, Materials: some}, []string{"materials"}, nil},
		{"补正 with nothing missing", data.Intake{Decision: data.DecideSupplement, Materials: all}, []string{"materials"}, nil},
		{"补正 fills in what is missing", data.Intake{Decision: data.DecideSupplement, Materials: some}, nil, []string{"营业执照"}},
		{"补正 naming part of it", data.Intake{Decision: data.DecideSupplement, Materials: []string{"申请书"}, Missing: []string{"营业执照"}}, []string{"missing"}, []string{"营业执照"}},
		{"补正 naming all of it in another order", data.Intake{Decision: data.DecideSupplement, Materials: []string{"申请书"}, Missing: []string{"场所平面图", "营业执照"}}, nil, []string{"场所平面图", "营业执照"}},
		{"不予受理 without a reason", data.Intake{Decision: data.DecideRefuse, Reason: "  "}, []string{"reason"}, nil},
		{"不予受理 with a reason", data.Intake{Decision: data.DecideRefuse, Reason: "不属于本机关职权范围"}, nil, nil},
		{"a material of another item", data.Intake{Decision: data.DecideAccept, Materials: append(slices.Clone(all), "身份证")}, []string{"materials"}, nil},
		{"only receiving", data.Intake{Materials: some}, nil, nil},
	} {
		in := c.in
		errs := in.Check(it)
		var fields []string
		for _, err := range errs {
			if data.ErrorCode(err) != data.EINVALID || data.ErrorMessage(err) == "" {
				t.Errorf("%s: %v is not a field error", c.name, err)
			}
			fields = append(fields, data.ErrorField(err))
		}
		if !slices.Equal(fields, c.fields) {
			t.Errorf("%s: problems %v, want fields %v", c.name, errs, c.fields)
		}
		if !slices.Equal(in.Missing, c.missing) {
			t.Errorf("%s: missing %v, want %v", c.name, in.Missing, c.missing)
		}
	}
	if got := data.MissingOf(it, []string{"场所平面图"}); !slices.Equal(got, []string{"申请书", "营业执照"}) {
		t.Errorf("MissingOf: %v", got)
	}
}
