package migrate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/ident"
)

// The lease statements. Every time comes from the database
// (current_timestamp), so runners on hosts with skewed clocks still agree
// on when a lease expires; the ttl travels as microseconds. %s is the
// quoted, qualified lease table.
const (
	leaseTableSQL = `CREATE TABLE IF NOT EXISTS %s (
	name        text PRIMARY KEY,
	holder      text NOT NULL,
	acquired_at timestamptz NOT NULL,
	expires_at  timestamptz NOT NULL
)`
	// leaseAcquireSQL inserts the lease, or takes over a row whose lease
	// has expired (or is already ours, so retrying after an ambiguous
	// commit is safe). The conflict check, row lock and WHERE are one
	// statement: of two runners taking over one expired lease, the second
	// re-checks the WHERE against the first's new row and gets no row back.
	leaseAcquireSQL = `INSERT INTO %s AS lease (name, holder, acquired_at, expires_at)
VALUES ($1, $2, current_timestamp, current_timestamp + $3::bigint * interval '1 microsecond')
ON CONFLICT (name) DO UPDATE
SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
WHERE lease.expires_at <= current_timestamp OR lease.holder = excluded.holder
RETURNING holder`
	// leaseRenewSQL extends the lease only while it is ours: zero rows
	// means it was taken over or deleted.
	leaseRenewSQL = `UPDATE %s SET expires_at = current_timestamp + $3::bigint * interval '1 microsecond'
WHERE name = $1 AND holder = $2`
	leaseReleaseSQL = `DELETE FROM %s WHERE name = $1 AND holder = $2`
	leaseHolderSQL  = `SELECT holder, acquired_at, extract(epoch FROM expires_at - current_timestamp)::float8
FROM %s WHERE name = $1`
	// leaseTableExistsSQL checks before creating, so a runner without
	// CREATE privilege can use a table that already exists (PostgreSQL
	// checks the privilege even for CREATE ... IF NOT EXISTS).
	leaseTableExistsSQL = `SELECT EXISTS (
	SELECT 1 FROM pg_catalog.pg_class c
	JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = coalesce(nullif($1, ''), current_schema()) AND c.relname = $2)`
)

// qualified is the lease table's quoted name for SQL.
func (l *LeaseLock) qualified() string { return ident.QuoteQualified(l.schema, l.table) }

// tableDisplay is the lease table's name for messages.
func (l *LeaseLock) tableDisplay() string { return ident.DisplayQualified(l.schema, l.table) }

// ttlMicros is the ttl as the statements take it.
func (l *LeaseLock) ttlMicros() int64 { return l.ttl.Microseconds() }

// ensureTable creates the schema and the lease table when missing.
// Runners starting together race to create them; PostgreSQL lets all but
// one fail (unique violation on its catalog, or "already exists") even
// with IF NOT EXISTS, and CockroachDB may ask to retry, so those errors
// lead to another look rather than a failure.
func (l *LeaseLock) ensureTable(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		var exists bool
		if err := l.conn.QueryRow(ctx, leaseTableExistsSQL, l.schema, l.table).Scan(&exists); err != nil {
			return fmt.Errorf("looking for lease table %s: %w", l.tableDisplay(), err)
		}
		if exists {
			return nil
		}
		err := l.createTable(ctx)
		if err == nil {
			return nil
		}
		var pgErr *pgconn.PgError
		if attempt >= 5 || !errors.As(err, &pgErr) || !createRaceCodes[pgErr.Code] {
			return fmt.Errorf("creating lease table %s: %w", l.tableDisplay(), err)
		}
	}
}

// createRaceCodes are the SQLSTATEs a concurrent CREATE ... IF NOT EXISTS
// can fail with: unique_violation (on pg_type or pg_namespace),
// duplicate_table, duplicate_schema, serialization_failure, and
// duplicate_object (the other runner committed the table's row type
// between this one's name check and its own type insert).
var createRaceCodes = map[string]bool{"23505": true, "42P07": true, "42P06": true, "40001": true, "42710": true}

// createTable runs the DDL, the schema first when one is named.
func (l *LeaseLock) createTable(ctx context.Context) error {
	if l.schema != "" {
		if _, err := l.conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+ident.Quote(l.schema)); err != nil {
			return err
		}
	}
	_, err := l.conn.Exec(ctx, fmt.Sprintf(leaseTableSQL, l.qualified()))
	return err
}

// acquire makes one attempt at taking the lease. A serialization failure
// (CockroachDB, when runners collide) is a lost round, not an error.
func (l *LeaseLock) acquire(ctx context.Context) (bool, error) {
	var got string
	err := l.conn.QueryRow(ctx, fmt.Sprintf(leaseAcquireSQL, l.qualified()), l.name, l.holder, l.ttlMicros()).Scan(&got)
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return false, nil
	case errors.As(err, &pgErr) && pgErr.Code == "40001":
		return false, nil
	case err != nil:
		return false, err
	}
	return got == l.holder, nil
}

// renew extends the lease; false means it is no longer ours.
func (l *LeaseLock) renew(ctx context.Context) (bool, error) {
	tag, err := l.conn.Exec(ctx, fmt.Sprintf(leaseRenewSQL, l.qualified()), l.name, l.holder, l.ttlMicros())
	return tag.RowsAffected() > 0, err
}

// release deletes the lease row if it is still ours, reconnecting if the
// lease's connection was lost; false means it was not.
func (l *LeaseLock) release(ctx context.Context) (bool, error) {
	if err := l.ensureConn(ctx); err != nil {
		return false, fmt.Errorf("reconnecting: %w", err)
	}
	tag, err := l.conn.Exec(ctx, fmt.Sprintf(leaseReleaseSQL, l.qualified()), l.name, l.holder)
	return tag.RowsAffected() > 0, err
}

// describeHolder names the lease's current holder, for LockBusyError. It
// never fails: a lookup error is described instead.
func (l *LeaseLock) describeHolder(ctx context.Context) string {
	qctx, cancel := detached(ctx, tryTimeout)
	defer cancel()
	var (
		holder   string
		acquired time.Time
		left     float64
	)
	err := l.conn.QueryRow(qctx, fmt.Sprintf(leaseHolderSQL, l.qualified()), l.name).Scan(&holder, &acquired, &left)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "a runner whose lease ended just now"
	case err != nil:
		return fmt.Sprintf("a lease holder that could not be identified: %v", err)
	}
	d := roundWait(time.Duration(left * float64(time.Second)))
	when := fmt.Sprintf("lease expires in %s", d)
	if d <= 0 {
		when = fmt.Sprintf("lease expired %s ago, free to take over", -d)
	}
	return fmt.Sprintf("lease holder %q, acquired %s, %s", holder, acquired.UTC().Format("2006-01-02 15:04:05 MST"), when)
}
