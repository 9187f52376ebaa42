package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
)

// driftTimeout caps each run of an information_schema drift query. On
// 10,000 foreign keys they run for many minutes (see docs/benchmarks.md),
// so without a cap `go test -bench .` would hit go test's default
// 10-minute timeout. Raise both to measure them to the end:
//
//	go test -run '^$' -bench Drift -timeout 3h ./bench/ -drift-timeout 0
var driftTimeout = flag.Duration("drift-timeout", 2*time.Minute,
	"cancel an information_schema drift query run after this long and skip its benchmark (0: no limit)")

// queryCanceled is the SQLSTATE of a statement cancelled by
// statement_timeout.
const queryCanceled = "57014"

// BenchmarkInspectAndGraph measures `ondelete graph` on the 5,000-table
// schema: catalog.Inspect over one connection, then the deletion graph of
// the root with the biggest graph.
func BenchmarkInspectAndGraph(b *testing.B) {
	conn, root := bigDB(b)
	ctx := context.Background()
	var res *Result
	var inspect, build time.Duration
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if res, err = InspectAndGraph(ctx, conn, root); err != nil {
			b.Fatal(err)
		}
		inspect += res.Inspect
		build += res.Build
	}
	reportSnapshot(b, res.Snapshot)
	b.ReportMetric(float64(len(res.Graph.Tables)), "graph-tables/op")
	b.ReportMetric(float64(len(res.Graph.Edges)), "graph-edges/op")
	b.ReportMetric(float64(inspect.Milliseconds())/float64(b.N), "inspect-ms/op")
	b.ReportMetric(float64(build.Microseconds())/1000/float64(b.N), "graph-ms/op")
}

// BenchmarkInspectAndAllGraphs measures inspect plus a deletion graph for
// every referenced table, from one graph.Builder, as a whole-schema
// policy check does.
func BenchmarkInspectAndAllGraphs(b *testing.B) {
	conn, _ := bigDB(b)
	ctx := context.Background()
	var snap *catalog.Snapshot
	var all *AllGraphs
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if snap, err = catalog.Inspect(ctx, conn, catalog.Options{}); err != nil {
			b.Fatal(err)
		}
		if all, err = BuildAllGraphs(snap); err != nil {
			b.Fatal(err)
		}
	}
	reportSnapshot(b, snap)
	b.ReportMetric(float64(all.Roots), "graphs/op")
	b.ReportMetric(float64(all.Tables), "graph-tables/op")
}

// BenchmarkGraph measures graph building alone, from a snapshot already in
// memory: the part of inspect plus graph that is ondelete's own code.
func BenchmarkGraph(b *testing.B) {
	conn, root := bigDB(b)
	snap, err := catalog.Inspect(context.Background(), conn, catalog.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var g *graph.Graph
	b.ReportAllocs()
	for b.Loop() {
		if g, err = graph.Build(snap, root); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(g.Tables)), "graph-tables/op")
}

// BenchmarkInformationSchemaDriftQuery measures the baseline on the same
// database: each drift query, every row fetched and grouped per foreign
// key, on a connection of its own. A run that exceeds -drift-timeout is
// cancelled by the server (statement_timeout); the benchmark then stops
// and reports cancelled/op 1, its ns/op being the time until cancellation:
// a lower bound.
func BenchmarkInformationSchemaDriftQuery(b *testing.B) {
	bigDB(b)
	for _, q := range DriftQueries {
		b.Run(q.Name, func(b *testing.B) {
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, big.dsn)
			if err != nil {
				b.Fatalf("connecting: %v", err)
			}
			defer conn.Close(ctx)
			if _, err := conn.Exec(ctx, fmt.Sprintf("SET statement_timeout = %d", driftTimeout.Milliseconds())); err != nil {
				b.Fatal(err)
			}
			var res *DriftResult
			// A b.N loop rather than b.Loop, which may not be left early:
			// a cancelled run ends the benchmark.
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				res, err = ReadDrift(ctx, conn, q)
				var pgErr *pgconn.PgError
				if errors.As(err, &pgErr) && pgErr.Code == queryCanceled {
					// ns/op is overridden with the one cancelled run, which
					// b.N may not divide; cancelled/op marks it as a lower
					// bound.
					b.ReportMetric(float64(time.Since(start).Nanoseconds()), "ns/op")
					b.ReportMetric(1, "cancelled/op")
					b.Logf("cancelled after -drift-timeout %s: the query takes longer on %d foreign keys", *driftTimeout, ForeignKeys)
					return
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			if len(res.ForeignKeys) != ForeignKeys {
				b.Fatalf("returned %d foreign keys, want %d", len(res.ForeignKeys), ForeignKeys)
			}
			b.ReportMetric(float64(res.Rows), "rows/op")
			b.ReportMetric(float64(len(res.ForeignKeys)), "fks/op")
		})
	}
}

// reportSnapshot reports the size of what inspect read.
func reportSnapshot(b *testing.B, snap *catalog.Snapshot) {
	b.ReportMetric(float64(len(snap.Tables)), "tables/op")
	b.ReportMetric(float64(len(snap.ForeignKeys)), "fks/op")
}
