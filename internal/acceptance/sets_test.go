package acceptance

import (
	"path/filepath"
	"testing"

	"github.com/ondelete/ondelete/internal/testenv"
	"github.com/ondelete/ondelete/migrate"
)

// migrationSet is a schema to test: where its migrations are and which of
// them to apply.
type migrationSet struct {
	name string
	// path returns the directory or file; it may skip the test.
	path func(t testing.TB) string
	// upTo, when set, applies only versions <= upTo.
	upTo string
}

var migrationSets = []migrationSet{
	{name: "example", path: func(t testing.TB) string { return filepath.Join(testenv.RepoRoot(t), "examples", "app", "migrations") }},
	{name: "weird-identifiers", path: func(t testing.TB) string {
		return filepath.Join(testenv.RepoRoot(t), "internal", "acceptance", "testdata", "weird")
	}},
	{name: "skytwin-060", path: func(t testing.TB) string { return testenv.CorpusPath(t, "skytwin", "postgres") }, upTo: "060"},
	{name: "skytwin-061", path: func(t testing.TB) string { return testenv.CorpusPath(t, "skytwin", "postgres") }},
	{name: "documenso", path: func(t testing.TB) string { return testenv.CorpusPath(t, "documenso", "migrations") }},
	{name: "pagila", path: func(t testing.TB) string { return testenv.CorpusPath(t, "pagila", "pagila-schema.sql") }},
}

// load reads the set's migrations, cut at upTo.
func (s migrationSet) load(t testing.TB) []migrate.Migration {
	t.Helper()
	dir, err := migrate.Load(s.path(t), migrate.LayoutAuto)
	if err != nil {
		t.Fatal(err)
	}
	migs := dir.Migrations
	if s.upTo != "" {
		var cut []migrate.Migration
		for _, m := range migs {
			if migrate.CompareVersions(m.Version, s.upTo) <= 0 {
				cut = append(cut, m)
			}
		}
		if len(cut) == len(migs) || len(cut) == 0 {
			t.Fatalf("cutting at %s kept %d of %d migrations", s.upTo, len(cut), len(migs))
		}
		migs = cut
	}
	return migs
}
