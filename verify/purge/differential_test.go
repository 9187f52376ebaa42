package purge

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/synthdata"
	"github.com/ondelete/ondelete/verify/explain"
)

// differentialSeeds is how many synthetic schemas TestDifferential tries.
const differentialSeeds = 100

// TestDifferential compares purge with PostgreSQL's own cascading DELETE
// on random schemas (cycles, self-references, SET NULL / SET DEFAULT,
// composite keys, odd names) filled with random rows. Per seed: the native
// DELETE (rolled back) gives the expected contents; an uninterrupted purge
// in the database and a purge interrupted at a random batch and re-run in a
// (after restoring it from the first archive) must both end with exactly those contents, and each archive
// must hold every deleted or changed row exactly once, as it was before;
// on a fresh copy, a purge with two to four workers on a pool must end
// the same. A root whose native DELETE fails must be refused before anything
// changes.
func TestDifferential(t *testing.T) {
	seeds := differentialSeeds
	if testing.Short() {
		seeds = 20
	}
	var mu sync.Mutex
	var purged, refused, batches, rows, parallel int
	t.Run("seeds", func(t *testing.T) {
		for seed := uint64(1); seed <= uint64(seeds); seed++ {
			t.Run(fmt.Sprint(seed), func(t *testing.T) {
				ok, st, workers := differential(t, seed)
				mu.Lock()
				defer mu.Unlock()
				if workers > 1 {
					parallel++
				}
				if ok {
					purged++
					batches += st.Batches
					rows += int(st.Deleted + st.Nulled + st.Defaulted)
				} else if st != nil {
					refused++
				}
			})
		}
	})
	t.Logf("%d seeds purged (%d batches, %d rows changed; %d with parallel batches too), %d refused like the native DELETE", purged, batches, rows, parallel, refused)
	if parallel < seeds/5 {
		t.Errorf("only %d of %d seeds ran parallel batches: the graphs where no row can block are too few", parallel, seeds)
	}
	if purged < seeds*3/4 {
		t.Errorf("only %d of %d seeds had a root whose DELETE succeeds: the comparison is too thin", purged, seeds)
	}
}

// differential runs one seed: see TestDifferential. It reports whether
// the root was purged (false: refused like the native DELETE), with the
// uninterrupted run's summary, and how many workers the parallel run had.
func differential(t *testing.T, seed uint64) (bool, *Summary, int) {
	f := synthdata.Setup(t, seed, synthdata.AvoidBlockers())
	conn := f.Connect(t)
	ctx := context.Background()
	// Without statistics counters purge takes the locking path only:
	// odd seeds test it, even seeds the optimistic one.
	locking := func(c *pgx.Conn) {
		if seed%2 == 1 {
			if _, err := c.Exec(ctx, "SET track_counts = off"); err != nil {
				t.Fatal(err)
			}
		}
	}
	locking(conn)
	root := explain.Root{Table: f.Root.Table, Key: f.Root.Key()}
	want, err := synthdata.NativeDelete(ctx, conn, root.Table, root.Key)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	batch := []int{3, 7, 25, 1000}[seed%4]
	path := archivePath(t)
	sum, err := Run(ctx, conn, snap, root, Options{Batch: batch, ArchivePath: path})
	if want.Blocked() {
		checkRefused(t, conn, f, want, sum, err)
		return false, sum, 0
	}
	if err != nil {
		t.Fatalf("purge (batch %d): %v; the native DELETE succeeds", batch, err)
	}
	lines := compare(t, conn, f, want, path)

	// Put everything back from the archive: it must be a complete backup.
	restore(t, conn, snap, lines)
	if got := contentsOf(t, conn, f); !reflect.DeepEqual(got, want.Before) {
		t.Fatalf("restoring the archive does not give back the tables:\n%s", got.Diff(want.Before))
	}

	// Interrupt at a random batch, then finish.
	rnd := rand.New(rand.NewPCG(seed, 7))
	at := 1 + rnd.IntN(sum.Batches)
	killConn, err := pgx.Connect(ctx, f.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer killConn.Close(ctx)
	locking(killConn)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	opts := Options{Batch: batch, ArchivePath: archivePath(t)}
	calls := 0
	if seed%2 == 0 {
		// Cancelled after batch at committed.
		opts.OnBatch = func(b BatchStats) {
			if b.Seq == at {
				cancel()
			}
		}
	} else {
		// Connection lost after batch at's archive lines are durable,
		// before it commits.
		opts.beforeCommit = func(ctx context.Context) error {
			if calls++; calls == at {
				return killConn.Close(ctx)
			}
			return nil
		}
	}
	first, err := Run(cctx, killConn, snap, root, opts)
	if err == nil && first.Done && at < sum.Batches {
		t.Fatalf("interrupting at batch %d of %d did not interrupt: %+v", at, sum.Batches, first)
	}
	opts.OnBatch, opts.beforeCommit = nil, nil
	// The root row may already be gone when a cascade through a cycle of
	// rows took it before the interruption: then everything under it went
	// in the same statement, and the comparison below proves it.
	if _, err := Run(ctx, conn, snap, root, opts); err != nil && !errors.Is(err, ErrRootNotFound) {
		t.Fatalf("resuming after batch %d: %v", at, err)
	}
	compare(t, conn, f, want, opts.ArchivePath)

	// Parallel batches, on a fresh copy: restored rows lie in another
	// physical order, and where a SET NULL into a NOT NULL column meets a
	// row that another cascade deletes, the order decides whether even
	// the native DELETE succeeds.
	f2 := synthdata.Setup(t, seed, synthdata.AvoidBlockers())
	conn2 := f2.Connect(t)
	workers := 2 + int(seed%3)
	pool := newPool(t, f2.DSN, int32(workers), func(ctx context.Context, c *pgx.Conn) error {
		if seed%2 == 1 {
			_, err := c.Exec(ctx, "SET track_counts = off")
			return err
		}
		return nil
	})
	psum, err := Run(ctx, pool, snap, root, Options{Batch: batch, Workers: workers})
	if err != nil {
		t.Fatalf("purge with %d workers (batch %d): %v", workers, batch, err)
	}
	if got := contentsOf(t, conn2, f2); !reflect.DeepEqual(got, want.After) {
		t.Fatalf("purge with %d workers leaves the tables unlike the native DELETE:\n%s", workers, got.Diff(want.After))
	}
	return true, sum, psum.Workers
}

// contentsOf reads the fixture's tables.
func contentsOf(t *testing.T, conn *pgx.Conn, f *synthdata.Fixture) synthdata.Snapshot {
	t.Helper()
	got, err := synthdata.Contents(context.Background(), conn, f.TableNames()...)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// compare fails unless conn's tables hold what the native DELETE left and
// the archive at path holds exactly what it deleted or changed.
func compare(t *testing.T, conn *pgx.Conn, f *synthdata.Fixture, want *synthdata.Outcome, path string) []ArchiveLine {
	t.Helper()
	if got := contentsOf(t, conn, f); !reflect.DeepEqual(got, want.After) {
		t.Fatalf("purge leaves the tables unlike the native DELETE:\n%s", got.Diff(want.After))
	}
	lines := readArchive(t, path)
	checkArchive(t, lines, want)
	return lines
}

// checkRefused fails unless a purge of a root whose native DELETE fails
// was refused before changing anything.
func checkRefused(t *testing.T, conn *pgx.Conn, f *synthdata.Fixture, want *synthdata.Outcome, sum *Summary, err error) {
	t.Helper()
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Fatalf("purge: %v; want a BlockedError like the native DELETE's %v", err, want.Failure)
	}
	if sum.Batches != 0 {
		t.Errorf("a refused purge ran %d batches", sum.Batches)
	}
	if got := contentsOf(t, conn, f); !reflect.DeepEqual(got, want.Before) {
		t.Fatalf("a refused purge changed the tables:\n%s", got.Diff(want.Before))
	}
}
