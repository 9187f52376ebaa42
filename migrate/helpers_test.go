package migrate

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/internal/testenv"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// corpusPath returns a path inside the shared corpus (see testenv).
func corpusPath(t *testing.T, rel ...string) string { return testenv.CorpusPath(t, rel...) }

// repoRoot returns the module root.
func repoRoot(t *testing.T) string { return testenv.RepoRoot(t) }

// connect opens a connection to a fresh, empty database.
func connect(t *testing.T) *pgx.Conn {
	t.Helper()
	dsn := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// testCtx bounds a database test.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// load loads a directory or fails the test.
func load(t *testing.T, path string, layout Layout) *Dir {
	t.Helper()
	d, err := Load(path, layout)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// fkActions returns each foreign key's ON DELETE action letter
// (pg_constraint.confdeltype) by table.constraint, for foreign keys
// referencing the given table.
func fkActions(t *testing.T, conn *pgx.Conn, refTable string) map[string]string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `
		SELECT c.conrelid::regclass::text || '.' || c.conname, c.confdeltype::text
		FROM pg_constraint c
		WHERE c.contype = 'f' AND c.conparentid = 0 AND c.confrelid = $1::regclass`, refTable)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var name, action string
	if _, err := pgx.ForEachRow(rows, []any{&name, &action}, func() error {
		out[name] = action
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// countValues counts the values of m.
func countValues(m map[string]string) map[string]int {
	out := map[string]int{}
	for _, v := range m {
		out[v]++
	}
	return out
}
