package migrate

import (
	"fmt"
	"time"
)

// Locking selects how runners on one database exclude each other.
type Locking string

// The locking modes.
const (
	// LockingAuto uses a lease on CockroachDB (which accepts
	// pg_advisory_lock but does not lock) and an advisory lock otherwise.
	LockingAuto Locking = ""
	// LockingAdvisory is a PostgreSQL session advisory lock: released by
	// the server when the runner's connection ends, however it ends.
	LockingAdvisory Locking = "advisory"
	// LockingLease is a row with an expiry renewed by a heartbeat; a dead
	// runner's lease is taken over once it expires.
	LockingLease Locking = "lease"
	// LockingNone takes no lock (a database nobody else migrates).
	LockingNone Locking = "none"
)

// RunOptions configure a Runner. The zero value is ready to use.
type RunOptions struct {
	// History is the history table (default public.ondelete_migrations).
	History History
	// Absorb lists the SQLSTATEs that mean "already applied"; nil means
	// DefaultAbsorb, an empty non-nil slice absorbs nothing. The same
	// rules as WithAbsorb apply: 23505 and other data or session errors
	// are refused.
	Absorb []string
	// LockTimeout is the lock_timeout every migration statement runs
	// under, so DDL waiting behind a long transaction gives up instead of
	// queueing every query behind it; zero leaves the server's setting.
	LockTimeout time.Duration
	// LockRetries is how often a migration that hit LockTimeout
	// (SQLSTATE 55P03) is retried, after RetryBackoff, doubling up to 30 s.
	LockRetries int
	// RetryBackoff is the first wait before a retry (default 1 s).
	RetryBackoff time.Duration
	// LockWait bounds the wait for the migration lock another runner
	// holds (default 5 minutes).
	LockWait time.Duration
	// Locking selects the lock (default LockingAuto).
	Locking Locking
	// LeaseTTL is the lease's lifetime without a heartbeat (default 30 s).
	LeaseTTL time.Duration
	// AllowOutOfOrder applies pending migrations older than the newest
	// applied one instead of refusing.
	AllowOutOfOrder bool
	// DryRun reports what would run and changes nothing (no lock, no
	// history table).
	DryRun bool
	// OnEvent, when set, is called as files start and finish, statements
	// are absorbed and migrations retried: progress output hangs here.
	OnEvent func(RunEvent)
}

func (o RunOptions) withDefaults() (RunOptions, error) {
	o.History = o.History.withDefaults()
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = time.Second
	}
	if o.LockWait <= 0 {
		o.LockWait = 5 * time.Minute
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 30 * time.Second
	}
	if o.LockRetries < 0 || o.LockTimeout < 0 {
		return o, fmt.Errorf("lock timeout and retries must not be negative")
	}
	switch o.Locking {
	case LockingAuto, LockingAdvisory, LockingLease, LockingNone:
	default:
		return o, fmt.Errorf("unknown locking %q (want advisory, lease or none)", o.Locking)
	}
	return o, nil
}

// EventType says what a RunEvent reports.
type EventType string

// The events a run reports.
const (
	EventStart    EventType = "start"    // a migration file starts
	EventDone     EventType = "done"     // a migration file finished
	EventAbsorbed EventType = "absorbed" // a statement failed with an absorbed SQLSTATE
	EventRetry    EventType = "retry"    // a migration hit the lock timeout and will be retried
	EventWarning  EventType = "warning"  // something a person should know (modified, missing files)
	EventWaiting  EventType = "waiting"  // another runner holds the migration lock
)

// RunEvent is one step of a run, for progress output.
type RunEvent struct {
	Type      EventType
	Migration *Migration
	// Direction is "up" or "down".
	Direction string
	Elapsed   time.Duration
	Absorbed  *Absorption
	// Attempt counts retries (1 for the first retry).
	Attempt int
	// Message explains the event; for EventDone it counts the statements,
	// absorptions and retries ("3 statements, 1 absorbed").
	Message string
}
