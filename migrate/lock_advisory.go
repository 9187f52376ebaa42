package migrate

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// NewAdvisoryLock returns a Locker that takes a PostgreSQL session
// advisory lock on conn, polling pg_try_advisory_lock until wait elapses.
// A session lock dies with its connection, so a runner that is killed,
// crashes or loses its network never leaves the lock behind, and nothing
// has to expire it.
//
// The lock's key is a stable 64-bit number derived from name (the history
// table's qualified name, so runners sharing a history table exclude each
// other and runners with different ones do not): the first 8 bytes of
// SHA-256(name), big-endian, as a signed int64. In SQL:
//
//	SELECT ('x' || left(encode(sha256(convert_to(name, 'UTF8')), 'hex'), 16))::bit(64)::bigint
//
// pg_locks shows it as locktype 'advisory' with classid = the key's high
// 32 bits, objid = its low 32 bits and objsubid = 1.
//
// Lock and Unlock run statements on conn, so they must not run while
// another goroutine uses conn.
func NewAdvisoryLock(conn *pgx.Conn, name string, wait time.Duration) Locker {
	return &advisoryLock{conn: conn, name: name, key: advisoryKey(name), wait: wait}
}

// advisoryLock is the Locker NewAdvisoryLock returns.
type advisoryLock struct {
	conn *pgx.Conn
	name string
	key  int64
	wait time.Duration

	mu   sync.Mutex
	held bool
}

// advisoryKey derives the lock's key from name; see NewAdvisoryLock.
func advisoryKey(name string) int64 {
	sum := sha256.Sum256([]byte(name))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

// splitAdvisoryKey returns how pg_locks shows a bigint advisory key: its
// high 32 bits as classid and its low 32 bits as objid (both oid, that is
// unsigned), with objsubid 1 marking the one-bigint form.
func splitAdvisoryKey(key int64) (classid, objid uint32) {
	u := uint64(key)
	return uint32(u >> 32), uint32(u)
}

// Lock implements Locker.
func (l *advisoryLock) Lock(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held {
		return fmt.Errorf("taking advisory lock %d (%s): already held by this runner", l.key, l.name)
	}
	ok, waited, err := poll(ctx, l.wait, func(ctx context.Context) (bool, error) {
		var ok bool
		err := l.conn.QueryRow(ctx, "SELECT pg_catalog.pg_try_advisory_lock($1)", l.key).Scan(&ok)
		return ok, err
	})
	switch {
	case ok:
		l.held = true
		return nil
	case err != nil && ctx.Err() != nil:
		return fmt.Errorf("waiting %s for advisory lock %d (%s), held by %s: %w",
			roundWait(waited), l.key, l.name, l.describeHolder(ctx), err)
	case err != nil:
		return fmt.Errorf("taking advisory lock %d (%s): %w", l.key, l.name, err)
	}
	return &LockBusyError{Waited: max(l.wait, 0), Holder: l.describeHolder(ctx)}
}

// Unlock implements Locker. It runs pg_advisory_unlock on a fresh context
// bounded by releaseTimeout, so a cancelled ctx still releases.
func (l *advisoryLock) Unlock(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.held {
		return fmt.Errorf("releasing advisory lock %d (%s): %w", l.key, l.name, ErrLockNotHeld)
	}
	if l.conn.IsClosed() {
		l.held = false
		return fmt.Errorf("releasing advisory lock %d (%s): the connection is closed and the lock ended with its session, so another runner may have taken it since: %w",
			l.key, l.name, ErrLockNotHeld)
	}
	rctx, cancel := detached(ctx, releaseTimeout)
	defer cancel()
	var released bool
	if err := l.conn.QueryRow(rctx, "SELECT pg_catalog.pg_advisory_unlock($1)", l.key).Scan(&released); err != nil {
		if l.conn.IsClosed() {
			l.held = false
		}
		return fmt.Errorf("releasing advisory lock %d (%s): %w", l.key, l.name, err)
	}
	l.held = false
	if !released {
		return fmt.Errorf("releasing advisory lock %d (%s): the server says this session did not hold it (was the connection reset?): %w",
			l.key, l.name, ErrLockNotHeld)
	}
	return nil
}

// describeHolder names the session holding the lock, for LockBusyError.
// It never fails: a lookup error is described instead, since the busy
// error matters more than the description.
func (l *advisoryLock) describeHolder(ctx context.Context) string {
	qctx, cancel := detached(ctx, tryTimeout)
	defer cancel()
	h, err := advisoryHolder(qctx, l.conn, l.key)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "a session that released it just now"
	case err != nil:
		return fmt.Sprintf("a session that could not be identified: %v", err)
	}
	return h.String()
}
