package migrate

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// NewLeaseLock returns a Locker that holds a lease: a row for name in
// table (in schema, "" meaning the connection's current schema; both are
// created when missing) naming holder and an expiry. It exists for
// CockroachDB, which accepts pg_advisory_lock but does not lock with it,
// and works unchanged on PostgreSQL.
//
// holder must be unique per runner (e.g. hostname:pid:random): two
// runners with one holder id would share the lease. Lock takes the lease
// with one atomic INSERT ... ON CONFLICT DO UPDATE that only overwrites an
// expired lease (or one already ours), so two runners can never both win,
// and every time is the database's clock, never a client's. Until Unlock,
// a heartbeat goroutine on the lease's own connection (opened from cfg, so
// a long migration on the runner's connection never delays it) pushes the
// expiry to now + ttl every ttl/3; a runner that dies stops renewing, and
// its lease may be taken over once ttl has passed.
//
// The dynamic type is *LeaseLock, whose Lost reports a lease lost while
// held.
func NewLeaseLock(cfg *pgx.ConnConfig, schema, table, name, holder string, ttl, wait time.Duration) Locker {
	l := &LeaseLock{schema: schema, table: table, name: name, holder: holder, ttl: ttl, wait: wait}
	switch {
	case cfg == nil:
		l.invalid = errors.New("migration lease: no connection config")
	case table == "" || name == "" || holder == "":
		l.invalid = fmt.Errorf("migration lease: table (%q), name (%q) and holder (%q) must not be empty", table, name, holder)
	case ttl <= 0:
		l.invalid = fmt.Errorf("migration lease: ttl must be positive, got %s", ttl)
	default:
		l.cfg = cfg.Copy()
	}
	return l
}

// LeaseLock is the Locker NewLeaseLock returns. Beyond Lock and Unlock it
// reports, through Lost, a lease that stopped being its own while held,
// so a runner can stop before it migrates alongside another.
type LeaseLock struct {
	cfg           *pgx.ConnConfig
	schema, table string
	name, holder  string
	ttl, wait     time.Duration
	invalid       error // a constructor argument error, returned by Lock

	mu   sync.Mutex // serializes Lock, Unlock and Lost
	held bool
	// conn is the lease's own connection. While the heartbeat runs it
	// alone uses conn (and may replace it after a connection loss).
	conn *pgx.Conn
	stop context.CancelFunc // stops the heartbeat
	done chan struct{}      // closed when the heartbeat has returned
	lost chan struct{}      // closed when the lease is lost; see Lost
	// lostReason says why lost was closed; written before closing it.
	lostReason error
}

// Lost returns a channel that is closed when the lease taken by the last
// successful Lock stops being ours while held: a heartbeat found its row
// deleted or owned by another holder, or no heartbeat succeeded for a
// whole ttl (the lease may have expired and been taken over). Unlock then
// returns an error wrapping ErrLeaseLost. Before the first Lock it returns
// nil, a channel that never fires. The channel is the early warning;
// Unlock's check that its DELETE found our row is the final word, so a
// caller that ignores Lost still learns of the loss from Unlock.
func (l *LeaseLock) Lost() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost
}

// Lock implements Locker.
func (l *LeaseLock) Lock(ctx context.Context) error {
	if l.invalid != nil {
		return l.invalid
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held {
		return fmt.Errorf("taking lease %q in %s: already held by this runner (%s)", l.name, l.tableDisplay(), l.holder)
	}
	if err := l.ensureConn(ctx); err != nil {
		return fmt.Errorf("connecting for the migration lease: %w", err)
	}
	if err := l.ensureTable(ctx); err != nil {
		l.closeConn(ctx)
		return err
	}
	var sent time.Time
	ok, waited, err := poll(ctx, l.wait, func(ctx context.Context) (bool, error) {
		sent = time.Now()
		return l.acquire(ctx)
	})
	if !ok {
		var holder string
		if err == nil || ctx.Err() != nil {
			holder = l.describeHolder(ctx)
		}
		l.closeConn(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return fmt.Errorf("waiting %s for lease %q in %s, held by %s: %w", roundWait(waited), l.name, l.tableDisplay(), holder, err)
		case err != nil:
			return fmt.Errorf("taking lease %q in %s: %w", l.name, l.tableDisplay(), err)
		}
		return &LockBusyError{Waited: max(l.wait, 0), Holder: holder}
	}
	l.held = true
	l.lost = make(chan struct{})
	l.lostReason = nil
	hctx, stop := context.WithCancel(context.Background())
	l.stop, l.done = stop, make(chan struct{})
	go l.heartbeat(hctx, sent, l.lost, l.done)
	return nil
}

// Unlock implements Locker: it stops the heartbeat, deletes the lease row
// if it is still ours, and closes the lease's connection, all on a fresh
// context bounded by releaseTimeout so a cancelled ctx still releases. It
// returns an error wrapping ErrLeaseLost when the lease was lost while
// held (see Lost), even though everything was cleaned up.
func (l *LeaseLock) Unlock(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.held {
		return fmt.Errorf("releasing lease %q in %s: %w", l.name, l.tableDisplay(), ErrLockNotHeld)
	}
	l.stop()
	<-l.done
	l.held = false
	rctx, cancel := detached(ctx, releaseTimeout)
	defer cancel()
	deleted, err := l.release(rctx)
	l.closeConn(rctx)
	switch {
	case l.lostReason != nil:
	case err != nil:
		return fmt.Errorf("releasing lease %q in %s: %w", l.name, l.tableDisplay(), err)
	case !deleted:
		l.markLost(l.lost, errors.New("its row was deleted or taken over by another holder before Unlock"))
	default:
		return nil
	}
	return fmt.Errorf("releasing lease %q in %s (holder %s): %v: %w", l.name, l.tableDisplay(), l.holder, l.lostReason, ErrLeaseLost)
}

// markLost records why the lease was lost and closes lost. Only the
// heartbeat, or Unlock after the heartbeat returned, calls it, once.
func (l *LeaseLock) markLost(lost chan struct{}, reason error) {
	l.lostReason = reason
	close(lost)
}

// ensureConn opens the lease's connection unless it is open.
func (l *LeaseLock) ensureConn(ctx context.Context) error {
	if l.conn != nil && !l.conn.IsClosed() {
		return nil
	}
	conn, err := pgx.ConnectConfig(ctx, l.cfg.Copy())
	if err != nil {
		return err
	}
	l.conn = conn
	return nil
}

// closeConn closes the lease's connection; a failure to say goodbye to
// the server changes nothing for the lease, so it is not reported.
func (l *LeaseLock) closeConn(ctx context.Context) {
	if l.conn == nil {
		return
	}
	cctx, cancel := detached(ctx, releaseTimeout)
	defer cancel()
	_ = l.conn.Close(cctx)
	l.conn = nil
}
