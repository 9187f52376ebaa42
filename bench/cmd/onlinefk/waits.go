package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// waitsQuery reads what the given backends are waiting on right now. An
// active backend without a wait event is running (or waiting for a CPU);
// idle ones wait for their client and are not the server's doing.
const waitsQuery = `SELECT pid, wait_event_type || ':' || wait_event FROM pg_stat_activity
WHERE pid = ANY($1) AND state = 'active' AND wait_event IS NOT NULL`

// waitSample is one backend seen waiting on one event.
type waitSample struct {
	tick  int // the poll's sequence number
	at    time.Duration
	pid   uint32
	event string // wait_event_type:wait_event, e.g. Lock:relation
}

// waitSampler polls pg_stat_activity on a connection of its own, to tell
// what a slow write waited on: a lock the DDL holds (Lock:relation), the
// relation extension lock other inserts hold (Lock:extend), WAL (LWLock:
// WALWrite) or nothing the server knows of (CPU, the client).
type waitSampler struct {
	conn     *pgx.Conn
	every    time.Duration
	now      func() time.Duration
	stopping atomic.Bool
	wg       sync.WaitGroup
	samples  []waitSample
	err      error
}

// start polls the backends pids every s.every until stop.
func (s *waitSampler) start(ctx context.Context, pids []uint32) {
	s.stopping.Store(false)
	s.samples, s.err = nil, nil
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for tick := 0; !s.stopping.Load() && ctx.Err() == nil; tick++ {
			at := s.now()
			rows, _ := s.conn.Query(ctx, waitsQuery, pids)
			var w waitSample
			_, err := pgx.ForEachRow(rows, []any{&w.pid, &w.event}, func() error {
				w.tick, w.at = tick, at
				s.samples = append(s.samples, w)
				return nil
			})
			if err != nil {
				s.err = fmt.Errorf("sampling wait events: %w", err)
				return
			}
			time.Sleep(s.every)
		}
	}()
}

// stop ends the polling and returns the samples.
func (s *waitSampler) stop() ([]waitSample, error) {
	s.stopping.Store(true)
	s.wg.Wait()
	return s.samples, s.err
}

// waitStats summarise the wait samples of some backends in a window.
type waitStats struct {
	// Count is the number of samples per event.
	Count map[string]int
	// Longest is, per event, the longest run of one backend seen on it in
	// consecutive polls, from the first poll to the last plus one
	// interval: the real wait is within an interval or so of it.
	Longest map[string]time.Duration
}

// summarizeWaits computes the waitStats of the backends in pids during w.
// every is the sampling interval.
func summarizeWaits(samples []waitSample, pids []uint32, w window, every time.Duration) waitStats {
	ws := waitStats{Count: map[string]int{}, Longest: map[string]time.Duration{}}
	type run struct {
		event       string
		first, last time.Duration
		lastTick    int
	}
	open := map[uint32]*run{}
	closeRun := func(r *run) {
		if r != nil {
			ws.Longest[r.event] = max(ws.Longest[r.event], r.last-r.first+every)
		}
	}
	for _, s := range samples {
		if s.at < w.from || s.at > w.to || !slices.Contains(pids, s.pid) {
			continue
		}
		ws.Count[s.event]++
		r := open[s.pid]
		if r != nil && r.event == s.event && s.tick == r.lastTick+1 {
			r.last, r.lastTick = s.at, s.tick
			continue
		}
		closeRun(r)
		open[s.pid] = &run{event: s.event, first: s.at, last: s.at, lastTick: s.tick}
	}
	for _, r := range open {
		closeRun(r)
	}
	return ws
}

// shownEvents is how many events String lists; the rest are summed up.
const shownEvents = 6

// String lists the events, most sampled first, with their longest wait.
func (ws waitStats) String() string {
	if len(ws.Count) == 0 {
		return "none"
	}
	events := make([]string, 0, len(ws.Count))
	for e := range ws.Count {
		events = append(events, e)
	}
	slices.SortFunc(events, func(a, b string) int {
		if ws.Count[a] != ws.Count[b] {
			return ws.Count[b] - ws.Count[a]
		}
		return strings.Compare(a, b)
	})
	var parts []string
	for _, e := range events[:min(len(events), shownEvents)] {
		parts = append(parts, fmt.Sprintf("%s ×%d (longest ≈ %s)", e, ws.Count[e], dur(ws.Longest[e])))
	}
	if rest := events[min(len(events), shownEvents):]; len(rest) > 0 {
		n := 0
		var longest time.Duration
		for _, e := range rest {
			n += ws.Count[e]
			longest = max(longest, ws.Longest[e])
		}
		parts = append(parts, fmt.Sprintf("%d more events ×%d (longest ≈ %s)", len(rest), n, dur(longest)))
	}
	return strings.Join(parts, ", ")
}
