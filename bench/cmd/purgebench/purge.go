package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/verify/explain"
	"github.com/ondelete/ondelete/verify/purge"
)

// purgeContender is package purge with batch size batch (0: its
// default) and workers batches at once, timed as a user runs it:
// inspecting the catalog, then purge.Run, which deletes the graph in
// batches; with more than one worker, on a pool.
func purgeContender(batch, workers int) *contender {
	name, id := "purge", contPurge
	if batch > 0 {
		name, id = fmt.Sprintf("purge, batch %d", batch), fmt.Sprintf("%s_%d", contPurge, batch)
	}
	if workers > 1 {
		name, id = fmt.Sprintf("%s, %d workers", name, workers), fmt.Sprintf("%s_w%d", id, workers)
	}
	return &contender{name: name, id: id, workers: workers, run: func(ctx context.Context, cs *conns) (*outcome, error) {
		conn := cs.contender
		var runConn purge.Conn = conn
		if workers > 1 {
			runConn = cs.pool
		}
		start := time.Now()
		snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
		if err != nil {
			return nil, fmt.Errorf("inspecting the catalog: %w", err)
		}
		inspected := time.Since(start)
		out := &outcome{}
		var batches []purge.BatchStats
		var ends []time.Duration
		opts := purge.Options{Batch: batch, Workers: workers, OnBatch: func(s purge.BatchStats) {
			batches = append(batches, s)
			ends = append(ends, time.Since(start))
		}}
		root := explain.Root{Table: catalog.TableName{Schema: "public", Name: "users"}, Key: map[string]string{"id": strconv.Itoa(targetUser)}}
		sum, err := purge.Run(ctx, runConn, snap, root, opts)
		if err != nil {
			return nil, fmt.Errorf("purging: %w", err)
		}
		if !sum.Done {
			return nil, fmt.Errorf("purging: the run ended without deleting the root row")
		}
		out.transactions = sum.Batches
		out.longestReported = sum.LongestBatch
		out.summary = sum
		out.batches, out.batchEnds = batches, ends
		out.phases = []phase{
			{"catalog", inspected},
			{"blocker check", sum.Checking},
			{fmt.Sprintf("batches (%d, %d retried, %d rows expanded)", sum.Batches, sum.Retries, sum.Expanded), sum.Elapsed - sum.Checking},
		}
		return out, nil
	}}
}
