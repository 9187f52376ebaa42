package purge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ondelete/ondelete/catalog"
)

// DefaultBatch is the most rows one batch changes when Options.Batch is
// zero: large enough that round trips and commits do not dominate, small
// enough that a batch's locks and WAL stay small. Most batches are cut
// shorter by DefaultMaxBatchTime.
const DefaultBatch = 10000

// DefaultMaxBatchTime is the statement timeout of a batch when
// Options.MaxBatchTime is zero: batches aim at a third of it, so that no
// transaction of a purge holds its locks for longer.
const DefaultMaxBatchTime = 150 * time.Millisecond

// DefaultLockTimeout bounds how long a batch waits for a row lock when
// Options.LockTimeout is zero. A batch that times out rolls back and is
// retried, so the application's own transactions win.
const DefaultLockTimeout = 2 * time.Second

// DefaultRetries is how many times a batch is retried after a lock timeout
// or a deadlock when Options.Retries is zero.
const DefaultRetries = 10

// ErrInvalidOptions is wrapped by every error Options.Validate returns.
var ErrInvalidOptions = errors.New("invalid purge options")

// Options tune a purge. The zero value is ready to use: batches of
// DefaultBatch rows, no archive, no throttling.
type Options struct {
	// Batch is the most rows one transaction changes, counting the rows
	// PostgreSQL's ON DELETE actions delete, null or default under the
	// rows it deletes (default DefaultBatch). Only the final delete of a
	// row whose subtree keeps growing, or that closes a cycle of rows,
	// may change more.
	Batch int
	// MaxBatchTime is the statement timeout of a batch: one that runs
	// into it rolls back and is split (default DefaultMaxBatchTime;
	// negative: no limit). Batches are sized to take about a third of
	// it, from what earlier batches of the same table took.
	MaxBatchTime time.Duration
	// ArchivePath names a JSON-lines file that receives every row before
	// it is deleted or changed. It is opened for appending and created if
	// missing; lines already in it are read first so that a resumed purge
	// does not archive a row twice. Each batch's lines are fsynced before
	// the batch commits.
	ArchivePath string
	// Archive is an alternative to ArchivePath for callers that keep the
	// archive elsewhere (an object store, a buffer in tests). If it has a
	// Sync() error method, it is called before each commit and a failure
	// rolls the batch back. Nothing is read back from it, so a resumed
	// purge may archive again the rows of a batch that was written but
	// not committed. At most one of Archive and ArchivePath may be set.
	Archive io.Writer
	// MaxRate limits the rows changed per second (deleted, nulled and
	// defaulted together); 0 means unlimited.
	MaxRate float64
	// Through lists NO ACTION / RESTRICT foreign keys that the policy lets
	// purge delete through: their referencing rows are deleted as if the
	// foreign key were ON DELETE CASCADE, instead of blocking the purge.
	Through []catalog.ConstraintKey
	// LockTimeout bounds each batch's wait for row locks (default
	// DefaultLockTimeout); a batch that times out is rolled back and
	// retried. Negative means wait without limit.
	LockTimeout time.Duration
	// Retries is how many times one batch is retried after a lock timeout
	// or deadlock before the purge fails (default DefaultRetries).
	Retries int
	// Workers is how many batches may run at once, each a transaction on
	// a connection of its own (default 1). More than one needs a Conn
	// that is safe for concurrent use, such as a *pgxpool.Pool with at
	// least Workers connections, and no archive (the archive is written
	// in commit order, one batch at a time). Parallel batches use more
	// than one core of a server that has cores to spare; on one whose
	// cores are all busy they only take CPU from the application. Each
	// still changes at most Batch rows. In a graph
	// with a SET NULL or SET DEFAULT key into NOT NULL columns, whether a
	// batch succeeds may depend on which rows went before it (a row nulled
	// before another cascade deletes it), as it does for the native
	// DELETE: such a purge runs one batch at a time, in key order,
	// whatever Workers says (Summary.Workers tells).
	Workers int
	// OnBatch, when set, is called after every committed batch, never by
	// two batches at once: the hook for progress bars, log lines and
	// metrics. The purge waits for it to return.
	OnBatch func(BatchStats)

	// clock replaces the wall clock in tests of MaxRate.
	clock clock
	// beforeCommit, when set, runs after a batch's archive lines are
	// synced and before COMMIT; tests use it to interrupt a purge at the
	// worst moment.
	beforeCommit func(ctx context.Context) error
}

// Validate reports the first option out of range.
func (o Options) Validate() error {
	switch {
	case o.Batch < 0:
		return fmt.Errorf("%w: Batch is %d, want at least 1 (or 0 for the default)", ErrInvalidOptions, o.Batch)
	case o.MaxRate < 0:
		return fmt.Errorf("%w: MaxRate is %v, want at least 0", ErrInvalidOptions, o.MaxRate)
	case o.Retries < 0:
		return fmt.Errorf("%w: Retries is %d, want at least 0", ErrInvalidOptions, o.Retries)
	case o.Archive != nil && o.ArchivePath != "":
		return fmt.Errorf("%w: set Archive or ArchivePath, not both", ErrInvalidOptions)
	case o.Workers < 0:
		return fmt.Errorf("%w: Workers is %d, want at least 1 (or 0 for the default)", ErrInvalidOptions, o.Workers)
	case o.Workers > 1 && (o.Archive != nil || o.ArchivePath != ""):
		return fmt.Errorf("%w: Workers is %d with an archive; an archive is written one batch at a time, so use 1 worker", ErrInvalidOptions, o.Workers)
	}
	return nil
}

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
	if o.Batch == 0 {
		o.Batch = DefaultBatch
	}
	if o.MaxBatchTime == 0 {
		o.MaxBatchTime = DefaultMaxBatchTime
	}
	if o.LockTimeout == 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	}
	if o.Workers == 0 {
		o.Workers = 1
	}
	if o.clock == nil {
		o.clock = wallClock{}
	}
	return o
}

// targetTime is how long a batch should take: a third of MaxBatchTime,
// or 0 (no aim) without a limit.
func (o Options) targetTime() time.Duration {
	if o.MaxBatchTime < 0 {
		return 0
	}
	return o.MaxBatchTime / 3
}
