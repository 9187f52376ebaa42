package purge

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/catalog"
)

// Conn is what a purge needs from the database: *pgx.Conn, *pgxpool.Pool
// and *pgxpool.Conn all satisfy it. Every batch is its own transaction,
// so a pool may run each on a different connection.
type Conn interface {
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// SQLSTATEs after which a batch is rolled back and tried again.
const (
	lockNotAvailable = "55P03"
	deadlockDetected = "40P01"
)

// retryable reports whether err is a lock timeout or a deadlock: the batch
// lost a race with the application's own transactions and may simply run
// again.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == lockNotAvailable || pgErr.Code == deadlockDetected)
}

// batchFunc runs the body of one batch in tx and returns the rows it
// changed; it adds the archive lines of those rows to r.archive and the
// changes to the returned outcome, which the caller applies only after
// COMMIT.
type batchFunc func(ctx context.Context, tx pgx.Tx) (*outcome, error)

// outcome is what a batch did, counted only once it committed.
type outcome struct {
	counts  []opCount
	skipped int
	// addressed counts the rows the batch's own statement changed, and
	// changed every row changed (what PostgreSQL's actions did included).
	addressed, changed int
	duration           time.Duration
}

type opCount struct {
	op    Op
	table catalog.TableName
	n     int
}

// inTx runs fn in a READ COMMITTED transaction with the lock timeout set,
// makes the archive durable, commits, and retries the whole batch on a
// lock timeout or deadlock. It returns the outcome, the number of failed
// attempts and the duration of the attempt that committed.
func (r *runner) inTx(ctx context.Context, timeout time.Duration, fn batchFunc) (*outcome, int, time.Duration, error) {
	for attempt := 0; ; attempt++ {
		start := r.opts.clock.Now()
		out, err := r.attempt(ctx, timeout, fn)
		if err == nil {
			return out, attempt, r.opts.clock.Now().Sub(start), nil
		}
		if !retryable(err) || attempt >= r.opts.Retries || ctx.Err() != nil {
			return nil, attempt, 0, err
		}
		backoff := time.Duration(attempt+1) * 50 * time.Millisecond
		if err := r.opts.clock.Sleep(ctx, backoff); err != nil {
			return nil, attempt, 0, err
		}
	}
}

// attempt is one try of a batch.
func (r *runner) attempt(ctx context.Context, timeout time.Duration, fn batchFunc) (*outcome, error) {
	// One round trip: deferred constraints are checked at the end of
	// each statement, so a batch a deferred NO ACTION key refuses fails
	// before its archive lines are written. The statement timeout bounds
	// the batch's work: a batch that runs into it rolls back and is split.
	begin := fmt.Sprintf("BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = %d; SET LOCAL statement_timeout = %d; SET CONSTRAINTS ALL IMMEDIATE",
		r.lockTimeoutMS(), max(timeout.Milliseconds(), 0))
	tx, err := r.conn.BeginTx(ctx, pgx.TxOptions{BeginQuery: begin})
	if err != nil {
		return nil, fmt.Errorf("beginning a batch: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if r.archive != nil {
		defer r.archive.discard()
	}
	out, err := fn(ctx, tx)
	if err != nil {
		return nil, classify(ctx, err)
	}
	if out.changed == 0 && out.addressed == 0 {
		// Nothing to commit (the rows were gone already): roll back.
		return out, nil
	}
	if r.archive != nil {
		if err := r.archive.flush(); err != nil {
			return nil, err
		}
	}
	if r.opts.beforeCommit != nil {
		if err := r.opts.beforeCommit(ctx); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("committing a batch: %w", err)
	}
	return out, nil
}

// lockTimeoutMS is the lock_timeout setting in milliseconds (0: none).
func (r *runner) lockTimeoutMS() int64 {
	if r.opts.LockTimeout < 0 {
		return 0
	}
	return max(r.opts.LockTimeout.Milliseconds(), 1)
}
