package main

import (
	"testing"
	"time"

	"gotest.tools/v3/assert"
)

func TestSummarizeWaitsJoinsConsecutivePollsPerBackend(t *testing.T) {
	every := 10 * time.Millisecond
	poll := func(tick int, pid uint32, event string) waitSample {
		return waitSample{tick: tick, at: time.Duration(tick) * every, pid: pid, event: event}
	}
	samples := []waitSample{
		poll(1, 7, "Lock:relation"), // before the window
		poll(3, 7, "Lock:relation"), poll(3, 8, "Lock:relation"),
		poll(4, 7, "Lock:relation"), poll(4, 8, "LWLock:WALWrite"),
		poll(5, 7, "Lock:relation"), poll(5, 9, "Lock:relation"), // 9 is not a writer
		poll(7, 7, "Lock:relation"), // a new wait: tick 6 saw none
		poll(8, 8, "Lock:extend"),
		poll(30, 7, "Lock:relation"), // after the window
	}
	ws := summarizeWaits(samples, []uint32{7, 8}, window{from: 25 * time.Millisecond, to: 200 * time.Millisecond}, every)
	assert.DeepEqual(t, ws.Count, map[string]int{"Lock:relation": 5, "LWLock:WALWrite": 1, "Lock:extend": 1})
	// pid 7: ticks 3–5 (30 ms); pid 8: tick 3 alone (10 ms).
	assert.DeepEqual(t, ws.Longest, map[string]time.Duration{
		"Lock:relation": 30 * time.Millisecond, "LWLock:WALWrite": every, "Lock:extend": every})
	assert.Equal(t, ws.String(), "Lock:relation ×5 (longest ≈ 30.0 ms), LWLock:WALWrite ×1 (longest ≈ 10.0 ms), Lock:extend ×1 (longest ≈ 10.0 ms)")
	assert.Equal(t, waitStats{}.String(), "none")

	many := waitStats{Count: map[string]int{}, Longest: map[string]time.Duration{}}
	for i, e := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		many.Count[e], many.Longest[e] = 10-i, time.Duration(i+1)*every
	}
	assert.Equal(t, many.String(), "a ×10 (longest ≈ 10.0 ms), b ×9 (longest ≈ 20.0 ms), c ×8 (longest ≈ 30.0 ms), "+
		"d ×7 (longest ≈ 40.0 ms), e ×6 (longest ≈ 50.0 ms), f ×5 (longest ≈ 60.0 ms), 2 more events ×7 (longest ≈ 80.0 ms)")
}
