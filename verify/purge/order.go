package purge

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/verify/explain"
)

// pointerChunk is how many referencing rows one pointer query reads.
const pointerChunk = 10000

// schedule orders the deleted rows of a collection children first, so
// that every batch finds its rows referenced by nothing but rows already
// deleted or rows of the same batch. It reads, inside the collection's
// transaction, which deleted row each deleted row references through each
// foreign key PostgreSQL enforces, and levels the rows: a row's level is
// at least its referencing rows' levels, plus one when they are of
// another table. Batches then run by level, one table at a time, and
// within a table in topological order (a subtree of a self-referencing
// table goes in one batch). Rows in cycles of references, and the rows
// they reference, get no level: they are left to the closed batch. The
// root row is left out; stuck counts the rows left out besides it.
func (r *runner) schedule(ctx context.Context, tx pgx.Tx, res *explain.Result) (items []item, stuck int, err error) {
	type node struct {
		table *tableInfo
		key   []string
		depth int
	}
	var nodes []node
	ids := map[catalog.TableName]map[string]int32{}
	for _, tr := range res.Tables {
		if len(tr.Deleted) == 0 {
			continue
		}
		t := r.m.tables[tr.Table]
		m := make(map[string]int32, len(tr.Deleted))
		for _, row := range tr.Deleted {
			m[keyString(row.Key)] = int32(len(nodes))
			nodes = append(nodes, node{table: t, key: row.Key, depth: row.Depth})
		}
		ids[tr.Table] = m
	}
	// parents[c] lists the rows c references; pending[p] counts the rows
	// referencing p not yet levelled.
	parents := make([][]int32, len(nodes))
	pending := make([]int32, len(nodes))
	for i := range r.m.snap.ForeignKeys {
		fk := &r.m.snap.ForeignKeys[i]
		cids, pids := ids[fk.TableName()], ids[fk.RefTableName()]
		if cids == nil || pids == nil {
			continue
		}
		child, parent := r.m.tables[fk.TableName()], r.m.tables[fk.RefTableName()]
		var keys [][]string
		for _, tr := range res.Tables {
			if tr.Table == child.name {
				keys = rowKeys(tr.Deleted)
			}
		}
		q := pointerSQL(fk, child, parent)
		for start := 0; start < len(keys); start += pointerChunk {
			chunk := keys[start:min(start+pointerChunk, len(keys))]
			err := readPairs(ctx, tx, q, child.keyArgs(chunk), len(child.keyCols), func(c, p string) {
				ci, ok1 := cids[c]
				pi, ok2 := pids[p]
				if ok1 && ok2 && ci != pi {
					parents[ci] = append(parents[ci], pi)
					pending[pi]++
				}
			})
			if err != nil {
				return nil, 0, fmt.Errorf("reading references of %s through %s: %w", child.name, ident.Display(fk.Name), err)
			}
		}
	}
	// Kahn's algorithm from the rows nothing references.
	level := make([]int32, len(nodes))
	seq := make([]int32, len(nodes))
	for i := range seq {
		seq[i] = -1
	}
	var queue []int32
	for i := range nodes {
		if pending[i] == 0 {
			queue = append(queue, int32(i))
		}
	}
	n := int32(0)
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		seq[c] = n
		n++
		for _, p := range parents[c] {
			l := level[c]
			if nodes[p].table != nodes[c].table {
				l++
			}
			level[p] = max(level[p], l)
			if pending[p]--; pending[p] == 0 {
				queue = append(queue, p)
			}
		}
	}
	rootKey := keyString(res.RootKey)
	for i, nd := range nodes {
		if nd.table.name == res.Root && keyString(nd.key) == rootKey {
			continue
		}
		if seq[i] < 0 {
			stuck++
			continue
		}
		items = append(items, item{table: nd.table, level: int(level[i]), seq: seq[i], key: nd.key})
	}
	sort.Slice(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.level != b.level {
			return a.level < b.level
		}
		if a.table != b.table {
			return a.table.name.Less(b.table.name)
		}
		return a.seq < b.seq
	})
	return items, stuck, nil
}

// pointerSQL reads, for the rows of child keyed by $1.., the key of the
// parent row fk points at.
func pointerSQL(fk *catalog.ForeignKey, child, parent *tableInfo) string {
	return fmt.Sprintf("SELECT %s, %s FROM %s AS t%s WHERE %s",
		child.keyText("t"), parent.keyText("p0"), child.quoted,
		joinParent(edgeRef{fk: fk, parent: parent}, "t", "p0"), child.keyFilter("t", 1))
}

// readPairs runs q and calls fn with each row's first n columns and the
// rest as two keys; rows whose parent is missing (NULL) are skipped.
func readPairs(ctx context.Context, tx pgx.Tx, q string, args []any, n int, fn func(child, parent string)) error {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		raw := rows.RawValues()
		c := make([]string, n)
		for i := range c {
			c[i] = string(raw[i])
		}
		p := make([]string, len(raw)-n)
		null := false
		for i := range p {
			if raw[n+i] == nil {
				null = true
			}
			p[i] = string(raw[n+i])
		}
		if !null {
			fn(keyString(c), keyString(p))
		}
	}
	return rows.Err()
}
