package demo

// The pool of enterprises and persons the demo cases and problems name.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/sqlite"
)

// writeApplicants creates a pool of enterprises and persons with valid codes.
func (g *gen) writeApplicants(ctx context.Context, bulk *sqlite.Bulk) error {
	n := max(2000, min(60000, g.total/10))
	g.nEnt = n / 2
	list := make([]data.Applicant, n)
	for i := range list {
		list[i] = g.applicant(i < g.nEnt, i)
		if i < g.nEnt && len(g.ents) < 500 {
			g.ents = append(g.ents, list[i])
		}
	}
	var err error
	g.pool = list
	g.applicants, err = bulk.Applicants(ctx, list)
	return err
}

func (g *gen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *gen) person() string { return g.pick(demoSurname) + g.pick(demoGiven) }

func (g *gen) applicant(enterprise bool, i int) data.Applicant {
	a := data.Applicant{Contact: g.person(), Phone: fmt.Sprintf("1%d%09d", 3+g.rng.IntN(7), g.rng.IntN(1e9)),
		Address: fmt.Sprintf("%s区%s路 %d 号", g.pick(demoPlaces), g.pick(demoMarks), 1+g.rng.IntN(300))}
	if enterprise {
		a.Kind = data.ApplicantEnterprise
		a.Name = g.pick(demoPlaces) + g.pick(demoMarks) + g.pick(demoTrades) + g.pick(demoForms)
		if i%7 == 0 {
			a.Name = g.pick(demoPlaces) + g.pick(demoMarks) + g.pick(demoTrades) + fmt.Sprintf("第%d分公司", 1+i%9)
		}
		// 9 (registered by market regulation) 1 (company), area 330102, then a
		// 9-character organisation code made from i so codes never collide.
		body := fmt.Sprintf("91330102%09d", i)
		body = body[:8] + strings.Map(func(r rune) rune { return rune(data.CreditCharset[(int(r-'0')*7+3)%31]) }, body[8:12]) + body[12:]
		a.IDCode = body + string(data.CreditCheckChar(body))
		return a
	}
	a.Kind = data.ApplicantIndividual
	a.Name = g.person()
	birth := time.Date(1950+g.rng.IntN(55), time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), 0, 0, 0, 0, time.UTC)
	body := fmt.Sprintf("330102%s%03d", birth.Format("20060102"), i%1000)
	// The pool is below 60,000, so (birth date, i mod 1000) collide only by
	// chance; a collision is merged by the ON CONFLICT clause.
	a.IDCode = body + string(data.IDCheckChar(body))
	return a
}
