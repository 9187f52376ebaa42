package oracle

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/ident"
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
	x := &experimenter{tx: tx, snap: snap, g: g, gen: rowgen.New(tx, snap), fks: map[string]*catalog.ForeignKey{}}
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

// chain inserts the root row and one row per constraint of path, each
// pinned to its parent row; extra pins the last row's other columns. It
// returns every inserted row, root first.
func (x *experimenter) chain(ctx context.Context, path []string, extra map[string]*string) ([]*rowgen.Row, error) {
	root, err := x.gen.Insert(ctx, x.g.Root, nil)
	if err != nil {
		return nil, err
	}
	return x.extend(ctx, []*rowgen.Row{root}, path, extra)
}

// extend continues a chain from its last row along path.
func (x *experimenter) extend(ctx context.Context, rows []*rowgen.Row, path []string, extra map[string]*string) ([]*rowgen.Row, error) {
	for i, c := range path {
		fk := x.fks[c]
		if fk == nil {
			return nil, fmt.Errorf("path names unknown constraint %s", c)
		}
		pins, err := pin(fk, rows[len(rows)-1])
		if err != nil {
			return nil, err
		}
		if i == len(path)-1 {
			for k, v := range extra {
				if old, ok := pins[k]; ok && !eq(old, v) {
					return nil, fmt.Errorf("%w: column %s is needed by two foreign keys with different values", errConflict, k)
				}
				pins[k] = v
			}
		}
		row, err := x.gen.Insert(ctx, fk.TableName(), pins)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

var errConflict = errors.New("cannot link")

// pin maps fk's referencing columns to the parent row's referenced values.
func pin(fk *catalog.ForeignKey, parent *rowgen.Row) (map[string]*string, error) {
	if parent.Table != fk.RefTableName() {
		return nil, fmt.Errorf("path broken: %s does not reference %s", fk.Key(), parent.Table)
	}
	pins := map[string]*string{}
	for i, c := range fk.Columns {
		v := parent.Values[fk.RefColumns[i]]
		if old, ok := pins[c]; ok && !eq(old, v) {
			return nil, fmt.Errorf("%w: column %s repeated", errConflict, c)
		}
		pins[c] = v
	}
	return pins, nil
}

func eq(a, b *string) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

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

// alsoCascaded reports whether another ON DELETE CASCADE foreign key of
// the chain's last row references one of the chain's (deleted) rows.
func (x *experimenter) alsoCascaded(rows []*rowgen.Row, except *catalog.ForeignKey) bool {
	row := rows[len(rows)-1]
	for i := range x.snap.ForeignKeys {
		fk := &x.snap.ForeignKeys[i]
		if fk.TableName() != row.Table || fk.Key() == except.Key() || fk.OnDelete != catalog.Cascade {
			continue
		}
		for _, parent := range rows[:len(rows)-1] {
			if parent.Table != fk.RefTableName() {
				continue
			}
			match := true
			for j, c := range fk.Columns {
				v := row.Values[c]
				if v == nil || !eq(v, parent.Values[fk.RefColumns[j]]) {
					match = false
				}
			}
			if match {
				return true
			}
		}
	}
	return false
}

// parentsFor gives row's other foreign keys real parent rows. PostgreSQL
// re-checks every foreign key of a row updated by SET NULL / SET DEFAULT
// when the row was inserted by the same transaction (as every experiment
// row is), so dangling references left by replica-mode inserts would make
// the update fail where production rows would not.
func (x *experimenter) parentsFor(ctx context.Context, row *rowgen.Row, except *catalog.ForeignKey) error {
	for i := range x.snap.ForeignKeys {
		fk := &x.snap.ForeignKeys[i]
		if fk.TableName() != row.Table || fk.Key() == except.Key() {
			continue
		}
		pins := map[string]*string{}
		complete := true
		for j, c := range fk.Columns {
			v := row.Values[c]
			if v == nil {
				complete = false
				break
			}
			pins[fk.RefColumns[j]] = v
		}
		if !complete {
			continue // MATCH SIMPLE: a NULL column means no reference
		}
		where, args := textEquals(fk.RefColumns, pins)
		var exists bool
		q := "SELECT EXISTS (SELECT 1 FROM " + fk.RefTableName().Quoted() + " WHERE " + where + ")"
		if err := x.tx.QueryRow(ctx, q, args...).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			if _, err := x.gen.Insert(ctx, fk.RefTableName(), pins); err != nil {
				return err
			}
		}
	}
	return nil
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

// savepoint runs fn in a savepoint that is always rolled back; an error
// from fn marks the result skipped with the reason.
func (x *experimenter) savepoint(ctx context.Context, r *Result, fn func() error) {
	sp, err := x.tx.Begin(ctx)
	if err != nil {
		r.Skipped = err.Error()
		return
	}
	defer sp.Rollback(ctx)
	if err := fn(); err != nil {
		r.Skipped = err.Error()
	}
}

// deleteRoot deletes the root row in its own savepoint, with every
// constraint checked immediately (so DEFERRABLE ones fail here, as they
// would at commit), and returns the error PostgreSQL raised.
func (x *experimenter) deleteRoot(ctx context.Context, root *rowgen.Row, firstConstraint string) error {
	where, args := textEquals(x.keyColumns(root.Table, firstConstraint), root.Values)
	sp, err := x.tx.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := sp.Exec(ctx, "SET LOCAL session_replication_role = origin"); err != nil {
		return err
	}
	tag, err := sp.Exec(ctx, "DELETE FROM "+root.Table.Quoted()+" WHERE "+where, args...)
	if err == nil && tag.RowsAffected() != 1 {
		err = fmt.Errorf("deleted %d root rows, want 1", tag.RowsAffected())
	}
	if err == nil {
		_, err = sp.Exec(ctx, "SET CONSTRAINTS ALL IMMEDIATE")
	}
	if err != nil {
		_ = sp.Rollback(ctx)
		return err
	}
	// Release (not roll back) so the caller can observe the rows.
	return sp.Commit(ctx)
}

// keyColumns identifies a row: the primary key, else the referenced columns
// of the first constraint on the path.
func (x *experimenter) keyColumns(t catalog.TableName, firstConstraint string) []string {
	if tb := x.snap.Table(t); tb != nil && len(tb.PrimaryKey) > 0 {
		return tb.PrimaryKey
	}
	if fk := x.fks[firstConstraint]; fk != nil {
		return fk.RefColumns
	}
	return nil
}

// outcomeOfDelete turns the DELETE's error into "succeeds" or
// "fails: <constraint>" / "fails: not null <column>".
func outcomeOfDelete(err error) string {
	if err == nil {
		return "succeeds"
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23503", "23001":
			return "fails: " + pgErr.ConstraintName
		case "23502":
			return "fails: not null " + pgErr.ColumnName
		}
	}
	return "error: " + err.Error()
}

// observe reports what happened to row after the DELETE.
func (x *experimenter) observe(ctx context.Context, delErr error, row *rowgen.Row, last *catalog.ForeignKey) (string, error) {
	if delErr != nil {
		return outcomeOfDelete(delErr), nil
	}
	tb := x.snap.Table(row.Table)
	if tb == nil {
		return "", fmt.Errorf("no table %s", row.Table)
	}
	// Identify the row by its primary key, or by every column the
	// action does not touch.
	keyCols := tb.PrimaryKey
	if len(keyCols) == 0 || overlaps(keyCols, setColumns(last)) {
		keyCols = nil
		for _, c := range tb.Columns {
			if !slices.Contains(setColumns(last), c.Name) && row.Values[c.Name] != nil {
				keyCols = append(keyCols, c.Name)
			}
		}
	}
	var outs []string
	for _, c := range setColumns(last) {
		outs = append(outs, ident.Quote(c)+"::text")
	}
	where, args := textEquals(keyCols, row.Values)
	q := "SELECT " + strings.Join(outs, ", ") + " FROM " + row.Table.Quoted()
	if where != "" {
		q += " WHERE " + where
	}
	vals := make([]*string, len(outs))
	dest := make([]any, len(outs))
	for i := range vals {
		dest[i] = &vals[i]
	}
	err := x.tx.QueryRow(ctx, q, args...).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return "deleted", nil
	}
	if err != nil {
		return "", err
	}
	allNull, unchanged := true, true
	for i, c := range setColumns(last) {
		if vals[i] != nil {
			allNull = false
		}
		if !eq(vals[i], row.Values[c]) {
			unchanged = false
		}
	}
	switch {
	case last.OnDelete == catalog.SetNull && allNull:
		return "nulled", nil
	case last.OnDelete == catalog.SetDefault && !unchanged:
		return "defaulted", nil
	case unchanged:
		return "unchanged", nil
	}
	return "changed", nil
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// textEquals builds `"c1"::text = $1 AND ...` for cols with their values,
// comparing as text so every type works the same way.
func textEquals(cols []string, values map[string]*string) (string, []any) {
	conds := make([]string, len(cols))
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = values[c]
		conds[i] = fmt.Sprintf("%s::text = $%d", ident.Quote(c), i+1)
	}
	return strings.Join(conds, " AND "), args
}
