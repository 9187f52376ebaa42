package runnerproof

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// dbState is everything `up` on an up-to-date database must leave alone.
type dbState struct {
	Catalog *catalog.Snapshot
	// History is every history row, every column, as text, with its
	// xmin: a row rewritten even to the same values gets a new one.
	History [][]string
	// Rows are the xmin of every catalog row describing a user object
	// (relations, types, constraints, schemas): a rewritten catalog row,
	// even one rewritten to the same values, gets a new xmin.
	Rows [][]string
	// Ledger is the ledger's content, with each row's xmin.
	Ledger [][]string
}

func snapshot(t *testing.T, ctx context.Context, conn *pgx.Conn) dbState {
	t.Helper()
	snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Row estimates are statistics autovacuum may refresh at any time;
	// they say nothing about what up did.
	for i := range snap.Tables {
		snap.Tables[i].RowEstimate = 0
	}
	for i := range snap.ForeignKeys {
		snap.ForeignKeys[i].RowEstimate, snap.ForeignKeys[i].RefRowEstimate = 0, 0
	}
	return dbState{
		Catalog: snap,
		History: textRows(t, ctx, conn, "SELECT h.xmin::text, h::text FROM "+migrate.History{}.Qualified()+" h ORDER BY version"),
		Rows: textRows(t, ctx, conn, `
SELECT 'class', c.oid::regclass::text, c.xmin::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
UNION ALL
SELECT 'type', y.oid::regtype::text, y.xmin::text FROM pg_type y JOIN pg_namespace n ON n.oid = y.typnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
UNION ALL
SELECT 'constraint', o.conname, o.xmin::text FROM pg_constraint o JOIN pg_namespace n ON n.oid = o.connamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
UNION ALL
SELECT 'schema', n.nspname, n.xmin::text FROM pg_namespace n
ORDER BY 1, 2, 3`),
		Ledger: textRows(t, ctx, conn, "SELECT l.xmin::text, l::text FROM ledger l ORDER BY version"),
	}
}

func textRows(t *testing.T, ctx context.Context, conn *pgx.Conn, sql string) [][]string {
	t.Helper()
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) ([]string, error) {
		vals, err := row.Values()
		var ss []string
		for _, v := range vals {
			ss = append(ss, v.(string))
		}
		return ss, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestUpToDateChangesNothing: `up` on an up-to-date database runs no file
// and leaves the catalog (down to the xmin of its rows), the history and
// the data exactly as they were.
func TestUpToDateChangesNothing(t *testing.T) {
	ctx := testCtx(t, 2*time.Minute)
	dsn := pgtest.NewDB(t)
	conn := connect(t, dsn)
	dir, specs := writeSet(t, 0.1)
	res, err := newRunner(t, conn, dir, runOptions(migrate.LockingAuto)).Up(ctx)
	if err != nil || len(res.Files) != fileCount {
		t.Fatalf("first up: %d files, %v", len(res.Files), err)
	}
	checkComplete(t, ctx, conn, specs)
	before := snapshot(t, ctx, conn)
	for _, locking := range []migrate.Locking{migrate.LockingAdvisory, migrate.LockingLease} {
		// A fresh connection and runner, as a second deploy would have.
		again := connect(t, dsn)
		r := newRunner(t, again, dir, runOptions(locking))
		res, err := r.Up(ctx)
		if err != nil || len(res.Files) != 0 {
			t.Fatalf("up again (%s): ran %+v, %v", locking, res, err)
		}
		if locking == migrate.LockingLease {
			// The lease table is the lease lock's own; it is created by
			// the first lease run and must be empty again after it.
			var n int
			if err := conn.QueryRow(ctx, "SELECT count(*) FROM public.ondelete_migrations_lock").Scan(&n); err != nil || n != 0 {
				t.Fatalf("lease rows left: %d, %v", n, err)
			}
			if _, err := conn.Exec(ctx, "DROP TABLE public.ondelete_migrations_lock"); err != nil {
				t.Fatal(err)
			}
		}
		st, err := r.Status(ctx)
		if err != nil || st.Count(migrate.StateApplied) != fileCount {
			t.Fatalf("status after up again: %+v, %v", st, err)
		}
		after := snapshot(t, ctx, conn)
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("up on an up-to-date database (%s) changed it (-before +after):\n%s", locking, diff)
		}
	}
}
