package purge

import (
	"context"
	"errors"
	"slices"
	"time"
)

// processParallel is process with up to Options.Workers batches of t in
// flight at once, each a transaction of its own on a connection of its
// own. Rows of one table found together have disjoint subtrees in most
// schemas; where they share rows, one batch waits for the other's row
// locks, at worst until the statement timeout, and is then split like any
// batch over the limits. A batch over the limits goes back to the front
// of the queue, smaller; rows to expand wait until every batch in flight
// has ended, and are expanded one at a time, so the bookkeeping of
// expansions (the rows being expanded, the depth) is never shared.
func (r *runner) processParallel(ctx context.Context, t *tableInfo, s sel) error {
	type result struct {
		keys [][]string
		err  error
	}
	results := make(chan result, r.sum.Workers)
	queue := s.keys
	var expand [][][]string // rows to expand once nothing is in flight
	var failure error
	inflight := 0
	for {
		for inflight < r.sum.Workers && len(queue) > 0 && len(expand) == 0 && !t.expandAll && failure == nil {
			if failure = ctx.Err(); failure != nil {
				break
			}
			n, timeout := r.nextBatch(t, len(queue))
			keys := queue[:n]
			queue = queue[n:]
			inflight++
			go func() {
				_, err := r.deleteRows(ctx, t, s.sub(keys), timeout)
				results <- result{keys: keys, err: err}
			}()
		}
		if inflight == 0 {
			switch {
			case failure != nil:
				return failure
			case len(expand) > 0:
				for _, keys := range expand {
					if err := r.expand(ctx, t, s.sub(keys)); err != nil {
						return err
					}
				}
				expand = nil
				continue
			case len(queue) > 0 && t.expandAll:
				return r.processSerial(ctx, t, s.sub(queue))
			case len(queue) > 0:
				continue
			}
			return nil
		}
		res := <-results
		inflight--
		n := len(res.keys)
		switch {
		case res.err == nil:
		case errors.Is(res.err, errTooBig) && n > 1:
			r.split(t, n)
			// A copy: res.keys shares its array with the queue's.
			queue = append(slices.Clone(res.keys), queue...)
		case errors.Is(res.err, errTooBig):
			t.expandAll = true
			r.addExpanded(1)
			expand = append(expand, res.keys)
		case errors.Is(res.err, errThrough):
			r.addExpanded(n)
			expand = append(expand, res.keys)
		case failure == nil:
			failure = res.err
		}
	}
}

// nextBatch is the size and statement timeout of t's next batch of at
// most want rows, from what t's earlier batches did.
func (r *runner) nextBatch(t *tableInfo, want int) (int, time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return t.est.size(r.lim, want), r.timeout(&t.est)
}

// split records that a batch of n rows of t went over the limits, so
// that the next batches of t are smaller.
func (r *runner) split(t *tableInfo, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t.est.samples == 0 {
		t.est.tooBig(4*n, r.lim) // nothing fits yet: try one row
	} else {
		t.est.tooBig(n, r.lim)
	}
}

// addExpanded counts n rows expanded.
func (r *runner) addExpanded(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sum.Expanded += int64(n)
}
