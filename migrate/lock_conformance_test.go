package migrate

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// newLockerFunc returns a new Locker for the one lock under test, as a
// separate runner would hold it (its own connection or holder id), that
// waits up to wait.
type newLockerFunc func(t *testing.T, wait time.Duration) Locker

// testLockerConformance is what every Locker must do, whatever it locks
// with: exclude, hand over, report who is in the way, refuse bookkeeping
// mistakes, and release on a cancelled context.
func testLockerConformance(t *testing.T, newLocker newLockerFunc) {
	t.Run("ExcludesThenHandsOver", func(t *testing.T) {
		ctx := testCtx(t)
		a, b := newLocker(t, 0), newLocker(t, 200*time.Millisecond)
		mustLock(t, ctx, a)
		start := time.Now()
		err := b.Lock(ctx)
		var busy *LockBusyError
		if !errors.As(err, &busy) {
			t.Fatalf("second Lock: got %v, want *LockBusyError", err)
		}
		if busy.Waited < 200*time.Millisecond || time.Since(start) < 200*time.Millisecond {
			t.Errorf("second Lock gave up after %s (Waited %s), want at least its 200ms wait", time.Since(start), busy.Waited)
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "--lock-wait") || busy.Holder == "" {
			t.Errorf("busy error should be one line naming the holder and --lock-wait: %q", msg)
		}
		mustUnlock(t, ctx, a)
		mustLock(t, ctx, b)
		mustUnlock(t, ctx, b)
	})

	t.Run("RefusesBookkeepingMistakes", func(t *testing.T) {
		ctx := testCtx(t)
		a := newLocker(t, 0)
		if err := a.Unlock(ctx); !errors.Is(err, ErrLockNotHeld) {
			t.Errorf("Unlock before Lock: got %v, want ErrLockNotHeld", err)
		}
		mustLock(t, ctx, a)
		var busy *LockBusyError
		if err := a.Lock(ctx); err == nil || errors.As(err, &busy) {
			t.Errorf("second Lock by the holder: got %v, want a non-busy error", err)
		}
		mustUnlock(t, ctx, a)
		if err := a.Unlock(ctx); !errors.Is(err, ErrLockNotHeld) {
			t.Errorf("second Unlock: got %v, want ErrLockNotHeld", err)
		}
		mustLock(t, ctx, a) // usable again after a full round
		mustUnlock(t, ctx, a)
	})

	t.Run("CancelledContextStillUnlocks", func(t *testing.T) {
		ctx, cancel := context.WithCancel(testCtx(t))
		a := newLocker(t, 0)
		mustLock(t, ctx, a)
		cancel()
		if err := a.Unlock(ctx); err != nil {
			t.Fatalf("Unlock with a cancelled context: %v", err)
		}
		b := newLocker(t, 0)
		mustLock(t, testCtx(t), b)
		mustUnlock(t, testCtx(t), b)
	})

	t.Run("CancelledWhileWaiting", func(t *testing.T) {
		ctx := testCtx(t)
		a, b := newLocker(t, 0), newLocker(t, time.Minute)
		mustLock(t, ctx, a)
		wctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := b.Lock(wctx)
		var busy *LockBusyError
		if !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &busy) {
			t.Fatalf("Lock with an expiring context: got %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Lock returned %s after its context ended", d)
		}
		mustUnlock(t, ctx, a)
		mustLock(t, ctx, b) // the cancelled wait left b usable
		mustUnlock(t, ctx, b)
	})

	t.Run("OneWinnerAtOnce", func(t *testing.T) {
		ctx := testCtx(t)
		lockers := make([]Locker, 8)
		for i := range lockers {
			lockers[i] = newLocker(t, 0)
		}
		for round := range 3 {
			if winners := race(t, ctx, lockers); len(winners) != 1 {
				t.Fatalf("round %d: %d lockers won at once, want 1", round, len(winners))
			} else {
				mustUnlock(t, ctx, winners[0])
			}
		}
	})

	t.Run("MutualExclusion", func(t *testing.T) {
		ctx := testCtx(t)
		lockers := make([]Locker, 8)
		for i := range lockers {
			lockers[i] = newLocker(t, 30*time.Second)
		}
		if overlaps, lost := contend(t, ctx, lockers, 2); overlaps != 0 || lost != 0 {
			t.Errorf("%d times two lockers were inside at once, %d updates lost", overlaps, lost)
		}
	})
}

// contend has each locker take and release its lock rounds times, all
// starting together, and counts how often more than one was inside, and
// how many read-modify-write updates of a shared counter were lost.
// Atomic loads and stores keep the race detector quiet about the counter
// itself, while the read, pause and write still lose updates unless the
// lock excludes.
func contend(t *testing.T, ctx context.Context, lockers []Locker, rounds int) (overlaps, lost int64) {
	t.Helper()
	var (
		inside, overlap, counter atomic.Int64
		start                    = make(chan struct{})
		wg                       sync.WaitGroup
	)
	for _, l := range lockers {
		wg.Go(func() {
			<-start
			for range rounds {
				if err := l.Lock(ctx); err != nil {
					t.Error(err)
					return
				}
				if inside.Add(1) != 1 {
					overlap.Add(1)
				}
				v := counter.Load()
				time.Sleep(5 * time.Millisecond)
				counter.Store(v + 1)
				inside.Add(-1)
				if err := l.Unlock(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	return overlap.Load(), int64(len(lockers)*rounds) - counter.Load()
}

// race has all lockers try Lock at the same moment and returns those
// that got the lock; any error but *LockBusyError fails the test.
func race(t *testing.T, ctx context.Context, lockers []Locker) []Locker {
	t.Helper()
	var (
		mu      sync.Mutex
		winners []Locker
		start   = make(chan struct{})
		wg      sync.WaitGroup
	)
	for _, l := range lockers {
		wg.Go(func() {
			<-start
			err := l.Lock(ctx)
			var busy *LockBusyError
			switch {
			case err == nil:
				mu.Lock()
				winners = append(winners, l)
				mu.Unlock()
			case !errors.As(err, &busy):
				t.Error(err)
			}
		})
	}
	close(start)
	wg.Wait()
	return winners
}

// TestLockContendDetectsNoExclusion shows that contend can fail: lockers that
// do not lock are caught.
func TestLockContendDetectsNoExclusion(t *testing.T) {
	lockers := make([]Locker, 8)
	for i := range lockers {
		lockers[i] = noLock{}
	}
	if overlaps, lost := contend(t, context.Background(), lockers, 2); overlaps == 0 || lost == 0 {
		t.Errorf("contend missed lockers that do not exclude (overlaps %d, lost %d)", overlaps, lost)
	}
	if winners := race(t, context.Background(), lockers); len(winners) != len(lockers) {
		t.Errorf("race found %d winners among lockers that do not exclude, want all %d", len(winners), len(lockers))
	}
}

// noLock is a Locker that never excludes.
type noLock struct{}

func (noLock) Lock(context.Context) error   { return nil }
func (noLock) Unlock(context.Context) error { return nil }

func mustLock(t *testing.T, ctx context.Context, l Locker) {
	t.Helper()
	if err := l.Lock(ctx); err != nil {
		t.Fatalf("Lock: %v", err)
	}
}

func mustUnlock(t *testing.T, ctx context.Context, l Locker) {
	t.Helper()
	if err := l.Unlock(ctx); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
}
