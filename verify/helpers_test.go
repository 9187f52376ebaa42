package verify

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/internal/testenv"
	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// schemaSet is a schema to verify: where its migrations are, which of them
// to apply, and the roots the acceptance tests use.
type schemaSet struct {
	name string
	path func(t testing.TB) string
	upTo string
}

var schemaSets = []schemaSet{
	{name: "example", path: func(t testing.TB) string { return filepath.Join(testenv.RepoRoot(t), "examples", "app", "migrations") }},
	{name: "weird-identifiers", path: func(t testing.TB) string {
		return filepath.Join(testenv.RepoRoot(t), "internal", "acceptance", "testdata", "weird")
	}},
	{name: "skytwin-060", path: func(t testing.TB) string { return testenv.CorpusPath(t, "skytwin", "postgres") }, upTo: "060"},
	{name: "skytwin-061", path: func(t testing.TB) string { return testenv.CorpusPath(t, "skytwin", "postgres") }},
	{name: "documenso", path: func(t testing.TB) string { return testenv.CorpusPath(t, "documenso", "migrations") }},
	{name: "pagila", path: func(t testing.TB) string { return testenv.CorpusPath(t, "pagila", "pagila-schema.sql") }},
}

// applySet applies the set to a fresh database and returns its DSN, a
// connection and the snapshot.
func applySet(t *testing.T, s schemaSet) (string, *pgx.Conn, *catalog.Snapshot) {
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
		migs = cut
	}
	dsn := pgtest.NewDB(t)
	conn := connect(t, dsn)
	if _, err := migrate.Apply(context.Background(), conn, migs); err != nil {
		t.Fatalf("applying %s: %v", s.name, err)
	}
	return dsn, conn, inspect(t, conn)
}

// applySQL runs sql on a fresh database and returns its DSN, a connection
// and the snapshot.
func applySQL(t *testing.T, sql string) (string, *pgx.Conn, *catalog.Snapshot) {
	t.Helper()
	dsn := pgtest.NewDB(t)
	conn := connect(t, dsn)
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("applying the schema: %v", err)
	}
	return dsn, conn, inspect(t, conn)
}

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func inspect(t *testing.T, conn *pgx.Conn) *catalog.Snapshot {
	t.Helper()
	snap, err := catalog.Inspect(context.Background(), conn, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// build builds the graph of root, resolved as a user would type it.
func build(t *testing.T, snap *catalog.Snapshot, root string) *graph.Graph {
	t.Helper()
	name, err := graph.ResolveTable(snap, root)
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.Build(snap, name)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// verify runs Run and fails the test on an error.
func verify(t *testing.T, conn *pgx.Conn, snap *catalog.Snapshot, g *graph.Graph, opts Options) *Report {
	t.Helper()
	rep, err := Run(context.Background(), conn, snap, g, opts)
	if err != nil {
		t.Fatalf("verify %s: %v", g.Root, err)
	}
	return rep
}

// assertClean fails on every FAIL and on every SKIPPED without a reason.
func assertClean(t *testing.T, rep *Report) {
	t.Helper()
	for _, r := range rep.Tables {
		switch {
		case r.Status == StatusFail:
			t.Errorf("root %s: FAIL %s %s %s: expected %q, observed %q: %s", rep.Root, r.TableName(), r.Check, r.Constraint, r.Expected, r.Observed, r.Reason)
		case r.Status == StatusSkipped && r.Reason == "":
			t.Errorf("root %s: %s %s skipped without a reason", rep.Root, r.TableName(), r.Constraint)
		}
	}
}

// find returns the result for table (display form) and constraint.
func find(t *testing.T, rep *Report, kind CheckKind, table, constraint string) TableResult {
	t.Helper()
	for _, r := range rep.Tables {
		if r.Check == kind && r.TableName().String() == table && r.Constraint == constraint {
			return r
		}
	}
	t.Fatalf("no %s result for %s %s", kind, table, constraint)
	return TableResult{}
}

// referencedTables lists every table some foreign key references: the
// roots worth verifying.
func referencedTables(s *catalog.Snapshot) []catalog.TableName {
	seen := map[catalog.TableName]bool{}
	var out []catalog.TableName
	for _, fk := range s.ForeignKeys {
		n := fk.RefTableName()
		if !seen[n] && s.Table(n) != nil {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Less(out[j]) })
	return out
}
