package main

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The writers' statements: short autocommit writes, as an application's
// requests make them. The update moves a row to another parent, so the
// foreign key is checked on updates as well as on inserts.
const (
	insertSQL = "INSERT INTO orders (user_id, amount) VALUES ($1, $2)"
	updateSQL = "UPDATE orders SET user_id = $1, amount = amount + 1, updated_at = now() WHERE id = $2"
)

// writerLoad is the running writers of one phase.
type writerLoad struct {
	stopping atomic.Bool
	wg       sync.WaitGroup
	samples  [][]sample // per writer, so no lock on the hot path
	errs     []error    // per writer: the first failed write's error
}

// startWriters starts one goroutine per writer connection, each writing
// until stop. seed makes the phase's choice of rows repeatable.
//
// Writers stop on a flag checked between statements, not by cancelling
// ctx: pgx closes a connection whose query is cancelled, and the
// connections are kept for the next phase. ctx is for aborting the run.
func (b *bench) startWriters(ctx context.Context, seed uint64) *writerLoad {
	l := &writerLoad{samples: make([][]sample, len(b.writers)), errs: make([]error, len(b.writers))}
	for i := range b.writers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			l.write(ctx, b, i, rand.New(rand.NewPCG(seed, uint64(i))))
		}()
	}
	return l
}

// write is writer i's loop. A failed write is recorded and the loop goes
// on, unless the connection is gone.
//
// Without -rate a writer sends its next statement as soon as the last one
// returns (a closed loop: the most load the writers can make). With -rate
// each writer has a schedule, one write every writers/rate seconds, the
// writers' schedules staggered, and a write's latency counts from when it
// was due when the writer is behind: a write held up behind a stalled one
// has waited since then, as an application's request would have, and the
// writer catches up at once.
func (l *writerLoad) write(ctx context.Context, b *bench, i int, rng *rand.Rand) {
	conn := b.writers[i]
	var every, due time.Duration
	if b.cfg.rate > 0 {
		every = time.Duration(float64(len(b.writers)) / b.cfg.rate * float64(time.Second))
		due = b.now() + every*time.Duration(i)/time.Duration(len(b.writers))
	}
	for !l.stopping.Load() && ctx.Err() == nil {
		user := 1 + rng.Int64N(b.cfg.parents)
		s := sample{update: rng.Float64() < b.cfg.updateRatio}
		var err error
		s.start = b.now()
		if every > 0 {
			if s.start < due {
				// On time: wait, and count from the send, so the sleep's
				// overshoot is not taken for the server's latency.
				time.Sleep(due - s.start)
				s.start = b.now()
			} else {
				s.start = due // behind: this write has been waiting since it was due
			}
			due += every
		}
		if s.update {
			_, err = conn.Exec(ctx, updateSQL, user, 1+rng.Int64N(b.cfg.rows))
		} else {
			_, err = conn.Exec(ctx, insertSQL, user, rng.Int32N(1000))
		}
		s.end = b.now()
		if err != nil {
			s.failed = true
			if l.errs[i] == nil {
				l.errs[i] = fmt.Errorf("writer %d: %w", i, err)
			}
		}
		l.samples[i] = append(l.samples[i], s)
		if err != nil && conn.IsClosed() {
			return
		}
	}
}

// stop stops the writers, waits for their last statements and returns
// every sample, ordered by start, and the first error of each writer that
// had one.
func (l *writerLoad) stop() ([]sample, []error) {
	l.stopping.Store(true)
	l.wg.Wait()
	var all []sample
	for _, s := range l.samples {
		all = append(all, s...)
	}
	slices.SortFunc(all, func(a, b sample) int { return cmp.Compare(a.start, b.start) })
	var errs []error
	for _, err := range l.errs {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return all, errs
}
