package migrate

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Locker serializes runners on one database, so that two `ondelete
// migrate` started at once (two deploys, a CI job and a person) never
// apply the same migration twice or interleave their files.
//
// Lock waits up to the wait given to the constructor and then fails with
// a *LockBusyError naming the holder, so the person reading the error
// knows whom to wait for. Unlock releases even when ctx is cancelled: it
// uses a fresh context bounded by a few seconds, because the usual reason
// to unlock is that the run was interrupted. A Locker is used by one
// goroutine at a time; Lock while holding and Unlock while not holding are
// errors (ErrLockNotHeld for the latter), since either means the caller
// lost track of the lock.
type Locker interface {
	Lock(ctx context.Context) error
	Unlock(ctx context.Context) error
}

// LockBusyError reports that another runner held the lock for the whole
// wait. Callers branch on it (errors.As) to exit with "busy" rather than
// "failed": nothing was changed and running again later is safe.
type LockBusyError struct {
	// Waited is how long Lock waited: the wait it was given, which it
	// waited out in full before giving up.
	Waited time.Duration
	// Holder describes the holder for people: for an advisory lock its
	// pid, application_name, user, client address and since when it is
	// connected; for a lease its holder id and expiry.
	Holder string
}

// Error is one line naming the holder and what to do.
func (e *LockBusyError) Error() string {
	return fmt.Sprintf("another ondelete migrate (%s) holds the migration lock; waited %s: wait for it or raise --lock-wait",
		e.Holder, roundWait(e.Waited))
}

// ErrLockNotHeld is returned (wrapped) by Unlock when this Locker does not
// hold the lock: Unlock without Lock, twice, or after the session that
// held it ended. It signals a bookkeeping bug in the caller, or a lock
// that silently went away, so it is never ignored.
var ErrLockNotHeld = errors.New("the migration lock is not held by this runner")

// ErrLeaseLost is returned (wrapped) by a lease's Unlock when the lease
// stopped being ours while it was held: its heartbeat found the row gone
// or taken over, or could not renew it within its TTL. Another runner may
// then have migrated at the same time, so the caller must not report a
// clean run.
var ErrLeaseLost = errors.New("the migration lease was lost while held; another runner may have migrated at the same time: check `ondelete migrate status` before running again")

// releaseTimeout bounds Unlock, which must not hang a runner that is
// shutting down, yet must get a chance to run after its caller's context
// was cancelled.
const releaseTimeout = 10 * time.Second

// roundWait keeps waits readable in messages ("30s", "250ms") without
// hiding that the wait ran to its end.
func roundWait(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// detached returns a context that outlives ctx's cancellation but keeps
// its values, bounded by timeout: for statements that must run whatever
// the caller's context says (releasing a lock), or that must not be
// interrupted half-way, since pgx closes a connection whose query is
// cancelled.
func detached(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), timeout)
}
