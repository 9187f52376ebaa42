package purge

import (
	"context"
	"time"
)

// clock is the time source of throttling and timings, replaced in tests
// so that MaxRate is checked without sleeping.
type clock interface {
	Now() time.Time
	// Sleep waits d or until ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

// wallClock is the real clock.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// throttle keeps the average rate of changed rows at or below a limit:
// the n-th row may not be changed before start + n/rate.
type throttle struct {
	clock clock
	rate  float64
	start time.Time
	done  int64
}

// delay is how long to wait until the rows counted so far are allowed
// at the rate; limited is false when there is no rate.
func (t *throttle) delay() (d time.Duration, limited bool) {
	if t.rate <= 0 {
		return 0, false
	}
	if t.start.IsZero() {
		t.start = t.clock.Now()
	}
	due := t.start.Add(time.Duration(float64(t.done) / t.rate * float64(time.Second)))
	return due.Sub(t.clock.Now()), true
}

// add counts rows changed by a batch.
func (t *throttle) add(n int) { t.done += int64(n) }
