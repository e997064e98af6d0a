package sqlite

import (
	"context"

	"github.com/onewindow/onewindow/data"
)

// ImportBulkAt lets the tests make a small import behave as a large one.
var ImportBulkAt = &importBulkAt

// SearchWalkFrom lets the tests make a small database qualify for the
// walk of the due-date index.
var SearchWalkFrom = &searchWalkFrom

// BroadSearch says whether the list would walk the due-date index for f.
func (s *Store) BroadSearch(ctx context.Context, f data.CaseFilter) (bool, error) {
	return s.broadSearch(ctx, f)
}

// SortedCases are the cases f selects in the due-date order, every match
// collected and sorted (never the walk).
func (s *Store) SortedCases(ctx context.Context, f data.CaseFilter) ([]data.Application, error) {
	where, args := filterSQL(f)
	return queryCases(ctx, s.db, where, args, "a.due_promised IS NULL, a.due_promised, a.id", limitOf(f), f.Offset, "")
}
