package pgtest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/demo"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/postgres"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/internal/testkit"
)

// AdminPIN is the PIN of the administrator of a centre made by Centre.
const AdminPIN = "123456"

// Sites makes n village sites (330102101, 330102102, …) with the given
// number of demo cases each and exports their bundles into one folder; it
// returns the folder and the sites' registrations.
func Sites(tb testing.TB, n, cases int) (dir string, regs []exchange.Registration) {
	tb.Helper()
	ctx := context.Background()
	d := testkit.Defaults(tb)
	dir = tb.TempDir()
	for i := range n {
		s, err := sqlite.CreateSite(ctx, filepath.Join(tb.TempDir(), "site.db"),
			data.Site{Code: fmt.Sprintf("330102%03d", i+101), Name: fmt.Sprintf("示例第%d民事服务站", i+1), Kind: data.SiteVillage}, d)
		if err != nil {
			tb.Fatal(err)
		}
		defer s.Close()
		if _, err := demo.Run(ctx, s, demo.Options{Cases: cases, Seed: uint64(i + 1)}); err != nil {
			tb.Fatal(err)
		}
		if _, err := s.Export(ctx, dir, "test", nil); err != nil {
			tb.Fatal(err)
		}
		reg, err := s.Registration(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		regs = append(regs, reg)
	}
	return dir, regs
}

// Open makes an empty PostgreSQL centre for trials (示例市政务服务中心,
// 330100000) with its administrator signed in, and returns it with its URL.
func Open(tb testing.TB) (*postgres.Store, data.User, string) {
	tb.Helper()
	ctx := context.Background()
	url := URL(tb)
	s, err := postgres.Open(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if err := s.Init(ctx, data.Site{Code: "330100000", Name: "示例市政务服务中心", Kind: data.SiteCentre}, AdminPIN, true); err != nil {
		tb.Fatal(err)
	}
	admin, err := s.Login(ctx, "admin", AdminPIN)
	if err != nil {
		tb.Fatal(err)
	}
	return s, admin, url
}

// Centre makes a PostgreSQL centre fed the bundles of n sites made by
// Sites.
func Centre(tb testing.TB, n, cases int) *postgres.Store {
	tb.Helper()
	ctx := context.Background()
	dir, regs := Sites(tb, n, cases)
	s, admin, _ := Open(tb)
	for _, r := range regs {
		if _, err := s.RegisterSite(ctx, admin.ID, r); err != nil {
			tb.Fatal(err)
		}
	}
	res, err := s.ImportDir(ctx, admin.ID, dir, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range res {
		if r.Outcome != exchange.ImportApplied {
			tb.Fatalf("%s: %s %s", r.File, r.Outcome, r.Message)
		}
	}
	return s
}
