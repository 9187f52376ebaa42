package purge

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/verify/explain"
)

// pointerChunk is how many rows one pointer query reads.
const pointerChunk = 10000

// schedule orders the deleted rows of a collection children first, so
// that a batch finds its rows referenced by nothing but rows already
// deleted or rows of the same batch, without reading every row again:
//
//   - Tables go in topological order of the foreign keys among them
//     (every foreign key PostgreSQL enforces, whatever its action):
//     referencing tables before referenced ones. That alone orders rows
//     whose tables form no cycle.
//   - Within a group of tables that reference each other in a cycle (a
//     table referencing itself included), rows go in topological order of
//     the references among them, read in the collection's snapshot: a row
//     comes after the rows referencing it, one level later when they are
//     of another table.
//   - The root row, rows in cycles of references, and every row they
//     reference (directly or not; deleting it would cascade into them)
//     are left out, for the closed batch.
//
// stuck counts the rows left out besides the root row.
func (r *runner) schedule(ctx context.Context, tx pgx.Tx, res *explain.Result) (items []item, stuck int, err error) {
	groups := r.tableGroups(res)
	rootKey := keyString(res.RootKey)
	held := map[catalog.TableName]map[string]bool{res.Root: {rootKey: true}}
	seeds := map[*tableInfo][][]string{r.m.tables[res.Root]: {res.RootKey}}
	all := make([]item, 0, resultRows(res))
	for gi, g := range groups {
		placed, err := r.groupOrder(ctx, tx, g)
		if err != nil {
			return nil, 0, err
		}
		for _, p := range placed {
			if p.seq < 0 {
				if held[p.table.name] == nil {
					held[p.table.name] = map[string]bool{}
				}
				held[p.table.name][keyString(p.key)] = true
				seeds[p.table] = append(seeds[p.table], p.key)
				continue
			}
			p.level = gi
			all = append(all, p)
		}
	}
	if err := r.holdReferenced(ctx, tx, seeds, held); err != nil {
		return nil, 0, err
	}
	items = make([]item, 0, len(all))
	for _, p := range all {
		if h := held[p.table.name]; h == nil || !h[keyString(p.key)] {
			items = append(items, p)
		}
	}
	for _, keys := range held {
		stuck += len(keys)
	}
	stuck-- // the root row
	// Tables are numbered in name order so that the sort compares ints.
	ord := map[*tableInfo]int{}
	for _, tr := range res.Tables {
		ord[r.m.tables[tr.Table]] = len(ord)
	}
	for i := range items {
		items[i].tord = ord[items[i].table]
	}
	sort.Slice(items, func(i, j int) bool {
		a, b := &items[i], &items[j]
		switch {
		case a.level != b.level:
			return a.level < b.level
		case a.depth != b.depth:
			return a.depth < b.depth
		case a.tord != b.tord:
			return a.tord < b.tord
		}
		return a.seq < b.seq
	})
	return items, stuck, nil
}

// holdReferenced adds to held every deleted row that a held row
// references, directly or through other such rows, reading the references
// of the held rows only (few: the root row and rows in cycles).
func (r *runner) holdReferenced(ctx context.Context, tx pgx.Tx, frontier map[*tableInfo][][]string, held map[catalog.TableName]map[string]bool) error {
	for len(frontier) > 0 {
		next := map[*tableInfo][][]string{}
		for t, keys := range frontier {
			for i := range r.m.snap.ForeignKeys {
				fk := &r.m.snap.ForeignKeys[i]
				parent := r.m.tables[fk.RefTableName()]
				if fk.TableName() != t.name || parent == nil || len(r.deleted[parent.name]) == 0 {
					continue
				}
				q := pointerSQL(fk, t, parent)
				for start := 0; start < len(keys); start += pointerChunk {
					chunk := keys[start:min(start+pointerChunk, len(keys))]
					err := readPairs(ctx, tx, q, t.keyArgs(chunk), len(t.keyCols), func(_, p string) {
						if _, ok := r.deleted[parent.name][p]; !ok || held[parent.name][p] {
							return
						}
						if held[parent.name] == nil {
							held[parent.name] = map[string]bool{}
						}
						held[parent.name][p] = true
						next[parent] = append(next[parent], splitKey(p, len(parent.keyCols)))
					})
					if err != nil {
						return fmt.Errorf("reading references of %s through %s: %w", t.name, ident.Display(fk.Name), err)
					}
				}
			}
		}
		frontier = next
	}
	return nil
}

// group is the deleted rows of tables that reference each other in a
// cycle, or of one table.
type group struct {
	tables []*tableInfo
	rows   [][]explain.Row
}

// tableGroups groups the tables with deleted rows by the cycles of
// foreign keys among them, in topological order, referencing groups
// first.
func (r *runner) tableGroups(res *explain.Result) []group {
	var trs []explain.TableRows
	id := map[catalog.TableName]int{}
	for _, tr := range res.Tables {
		if len(tr.Deleted) > 0 {
			id[tr.Table] = len(trs)
			trs = append(trs, tr)
		}
	}
	// out[p] lists the tables referencing p: they go first.
	out := make([][]int, len(trs))
	for i := range r.m.snap.ForeignKeys {
		fk := &r.m.snap.ForeignKeys[i]
		c, ok1 := id[fk.TableName()]
		p, ok2 := id[fk.RefTableName()]
		if ok1 && ok2 && c != p {
			out[p] = append(out[p], c)
		}
	}
	// Tarjan's algorithm completes a component after every component it
	// reaches, i.e. after the tables referencing it: its numbering
	// already puts referencing groups first.
	comp, n := components(len(trs), out)
	groups := make([]group, n)
	for i, tr := range trs {
		g := &groups[comp[i]]
		g.tables = append(g.tables, r.m.tables[tr.Table])
		g.rows = append(g.rows, tr.Deleted)
	}
	return groups
}

// groupOrder places the rows of one group: for each row, an item with its
// level within the group (depth) and its place in a topological order
// (seq, -1 for rows in or above a cycle of references). A group that
// cannot reference itself needs no reading: its rows keep their order.
func (r *runner) groupOrder(ctx context.Context, tx pgx.Tx, g group) ([]item, error) {
	n := 0
	in := map[catalog.TableName]bool{}
	for ti, t := range g.tables {
		n += len(g.rows[ti])
		in[t.name] = true
	}
	placed := make([]item, 0, n)
	for ti, t := range g.tables {
		for i, row := range g.rows[ti] {
			placed = append(placed, item{table: t, seq: int32(i), key: row.Key})
		}
	}
	var fks []*catalog.ForeignKey
	for i := range r.m.snap.ForeignKeys {
		fk := &r.m.snap.ForeignKeys[i]
		if in[fk.TableName()] && in[fk.RefTableName()] {
			fks = append(fks, fk)
		}
	}
	if len(fks) == 0 {
		return placed, nil
	}
	at := map[catalog.TableName]map[string]int32{}
	for i := range placed {
		t := placed[i].table.name
		if at[t] == nil {
			at[t] = map[string]int32{}
		}
		at[t][keyString(placed[i].key)] = int32(i)
	}
	// parents[c] lists the rows c references; pending[p] counts the rows
	// referencing p not yet placed.
	parents := make([][]int32, len(placed))
	pending := make([]int32, len(placed))
	for _, fk := range fks {
		child, parent := r.m.tables[fk.TableName()], r.m.tables[fk.RefTableName()]
		cids, pids := at[child.name], at[parent.name]
		var keys [][]string
		for ti, t := range g.tables {
			if t == child {
				keys = rowKeys(g.rows[ti])
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
				return nil, fmt.Errorf("reading references of %s through %s: %w", child.name, ident.Display(fk.Name), err)
			}
		}
	}
	// Kahn's algorithm from the rows nothing references.
	seq := make([]int32, len(placed))
	for i := range seq {
		seq[i] = -1
	}
	var queue []int32
	for i := range placed {
		if pending[i] == 0 {
			queue = append(queue, int32(i))
		}
	}
	for n := int32(0); len(queue) > 0; n++ {
		c := queue[0]
		queue = queue[1:]
		seq[c] = n
		for _, p := range parents[c] {
			d := placed[c].depth
			if placed[p].table != placed[c].table {
				d++
			}
			placed[p].depth = max(placed[p].depth, d)
			if pending[p]--; pending[p] == 0 {
				queue = append(queue, p)
			}
		}
	}
	for i := range placed {
		placed[i].seq = seq[i]
	}
	return placed, nil
}

// components returns the strongly connected component of each node of the
// graph given by out, numbered in the order Tarjan's algorithm completes
// them (a component comes after every component it reaches), and their
// number.
func components(n int, out [][]int) ([]int, int) {
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	comp := make([]int, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	next, count := 0, 0
	var visit func(v int)
	visit = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range out[v] {
			if index[w] < 0 {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp[w] = count
				if w == v {
					break
				}
			}
			count++
		}
	}
	for v := 0; v < n; v++ {
		if index[v] < 0 {
			visit(v)
		}
	}
	return comp, count
}

// pointerSQL reads, for the rows of child keyed by $1.., the key of the
// parent row fk points at: the referencing columns themselves when they
// reference the parent's primary key, which spares a join.
func pointerSQL(fk *catalog.ForeignKey, child, parent *tableInfo) string {
	notNull := make([]string, len(fk.Columns))
	for i, c := range fk.Columns {
		notNull[i] = "t." + ident.Quote(c) + " IS NOT NULL"
	}
	return fmt.Sprintf("SELECT %s, %s FROM %s AS t WHERE %s AND %s",
		child.keyText("t"), strings.Join(parentKeyExprs(edgeRef{fk: fk, parent: parent}), ", "), child.quoted,
		child.keyFilter("t", 1), strings.Join(notNull, " AND "))
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
