package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/plan"
)

// lockNotAvailable is the SQLSTATE of a statement that gave up waiting
// for its lock (lock_timeout).
const lockNotAvailable = "55P03"

// executor runs migrations the way a careful runner does: each
// statement's lock_timeout and statement_timeout set on the session just
// before it, a transactional migration in one transaction, the others one
// statement at a time, and a statement (or transaction) that hit
// lock_timeout tried again after a pause instead of failing the deploy.
type executor struct {
	conn        *pgx.Conn
	now         func() time.Duration
	pause       time.Duration
	maxAttempts int
}

// migrationRun is what executing one migration took.
type migrationRun struct {
	name          string
	transactional bool
	// start and end bound all attempts, for a transactional migration
	// from the first BEGIN to the end of COMMIT (its locks are held until
	// then): a statement waiting for its lock stalls the writes queued
	// behind it even if it then gives up.
	start, end time.Duration
	// attempts counts tries of the whole transaction; 1 for the others,
	// whose statements count their own.
	attempts   int
	statements []statementRun
}

// window is the span the migration's successful attempt ran in.
func (m *migrationRun) window() window { return window{m.start, m.end} }

// retries is the number of lock_timeout retries the migration needed.
func (m *migrationRun) retries() int {
	n := m.attempts - 1
	for _, s := range m.statements {
		n += s.attempts - 1
	}
	return n
}

// statementRun is what executing one statement took.
type statementRun struct {
	stmt       plan.Statement
	start, end time.Duration // of the successful attempt
	attempts   int
}

// execer is a *pgx.Conn or a pgx.Tx.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// run executes the Up statements of each migration in order and stops at
// the first failure.
func (e *executor) run(ctx context.Context, ms []plan.Migration) ([]migrationRun, error) {
	var runs []migrationRun
	for _, m := range ms {
		var r migrationRun
		var err error
		if m.Transactional {
			r, err = e.transactional(ctx, m)
		} else {
			r, err = e.oneByOne(ctx, m)
		}
		runs = append(runs, r)
		if err != nil {
			return runs, fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return runs, nil
}

// transactional runs m's statements in one transaction, retrying the
// whole transaction after a lock_timeout.
func (e *executor) transactional(ctx context.Context, m plan.Migration) (migrationRun, error) {
	r := migrationRun{name: m.Name, transactional: true, start: e.now()}
	for r.attempts = 1; ; r.attempts++ {
		stmts, err := e.inTransaction(ctx, m.Up)
		r.end, r.statements = e.now(), stmts
		if err == nil || !isLockTimeout(err) || r.attempts >= e.maxAttempts {
			return r, err
		}
		if err := sleep(ctx, e.pause); err != nil {
			return r, err
		}
	}
}

// inTransaction is one attempt of a transactional migration.
func (e *executor) inTransaction(ctx context.Context, up []plan.Statement) (_ []statementRun, err error) {
	tx, err := e.conn.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("beginning: %w", err)
	}
	defer func() {
		if err != nil {
			// The session settings made inside roll back with it.
			err = errors.Join(err, tx.Rollback(context.WithoutCancel(ctx)))
		}
	}()
	var runs []statementRun
	for _, st := range up {
		r := statementRun{stmt: st, attempts: 1, start: e.now()}
		if err := e.exec(ctx, tx, st); err != nil {
			return runs, err
		}
		r.end = e.now()
		runs = append(runs, r)
	}
	if err := tx.Commit(ctx); err != nil {
		return runs, fmt.Errorf("committing: %w", err)
	}
	return runs, nil
}

// oneByOne runs m's statements each in its own implicit transaction,
// retrying a statement after a lock_timeout.
func (e *executor) oneByOne(ctx context.Context, m plan.Migration) (migrationRun, error) {
	r := migrationRun{name: m.Name, attempts: 1, start: e.now()}
	for _, st := range m.Up {
		sr := statementRun{stmt: st}
		for sr.attempts = 1; ; sr.attempts++ {
			sr.start = e.now()
			err := e.exec(ctx, e.conn, st)
			sr.end = e.now()
			if err == nil {
				break
			}
			if !isLockTimeout(err) || sr.attempts >= e.maxAttempts {
				r.statements = append(r.statements, sr)
				r.end = e.now()
				return r, err
			}
			if err := sleep(ctx, e.pause); err != nil {
				return r, err
			}
		}
		r.statements = append(r.statements, sr)
	}
	r.end = e.now()
	return r, nil
}

// exec sets st's timeouts on the session and runs it. A nil timeout
// leaves the session's setting, as plan.Statement documents.
func (e *executor) exec(ctx context.Context, q execer, st plan.Statement) error {
	if st.LockTimeout != nil {
		if _, err := q.Exec(ctx, "SET lock_timeout = '"+st.LockTimeout.String()+"'"); err != nil {
			return fmt.Errorf("setting lock_timeout: %w", err)
		}
	}
	if st.StatementTimeout != nil {
		if _, err := q.Exec(ctx, "SET statement_timeout = '"+st.StatementTimeout.String()+"'"); err != nil {
			return fmt.Errorf("setting statement_timeout: %w", err)
		}
	}
	if _, err := q.Exec(ctx, st.SQL); err != nil {
		return fmt.Errorf("running %s: %w", st.SQL, err)
	}
	return nil
}

// resetTimeouts gives the session its default timeouts back after a plan.
func (e *executor) resetTimeouts(ctx context.Context) error {
	if _, err := e.conn.Exec(ctx, "RESET lock_timeout; RESET statement_timeout"); err != nil {
		return fmt.Errorf("resetting timeouts: %w", err)
	}
	return nil
}

// isLockTimeout reports whether err is a statement giving up on its lock.
func isLockTimeout(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == lockNotAvailable
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
