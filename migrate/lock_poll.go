package migrate

import (
	"context"
	"math/rand/v2"
	"time"
)

// Polling bounds for lockers that try rather than block. A blocking
// pg_advisory_lock cannot be given up after a wait without cancelling the
// query, which closes the caller's connection; polling a non-blocking try
// keeps the connection and lets the wait and ctx be honoured between
// tries. Jitter keeps runners that started together from retrying in
// lockstep.
const (
	pollMin = 50 * time.Millisecond
	pollMax = 150 * time.Millisecond
	// tryTimeout bounds one try, which the server answers at once unless
	// it is unreachable.
	tryTimeout = 10 * time.Second
)

// pollInterval returns a jittered pause in [pollMin, pollMax).
func pollInterval() time.Duration {
	return pollMin + rand.N(pollMax-pollMin)
}

// poll calls try until it reports success, wait has elapsed (a last try
// is made at the deadline), or ctx is done. It returns whether try
// succeeded and how long it waited. A try's error ends the poll. Each try
// runs on a detached, bounded context: cancelling ctx must not cancel a
// statement half-way, which would close the connection it runs on (for an
// advisory lock, the caller's own).
func poll(ctx context.Context, wait time.Duration, try func(context.Context) (bool, error)) (bool, time.Duration, error) {
	start := time.Now()
	deadline := start.Add(max(wait, 0))
	for {
		if err := ctx.Err(); err != nil {
			return false, time.Since(start), err
		}
		tctx, cancel := detached(ctx, tryTimeout)
		ok, err := try(tctx)
		cancel()
		if ok || err != nil {
			return ok, time.Since(start), err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return false, time.Since(start), nil
		}
		t := time.NewTimer(min(pollInterval(), left))
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
}
