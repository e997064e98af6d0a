package demo

import (
	"fmt"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/policy"
)

// demoPark is the park the sample catalogue's XB-BDC names.
const demoPark = "示例县经济开发区"

// qualifying is an applicant near who, of the same kind, who holds a
// proof some sample waiver policy asks for: a 残疾人证 (every 23rd person)
// or a 小微企业 declaration (every third enterprise).
func (g *gen) qualifying(who int) int {
	lo, hi, step := 0, g.nEnt, 3
	if who >= g.nEnt {
		lo, hi, step = g.nEnt, len(g.pool), 23
	}
	q := who - who%step
	if q < lo {
		q += step
	}
	if q >= hi {
		return who
	}
	return q
}

// proofs are the evidence the clerk records for applicant who (an index
// into the pool) on day: the same person always holds the same
// certificates, and the clerk now and then forgets to record them.
func (g *gen) proofs(who int, day calendar.Date) []data.Proof {
	if g.rng.Float64() < 0.1 {
		return nil
	}
	a := g.pool[who]
	var out []data.Proof
	if a.Kind == data.ApplicantIndividual {
		if who%23 == 0 {
			out = append(out, data.Proof{Kind: policy.Disability, Number: fmt.Sprintf("%s%d%d", a.IDCode, 1+who%7, 1+who/23%4)})
		}
		if who%31 == 1 {
			out = append(out, data.Proof{Kind: policy.Dibao, Number: fmt.Sprintf("DB3301%06d", who)})
		}
		if who%47 == 2 {
			out = append(out, data.Proof{Kind: policy.Tekun, Number: fmt.Sprintf("TK3301%06d", who)})
		}
		return out
	}
	if who%3 == 0 {
		out = append(out, data.Proof{Kind: policy.SmallMicro, Number: "小微企业声明书及上年度财务报表"})
	}
	if who%9 == 0 {
		// Founded some time in the last three years (its cases before
		// then are a branch's: no date recorded).
		if founded := g.today - calendar.Date(who%1100); founded <= day {
			out = append(out, data.Proof{Kind: policy.Founded, Number: founded.String()})
		}
		if who%2 == 0 {
			out = append(out, data.Proof{Kind: policy.Park, Number: demoPark})
		}
	}
	return out
}
