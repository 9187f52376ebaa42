package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// sampleSQL reads, for the watched backends, the open transaction's start
// and age (on the server's clock), whether it has written (an xid is
// assigned on the first write) and what the backend waits on.
const sampleSQL = `SELECT pid, xact_start, clock_timestamp() - xact_start, backend_xid IS NOT NULL,
	coalesce(wait_event_type || ':' || wait_event, ''), coalesce(state, '')
FROM pg_stat_activity WHERE pid = ANY($1) AND xact_start IS NOT NULL`

// serverTx is one transaction of the contender's backend as the sampler
// saw it: its age at the last poll that found it open is a lower bound
// of its length, short of it by less than one poll interval.
type serverTx struct {
	start time.Time
	// seenAge is the largest age observed.
	seenAge time.Duration
	wrote   bool
}

// sampler polls pg_stat_activity from a connection of its own: the
// server's view of how long the contender's transactions stay open, and
// of the writers' lock waits, independent of any client-side timing.
type sampler struct {
	conn  *pgx.Conn
	every time.Duration
	now   func() time.Duration

	mu         sync.Mutex
	contenders map[uint32]bool
	writers    map[uint32]bool
	txs        map[txKey]*serverTx
	polls      int
	lockWaits  int            // polls in which some writer waited on a lock
	waitEvents map[string]int // writer wait events seen, ×polls
	// seen is every poll's view of each writer in a transaction.
	seen []writerState
	// heapPeak is the largest live heap of this process seen at a poll.
	heapPeak uint64
	err      error
}

// writerState is what one poll saw a writer's backend do.
type writerState struct {
	poll  int // the poll's number
	at    time.Duration
	pid   uint32
	state string // active, idle in transaction, ...
	wait  string // wait event, "" for none (on a CPU or runnable)
}

// txKey names a transaction of one of the contender's backends.
type txKey struct {
	pid   uint32
	start time.Time
}

// watch starts polling until ctx ends; the contender's backends are
// contenders, the writers' are writers.
func (s *sampler) watch(ctx context.Context, contenders, writers []uint32) (stop func()) {
	s.contenders = map[uint32]bool{}
	for _, c := range contenders {
		s.contenders[c] = true
	}
	s.writers = map[uint32]bool{}
	s.txs = map[txKey]*serverTx{}
	s.waitEvents = map[string]int{}
	s.polls, s.lockWaits, s.err, s.seen, s.heapPeak = 0, 0, nil, nil, 0
	pids := append(slices.Clone(contenders), writers...)
	for _, w := range writers {
		s.writers[w] = true
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(s.every)
		defer t.Stop()
		for {
			if err := s.poll(ctx, pids); err != nil {
				if ctx.Err() == nil {
					s.mu.Lock()
					s.err = err
					s.mu.Unlock()
				}
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { cancel(); <-done }
}

func (s *sampler) poll(ctx context.Context, pids []uint32) error {
	rows, err := s.conn.Query(ctx, sampleSQL, pids)
	if err != nil {
		return fmt.Errorf("polling pg_stat_activity: %w", err)
	}
	var (
		pid   uint32
		start time.Time
		age   time.Duration
		wrote bool
		wait  string
		state string
	)
	at := s.now()
	heap := liveHeap()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.polls++
	s.heapPeak = max(s.heapPeak, heap)
	locked := false
	_, err = pgx.ForEachRow(rows, []any{&pid, &start, &age, &wrote, &wait, &state}, func() error {
		if s.contenders[pid] {
			k := txKey{pid, start}
			tx := s.txs[k]
			if tx == nil {
				tx = &serverTx{start: start}
				s.txs[k] = tx
			}
			tx.seenAge = max(tx.seenAge, age)
			tx.wrote = tx.wrote || wrote
			return nil
		}
		s.seen = append(s.seen, writerState{poll: s.polls, at: at, pid: pid, state: state, wait: wait})
		if wait != "" {
			s.waitEvents[wait]++
			if strings.HasPrefix(wait, "Lock:") {
				locked = true
			}
		}
		return nil
	})
	if locked {
		s.lockWaits++
	}
	if err != nil {
		return fmt.Errorf("polling pg_stat_activity: %w", err)
	}
	return nil
}

// serverView is what the sampler saw during one contender.
type serverView struct {
	polls int
	// longest and longestWrite are the longest transaction seen, and the
	// longest that wrote; txs counts the distinct transactions seen.
	longest, longestWrite time.Duration
	txs                   int
	// lockWaits counts polls in which a writer waited on a lock;
	// waitEvents the writers' wait events, ×polls.
	lockWaits  int
	waitEvents map[string]int
	seen       []writerState
	// longestLockWait is the longest lock wait of a writer, polled.
	longestLockWait time.Duration
	heapPeak        uint64
}

// longestLockWait is the longest run of consecutive polls that found one
// writer waiting on a heavyweight lock (a row or table lock the
// contender holds, typically), from the first such poll to the last: a
// lower bound of the wait, short by less than one poll interval at each
// end. It separates the stalls the contender causes from those a busy
// machine causes (a backend waiting for a CPU shows no wait event).
func longestLockWait(seen []writerState) time.Duration {
	type run struct {
		first, last time.Duration
		poll        int
	}
	open := map[uint32]*run{}
	var longest time.Duration
	for _, st := range seen { // in poll order
		r := open[st.pid]
		if !strings.HasPrefix(st.wait, "Lock:") {
			delete(open, st.pid)
			continue
		}
		if r != nil && st.poll != r.poll+1 {
			r = nil // a poll in between found it out of its transaction
		}
		if r == nil {
			r = &run{first: st.at}
			open[st.pid] = r
		}
		r.last, r.poll = st.at, st.poll
		longest = max(longest, r.last-r.first)
	}
	return longest
}

// view summarises what the sampler saw; call it after stop.
func (s *sampler) view() (serverView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := serverView{polls: s.polls, txs: len(s.txs), lockWaits: s.lockWaits, waitEvents: s.waitEvents, seen: s.seen,
		longestLockWait: longestLockWait(s.seen), heapPeak: s.heapPeak}
	for _, tx := range s.txs {
		v.longest = max(v.longest, tx.seenAge)
		if tx.wrote {
			v.longestWrite = max(v.longestWrite, tx.seenAge)
		}
	}
	return v, s.err
}
