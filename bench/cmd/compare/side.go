package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/bench"
	"github.com/ondelete/ondelete/catalog"
)

// side is one thing being timed: inspect plus graph, or a drift query.
type side struct {
	name string
	dsn  string
	// work does one run on a fresh connection and returns a short note on
	// what it produced, for the progress output.
	work func(ctx context.Context, conn *pgx.Conn) (string, error)
	// runs is how many timed runs to do.
	runs int
	// drift is true for an information_schema query, the baseline.
	drift bool
	// timeout cancels a run that takes longer; 0 means none.
	timeout time.Duration

	times  []time.Duration
	allocs []uint64 // bytes allocated by the Go side of each run
	notes  []string
	// gaveUp is set when a run hit timeout: further runs would only
	// confirm it, at the same cost.
	gaveUp bool
	// split holds, for inspect plus graph, the inspect and graph halves of
	// each run.
	inspect, build []time.Duration
}

// measure does one timed run. The connection is opened before the clock
// starts and closed after it stops: a fresh session per run, as each CLI
// invocation or test run has, with cold catalog caches on the server.
func (s *side) measure(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, s.dsn)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	runCtx, cancel := ctx, context.CancelFunc(func() {})
	if s.timeout > 0 {
		runCtx, cancel = context.WithTimeout(ctx, s.timeout)
	}
	defer cancel()

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	note, err := s.work(runCtx, conn)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if err != nil {
		if s.timeout > 0 && errors.Is(runCtx.Err(), context.DeadlineExceeded) {
			s.gaveUp = true
			s.times = append(s.times, elapsed)
			s.notes = append(s.notes, "cancelled")
			return nil
		}
		return err
	}
	s.times = append(s.times, elapsed)
	s.allocs = append(s.allocs, after.TotalAlloc-before.TotalAlloc)
	s.notes = append(s.notes, note)
	return nil
}

// last describes the latest run for the progress output.
func (s *side) last() string {
	i := len(s.times) - 1
	return fmt.Sprintf("%-10s %s", fmtDuration(s.times[i]), s.notes[i])
}

// inspectAndGraphSide is `ondelete graph`: inspect, then root's graph.
func inspectAndGraphSide(dsn string, root catalog.TableName) *side {
	s := &side{name: "inspect + graph", dsn: dsn}
	s.work = func(ctx context.Context, conn *pgx.Conn) (string, error) {
		res, err := bench.InspectAndGraph(ctx, conn, root)
		if err != nil {
			return "", err
		}
		s.inspect = append(s.inspect, res.Inspect)
		s.build = append(s.build, res.Build)
		return fmt.Sprintf("%d tables, %d foreign keys; graph: %d tables, %d edges",
			len(res.Snapshot.Tables), len(res.Snapshot.ForeignKeys), len(res.Graph.Tables), len(res.Graph.Edges)), nil
	}
	return s
}

// allGraphsSide is inspect plus a graph from every referenced table, as a
// whole-schema policy check does.
func allGraphsSide(dsn string) *side {
	s := &side{name: "inspect + graph of every referenced table", dsn: dsn}
	s.work = func(ctx context.Context, conn *pgx.Conn) (string, error) {
		snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
		if err != nil {
			return "", err
		}
		all, err := bench.BuildAllGraphs(snap)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d graphs, %d tables in all", all.Roots, all.Tables), nil
	}
	return s
}

// driftSide runs q and fetches every row; it fails if the query does not
// return all wantFKs foreign keys, since a short answer would flatter it.
func driftSide(dsn string, q bench.DriftQuery, wantFKs int, timeout time.Duration) *side {
	s := &side{name: "information_schema: " + q.Name, dsn: dsn, drift: true, timeout: timeout}
	s.work = func(ctx context.Context, conn *pgx.Conn) (string, error) {
		res, err := bench.ReadDrift(ctx, conn, q)
		if err != nil {
			return "", err
		}
		if len(res.ForeignKeys) != wantFKs {
			return "", fmt.Errorf("returned %d foreign keys, want %d", len(res.ForeignKeys), wantFKs)
		}
		return fmt.Sprintf("%d rows, %d foreign keys", res.Rows, len(res.ForeignKeys)), nil
	}
	return s
}

// stats returns the minimum, median and maximum of ds.
func stats(ds []time.Duration) (lo, med, hi time.Duration) {
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	n := len(sorted)
	med = sorted[n/2]
	if n%2 == 0 {
		med = (sorted[n/2-1] + sorted[n/2]) / 2
	}
	return sorted[0], med, sorted[n-1]
}

// fmtDuration rounds d for display to three or four significant digits.
func fmtDuration(d time.Duration) string {
	switch {
	case d < 100*time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	case d < 10*time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
