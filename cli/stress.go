package cli

import (
	"flag"
	"fmt"
	"math/rand/v2"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/clock"
)

// runStress is the crash drill's writer: it registers cases and advances
// them (受理 at the counter, then 办结 or a 受理通知书), printing one line
// after each commit — "case NUMBER EVENTS" or "document NUMBER" — until it
// has done --count steps or is killed. It writes test data: never run it on
// a site's database. Not listed in the help.
func runStress(e *env, args []string) error {
	fs := flag.NewFlagSet("stress", flag.ContinueOnError)
	db := dbFlag(fs)
	n := fs.Int("count", 0, "步数（0 = 直到被终止）")
	seed := fs.Uint64("seed", 1, "随机种子")
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	if *db == DefaultDBPath() {
		return usageError{fmt.Errorf("stress 写入测试数据，只用于测试数据库：请用 --db 指定")}
	}
	s, err := e.open(*db)
	if err != nil {
		return err
	}
	defer s.Close()
	clerk, err := s.UserByLogin(e.ctx, "zhangli")
	if err != nil {
		return err
	}
	items, err := s.Items(e.ctx)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(*seed, 7))
	applicant := data.Applicant{Kind: data.ApplicantEnterprise, Name: "杭州示例食品有限公司", IDCode: "91350100M000100Y43", Contact: "周敏", Phone: "0571-88886666"}
	var open []string
	for i := 0; *n == 0 || i < *n; i++ {
		if len(open) > 0 && rng.IntN(3) == 0 {
			k := rng.IntN(len(open))
			number := open[k]
			open = append(open[:k], open[k+1:]...)
			if rng.IntN(2) == 0 {
				doc, err := s.IssueDocument(e.ctx, number, data.DocAccept, clerk.ID)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "document %s %s\n", doc.Number, number)
				continue
			}
			app, err := s.Record(e.ctx, number, clerk.ID, data.Event{Kind: clock.Completed, Data: data.EventData{Result: data.ResultGranted}})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "case %s %d\n", app.Number, len(app.Events))
			continue
		}
		it := items[rng.IntN(len(items))]
		app, err := s.Register(e.ctx, clerk.ID, data.Intake{ItemID: it.ID, Applicant: applicant, WindowID: clerk.WindowID,
			Materials: it.Materials, Decision: data.DecideAccept})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "case %s %d\n", app.Number, len(app.Events))
		open = append(open, app.Number)
	}
	return nil
}
