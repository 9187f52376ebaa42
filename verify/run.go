package verify

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/internal/rowgen"
)

// ErrInTransaction is returned when the connection is already inside a
// transaction: Run must own the transaction it rolls back.
var ErrInTransaction = errors.New("verify needs a connection outside any transaction")

// rollbackTimeout bounds the final ROLLBACK, which runs even after ctx is
// cancelled.
const rollbackTimeout = 10 * time.Second

// Run verifies graph g (built from snap) on the database behind conn: see
// the package documentation. It returns an error only when it could not
// run at all (connection lost, ctx cancelled, catalog unreadable); what it
// could not check is reported as skipped. Whatever happens, the
// transaction it opens is rolled back before Run returns.
func Run(ctx context.Context, conn *pgx.Conn, snap *catalog.Snapshot, g *graph.Graph, opts Options) (*Report, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if snap.Table(g.Root) == nil {
		return nil, fmt.Errorf("root %s is not in the snapshot", g.Root)
	}
	if conn.PgConn().TxStatus() != 'I' {
		return nil, ErrInTransaction
	}
	return run(ctx, conn, snap, g, opts)
}

// run does the work inside one transaction that it always rolls back.
func run(ctx context.Context, conn *pgx.Conn, snap *catalog.Snapshot, g *graph.Graph, opts Options) (rep *Report, err error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("beginning the verify transaction: %w", err)
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		rbErr := tx.Rollback(rctx)
		if err == nil && rbErr != nil && !errors.Is(rbErr, pgx.ErrTxClosed) {
			rep, err = nil, fmt.Errorf("rolling back the verify transaction: %w", rbErr)
		}
	}()
	if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL lock_timeout = %d", opts.LockTimeout.Milliseconds())); err != nil {
		return nil, fmt.Errorf("setting lock_timeout: %w", err)
	}
	mode, err := enterMode(ctx, tx, opts.Mode)
	if err != nil {
		return nil, err
	}
	r, err := newRunner(ctx, tx, snap, g, opts, mode)
	if err != nil {
		return nil, err
	}
	rep = &Report{Version: Version, Root: g.Root, Mode: mode, Tables: []TableResult{}, Warnings: []string{}}
	before, seqErr := readSequences(ctx, tx)
	root, rootErr := r.insert(ctx, g.Root, nil, r.parentsFor(false), 0)
	if rootErr != nil && r.fatal(rootErr) {
		return nil, rootErr
	}
	for _, c := range plan(snap, g) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var res TableResult
		if rootErr != nil {
			res = c.result()
			res.Status, res.Reason = StatusSkipped, "could not insert the canary root row: "+rootErr.Error()
		} else if res, err = r.experiment(ctx, c, root); err != nil {
			return nil, err
		}
		rep.add(res)
		if opts.OnTable != nil {
			opts.OnTable(res)
		}
	}
	after, err := readSequences(ctx, tx)
	if err = errors.Join(seqErr, err); err != nil {
		if r.fatal(err) {
			return nil, err
		}
		rep.Warnings = append(rep.Warnings, "could not compare sequences before and after the run: "+err.Error())
	} else {
		rep.Warnings = append(rep.Warnings, sequenceWarnings(before, after)...)
	}
	return rep, nil
}

// enterMode sets session_replication_role = replica for the rest of the
// transaction when want allows it and PostgreSQL agrees.
func enterMode(ctx context.Context, tx pgx.Tx, want Mode) (Mode, error) {
	if want == ModeParents {
		return ModeParents, nil
	}
	sp, err := tx.Begin(ctx)
	if err != nil {
		return "", fmt.Errorf("opening a savepoint: %w", err)
	}
	_, err = sp.Exec(ctx, "SET LOCAL session_replication_role = replica")
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		if err := sp.Commit(ctx); err != nil {
			return "", fmt.Errorf("releasing a savepoint: %w", err)
		}
		return ModeReplica, nil
	case errors.As(err, &pgErr) && pgErr.Code == "42501" && want == ModeAuto:
		if err := sp.Rollback(ctx); err != nil {
			return "", fmt.Errorf("rolling back to a savepoint: %w", err)
		}
		return ModeParents, nil
	}
	return "", fmt.Errorf("setting session_replication_role = replica: %w", err)
}

// runner holds what the experiments share.
type runner struct {
	tx    pgx.Tx
	snap  *catalog.Snapshot
	g     *graph.Graph
	opts  Options
	mode  Mode
	gen   *rowgen.Gen
	fks   map[string]*catalog.ForeignKey
	fksOf map[catalog.TableName][]*catalog.ForeignKey
	// triggers lists, per table, the user INSERT triggers that would
	// fire on a canary row in this mode.
	triggers map[catalog.TableName][]string
}

func newRunner(ctx context.Context, tx pgx.Tx, snap *catalog.Snapshot, g *graph.Graph, opts Options, mode Mode) (*runner, error) {
	r := &runner{tx: tx, snap: snap, g: g, opts: opts, mode: mode,
		// A random start keeps concurrent runs from choosing the same
		// keys and waiting on each other's uncommitted rows.
		gen:   rowgen.New(tx, snap, rowgen.Options{Counter: 1000 + rand.Int64N(1<<20)}),
		fks:   map[string]*catalog.ForeignKey{},
		fksOf: map[catalog.TableName][]*catalog.ForeignKey{},
	}
	for i := range snap.ForeignKeys {
		fk := &snap.ForeignKeys[i]
		r.fks[fk.Key().String()] = fk
		r.fksOf[fk.TableName()] = append(r.fksOf[fk.TableName()], fk)
	}
	var err error
	if r.triggers, err = insertTriggers(ctx, tx, mode); err != nil {
		return nil, err
	}
	return r, nil
}

// fatal reports whether err ends the whole run rather than one check.
func (r *runner) fatal(err error) bool {
	return r.tx.Conn().IsClosed() || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// result is c's report line, without a verdict.
func (c *check) result() TableResult {
	res := TableResult{Schema: c.table.Schema, Table: c.table.Name, Check: c.kind, Path: c.path(), Expected: c.expect.String()}
	if c.fk != nil {
		res.Constraint = c.fk.Name
	}
	return res
}
