package migrate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// lockNotAvailable is SQLSTATE 55P03: lock_timeout expired (or NOWAIT).
// It is the only error a migration is retried on: the statement did not
// run, so running it again is safe.
const lockNotAvailable = "55P03"

// run applies m's up (or down) section and records it, retrying on lock
// timeouts. It returns what ran, also on error.
func (r *Runner) run(ctx context.Context, m *Migration, sum string, down bool) (*FileRun, error) {
	sec, dirName := &m.Up, "up"
	if down {
		sec, dirName = m.Down, "down"
	}
	fp, err := planSection(sec)
	if err != nil {
		return nil, err
	}
	fr := &FileRun{Version: m.Version, Name: m.Name, File: sec.File, Direction: dirName,
		Transaction: fp.mode == modeTransaction, Statements: len(fp.statements), Absorbed: []Absorption{}}
	if r.opts.DryRun {
		return fr, nil
	}
	r.event(RunEvent{Type: EventStart, Migration: m, Direction: dirName, Message: fp.why})
	start := time.Now()
	rec := Record{Version: m.Version, Name: m.Name, Checksum: sum}
	backoff := r.opts.RetryBackoff
	savepoints := false
	for {
		fr.Absorbed = fr.Absorbed[:0]
		if fp.mode == modeTransaction {
			err = r.inTransaction(ctx, m, fp, fr, rec, down, savepoints)
		} else {
			err = r.inAutocommit(ctx, m, fp, fr, rec, down)
		}
		if fp.mode == modeTransaction && !savepoints && r.absorbable(err) {
			// The transaction is rolled back: run the file again, this
			// time with a savepoint before each statement to absorb at.
			savepoints = true
			continue
		}
		if !isLockTimeout(err) || fr.Retries >= r.opts.LockRetries || fp.mode != modeTransaction {
			break
		}
		fr.Retries++
		r.event(RunEvent{Type: EventRetry, Migration: m, Direction: dirName, Attempt: fr.Retries,
			Message: fmt.Sprintf("lock timeout (%s)%s; retry %d of %d in %s", r.opts.LockTimeout, r.block.describe(), fr.Retries, r.opts.LockRetries, backoff)})
		if err := sleep(ctx, backoff); err != nil {
			return fr, fmt.Errorf("%s: stopped while waiting to retry: %w", sec.File, err)
		}
		backoff = min(backoff*2, 30*time.Second)
	}
	fr.Duration = time.Since(start)
	fr.DurationMS = fr.Duration.Milliseconds()
	if err != nil {
		if isLockTimeout(err) {
			err = fmt.Errorf("%w; gave up after %d retries%s", err, fr.Retries, r.block.describe())
		}
		return fr, err
	}
	done := fmt.Sprintf("%d statements", fr.Statements)
	if n := len(fr.Absorbed); n > 0 {
		done += fmt.Sprintf(", %d absorbed", n)
	}
	if fr.Retries > 0 {
		done += fmt.Sprintf(", %d retries", fr.Retries)
	}
	r.event(RunEvent{Type: EventDone, Migration: m, Direction: dirName, Elapsed: fr.Duration, Message: done})
	return fr, nil
}

// inTransaction runs the statements and the history change in one
// transaction: all of it commits, or none. With savepoints, absorbed
// errors roll back to a savepoint taken before the statement. A first run
// goes without them (two round trips fewer per statement, as cheap as a
// runner that absorbs nothing); only a file that raises an absorbable
// error runs again with them.
func (r *Runner) inTransaction(ctx context.Context, m *Migration, fp *filePlan, fr *FileRun, rec Record, down, savepoints bool) error {
	tx, err := r.conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("%s: starting the transaction: %w", fr.File, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := r.settings(ctx, tx, "SET LOCAL ", fp); err != nil {
		return fmt.Errorf("%s: %w", fr.File, err)
	}
	absorbing := savepoints && len(r.cfg.absorb) > 0
	start := time.Now()
	for i := range fp.statements {
		st := &fp.statements[i]
		if absorbing {
			if _, err := tx.Exec(ctx, "SAVEPOINT ondelete_statement"); err != nil {
				return r.failed(st, err, true)
			}
		}
		_, err := r.watched(ctx, tx.Conn(), st)
		if err == nil {
			if absorbing {
				if _, err := tx.Exec(ctx, "RELEASE SAVEPOINT ondelete_statement"); err != nil {
					return r.failed(st, err, true)
				}
			}
			continue
		}
		serr := statementError(st, err)
		if !absorbing || !r.cfg.absorb[serr.Code] {
			if r.cfg.absorb[serr.Code] {
				return serr // run again with savepoints
			}
			return r.failed(st, err, true)
		}
		if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT ondelete_statement"); err != nil {
			return r.failed(st, err, true)
		}
		r.absorbed(m, fr, serr)
	}
	rec.Duration, rec.Absorbed = time.Since(start), len(fr.Absorbed)
	if down {
		err = r.opts.History.remove(ctx, tx, rec.Version)
	} else {
		err = r.opts.History.insert(ctx, tx, rec)
	}
	if err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("%s: committing: %w; nothing of it is applied", fr.File, err)
	}
	return nil
}

// inAutocommit runs statements one by one outside a transaction, as the
// file asks. The history row is written dirty before the first statement
// and made clean after the last, so a failure or a crash in between
// leaves the version dirty for a person to resolve. A statement that hits
// the lock timeout outside a transaction block is retried on its own.
func (r *Runner) inAutocommit(ctx context.Context, m *Migration, fp *filePlan, fr *FileRun, rec Record, down bool) error {
	dirty := rec
	dirty.Dirty = true
	if err := r.opts.History.insert(ctx, r.conn, dirty); err != nil {
		return err
	}
	if err := r.settings(ctx, r.conn, "SET ", fp); err != nil {
		return fmt.Errorf("%s: %w", fr.File, err)
	}
	defer func() { _, _ = r.conn.Exec(context.WithoutCancel(ctx), "RESET lock_timeout; RESET statement_timeout") }()
	start := time.Now()
	for i := range fp.statements {
		st := &fp.statements[i]
		backoff := r.opts.RetryBackoff
		for attempt := 0; ; attempt++ {
			idle := r.conn.PgConn().TxStatus() == 'I'
			_, err := r.watched(ctx, r.conn, st)
			if err == nil {
				break
			}
			serr := statementError(st, err)
			inBlock := r.conn.PgConn().TxStatus() != 'I'
			if r.cfg.absorb[serr.Code] && !inBlock {
				r.absorbed(m, fr, serr)
				break
			}
			if serr.Code == lockNotAvailable && idle && !inBlock && attempt < r.opts.LockRetries {
				fr.Retries++
				r.event(RunEvent{Type: EventRetry, Migration: m, Attempt: attempt + 1,
					Message: fmt.Sprintf("%s: lock timeout%s; retry %d of %d in %s", st.Pos(), r.block.describe(), attempt+1, r.opts.LockRetries, backoff)})
				if err := sleep(ctx, backoff); err != nil {
					return fmt.Errorf("%s: stopped while waiting to retry: %w", st.Pos(), err)
				}
				backoff = min(backoff*2, 30*time.Second)
				continue
			}
			rollback(ctx, r.conn)
			return fmt.Errorf("%w; version %s is now marked dirty: check what of it ran, finish or undo it by hand, then run `ondelete migrate force %s`",
				r.failed(st, err, false), rec.Version, rec.Version)
		}
	}
	if r.conn.PgConn().TxStatus() != 'I' {
		rollback(ctx, r.conn)
		return fmt.Errorf("%s ends inside an open transaction block (missing COMMIT); rolled back; version %s is marked dirty", fr.File, rec.Version)
	}
	rec.Duration, rec.Absorbed = time.Since(start), len(fr.Absorbed)
	if down {
		return r.opts.History.remove(ctx, r.conn, rec.Version)
	}
	return r.opts.History.insert(ctx, r.conn, rec)
}

// settings applies the run's lock_timeout and the file's statement_timeout
// with prefix "SET LOCAL " (in a transaction) or "SET " (autocommit).
func (r *Runner) settings(ctx context.Context, q execer, prefix string, fp *filePlan) error {
	if r.opts.LockTimeout > 0 {
		if _, err := q.Exec(ctx, prefix+"lock_timeout = "+strconv.FormatInt(r.opts.LockTimeout.Milliseconds(), 10)); err != nil {
			return fmt.Errorf("setting lock_timeout: %w", err)
		}
	}
	if fp.statementTimeout != nil {
		if _, err := q.Exec(ctx, prefix+"statement_timeout = "+strconv.FormatInt(fp.statementTimeout.Milliseconds(), 10)); err != nil {
			return fmt.Errorf("setting statement_timeout: %w", err)
		}
	}
	return nil
}

// absorbed records an absorbed statement.
func (r *Runner) absorbed(m *Migration, fr *FileRun, serr *StatementError) {
	ab := Absorption{File: serr.File, Line: serr.Line, Column: serr.Column, Code: serr.Code, Message: serr.Message}
	fr.Absorbed = append(fr.Absorbed, ab)
	r.event(RunEvent{Type: EventAbsorbed, Migration: m, Absorbed: &ab,
		Message: fmt.Sprintf("%s:%d:%d: absorbed %s %s", ab.File, ab.Line, ab.Column, ab.Code, ab.Message)})
}

// failed explains a failed statement. In a transaction nothing of the
// file is applied; a lost connection is said plainly.
func (r *Runner) failed(st *Statement, err error, inTx bool) error {
	serr := statementError(st, err)
	if inTx {
		serr.Message += "; the migration's transaction is rolled back, nothing of it is applied"
	}
	if r.conn.IsClosed() || errors.Is(err, pgx.ErrTxClosed) || pgconn.SafeToRetry(err) || serr.Code == "57P01" {
		serr.Message = "the connection was lost: " + serr.Message
	}
	return serr
}

// absorbable reports whether err is a statement error with an absorbed
// SQLSTATE.
func (r *Runner) absorbable(err error) bool {
	var se *StatementError
	return errors.As(err, &se) && r.cfg.absorb[se.Code]
}

func isLockTimeout(err error) bool {
	var se *StatementError
	return errors.As(err, &se) && se.Code == lockNotAvailable
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// leaseHolder names this runner in a lease: host, pid and a random part,
// unique even for runners in one process.
func leaseHolder() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}
