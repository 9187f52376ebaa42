package check

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// connect returns a connection to a fresh, empty database.
func connect(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// execScript runs a script statement by statement, as a migration runner
// would (so CREATE INDEX CONCURRENTLY runs outside a transaction block).
func execScript(t *testing.T, conn *pgx.Conn, name, sql string) {
	t.Helper()
	stmts, err := migrate.Split(name, sql)
	if err != nil {
		t.Fatalf("splitting %s: %v", name, err)
	}
	for _, st := range stmts {
		if _, err := conn.Exec(context.Background(), st.SQL); err != nil {
			t.Fatalf("%s: %v\n%s", st.Pos(), err, st.SQL)
		}
	}
}

// inspect reads the database's snapshot.
func inspect(t *testing.T, conn *pgx.Conn) *catalog.Snapshot {
	t.Helper()
	s, err := catalog.Inspect(context.Background(), conn, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// querySet runs a query returning one text column and returns its values
// as a sorted set.
func querySet(t *testing.T, conn *pgx.Conn, sql string, args ...any) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	if out == nil {
		out = []string{}
	}
	return out
}
