package main

import (
	"testing"
	"time"

	"gotest.tools/v3/assert"
)

func ms(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

func TestPercentileNearestRank(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = ms(float64(i + 1))
	}
	for _, tc := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 99, 0},
		{"one value", []time.Duration{ms(7)}, 99, ms(7)},
		{"p50 of 1..100", hundred, 50, ms(50)},
		{"p99 of 1..100", hundred, 99, ms(99)},
		{"p100 of 1..100", hundred, 100, ms(100)},
		{"p99 of 1..10 is the maximum", hundred[:10], 99, ms(10)},
		{"p50 of 1..3", hundred[:3], 50, ms(2)},
		{"p1 of 1..100", hundred, 1, ms(1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, percentile(tc.sorted, tc.p), tc.want)
		})
	}
}

func TestSummarizeCountsWritesThatOverlapTheWindow(t *testing.T) {
	w := window{from: ms(100), to: ms(200)}
	samples := []sample{
		{start: ms(10), end: ms(20)},                 // before: ignored
		{start: ms(90), end: ms(110)},                // straddles the start
		{start: ms(120), end: ms(121), failed: true}, // inside
		{start: ms(150), end: ms(400)},               // blocked past the end
		{start: ms(300), end: ms(301)},               // after: ignored
	}
	st := summarize(samples, w)
	assert.Equal(t, st.Overlapping, 3)
	assert.Equal(t, st.Completed, 2)
	assert.Equal(t, st.Failed, 1)
	assert.Equal(t, st.Max, ms(250))
	assert.Equal(t, st.P50, ms(20))
	assert.Equal(t, st.PerSecond, 20.0)
	// Completions at 20 (before), 110, 121, then 301 (first after): the
	// gap 121 → 301 straddles the window's end and is measured whole.
	assert.Equal(t, st.MaxGap, ms(180))
}

func TestMaxGap(t *testing.T) {
	at := func(ends ...float64) []sample {
		var out []sample
		for _, e := range ends {
			out = append(out, sample{start: ms(e - 1), end: ms(e)})
		}
		return out
	}
	w := window{from: ms(100), to: ms(200)}
	for _, tc := range []struct {
		name    string
		samples []sample
		want    time.Duration
	}{
		{"no writes: the whole window", nil, ms(100)},
		{"steady", at(95, 105, 115, 125, 135, 145, 155, 165, 175, 185, 195, 205), ms(10)},
		{"a stall inside", at(99, 110, 170, 180, 190, 201), ms(60)},
		{"nothing before: from the window's start", at(150, 160, 190, 210), ms(50)},
		{"nothing after: to the window's end", at(90, 110, 120), ms(80)},
		{"completion at the start counts as before", at(100, 130, 200, 230), ms(70)},
		{"unsorted input", at(201, 170, 99, 110, 180, 190), ms(60)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, maxGap(tc.samples, w), tc.want)
		})
	}
}
