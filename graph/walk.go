package graph

import (
	"sort"

	"github.com/ondelete/ondelete/catalog"
)

// walk holds the state of one Build. Tables are Builder ids throughout.
type walk struct {
	b    *Builder
	root int
	// depth is the cascade depth of every deleted table (root = 0), the
	// trigger round in which PostgreSQL deletes its rows; -1 when the
	// table is not deleted.
	depth []int
	// deletedIDs lists deleted tables in ascending id order.
	deletedIDs []int
	// edges are all foreign keys into deleted tables, sorted by (from,
	// to, constraint); efk, from and to give each edge's fk index and
	// table ids.
	edges []Edge
	efk   []int
	from  []int
	to    []int
	// out and in list edge indices per table id, in edge order.
	out [][]int
	in  [][]int
	// rank is each edge's position in lexical order of constraint names.
	rank []int
	// sets holds the paths kept per table id (nil when none).
	sets []*pathSet
}

func newWalk(b *Builder, root int) *walk {
	w := &walk{b: b, root: root, depth: make([]int, len(b.names)), edges: []Edge{}}
	for i := range w.depth {
		w.depth[i] = -1
	}
	w.depth[root] = 0
	return w
}

// reach finds every table deleted through cascades and its depth, by
// breadth-first search from the root, so each depth is the shortest chain.
func (w *walk) reach() {
	queue := []int{w.root}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		for _, fi := range w.b.byRef[t] {
			if w.b.fks[fi].OnDelete != catalog.Cascade {
				continue
			}
			if c := w.b.fkChild[fi]; w.depth[c] < 0 {
				w.depth[c] = w.depth[t] + 1
				queue = append(queue, c)
			}
		}
	}
	for id, d := range w.depth {
		if d >= 0 {
			w.deletedIDs = append(w.deletedIDs, id)
		}
	}
}

// deleted reports whether the DELETE removes rows of table t (the root or
// a table reached by cascades).
func (w *walk) deleted(t int) bool { return w.depth[t] >= 0 }

// collectEdges records every foreign key into a deleted table. Visiting
// deleted tables in id order and their keys in fk order yields the edges
// already sorted by (from, to, constraint).
func (w *walk) collectEdges() {
	w.out = make([][]int, len(w.b.names))
	w.in = make([][]int, len(w.b.names))
	n := 0
	for _, t := range w.deletedIDs {
		n += len(w.b.byRef[t])
	}
	w.edges = make([]Edge, 0, n)
	w.efk, w.from, w.to = make([]int, 0, n), make([]int, 0, n), make([]int, 0, n)
	for _, t := range w.deletedIDs {
		for _, fi := range w.b.byRef[t] {
			fk := w.b.fks[fi]
			cols := fk.Columns
			if len(fk.OnDeleteColumns) > 0 && (fk.OnDelete == catalog.SetNull || fk.OnDelete == catalog.SetDefault) {
				cols = fk.OnDeleteColumns
			}
			i, c := len(w.edges), w.b.fkChild[fi]
			w.edges = append(w.edges, Edge{
				Constraint: w.b.fkKey[fi],
				Name:       fk.Name,
				From:       w.b.names[t],
				To:         w.b.names[c],
				Action:     fk.OnDelete,
				Columns:    cols,
			})
			w.efk = append(w.efk, fi)
			w.from = append(w.from, t)
			w.to = append(w.to, c)
			w.out[t] = append(w.out[t], i)
			w.in[c] = append(w.in[c], i)
		}
	}
	w.rank = w.edgeRanks()
}

// affected returns the ids of every table in the graph, ascending:
// deleted tables and the referencing tables of every edge.
func (w *walk) affected() []int {
	var ids []int
	for id := range w.b.names {
		if w.deleted(id) || len(w.in[id]) > 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// actionOrder is the order Table.Via lists actions in: destructive first.
var actionOrder = [...]catalog.Action{catalog.Cascade, catalog.SetNull, catalog.SetDefault, catalog.Restrict, catalog.NoAction}

// tables returns the affected tables with outcomes, depths and paths.
func (w *walk) tables() []Table {
	ids := w.affected()
	out := make([]Table, 0, len(ids))
	for _, id := range ids {
		t := Table{TableName: w.b.names[id], Outcome: OutcomeBlocked, Via: []catalog.Action{}}
		var seen [len(actionOrder)]bool
		minDepth := -1
		for _, ei := range w.in[id] {
			a := w.edges[ei].Action
			for i := range actionOrder {
				if actionOrder[i] == a {
					seen[i] = true
				}
			}
			if o := outcomeOf(a); o.rank() < t.Outcome.rank() {
				t.Outcome = o
			}
			if d := w.depth[w.from[ei]] + 1; minDepth < 0 || d < minDepth {
				minDepth = d
			}
		}
		for i, a := range actionOrder {
			if seen[i] {
				t.Via = append(t.Via, a)
			}
		}
		t.Depth = minDepth
		if w.deleted(id) {
			t.Depth = w.depth[id]
		}
		if id == w.root {
			t.Outcome = OutcomeRoot
		}
		t.Paths, t.PathsTruncated = w.sets[id].list(w, w.b.maxPaths)
		out = append(out, t)
	}
	return out
}

// sortNames sorts table names by (schema, table).
func sortNames(names []catalog.TableName) {
	sort.Slice(names, func(i, j int) bool { return names[i].Less(names[j]) })
}
