package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/verify/explain"
	"github.com/ondelete/ondelete/verify/purge"
)

// purgeContender is package purge with batch size batch (0: its
// default), timed as a user runs it: inspecting the catalog, then
// purge.Run, which collects the graph (explain) and deletes it in
// batches.
func purgeContender(batch int) *contender {
	name, id := "purge", contPurge
	if batch > 0 {
		name, id = fmt.Sprintf("purge, batch %d", batch), fmt.Sprintf("%s_%d", contPurge, batch)
	}
	return &contender{name: name, id: id, run: func(ctx context.Context, conn *pgx.Conn) (*outcome, error) {
		start := time.Now()
		snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
		if err != nil {
			return nil, fmt.Errorf("inspecting the catalog: %w", err)
		}
		inspected := time.Since(start)
		out := &outcome{}
		var batches []purge.BatchStats
		var ends []time.Duration
		opts := purge.Options{Batch: batch, OnBatch: func(s purge.BatchStats) {
			batches = append(batches, s)
			ends = append(ends, time.Since(start))
		}}
		root := explain.Root{Table: catalog.TableName{Schema: "public", Name: "users"}, Key: map[string]string{"id": strconv.Itoa(targetUser)}}
		sum, err := purge.Run(ctx, conn, snap, root, opts)
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
