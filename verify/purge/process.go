package purge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// childPage is how many referencing rows one read of an expansion takes.
const childPage = 10000

// sel is a set of rows of one table that belong to the graph: their keys
// and, for rows found through a foreign key, the values that foreign key
// held then. Every statement that changes them checks the foreign key
// still holds one of those values, so a row the application moved out of
// the graph meanwhile is left alone.
type sel struct {
	keys [][]string
	// via is the foreign key the rows were found through (nil for the
	// root row); parents the distinct values of its columns.
	via     *childEdge
	parents [][]string
}

// sub is the same selection restricted to keys.
func (s sel) sub(keys [][]string) sel { return sel{keys: keys, via: s.via, parents: s.parents} }

// filter is the WHERE condition on alias selecting s's rows of t, with its
// arguments from $first on.
func (s sel) filter(t *tableInfo, alias string, first int) (string, []any) {
	cond := t.keyFilter(alias, first)
	args := t.keyArgs(s.keys)
	if s.via != nil {
		exprs := make([]string, len(s.via.fk.Columns))
		for i, c := range s.via.fk.Columns {
			exprs[i] = alias + "." + ident.Quote(c)
		}
		cond += " AND " + inFilter(exprs, s.via.fkTypes, first+len(args))
		args = append(args, columnArgs(len(exprs), s.parents)...)
	}
	return cond, args
}

// process deletes the rows s of t with everything under them: in batches
// sized by what earlier batches of t changed and took, each a DELETE that
// lets PostgreSQL's own ON DELETE actions remove the rows' subtrees. A
// batch over the limits is rolled back and split; a single row whose
// subtree alone is over the limits is expanded.
func (r *runner) process(ctx context.Context, t *tableInfo, s sel) error {
	if r.sum.Workers > 1 {
		return r.processParallel(ctx, t, s)
	}
	return r.processSerial(ctx, t, s)
}

// processSerial is process one batch at a time.
func (r *runner) processSerial(ctx context.Context, t *tableInfo, s sel) error {
	keys := s.keys
	for len(keys) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		if t.expandAll {
			n := min(len(keys), r.lim.rows)
			if err := r.expand(ctx, t, s.sub(keys[:n])); err != nil {
				return err
			}
			keys = keys[n:]
			continue
		}
		n, timeout := r.nextBatch(t, len(keys))
		_, err := r.deleteRows(ctx, t, s.sub(keys[:n]), timeout)
		switch {
		case err == nil:
			keys = keys[n:]
		case errors.Is(err, errTooBig) && n > 1:
			r.split(t, n)
		case errors.Is(err, errTooBig):
			t.expandAll = true
			r.addExpanded(1)
			if err := r.expand(ctx, t, s.sub(keys[:1])); err != nil {
				return err
			}
			keys = keys[1:]
		case errors.Is(err, errThrough):
			r.addExpanded(n)
			if err := r.expand(ctx, t, s.sub(keys[:n])); err != nil {
				return err
			}
			keys = keys[n:]
		default:
			return err
		}
	}
	return nil
}

// expand deletes the rows s of t by hand: first, foreign key by foreign
// key, the rows referencing them (nulled, defaulted, or deleted with
// process, which may expand them in turn), then the rows themselves, whose
// DELETE then finds nothing left under them. Rows being expanded further
// up (a cycle of rows) are skipped: their own expansion deletes them.
func (r *runner) expand(ctx context.Context, t *tableInfo, s sel) error {
	r.push(t, s.keys)
	r.depth++
	defer func() {
		r.pop(t, s.keys)
		r.depth--
	}()
	for _, e := range t.children {
		var after []string
		for {
			keys, parents, err := r.children(ctx, e, s.keys, after)
			if err != nil {
				return err
			}
			if len(keys) == 0 {
				break
			}
			after = keys[len(keys)-1]
			full := len(keys) == childPage
			keys, parents = r.inactive(e.child, keys, parents)
			if len(keys) > 0 {
				cs := sel{keys: keys, via: e, parents: distinct(parents)}
				if e.action == catalog.Cascade {
					err = r.process(ctx, e.child, cs)
				} else {
					err = r.setRows(ctx, e, cs)
				}
				if err != nil {
					return err
				}
			}
			if !full {
				break
			}
		}
	}
	_, err := r.deleteRows(ctx, t, s, r.timeout(&t.est))
	if errors.Is(err, errTooBig) {
		// Rows were added under these meanwhile: delete them and
		// whatever hangs on them now, without limits.
		_, err = r.deleteRows(ctx, t, s, 0)
	}
	switch {
	case errors.Is(err, errThrough) && r.depth > 1:
		// A row being expanded further up references these through a
		// NO ACTION key (a cycle of rows): its own DELETE takes them
		// along, as the DELETE of the root row would.
		r.sum.Deferred += int64(len(s.keys))
		return nil
	case errors.Is(err, errThrough) && t == r.rootT:
		// The root row itself: what is left goes in one statement.
		return r.closed(ctx)
	}
	return err
}

// children reads, in key order after the key after (nil: from the
// start), up to childPage rows referencing the rows keyed parentKeys of e's
// parent table through e, with the values of e's columns.
func (r *runner) children(ctx context.Context, e *childEdge, parentKeys [][]string, after []string) (keys, parents [][]string, err error) {
	c, p := e.child, e.parent
	cols := []string{c.keyText("c")}
	for _, col := range e.fk.Columns {
		cols = append(cols, "c."+ident.Quote(col)+"::text")
	}
	where := p.keyFilter("p", 1)
	args := p.keyArgs(parentKeys)
	if after != nil {
		ks := make([]string, len(c.keyCols))
		vals := make([]string, len(c.keyCols))
		for i, col := range c.keyCols {
			ks[i] = c.col("c", col)
			vals[i] = fmt.Sprintf("$%d::text::%s", len(args)+1, c.keyTypes[i])
			args = append(args, after[i])
		}
		where += fmt.Sprintf(" AND (%s) > (%s)", strings.Join(ks, ", "), strings.Join(vals, ", "))
	}
	q := fmt.Sprintf("SELECT %s FROM %s AS c%s WHERE %s ORDER BY %s LIMIT %d",
		strings.Join(cols, ", "), c.quoted, e.join(), where, c.keyOrder("c"), childPage)
	rows, err := r.query(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("reading rows of %s referencing %s: %w", c.name, p.name, err)
	}
	all, err := scanKeys(rows, len(c.keyCols)+len(e.fk.Columns))
	if err != nil {
		return nil, nil, fmt.Errorf("reading rows of %s referencing %s: %w", c.name, p.name, err)
	}
	for _, row := range all {
		keys = append(keys, row[:len(c.keyCols)])
		parents = append(parents, row[len(c.keyCols):])
	}
	return keys, parents, nil
}

// querier is the part of *pgx.Conn and *pgxpool.Pool that runs a query
// outside a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// query runs a read on its own: without a transaction when the Conn can,
// else in a read-only one. The rows are read before it returns.
func (r *runner) query(ctx context.Context, q string, args ...any) (pgx.Rows, error) {
	if qr, ok := r.conn.(querier); ok {
		return qr.Query(ctx, q, args...)
	}
	tx, err := r.conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		tx.Rollback(context.WithoutCancel(ctx))
		return nil, err
	}
	return &txRows{Rows: rows, tx: tx, ctx: ctx}, nil
}

// txRows ends its read-only transaction when closed.
type txRows struct {
	pgx.Rows
	tx  pgx.Tx
	ctx context.Context
}

func (r *txRows) Close() {
	r.Rows.Close()
	r.tx.Rollback(context.WithoutCancel(r.ctx))
}

// push marks rows of t as being expanded; pop unmarks them.
func (r *runner) push(t *tableInfo, keys [][]string) {
	set := r.active[t]
	if set == nil {
		set = map[string]int{}
		r.active[t] = set
	}
	for _, k := range keys {
		set[keyString(k)]++
	}
}

func (r *runner) pop(t *tableInfo, keys [][]string) {
	set := r.active[t]
	for _, k := range keys {
		ks := keyString(k)
		if set[ks]--; set[ks] <= 0 {
			delete(set, ks)
		}
	}
}

// inactive drops the rows being expanded from keys (and the matching
// parents).
func (r *runner) inactive(t *tableInfo, keys, parents [][]string) ([][]string, [][]string) {
	set := r.active[t]
	if len(set) == 0 {
		return keys, parents
	}
	var k2, p2 [][]string
	for i, k := range keys {
		if _, ok := set[keyString(k)]; !ok {
			k2, p2 = append(k2, k), append(p2, parents[i])
		}
	}
	return k2, p2
}

// distinct returns the distinct tuples of vals.
func distinct(vals [][]string) [][]string {
	seen := make(map[string]struct{}, len(vals))
	var out [][]string
	for _, v := range vals {
		ks := keyString(v)
		if _, ok := seen[ks]; !ok {
			seen[ks] = struct{}{}
			out = append(out, v)
		}
	}
	return out
}
