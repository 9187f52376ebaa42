package oracle

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/internal/rowgen"
)

// Result is one experiment: rows inserted along foreign-key paths, the root
// row deleted, and what PostgreSQL did compared with what the graph said.
type Result struct {
	// Name says what was tried, e.g. "path users→posts.posts_user_id_fkey".
	Name string
	// Expect and Observed describe the outcome ("deleted", "nulled",
	// "defaulted", "fails: <constraint>", "succeeds").
	Expect, Observed string
	// OK is true when Observed satisfies Expect.
	OK bool
	// Skipped, when set, says why no experiment could be run.
	Skipped string
}

// Options bound the work.
type Options struct {
	// PathsPerTable is how many of each table's paths are tried (default 2).
	PathsPerTable int
}

// DeleteExperiments checks graph g against PostgreSQL: for each affected
// table and each of its first paths, it inserts one row per table along
// the path (linked by the foreign-key columns), deletes the root row, and
// observes the last row: deleted, nulled, defaulted, or the DELETE failing
// on that constraint. For each conditional blocker it runs two more: a
// referencing row that the DELETE does not otherwise reach (must fail) and
// one it also deletes through the table's own path (must succeed, fail, or
// either, as the blocker's timing says). Everything runs in one
// transaction that is rolled back.
func DeleteExperiments(ctx context.Context, conn *pgx.Conn, snap *catalog.Snapshot, g *graph.Graph, opts Options) ([]Result, error) {
	if opts.PathsPerTable == 0 {
		opts.PathsPerTable = 2
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	x := &experimenter{tx: tx, snap: snap, g: g, gen: rowgen.New(tx, snap, rowgen.Options{Replica: true}), fks: map[string]*catalog.ForeignKey{}}
	for i := range snap.ForeignKeys {
		fk := &snap.ForeignKeys[i]
		x.fks[fk.Key().String()] = fk
	}
	var results []Result
	for _, t := range g.Tables {
		for i, path := range t.Paths {
			if i == opts.PathsPerTable {
				break
			}
			results = append(results, x.pathExperiment(ctx, path))
		}
	}
	for _, b := range g.Blockers {
		if b.Kind == graph.Conditional && len(b.NotNullColumns) == 0 {
			results = append(results, x.conditionalExperiments(ctx, b)...)
		}
	}
	return results, nil
}

type experimenter struct {
	tx   pgx.Tx
	snap *catalog.Snapshot
	g    *graph.Graph
	gen  *rowgen.Gen
	fks  map[string]*catalog.ForeignKey
}

// pathExperiment follows one path and checks what the last edge's action
// does to the last row.
func (x *experimenter) pathExperiment(ctx context.Context, path []string) Result {
	last := x.fks[path[len(path)-1]]
	r := Result{Name: "path " + strings.Join(path, " → ")}
	if last == nil {
		r.Skipped = "unknown constraint"
		return r
	}
	r.Expect = expectFor(last, x.snap)
	x.savepoint(ctx, &r, func() error {
		rows, err := x.chain(ctx, path, nil)
		if err != nil {
			return err
		}
		// Foreign keys that share columns with the last edge (a composite
		// key overlapping a single-column one) can link the last row to
		// other deleted rows of the chain; a cascade among them wins.
		if x.alsoCascaded(rows, last) {
			r.Expect = "deleted"
		}
		if last.OnDelete == catalog.SetNull || last.OnDelete == catalog.SetDefault {
			if err := x.parentsFor(ctx, rows[len(rows)-1], last); err != nil {
				return err
			}
		}
		delErr := x.deleteRoot(ctx, rows[0], path[0])
		r.Observed, err = x.observe(ctx, delErr, rows[len(rows)-1], last)
		return err
	})
	r.OK = r.Skipped == "" && r.Observed == r.Expect
	// A SET DEFAULT whose default key has no parent row fails on the
	// constraint itself: that is PostgreSQL's answer, not a graph error.
	if !r.OK && last.OnDelete == catalog.SetDefault && r.Observed == "fails: "+last.Name {
		r.OK = true
	}
	return r
}

// expectFor is what the graph model says the last edge does to one row that
// only this path reaches.
func expectFor(fk *catalog.ForeignKey, snap *catalog.Snapshot) string {
	switch fk.OnDelete {
	case catalog.Cascade:
		return "deleted"
	case catalog.SetNull:
		if t := snap.Table(fk.TableName()); t != nil {
			for _, c := range setColumns(fk) {
				if col := t.Column(c); col != nil && col.NotNull {
					return "fails: not null " + c
				}
			}
		}
		return "nulled"
	case catalog.SetDefault:
		return "defaulted"
	}
	return "fails: " + fk.Name
}

func setColumns(fk *catalog.ForeignKey) []string {
	if len(fk.OnDeleteColumns) > 0 {
		return fk.OnDeleteColumns
	}
	return fk.Columns
}

// conditionalExperiments test a conditional blocker b (referencing table T
// deleted through its own path P_T, blocking edge into D).
func (x *experimenter) conditionalExperiments(ctx context.Context, b graph.Blocker) []Result {
	fk := x.fks[b.Key().String()]
	dPath := x.pathTo(b.RefTableName())
	tPath := x.cascadePathTo(b.TableName())
	alone := Result{Name: "conditional blocker " + b.Key().String() + ": row not otherwise deleted", Expect: "fails: " + b.Constraint}
	both := Result{Name: "conditional blocker " + b.Key().String() + ": row also deleted along " + strings.Join(tPath, " → ")}
	switch b.Timing {
	case graph.TimingAfterCascades, graph.TimingAtCommit:
		both.Expect = "succeeds"
	case graph.TimingBeforeCascades:
		both.Expect = "fails: " + b.Constraint
	default:
		both.Expect = "either"
	}
	if fk == nil || (dPath == nil && b.RefTableName() != x.g.Root) || (tPath == nil && b.TableName() != x.g.Root) {
		alone.Skipped, both.Skipped = "no path to reproduce", "no path to reproduce"
		return []Result{alone, both}
	}
	// alone: T row references D's row through fk only.
	x.savepoint(ctx, &alone, func() error {
		rows, err := x.chain(ctx, dPath, nil)
		if err != nil {
			return err
		}
		pins, err := pin(fk, rows[len(rows)-1])
		if err != nil {
			return err
		}
		if _, err := x.gen.Insert(ctx, fk.TableName(), pins); err != nil {
			return err
		}
		alone.Observed = outcomeOfDelete(x.deleteRoot(ctx, rows[0], firstOr(dPath, tPath)))
		return nil
	})
	alone.OK = alone.Skipped == "" && alone.Observed == alone.Expect
	// both: T row references D's row through fk and its parent on P_T.
	x.savepoint(ctx, &both, func() error {
		rows, err := x.chain(ctx, dPath, nil)
		if err != nil {
			return err
		}
		pins, err := pin(fk, rows[len(rows)-1])
		if err != nil {
			return err
		}
		if len(tPath) == 0 {
			return fmt.Errorf("%w: blocking table is the root", errConflict)
		}
		// The T chain starts at the same root row.
		tRows, err := x.extend(ctx, []*rowgen.Row{rows[0]}, tPath, pins)
		if err != nil {
			return err
		}
		_ = tRows
		both.Observed = outcomeOfDelete(x.deleteRoot(ctx, rows[0], firstOr(dPath, tPath)))
		return nil
	})
	both.OK = both.Skipped == "" && (both.Observed == both.Expect ||
		(both.Expect == "either" && (both.Observed == "succeeds" || both.Observed == "fails: "+b.Constraint)))
	return []Result{alone, both}
}

func firstOr(a, b []string) string {
	if len(a) > 0 {
		return a[0]
	}
	if len(b) > 0 {
		return b[0]
	}
	return ""
}

// pathTo returns the first path to a deleted table (nil for the root).
func (x *experimenter) pathTo(t catalog.TableName) []string {
	for _, gt := range x.g.Tables {
		if gt.TableName == t && len(gt.Paths) > 0 && gt.Outcome != graph.OutcomeRoot {
			return gt.Paths[0]
		}
	}
	return nil
}

// cascadePathTo returns the shortest path to t made of cascades only.
func (x *experimenter) cascadePathTo(t catalog.TableName) []string {
	for _, gt := range x.g.Tables {
		if gt.TableName != t {
			continue
		}
		for _, p := range gt.Paths {
			if fk := x.fks[p[len(p)-1]]; fk != nil && fk.OnDelete == catalog.Cascade {
				return p
			}
		}
	}
	return nil
}
