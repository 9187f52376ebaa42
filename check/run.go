package check

import (
	"context"
	"fmt"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/policy"
)

// Run inspects the database conn is connected to (catalog.Inspect, with
// opts.Inspect) and evaluates p against it. It is the entry point for a
// team that keeps the check inside `go test`, against the test database
// its migrations were just applied to; see ExampleRun. conn is a
// *pgx.Conn, a pgx.Tx or a *pgxpool.Pool.
func Run(ctx context.Context, conn catalog.Conn, p *policy.Policy, opts Options) (*Result, error) {
	s, err := catalog.Inspect(ctx, conn, opts.Inspect)
	if err != nil {
		return nil, fmt.Errorf("inspecting the database: %w", err)
	}
	return Evaluate(s, p, opts)
}
