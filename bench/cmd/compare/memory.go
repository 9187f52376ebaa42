package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/bench"
	"github.com/ondelete/ondelete/catalog"
)

// memory is what one run of inspect plus graph costs the Go heap.
type memory struct {
	// allocated is every byte the run allocated (runtime.MemStats
	// TotalAlloc), garbage included: the pressure on the collector.
	allocated uint64
	// peakHeap is the largest heap the run held above what was live
	// before it, sampled every millisecond (heap objects, live or not yet
	// swept): what the run needs from the machine.
	peakHeap uint64
	// retained is the heap still live after a collection while the
	// snapshot and the graph are held: what a caller keeps.
	retained uint64
}

// heapObjects is the runtime/metrics name of the bytes in heap objects.
const heapObjects = "/memory/classes/heap/objects:bytes"

// measureMemory does one untimed run of inspect plus graph with a heap
// sampler; it is separate from the timed runs so that sampling does not
// slow them down.
func measureMemory(ctx context.Context, dsn string, root catalog.TableName) (*memory, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("connecting: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))

	runtime.GC()
	var base, after runtime.MemStats
	runtime.ReadMemStats(&base)
	stop := make(chan struct{})
	peak := make(chan uint64)
	go sampleHeap(stop, peak)
	res, err := bench.InspectAndGraph(ctx, conn, root)
	close(stop)
	maxHeap := <-peak
	if err != nil {
		return nil, err
	}
	runtime.ReadMemStats(&after)
	m := &memory{allocated: after.TotalAlloc - base.TotalAlloc}
	m.peakHeap = above(max(maxHeap, after.HeapAlloc), base.HeapAlloc)
	runtime.GC()
	runtime.ReadMemStats(&after)
	m.retained = above(after.HeapAlloc, base.HeapAlloc)
	runtime.KeepAlive(res)
	return m, nil
}

// sampleHeap reads the heap size every millisecond until stop is closed,
// then sends the largest value seen on peak. runtime/metrics.Read does not
// stop the world, unlike runtime.ReadMemStats.
func sampleHeap(stop <-chan struct{}, peak chan<- uint64) {
	sample := []metrics.Sample{{Name: heapObjects}}
	var hi uint64
	read := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			hi = max(hi, sample[0].Value.Uint64())
		}
	}
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			read()
		case <-stop:
			read()
			peak <- hi
			return
		}
	}
}

// above returns a - b, or 0 when b is larger.
func above(a, b uint64) uint64 {
	if a < b {
		return 0
	}
	return a - b
}

// fmtBytes prints n in MiB with one decimal.
func fmtBytes(n uint64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
