package explain

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
)

// Options tune a collection.
type Options struct {
	// KeysOnly skips nothing today; reserved.
	_ struct{}
}

// Collect follows graph g from the root row through the data visible to
// q, which must be a transaction (Explain opens a read-only REPEATABLE
// READ one; purge passes its own). It never writes.
func Collect(ctx context.Context, q pgx.Tx, snap *catalog.Snapshot, g *graph.Graph, root Root, opts Options) (*Result, error) {
	return nil, errors.New("explain: not implemented yet")
}

// Explain opens a read-only REPEATABLE READ transaction on conn, collects
// what deleting the root row would do, and rolls the transaction back.
func Explain(ctx context.Context, conn *pgx.Conn, snap *catalog.Snapshot, g *graph.Graph, root Root, opts Options) (*Result, error) {
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	return Collect(ctx, tx, snap, g, root, opts)
}
