package explain

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
)

// Collect follows graph g from the root row through the data visible to
// q, which must be a transaction (Explain opens a read-only REPEATABLE
// READ one; purge passes its own). It never writes.
//
// It works in two steps. First it reads every row a cascade chain from
// the root reaches, and every row referencing one of those, with one query
// per foreign key and batch of keys (a recursive query for cascading
// self-references), keeping the keys in memory: a read-only transaction
// cannot create temporary tables. Then it replays PostgreSQL's trigger
// queue over those rows in memory, in PostgreSQL's order, which decides
// which rows are deleted, set to NULL or to their defaults, and which
// checks fail.
//
// root.Table may be left zero; it then means g.Root.
func Collect(ctx context.Context, q pgx.Tx, snap *catalog.Snapshot, g *graph.Graph, root Root, opts Options) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if root.Table == (catalog.TableName{}) {
		root.Table = g.Root
	}
	if root.Table != g.Root {
		return nil, &RootError{Table: root.Table, Selection: describe(root),
			Detail: "the graph's root is " + g.Root.String(), Err: ErrBadRoot}
	}
	c, err := newCollector(q, snap, g, opts)
	if err != nil {
		return nil, fmt.Errorf("explaining a delete from %s: %w", g.Root, err)
	}
	types, err := c.readCatalog(ctx, g.Root)
	if err != nil {
		return nil, err
	}
	t, r, err := c.readRoot(ctx, root, types)
	if err != nil {
		return nil, err
	}
	if err := c.expand(ctx); err != nil {
		return nil, fmt.Errorf("collecting rows deleted with %s: %w", g.Root, err)
	}
	c.link()
	if err := c.readDefaults(ctx); err != nil {
		return nil, err
	}
	c.simulate(t, r)
	return c.result(t, r), nil
}

// Explain opens a read-only REPEATABLE READ transaction on conn, collects
// what deleting the root row would do, and rolls the transaction back.
func Explain(ctx context.Context, conn *pgx.Conn, snap *catalog.Snapshot, g *graph.Graph, root Root, opts Options) (*Result, error) {
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("starting a read-only transaction: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	return Collect(ctx, tx, snap, g, root, opts)
}
