package purge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/internal/synthdata"
)

// checkEnd fails unless the database ends as the native DELETE left it
// and the archive holds exactly the rows it deleted or changed.
func checkEnd(t *testing.T, d *testDB, want *synthdata.Outcome, path string) {
	t.Helper()
	if got := d.contents(); fmt.Sprint(got) != fmt.Sprint(want.After) {
		t.Fatalf("purge leaves the tables unlike the native DELETE:\n%s", got.Diff(want.After))
	}
	checkArchive(t, readArchive(t, path), want)
}

func TestCancelAndResume(t *testing.T) {
	for _, at := range []int{1, 3, 7} {
		t.Run(fmt.Sprint("batch", at), func(t *testing.T) {
			d := newTestDB(t, blogSchema)
			root := rootKey("users", "2")
			want := d.native(root)
			path := archivePath(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sum, err := Run(ctx, d.conn, d.snapshot(), root, Options{Batch: 2, ArchivePath: path, OnBatch: func(b BatchStats) {
				if b.Seq == at {
					cancel()
				}
			}})
			if !errors.Is(err, context.Canceled) || sum.Done || sum.Batches != at {
				t.Fatalf("cancelled run: %v, %+v; want context.Canceled after %d batches", err, sum, at)
			}
			sum, err = Run(context.Background(), d.conn, d.snapshot(), root, Options{Batch: 2, ArchivePath: path})
			if err != nil || !sum.Done || !sum.Resumed {
				t.Fatalf("resumed run: %v, %+v", err, sum)
			}
			checkEnd(t, d, want, path)
		})
	}
}

// TestCrashBetweenArchiveAndCommit loses the connection after a batch's
// archive lines are durable and before it commits, leaves a torn line at
// the end of the archive, and resumes: the archive must still hold every
// row exactly once.
func TestCrashBetweenArchiveAndCommit(t *testing.T) {
	for _, at := range []int{1, 4, 9} {
		t.Run(fmt.Sprint("batch", at), func(t *testing.T) {
			d := newTestDB(t, blogSchema)
			root := rootKey("users", "2")
			want := d.native(root)
			path := archivePath(t)
			conn, err := pgx.Connect(context.Background(), d.dsn)
			if err != nil {
				t.Fatal(err)
			}
			calls := 0
			sum, err := Run(context.Background(), conn, d.snapshot(), root, Options{Batch: 2, ArchivePath: path,
				beforeCommit: func(ctx context.Context) error {
					if calls++; calls == at {
						return conn.Close(ctx)
					}
					return nil
				}})
			if err == nil || sum.Done || sum.Batches != at-1 {
				t.Fatalf("crashed run: %v, %+v; want an error after %d batches", err, sum, at-1)
			}
			before := readArchive(t, path)
			if len(before) == 0 {
				t.Fatal("the crashed batch archived nothing")
			}
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString(`{"table":{"schema":"public","tab`)
			f.Close()
			sum, err = Run(context.Background(), d.conn, d.snapshot(), root, Options{Batch: 2, ArchivePath: path})
			if err != nil || !sum.Done {
				t.Fatalf("resumed run: %v, %+v", err, sum)
			}
			if sum.ArchiveDuplicates == 0 {
				t.Errorf("resumed run found no row already archived: %+v", sum)
			}
			// The resumed run numbers its batches after the archive's.
			after := readArchive(t, path)
			if last := before[len(before)-1].Batch; after[len(before)].Batch <= last {
				t.Errorf("resumed run's first batch is %d, not after %d", after[len(before)].Batch, last)
			}
			checkEnd(t, d, want, path)
		})
	}
}

// failingSync is an archive whose Sync fails, like a full disk.
type failingSync struct{ bytes.Buffer }

var errDiskFull = errors.New("disk full")

func (*failingSync) Sync() error { return errDiskFull }

func TestArchiveSyncFailureRollsBack(t *testing.T) {
	d := newTestDB(t, blogSchema)
	before := d.contents()
	sum, err := Run(context.Background(), d.conn, d.snapshot(), rootKey("users", "2"), Options{Batch: 2, Archive: &failingSync{}})
	if !errors.Is(err, errDiskFull) || sum.Batches != 0 {
		t.Fatalf("err = %v after %d batches, want the sync error before any", err, sum.Batches)
	}
	if got := d.contents(); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("a batch whose archive failed changed the database:\n%s", got.Diff(before))
	}
}

// TestChildAddedDuringPurge adds a comment to a post of the user being
// purged while the purge runs: the comment goes too, and is archived.
func TestChildAddedDuringPurge(t *testing.T) {
	d := newTestDB(t, blogSchema)
	root := rootKey("users", "2")
	want := d.native(root)
	path := archivePath(t)
	other := synthdata.Connect(t, d.dsn)
	added := false
	_, err := Run(context.Background(), d.conn, d.snapshot(), root, Options{Batch: 2, ArchivePath: path, OnBatch: func(b BatchStats) {
		if b.Table == tbl("comments") && !added {
			added = true
			if _, err := other.Exec(context.Background(), "INSERT INTO comments VALUES (1000, 9, 1, 'late')"); err != nil {
				t.Error(err)
			}
		}
	}})
	if err != nil || !added {
		t.Fatalf("purge: %v (comment added: %v)", err, added)
	}
	lines := readArchive(t, path)
	var rest []ArchiveLine
	late := 0
	for _, l := range lines {
		if l.Table == tbl("comments") && l.Key["id"] == "1000" {
			late++
			continue
		}
		rest = append(rest, l)
	}
	if late != 1 {
		t.Errorf("the late comment is archived %d times", late)
	}
	checkArchive(t, rest, want)
	if got := d.contents(); fmt.Sprint(got) != fmt.Sprint(want.After) {
		t.Fatalf("purge leaves the tables unlike the native DELETE:\n%s", got.Diff(want.After))
	}
}

// TestRowMovedOutOfGraph gives a post of the purged user to another user
// while the purge runs: the post stays.
func TestRowMovedOutOfGraph(t *testing.T) {
	d := newTestDB(t, blogSchema)
	path := archivePath(t)
	other := synthdata.Connect(t, d.dsn)
	moved := false
	_, err := Run(context.Background(), d.conn, d.snapshot(), rootKey("users", "2"), Options{Batch: 2, ArchivePath: path, OnBatch: func(b BatchStats) {
		if b.Table == tbl("comments") && !moved {
			moved = true
			if _, err := other.Exec(context.Background(), "UPDATE posts SET user_id = 1 WHERE id = 9"); err != nil {
				t.Error(err)
			}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	var owner int
	if err := d.conn.QueryRow(context.Background(), "SELECT user_id FROM posts WHERE id = 9").Scan(&owner); err != nil || owner != 1 {
		t.Fatalf("moved post: owner %d, %v; want it kept with owner 1", owner, err)
	}
	for _, l := range readArchive(t, path) {
		if l.Table == tbl("posts") && l.Key["id"] == "9" {
			t.Errorf("the moved post is archived: %s", l.Row)
		}
	}
}

// TestLockTimeoutRetry holds a lock on a row the purge must delete: the
// batch times out, rolls back and succeeds once the lock is gone.
func TestLockTimeoutRetry(t *testing.T) {
	d := newTestDB(t, blogSchema)
	root := rootKey("users", "2")
	want := d.native(root)
	path := archivePath(t)
	other := synthdata.Connect(t, d.dsn)
	ctx := context.Background()
	tx, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "SELECT FROM posts WHERE id = 9 FOR SHARE"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		time.Sleep(400 * time.Millisecond)
		done <- tx.Commit(ctx)
	}()
	sum, err := Run(ctx, d.conn, d.snapshot(), root, Options{Batch: 2, ArchivePath: path, LockTimeout: 50 * time.Millisecond})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if sum.Retries == 0 {
		t.Errorf("no batch was retried: %+v", sum)
	}
	checkEnd(t, d, want, path)
}

// TestManyRowsAddedBeforeTheEnd adds more rows to the graph than a batch
// may take once the purge has passed the foreign key they hang on: the
// root row's final delete, over the limit, rolls back and runs again
// without it, taking them along (archived).
func TestManyRowsAddedBeforeTheEnd(t *testing.T) {
	d := newTestDB(t, blogSchema)
	root := rootKey("users", "2")
	want := d.native(root)
	path := archivePath(t)
	other := synthdata.Connect(t, d.dsn)
	added := false
	var closed []BatchStats
	sum, err := Run(context.Background(), d.conn, d.snapshot(), root, Options{Batch: 2, ArchivePath: path, OnBatch: func(b BatchStats) {
		if b.Closed {
			closed = append(closed, b)
		}
		if b.Table == tbl("posts") && !added {
			added = true
			if _, err := other.Exec(context.Background(), "INSERT INTO likes SELECT g, NULL, 2 FROM generate_series(1001, 1010) g"); err != nil {
				t.Error(err)
			}
		}
	}})
	if err != nil || !added {
		t.Fatalf("purge: %v (likes added: %v)", err, added)
	}
	if len(closed) > 1 || !sum.Done {
		t.Errorf("closed batches %+v, summary %+v; want at most the root row's", closed, sum)
	}
	var rest []ArchiveLine
	late := 0
	for _, l := range readArchive(t, path) {
		if l.Table == tbl("likes") && len(l.Key["id"]) == 4 {
			late++
			continue
		}
		rest = append(rest, l)
	}
	if late != 10 {
		t.Errorf("%d of the 10 late likes archived", late)
	}
	checkArchive(t, rest, want)
	if got := d.contents(); fmt.Sprint(got) != fmt.Sprint(want.After) {
		t.Fatalf("purge leaves the tables unlike the native DELETE:\n%s", got.Diff(want.After))
	}
}
