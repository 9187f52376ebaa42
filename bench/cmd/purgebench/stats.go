package main

import (
	"slices"
	"time"
)

// window is a span of the run, from its origin.
type window struct{ from, to time.Duration }

// length is the window's duration.
func (w window) length() time.Duration { return w.to - w.from }

// overlaps reports whether s was in flight at some time during w: such a
// transaction may have waited on whatever ran in w.
func (w window) overlaps(s sample) bool { return s.start < w.to && s.end > w.from }

// latencies summarise the writer transactions of one window.
type latencies struct {
	// Count is the number of transactions in flight during the window;
	// Failed how many of them returned an error.
	Count, Failed int
	// P50, P99 and Max are their latencies (nearest rank).
	P50, P99, Max time.Duration
	// PerSecond is the transactions that completed in the window per
	// second of it.
	PerSecond float64
}

// summarize computes the latencies of the samples in flight during w.
func summarize(samples []sample, w window) latencies {
	var st latencies
	var lat []time.Duration
	completed := 0
	for _, s := range samples {
		if !w.overlaps(s) {
			continue
		}
		st.Count++
		lat = append(lat, s.latency())
		if s.failed {
			st.Failed++
		}
		if s.end <= w.to {
			completed++
		}
	}
	slices.Sort(lat)
	st.P50 = percentile(lat, 50)
	st.P99 = percentile(lat, 99)
	if len(lat) > 0 {
		st.Max = lat[len(lat)-1]
	}
	if w.length() > 0 {
		st.PerSecond = float64(completed) / w.length().Seconds()
	}
	return st
}

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the
// nearest-rank method: the smallest value with at least p % of the values
// at or below it. It returns 0 for no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p / 100 * float64(len(sorted)))
	if float64(rank) < p/100*float64(len(sorted)) {
		rank++
	}
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// median returns the median of ds (the mean of the middle two for an even
// count), 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
