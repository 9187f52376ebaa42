package bench

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/internal/synth"
)

// The size the issue sets for the performance target, and the seed the
// published figures use. Any seed gives a schema of the same shape; fixing
// one makes runs comparable.
const (
	Tables      = 5000
	ForeignKeys = 10000
	Seed        = 7
)

// Load applies s to the (empty) database conn is connected to, in batches
// of synth.DefaultBatchSize statements, then runs a database-wide ANALYZE.
//
// ANALYZE matters for both sides of the comparison: it gives the system
// catalogs (pg_class, pg_attribute, pg_constraint, ...) statistics that
// match their new size, so the planner picks the plans it would pick on a
// long-lived production database, where autovacuum has long since done
// the same. Without it, both the catalog queries and the
// information_schema views are planned from the statistics of a nearly
// empty catalog.
func Load(ctx context.Context, conn *pgx.Conn, s synth.Schema) error {
	for i, batch := range s.Batches(synth.DefaultBatchSize) {
		if _, err := conn.Exec(ctx, batch); err != nil {
			return fmt.Errorf("loading synthetic schema (batch %d): %w", i, err)
		}
	}
	if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("analyzing the loaded database: %w", err)
	}
	return nil
}
