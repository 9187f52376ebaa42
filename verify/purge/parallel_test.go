package purge

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// newPool opens a pool of size connections to dsn, each prepared by
// setup (nil: none).
func newPool(t *testing.T, dsn string, size int32, setup func(context.Context, *pgx.Conn) error) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = size
	cfg.AfterConnect = setup
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// sharedChildrenSchema makes parallel batches collide: every row of c
// references two rows of a, both ON DELETE CASCADE, so batches of a
// running at once both try to delete the same rows of c and one waits
// for the other's row locks. b's rows are nulled under a.
const sharedChildrenSchema = `
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE a (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE INDEX ON a (user_id);
CREATE TABLE c (id int PRIMARY KEY,
  x int NOT NULL REFERENCES a ON DELETE CASCADE, y int NOT NULL REFERENCES a ON DELETE CASCADE);
CREATE INDEX ON c (x); CREATE INDEX ON c (y);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a ON DELETE SET NULL, note text);
CREATE INDEX ON b (a_id);
INSERT INTO users VALUES (1), (2);
INSERT INTO a SELECT g, 1 + (g % 7 = 0)::int FROM generate_series(1, 3000) g;
INSERT INTO c SELECT g, 1 + (g * 7919) % 3000, 1 + (g * 104729) % 3000 FROM generate_series(1, 9000) g;
INSERT INTO b SELECT g, 1 + g % 3000, 'b' || g FROM generate_series(1, 3000) g;
`

// TestParallelSharedChildren purges with several workers through rows
// that parallel batches share, and compares with the native DELETE.
func TestParallelSharedChildren(t *testing.T) {
	for _, workers := range []int{2, 4} {
		d := newTestDB(t, sharedChildrenSchema)
		want := d.native(rootKey("users", "1"))
		pool := newPool(t, d.dsn, int32(workers), nil)
		var batches []BatchStats
		sum, err := Run(context.Background(), pool, d.snapshot(), rootKey("users", "1"), Options{Batch: 40, Workers: workers,
			OnBatch: func(b BatchStats) { batches = append(batches, b) }})
		if err != nil {
			t.Fatalf("%d workers: %v", workers, err)
		}
		if got := d.contents(); !reflect.DeepEqual(got, want.After) {
			t.Fatalf("%d workers: purge leaves the tables unlike the native DELETE:\n%s", workers, got.Diff(want.After))
		}
		if !sum.Done || int(sum.Deleted) != want.DeletedRows() || sum.Batches != len(batches) {
			t.Errorf("%d workers: summary %+v, %d batches reported; native deleted %d", workers, sum, len(batches), want.DeletedRows())
		}
		t.Logf("%d workers: %d batches, %d retried, %d skipped rows, %d expanded", workers, sum.Batches, sum.Retries, sum.Skipped, sum.Expanded)
		for i, b := range batches {
			if b.Seq != i+1 {
				t.Errorf("%d workers: batch %d reported with Seq %d", workers, i+1, b.Seq)
			}
			if b.Rows > 40 && !b.Closed {
				t.Errorf("%d workers: batch %d changed %d rows, more than the batch size", workers, b.Seq, b.Rows)
			}
		}
	}
}

// TestParallelOptions: more than one worker needs a pool and no archive.
func TestParallelOptions(t *testing.T) {
	d := newTestDB(t, blogSchema)
	root := rootKey("users", "2")
	before := d.contents()
	_, err := Run(context.Background(), d.conn, d.snapshot(), root, Options{Workers: 2})
	if !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("2 workers on one *pgx.Conn: %v, want ErrInvalidOptions", err)
	}
	pool := newPool(t, d.dsn, 2, nil)
	_, err = Run(context.Background(), pool, d.snapshot(), root, Options{Workers: 2, ArchivePath: archivePath(t)})
	if !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("2 workers with an archive: %v, want ErrInvalidOptions", err)
	}
	if _, err = Run(context.Background(), pool, d.snapshot(), root, Options{Workers: -1}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("-1 workers: %v, want ErrInvalidOptions", err)
	}
	if got := d.contents(); !reflect.DeepEqual(got, before) {
		t.Fatalf("a refused purge changed the tables:\n%s", got.Diff(before))
	}
}
