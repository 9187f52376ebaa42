package main

import (
	"slices"
	"sort"
	"time"
)

// sample is one write statement, its start and end measured from the
// run's origin on the monotonic clock.
type sample struct {
	start, end time.Duration
	update     bool
	failed     bool
}

// latency is how long the write took, as its client saw it.
func (s sample) latency() time.Duration { return s.end - s.start }

// window is a span of the run, from its origin.
type window struct{ from, to time.Duration }

// length is the window's duration.
func (w window) length() time.Duration { return w.to - w.from }

// overlaps reports whether s was in flight at some time during w: such a
// write may have waited on whatever ran in w.
func (w window) overlaps(s sample) bool { return s.start < w.to && s.end > w.from }

// stats summarise the writes of one window.
type stats struct {
	// Window is the length of the window.
	Window time.Duration
	// Overlapping is the number of writes in flight during the window;
	// the latencies are theirs.
	Overlapping int
	// Completed is the number of writes that ended inside the window, the
	// throughput's numerator: a write stuck behind a lock counts only once
	// it gets through.
	Completed int
	// Failed is the number of overlapping writes that returned an error.
	Failed int
	// PerSecond is Completed divided by Window.
	PerSecond float64
	// P50, P99 and Max are latencies of the overlapping writes (nearest
	// rank).
	P50, P99, Max time.Duration
	// MaxGap is the longest time in which no write completed, counted from
	// the last completion before the window to the first after it, so a
	// stall that straddles an edge is measured whole.
	MaxGap time.Duration
}

// summarize computes the stats of the writes in samples that concern w.
// samples need not be sorted.
func summarize(samples []sample, w window) stats {
	st := stats{Window: w.length()}
	var lat []time.Duration
	for _, s := range samples {
		if !w.overlaps(s) {
			continue
		}
		st.Overlapping++
		lat = append(lat, s.latency())
		if s.failed {
			st.Failed++
		}
		if s.end > w.from && s.end <= w.to {
			st.Completed++
		}
	}
	slices.Sort(lat)
	st.P50 = percentile(lat, 50)
	st.P99 = percentile(lat, 99)
	if len(lat) > 0 {
		st.Max = lat[len(lat)-1]
	}
	if w.length() > 0 {
		st.PerSecond = float64(st.Completed) / w.length().Seconds()
	}
	st.MaxGap = maxGap(samples, w)
	return st
}

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the
// nearest-rank method: the smallest value with at least p % of the values
// at or below it, always one of the values. It returns 0 for no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p / 100 * float64(len(sorted)))
	if float64(rank) < p/100*float64(len(sorted)) {
		rank++ // ceil, without float rounding surprises for whole ranks
	}
	rank = max(rank, 1)
	rank = min(rank, len(sorted))
	return sorted[rank-1]
}

// maxGap is the longest time between consecutive write completions, among
// those inside w plus the last at or before and the first after it. With
// no completion before (or after) w, the window's edge stands in for it.
func maxGap(samples []sample, w window) time.Duration {
	ends := make([]time.Duration, 0, len(samples))
	for _, s := range samples {
		ends = append(ends, s.end)
	}
	slices.Sort(ends)
	i := sort.Search(len(ends), func(i int) bool { return ends[i] > w.from })
	prev := w.from
	if i > 0 {
		prev = ends[i-1]
	}
	var gap time.Duration
	for ; i < len(ends) && ends[i] <= w.to; i++ {
		gap = max(gap, ends[i]-prev)
		prev = ends[i]
	}
	next := w.to
	if i < len(ends) {
		next = ends[i]
	}
	return max(gap, next-prev)
}
