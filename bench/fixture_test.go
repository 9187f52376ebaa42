package bench

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/synth"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// big is the benchmark database: the 5,000 tables and 10,000
// foreign keys, loaded by the first benchmark that asks for it and shared
// by every benchmark of the test binary (loading takes about 15 s, far
// longer than anything measured on it).
var big struct {
	once sync.Once
	dsn  string
	conn *pgx.Conn
	// root is the table with the biggest deletion graph, found by building
	// the graph of every referenced table once.
	root catalog.TableName
	// skipped or failed explain why conn is nil, for the benchmarks that
	// come after the one that tried to load it.
	skipped, failed string
}

// bigDB returns the connection to the benchmark database and the root to
// build graphs from, loading the database on first use.
func bigDB(b *testing.B) (*pgx.Conn, catalog.TableName) {
	b.Helper()
	big.once.Do(func() {
		big.failed = "loading the benchmark database failed in an earlier benchmark"
		d := &detached{TB: b}
		defer func() { big.skipped = d.skipped }()
		loadBig(d)
		big.failed = ""
	})
	switch {
	case big.skipped != "":
		b.Skip(big.skipped)
	case big.failed != "":
		b.Fatal(big.failed)
	}
	return big.conn, big.root
}

// loadBig creates, loads and analyzes the benchmark database and picks
// the root.
func loadBig(t testing.TB) {
	ctx := context.Background()
	dsn := pgtest.NewDB(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting to the benchmark database: %v", err)
	}
	start := time.Now()
	if err := Load(ctx, conn, synth.Generate(synth.DefaultOptions(Seed, Tables, ForeignKeys))); err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d tables and %d foreign keys (seed %d) in %s", Tables, ForeignKeys, Seed, time.Since(start).Round(time.Millisecond))
	snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	all, err := BuildAllGraphs(snap)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("root %s: its graph has %d tables", all.Biggest, all.BiggestTables)
	big.dsn, big.conn, big.root = dsn, conn, all.Biggest
}

// detached lets the shared benchmark database outlive the benchmark that
// creates it. pgtest.NewDB drops a database when its test ends, but Go has
// no hook after the last benchmark, so detached ignores cleanups: the
// database goes away with the throwaway server when pgtest.Main stops it.
// Under ONDELETE_TEST_DSN it stays on that server, under a name starting
// with t_ondelete_bench_, until dropped by hand.
//
// It also records a skip (no PostgreSQL binaries), so that the later
// benchmarks skip too instead of failing.
type detached struct {
	testing.TB
	skipped string
}

// Name names the database after the fixture rather than the first
// benchmark that happened to need it.
func (d *detached) Name() string { return "ondelete_bench" }

// Cleanup ignores f: see the type's comment.
func (d *detached) Cleanup(f func()) {}

// Skip records why the database cannot be created, then skips.
func (d *detached) Skip(args ...any) {
	d.skipped = fmt.Sprint(args...)
	d.TB.Skip(args...)
}
