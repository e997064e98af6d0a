//go:build !sqlite_fts5

package sqlite

// The case list's search uses SQLite's FTS5 (migration 0004), which
// github.com/mattn/go-sqlite3 compiles in only with the build tag
// sqlite_fts5. Build and test through the Makefile (make build, make test),
// or pass -tags migrated_fynedo,sqlite_fts5 yourself. Without the tag the
// package stops here, at compile time, instead of failing on a user's PC.
var _ = buildWithTag_sqlite_fts5
