package purge

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// closure is what a batch locked (and, with an archive, archived) before
// its DELETE: every row the DELETE and PostgreSQL's actions under it
// change.
type closure struct {
	// rows counts the distinct rows; del the rows to delete per table;
	// upd the updates due per table (a row two foreign keys null counts
	// twice, as PostgreSQL runs two UPDATEs).
	rows     int
	del, upd map[*tableInfo]int
	// pre are rows PostgreSQL would null or default under the batch but
	// that the purge deletes anyway: the batch deletes them first.
	pre map[*tableInfo][][]string
}

// lockClosure locks FOR UPDATE and archives the rows s of t and, foreign
// key by foreign key down the graph, every row their DELETE deletes, nulls
// or defaults, each with its image. Locking goes from the rows down to
// their children, each read a new statement: once a row is locked no row
// can start referencing it (that takes FOR KEY SHARE on it) nor stop (the
// referencing row is locked itself), so the DELETE that follows changes
// exactly the rows archived. It fails with errThrough when a row
// references one of them through a key the purge deletes through:
// PostgreSQL would refuse, so those rows go first.
func (r *runner) lockClosure(ctx context.Context, tx pgx.Tx, t *tableInfo, s sel) (*closure, error) {
	c := &closure{del: map[*tableInfo]int{}, upd: map[*tableInfo]int{}, pre: map[*tableInfo][][]string{}}
	batchNo := r.archiveBatch()
	// lines holds one line per changed row: a row both deleted and
	// nulled is archived as deleted, as PostgreSQL ends up deleting it.
	type entry struct {
		line    ArchiveLine
		deleted bool
	}
	var lines []*entry
	changed := map[*tableInfo]map[string]*entry{}
	add := func(t *tableInfo, op Op, rows []imageRow) ([][]string, error) {
		if changed[t] == nil {
			changed[t] = map[string]*entry{}
		}
		var fresh [][]string
		for _, row := range rows {
			ks := keyString(row.key)
			e := changed[t][ks]
			if e == nil {
				e = &entry{line: ArchiveLine{Table: t.name, Op: op, Key: keyMap(t.keyCols, row.key), Row: row.image, Batch: batchNo}}
				changed[t][ks] = e
				lines = append(lines, e)
				c.rows++
			}
			if op == OpDelete && !e.deleted {
				e.deleted, e.line.Op = true, OpDelete
				fresh = append(fresh, row.key)
			}
		}
		return fresh, nil
	}
	cond, args := s.filter(t, "t", 1)
	top, err := lockImages(ctx, tx, t, "", cond, args)
	if err != nil {
		return nil, err
	}
	keys, err := add(t, OpDelete, top)
	if err != nil {
		return nil, err
	}
	c.del[t] += len(keys)
	type level struct {
		t    *tableInfo
		keys [][]string
	}
	// through holds rows referencing the closure through a NO ACTION /
	// RESTRICT key: PostgreSQL accepts the DELETE only if the closure
	// deletes them too.
	type pending struct {
		t    *tableInfo
		keys [][]string
	}
	var through []pending
	frontier := []level{{t, keys}}
	for len(frontier) > 0 {
		var next []level
		for _, f := range frontier {
			for _, e := range f.t.children {
				join, cond := e.join(), f.t.keyFilter("p", 1)
				rows, err := lockImages(ctx, tx, e.child, join, cond, f.t.keyArgs(f.keys))
				if err != nil {
					return nil, err
				}
				switch {
				case len(rows) == 0:
				case e.through:
					p := pending{t: e.child}
					for _, row := range rows {
						p.keys = append(p.keys, row.key)
					}
					through = append(through, p)
				case e.action == catalog.Cascade:
					fresh, err := add(e.child, OpDelete, rows)
					if err != nil {
						return nil, err
					}
					c.del[e.child] += len(fresh)
					if len(fresh) > 0 {
						next = append(next, level{e.child, fresh})
					}
				default:
					op := OpNull
					if e.action == catalog.SetDefault {
						op = OpDefault
					}
					doomed, kept := r.splitDoomed(e.child, rows)
					if _, err := add(e.child, op, kept); err != nil {
						return nil, err
					}
					c.upd[e.child] += len(kept)
					fresh, err := add(e.child, OpDelete, doomed)
					if err != nil {
						return nil, err
					}
					c.del[e.child] += len(fresh)
					if len(fresh) > 0 {
						c.pre[e.child] = append(c.pre[e.child], fresh...)
						next = append(next, level{e.child, fresh})
					}
				}
			}
		}
		frontier = next
	}
	for _, p := range through {
		for _, k := range p.keys {
			if e := changed[p.t][keyString(k)]; e == nil || !e.deleted {
				return nil, fmt.Errorf("%w: row %v of %s", errThrough, k, p.t.name)
			}
		}
	}
	if r.archive == nil {
		return c, nil
	}
	for _, e := range lines {
		if err := r.archive.add(e.line); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// check compares what the DELETE changed with what was archived: the
// same rows deleted per table, and no more updates than due (a deleted
// row may be nulled first, or not at all).
func (c *closure) check(got []tableCount) error {
	seen := map[*tableInfo]bool{}
	for _, tc := range got {
		seen[tc.t] = true
		if tc.del != c.del[tc.t] || tc.upd > c.upd[tc.t]+c.del[tc.t] {
			return fmt.Errorf("%w: %s: %d deleted and %d updated, %d and at most %d archived",
				errUnarchived, tc.t.name, tc.del, tc.upd, c.del[tc.t], c.upd[tc.t])
		}
	}
	for t, n := range c.del {
		if n > 0 && !seen[t] {
			return fmt.Errorf("%w: %s: none deleted, %d archived", errUnarchived, t.name, n)
		}
	}
	return nil
}

// imageRow is a locked row's key and JSON image.
type imageRow struct {
	key   []string
	image []byte
}

// lockImages locks FOR UPDATE, in key order, the rows of t (alias c)
// joined with join and matching cond, and reads their keys and images.
func lockImages(ctx context.Context, tx pgx.Tx, t *tableInfo, join, cond string, args []any) ([]imageRow, error) {
	alias := "t"
	if join != "" {
		alias = "c"
	}
	q := fmt.Sprintf("SELECT %s, to_jsonb(%s.*)::text FROM %s AS %s%s WHERE %s ORDER BY %s FOR UPDATE OF %s",
		t.keyText(alias), alias, t.quoted, alias, join, cond, t.keyOrder(alias), alias)
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("locking rows of %s: %w", t.name, err)
	}
	raw, err := scanKeys(rows, len(t.keyCols)+1)
	if err != nil {
		return nil, fmt.Errorf("locking rows of %s: %w", t.name, err)
	}
	out := make([]imageRow, len(raw))
	for i, row := range raw {
		out[i] = imageRow{key: row[:len(t.keyCols)], image: []byte(row[len(t.keyCols)])}
	}
	return out, nil
}

// join is the JOIN of e's parent table (alias p) onto its child (alias c).
func (e *childEdge) join() string {
	on := make([]string, len(e.fk.Columns))
	for i := range e.fk.Columns {
		on[i] = "p." + ident.Quote(e.fk.RefColumns[i]) + " = c." + ident.Quote(e.fk.Columns[i])
	}
	return fmt.Sprintf(" JOIN %s AS p ON %s", e.parent.quoted, strings.Join(on, " AND "))
}

// keyMap pairs key columns with values, the archive's "key".
func keyMap(cols, vals []string) map[string]string {
	m := make(map[string]string, len(cols))
	for i, c := range cols {
		m[c] = vals[i]
	}
	return m
}

// splitDoomed splits rows into those the DELETE of the root row deletes
// (found so by the blocker check) and the others.
func (r *runner) splitDoomed(t *tableInfo, rows []imageRow) (doomed, kept []imageRow) {
	set := r.doomed[t]
	if len(set) == 0 {
		return nil, rows
	}
	for _, row := range rows {
		if set[keyString(row.key)] {
			doomed = append(doomed, row)
		} else {
			kept = append(kept, row)
		}
	}
	return doomed, kept
}

// preCTE is a WITH clause deleting c.pre, to put before the batch's
// DELETE so that they go in the same statement: PostgreSQL then checks
// NO ACTION keys and runs SET NULL actions once all of them are gone. The
// keys are appended to args. Empty for a nil closure or nothing to do.
func (c *closure) preCTE(args *[]any) string {
	if c == nil || len(c.pre) == 0 {
		return ""
	}
	var parts []string
	for t, keys := range c.pre {
		cond := t.keyFilter("t", len(*args)+1)
		*args = append(*args, t.keyArgs(keys)...)
		parts = append(parts, fmt.Sprintf("pre%d AS (DELETE FROM %s AS t WHERE %s)", len(parts)+1, t.quoted, cond))
	}
	return "WITH " + strings.Join(parts, ", ") + " "
}
