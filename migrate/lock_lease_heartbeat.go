package migrate

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// minRenewTimeout keeps one renewal from being cut short on a busy server
// when the ttl is short; a renewal that takes longer than the ttl shows
// up as a lost lease anyway.
const minRenewTimeout = time.Second

// heartbeat renews the lease every ttl/3 until ctx is cancelled, then
// closes done. renewedAt is when the acquiring statement was sent: the
// server's current_timestamp for it is no earlier, so the lease is ours
// until at least renewedAt + ttl by the local monotonic clock, whatever
// the clocks say. The heartbeat gives up, closing lost, when a renewal
// finds the row no longer ours, or when renewals have failed for a whole
// ttl: by then the lease may have expired and been taken over. A lost
// connection is reopened, so a restarted proxy or a killed backend does
// not cost the lease.
func (l *LeaseLock) heartbeat(ctx context.Context, renewedAt time.Time, lost, done chan struct{}) {
	defer close(done)
	every := max(l.ttl/3, time.Millisecond)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sent := time.Now()
		ours, err := l.renewOnce(ctx, max(every, minRenewTimeout))
		switch {
		case ctx.Err() != nil:
			return
		case err == nil && ours:
			renewedAt = sent
		case err == nil:
			l.markLost(lost, errors.New("a heartbeat found its row deleted or taken over by another holder"))
			return
		case time.Since(renewedAt) >= l.ttl:
			l.markLost(lost, fmt.Errorf("no heartbeat succeeded for its whole %s ttl (last: %v), so it may have expired and been taken over", l.ttl, err))
			return
		}
	}
}

// renewOnce renews the lease within timeout, reopening the lease's
// connection first if it was lost, and once more if the connection broke
// during the renewal (a backend killed between two heartbeats is only
// noticed by the next statement).
func (l *LeaseLock) renewOnce(ctx context.Context, timeout time.Duration) (bool, error) {
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		if err := l.ensureConn(rctx); err != nil {
			return false, fmt.Errorf("reconnecting: %w", err)
		}
		ours, err := l.renew(rctx)
		if err == nil || attempt == 2 || !l.conn.IsClosed() || rctx.Err() != nil {
			return ours, err
		}
	}
}
