package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/postgres"
	"github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/report"
)

// central is what the central office's commands need of its store: the
// SQLite file of a county, or a PostgreSQL server for a city or province
// (--db postgres://…).
type central interface {
	loginer
	Site(ctx context.Context) (data.Site, error)
	RegisterSite(ctx context.Context, actorID int64, r exchange.Registration) (bool, error)
	Sites(ctx context.Context) ([]exchange.RegisteredSite, error)
	ImportDir(ctx context.Context, actorID int64, dir string, progress func(done, total int, r exchange.ImportResult)) ([]exchange.ImportResult, error)
	Report(ctx context.Context, spec report.Spec) (*report.Report, error)
	Cases(ctx context.Context, f data.CaseFilter) ([]data.Application, error)
	Clock(ctx context.Context, app *data.Application, today calendar.Date) (clock.Result, error)
	Bulletin(ctx context.Context, day, today calendar.Date) (problem.Bulletin, error)
	Close() error
}

// openCentral opens the central store named by --db.
func (e *env) openCentral(db string) (central, error) {
	if postgres.IsURL(db) {
		s, err := postgres.Open(e.ctx, db)
		if err != nil {
			return nil, err
		}
		if _, err := s.Site(e.ctx); err != nil {
			s.Close()
			return nil, err
		}
		return s, nil
	}
	s, err := e.open(db)
	if err != nil {
		return nil, err // not a nil *sqlite.Store in the interface
	}
	return s, nil
}

// openCentralSigned opens the central store and signs the user in.
func (e *env) openCentralSigned(db string, sg signer) (central, data.User, error) {
	s, err := e.openCentral(db)
	if err != nil {
		return nil, data.User{}, err
	}
	u, err := e.signIn(s, sg)
	if err != nil {
		s.Close()
		return nil, data.User{}, err
	}
	return s, u, nil
}

// initCentral makes a PostgreSQL database a central office: the centre and
// its administrator, whose PIN is the first line of standard input.
func (e *env) initCentral(db string, site data.Site, sample bool) error {
	line, err := e.line("管理员的 PIN（6 到 8 位数字）")
	if err != nil {
		return err
	}
	s, err := postgres.Open(e.ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Init(e.ctx, site, line, sample)
}

// verifyCentral is verify on a PostgreSQL centre: the audit chains (its
// own, and each site's as received, against the checkpoints the sites
// signed), the numbering of every case's events and the report's daily
// totals; with repair, totals that differ are made again from the cases.
func (e *env) verifyCentral(db string, repair bool) error {
	s, err := postgres.Open(e.ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := s.Verify(e.ctx)
	if err != nil {
		return err
	}
	if !r.OK() && repair && r.OnlyTotals() {
		if err := s.RebuildTotals(e.ctx); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "已从办件重建统计报表的每日汇总（办件记录不变）")
		if r, err = s.Verify(e.ctx); err != nil {
			return err
		}
	}
	if !r.OK() {
		return verifyError{"校验发现问题：\n" + strings.Join(r.Problems, "\n")}
	}
	fmt.Fprintf(e.stdout, "中心审计链完好：%d 条记录；%d 个站点的审计链完好：%d 条记录，与站点签名的检查点一致；各办件的事件编号连续\n", r.Entries, r.Sites, r.SiteEntries)
	return nil
}
