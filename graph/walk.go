package graph

import (
	"sort"

	"github.com/ondelete/ondelete/catalog"
)

// walk holds the state of one Build: which tables are deleted and at what
// depth, and the edges out of deleted tables.
type walk struct {
	b    *Builder
	root catalog.TableName
	// depth is the cascade depth of every deleted table (root = 0): the
	// trigger round in which PostgreSQL deletes its rows.
	depth map[catalog.TableName]int
	// edges are all foreign keys into deleted tables, sorted; fks[i] is
	// the catalog foreign key behind edges[i].
	edges []Edge
	fks   []*catalog.ForeignKey
	// out lists edge indices by From table, in edge order.
	out map[catalog.TableName][]int
	// in lists edge indices by To table, in edge order.
	in map[catalog.TableName][]int
	// rank is each edge's position in lexical order of constraint names.
	rank []int
	// sets holds the paths kept per table.
	sets map[catalog.TableName]*pathSet
}

func newWalk(b *Builder, root catalog.TableName) *walk {
	return &walk{b: b, root: root, depth: map[catalog.TableName]int{root: 0}}
}

// reach finds every table deleted through cascades and its depth, by
// breadth-first search from the root, so each depth is the shortest chain.
func (w *walk) reach() {
	queue := []catalog.TableName{w.root}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		for _, fk := range w.b.byRef[t] {
			if fk.OnDelete != catalog.Cascade {
				continue
			}
			child := fk.TableName()
			if _, seen := w.depth[child]; !seen {
				w.depth[child] = w.depth[t] + 1
				queue = append(queue, child)
			}
		}
	}
}

// deleted reports whether the DELETE removes rows of t (t is the root or
// reached by cascades).
func (w *walk) deleted(t catalog.TableName) bool {
	_, ok := w.depth[t]
	return ok
}

// collectEdges records every foreign key into a deleted table.
func (w *walk) collectEdges() {
	for t := range w.depth {
		for _, fk := range w.b.byRef[t] {
			w.fks = append(w.fks, fk)
		}
	}
	sort.Slice(w.fks, func(i, j int) bool {
		a, b := w.fks[i], w.fks[j]
		if a.RefTableName() != b.RefTableName() {
			return a.RefTableName().Less(b.RefTableName())
		}
		return fkLess(a, b)
	})
	w.edges = make([]Edge, len(w.fks))
	w.out = map[catalog.TableName][]int{}
	w.in = map[catalog.TableName][]int{}
	for i, fk := range w.fks {
		cols := fk.Columns
		if len(fk.OnDeleteColumns) > 0 && (fk.OnDelete == catalog.SetNull || fk.OnDelete == catalog.SetDefault) {
			cols = fk.OnDeleteColumns
		}
		w.edges[i] = Edge{
			Constraint: fk.Key().String(),
			Name:       fk.Name,
			From:       fk.RefTableName(),
			To:         fk.TableName(),
			Action:     fk.OnDelete,
			Columns:    append([]string{}, cols...),
		}
		w.out[fk.RefTableName()] = append(w.out[fk.RefTableName()], i)
		w.in[fk.TableName()] = append(w.in[fk.TableName()], i)
	}
	w.rank = w.edgeRanks()
}

// affected returns every table in the graph, sorted: deleted tables and
// the referencing tables of every edge.
func (w *walk) affected() []catalog.TableName {
	set := make(map[catalog.TableName]bool, len(w.depth)+len(w.in))
	for t := range w.depth {
		set[t] = true
	}
	for t := range w.in {
		set[t] = true
	}
	names := make([]catalog.TableName, 0, len(set))
	for t := range set {
		names = append(names, t)
	}
	sortNames(names)
	return names
}

// actionOrder is the order Table.Via lists actions in: destructive first.
var actionOrder = []catalog.Action{catalog.Cascade, catalog.SetNull, catalog.SetDefault, catalog.Restrict, catalog.NoAction}

// tables returns the affected tables with outcomes, depths and paths.
func (w *walk) tables() []Table {
	names := w.affected()
	out := make([]Table, 0, len(names))
	for _, name := range names {
		t := Table{TableName: name, Outcome: OutcomeBlocked, Via: []catalog.Action{}}
		seen := map[catalog.Action]bool{}
		minDepth := -1
		for _, ei := range w.in[name] {
			e := &w.edges[ei]
			seen[e.Action] = true
			if o := outcomeOf(e.Action); o.rank() < t.Outcome.rank() {
				t.Outcome = o
			}
			if d := w.depth[e.From] + 1; minDepth < 0 || d < minDepth {
				minDepth = d
			}
		}
		for _, a := range actionOrder {
			if seen[a] {
				t.Via = append(t.Via, a)
			}
		}
		t.Depth = minDepth
		if d, ok := w.depth[name]; ok {
			t.Depth = d
		}
		if name == w.root {
			t.Outcome = OutcomeRoot
		}
		p := w.sets[name]
		t.Paths, t.PathsTruncated = p.list(w, w.b.maxPaths)
		out = append(out, t)
	}
	return out
}

// sortNames sorts table names by (schema, table).
func sortNames(names []catalog.TableName) {
	sort.Slice(names, func(i, j int) bool { return names[i].Less(names[j]) })
}
