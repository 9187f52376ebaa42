package check

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/synth"
	"github.com/ondelete/ondelete/policy"
)

// The synthetic schema of the performance target (issue 4: check with all
// lints on 5,000 tables in at most 1.5 s), with the seed of the published
// figures (see bench.Seed), so runs are comparable.
const (
	benchTables      = 5000
	benchForeignKeys = 10000
	benchSeed        = 7
)

// benchPolicy is what a team would write for that schema: its hub table
// as root, the usual cascade rule, every lint at its default severity.
const benchPolicy = `version: 1
roots: [users]
rules:
  - name: user-data-cascades
    match: {references: users}
    expect: {on_delete: cascade}
`

// loadSynthetic creates the synthetic schema in a fresh database (once per
// benchmark, before the timed loop) and runs ANALYZE, as a long-lived
// database's catalog statistics would be.
func loadSynthetic(b *testing.B) *pgx.Conn {
	b.Helper()
	ctx := context.Background()
	conn := connect(b)
	s := synth.Generate(synth.DefaultOptions(benchSeed, benchTables, benchForeignKeys))
	for i, batch := range s.Batches(synth.DefaultBatchSize) {
		if _, err := conn.Exec(ctx, batch); err != nil {
			b.Fatalf("loading batch %d: %v", i, err)
		}
	}
	if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return conn
}

func benchParse(b *testing.B) *policy.Policy {
	p, err := policy.Parse([]byte(benchPolicy), "bench.yaml")
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkEvaluate5000Tables measures the pure check: every rule and lint
// on an inspected 5,000-table snapshot.
func BenchmarkEvaluate5000Tables(b *testing.B) {
	conn := loadSynthetic(b)
	s, err := catalog.Inspect(context.Background(), conn, catalog.Options{})
	if err != nil {
		b.Fatal(err)
	}
	p := benchParse(b)
	var r *Result
	b.ReportAllocs()
	for b.Loop() {
		if r, err = Evaluate(s, p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Findings)), "findings")
}

// BenchmarkRun5000Tables measures what `ondelete check --dsn` does:
// inspect the live database, then evaluate.
func BenchmarkRun5000Tables(b *testing.B) {
	conn := loadSynthetic(b)
	p := benchParse(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(ctx, conn, p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
