package main

import (
	"fmt"
	"runtime/metrics"
	"syscall"
	"time"
)

// clientCost is what a contender costs this process, the client: purge
// collects and plans on the client, and on a 2-core machine that CPU is
// taken from the database and the writer. (The writer has a process of
// its own; the sampler's polls are counted here too, a small share.)
type clientCost struct {
	// cpu is the process's user and system CPU time; gc the share the
	// garbage collector took (an estimate of the runtime), gcAssist the
	// part of it that the allocating goroutines, purge's among them, had
	// to do themselves.
	cpu, gc, gcAssist time.Duration
	cycles            uint64
	// heapPeak is the largest live heap seen, polled with the sampler.
	heapPeak uint64
}

// The runtime metrics read around a contender.
var clientMetrics = []string{"/cpu/classes/gc/total:cpu-seconds", "/cpu/classes/gc/mark/assist:cpu-seconds", "/gc/cycles/total:gc-cycles"}

// readClientCost reads the counters; the cost of a contender is the
// difference of two readings.
func readClientCost() clientCost {
	var c clientCost
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		c.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	s := make([]metrics.Sample, len(clientMetrics))
	for i, name := range clientMetrics {
		s[i].Name = name
	}
	metrics.Read(s)
	seconds := func(v metrics.Value) time.Duration {
		if v.Kind() != metrics.KindFloat64 {
			return 0
		}
		return time.Duration(v.Float64() * float64(time.Second))
	}
	c.gc, c.gcAssist = seconds(s[0].Value), seconds(s[1].Value)
	if s[2].Value.Kind() == metrics.KindUint64 {
		c.cycles = s[2].Value.Uint64()
	}
	return c
}

// since is c minus an earlier reading.
func (c clientCost) since(before clientCost) clientCost {
	return clientCost{cpu: c.cpu - before.cpu, gc: c.gc - before.gc, gcAssist: c.gcAssist - before.gcAssist,
		cycles: c.cycles - before.cycles, heapPeak: c.heapPeak}
}

// liveHeap is the heap the last garbage collection found live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

func (c clientCost) String() string {
	return fmt.Sprintf("CPU %s (garbage collection %s, %s of it assists, %d cycles), live heap up to %d MB",
		dur(c.cpu), dur(c.gc), dur(c.gcAssist), c.cycles, c.heapPeak>>20)
}
