package main

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var ds []time.Duration
		for _, n := range ns {
			ds = append(ds, time.Duration(n)*time.Millisecond)
		}
		return ds
	}
	for _, c := range []struct {
		vals []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 99, 0},
		{ms(5), 99, 5 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 50, 5 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Millisecond},
	} {
		if got := percentile(c.vals, c.p); got != c.want {
			t.Errorf("percentile(%v, %g) = %s, want %s", c.vals, c.p, got, c.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	ms := time.Millisecond
	samples := []sample{
		{start: 0, end: 2 * ms},                      // before the window
		{start: 5 * ms, end: 300 * ms},               // straddles its start: counts
		{start: 20 * ms, end: 21 * ms, failed: true}, // inside
		{start: 90 * ms, end: 120 * ms},              // straddles its end
		{start: 200 * ms, end: 201 * ms},             // after
	}
	st := summarize(samples, window{10 * ms, 100 * ms})
	if st.Count != 3 || st.Failed != 1 || st.Max != 295*ms {
		t.Errorf("summarize = %+v, want 3 in flight, 1 failed, max 295ms", st)
	}
}

func TestLongestLockWait(t *testing.T) {
	ms := time.Millisecond
	seen := []writerState{
		{poll: 1, at: 0, pid: 1, wait: "Lock:transactionid"},
		{poll: 2, at: 5 * ms, pid: 2, wait: "Lock:transactionid"},
		{poll: 2, at: 5 * ms, pid: 1, wait: "Lock:transactionid"},
		{poll: 3, at: 40 * ms, pid: 1, wait: "Lock:transactionid"}, // a late poll still continues the run
		{poll: 3, at: 40 * ms, pid: 2, wait: ""},                   // pid 2 got through after one poll
		{poll: 4, at: 45 * ms, pid: 1, wait: "LWLock:BufferContent"},
		{poll: 5, at: 50 * ms, pid: 1, wait: "Lock:tuple"},
		{poll: 7, at: 100 * ms, pid: 1, wait: "Lock:tuple"}, // poll 6 did not find it: a new run
	}
	if got := longestLockWait(seen); got != 40*ms {
		t.Errorf("longestLockWait = %s, want 40ms (pid 1, polls 1 to 3)", got)
	}
}
