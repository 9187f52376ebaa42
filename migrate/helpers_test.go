package migrate

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// corpusPath returns a path inside the shared corpus of real schemas:
// $ONDELETE_CORPUS, else ../shared/corpus beside the repository. The corpus
// is never copied into the repository. Without it the test is skipped, or
// failed under CI=true, where it must be present.
func corpusPath(t *testing.T, rel ...string) string {
	t.Helper()
	root := os.Getenv("ONDELETE_CORPUS")
	if root == "" {
		root = filepath.Join(repoRoot(t), "..", "shared", "corpus")
	}
	p := filepath.Join(append([]string{root}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus: %v", err)
		}
		t.Skipf("corpus not available: %v", err)
	}
	return p
}

// repoRoot is the nearest directory above the working directory holding
// go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

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
