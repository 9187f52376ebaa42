package graph

import (
	"sort"

	"github.com/ondelete/ondelete/catalog"
)

// pathSet holds the paths kept for one table, as edge indices. Cascade
// paths end in a CASCADE edge and are extended further; terminal paths end
// in any other edge (SET NULL, SET DEFAULT, NO ACTION, RESTRICT), which
// does not propagate the delete.
type pathSet struct {
	cascade   [][]int
	terminal  [][]int
	truncated bool
}

// paths finds up to k simple paths (no table visited twice along cascade
// edges) to every affected table, level by level in breadth-first order, so
// the kept paths are the shortest; within a length, paths are ordered
// lexically by their constraints' display names. Each table extends only
// the paths it kept, which bounds the work by k times the number of edges
// however many paths the graph has: this is what keeps 10,000 foreign keys
// fast, and why in cyclic graphs the kept paths are the shortest found this
// way rather than provably the k shortest.
func (w *walk) paths(k int) map[catalog.TableName]*pathSet {
	rank := w.rank
	sets := map[catalog.TableName]*pathSet{w.root: {cascade: [][]int{nil}}}
	get := func(t catalog.TableName) *pathSet {
		s := sets[t]
		if s == nil {
			s = &pathSet{}
			sets[t] = s
		}
		return s
	}
	type step struct {
		table catalog.TableName
		path  []int
	}
	frontier := []step{{w.root, nil}}
	for len(frontier) > 0 {
		cascade := map[catalog.TableName][][]int{}
		terminal := map[catalog.TableName][][]int{}
		for _, f := range frontier {
			for _, ei := range w.out[f.table] {
				e := &w.edges[ei]
				if e.Action != catalog.Cascade {
					terminal[e.To] = append(terminal[e.To], extend(f.path, ei))
					continue
				}
				if e.To == w.root || w.onPath(f.path, e.To) {
					continue // a cycle: reported in Graph.Cycles, not as a path
				}
				cascade[e.To] = append(cascade[e.To], extend(f.path, ei))
			}
		}
		var next []step
		for t, cands := range cascade {
			s := get(t)
			kept := keep(&s.cascade, cands, k, rank)
			if kept < len(cands) {
				s.truncated = true
			}
			for _, p := range s.cascade[len(s.cascade)-kept:] {
				next = append(next, step{t, p})
			}
		}
		for t, cands := range terminal {
			s := get(t)
			if keep(&s.terminal, cands, k, rank) < len(cands) {
				s.truncated = true
			}
		}
		frontier = next
	}
	w.propagateTruncation(sets)
	return sets
}

// keep sorts candidates and appends as many as fit under k to *dst,
// returning how many it kept.
func keep(dst *[][]int, cands [][]int, k int, rank []int) int {
	room := k - len(*dst)
	if room <= 0 {
		return 0
	}
	sort.Slice(cands, func(i, j int) bool { return pathLess(cands[i], cands[j], rank) })
	if len(cands) > room {
		cands = cands[:room]
	}
	*dst = append(*dst, cands...)
	return len(cands)
}

// propagateTruncation marks a table truncated when a deleted table it is
// reached from had paths left out: those paths would have led here too.
func (w *walk) propagateTruncation(sets map[catalog.TableName]*pathSet) {
	var queue []catalog.TableName
	for t, s := range sets {
		if s.truncated && w.deleted(t) {
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		for _, ei := range w.out[t] {
			e := &w.edges[ei]
			s := sets[e.To]
			if e.To == w.root || s == nil || s.truncated {
				continue
			}
			s.truncated = true
			if e.Action == catalog.Cascade {
				queue = append(queue, e.To)
			}
		}
	}
}

// onPath reports whether t is the root or the target of an edge on path.
func (w *walk) onPath(path []int, t catalog.TableName) bool {
	for _, ei := range path {
		if w.edges[ei].To == t {
			return true
		}
	}
	return false
}

// edgeRanks gives each edge its position in lexical order of constraint
// display names, so paths compare by integers.
func (w *walk) edgeRanks() []int {
	idx := make([]int, len(w.edges))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool { return w.edges[idx[i]].Constraint < w.edges[idx[j]].Constraint })
	rank := make([]int, len(w.edges))
	for r, i := range idx {
		rank[i] = r
	}
	return rank
}

// pathLess orders paths by length, then lexically by edge rank.
func pathLess(a, b []int, rank []int) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	for i := range a {
		if a[i] != b[i] {
			return rank[a[i]] < rank[b[i]]
		}
	}
	return false
}

// extend returns a new path: p followed by edge ei.
func extend(p []int, ei int) []int {
	q := make([]int, len(p)+1)
	copy(q, p)
	q[len(p)] = ei
	return q
}

// list merges the cascade and terminal paths (the root's own empty path
// excluded), keeps the k shortest, and spells them out.
func (s *pathSet) list(w *walk, k int) ([][]string, bool) {
	if s == nil {
		return [][]string{}, false
	}
	rank := w.rank
	var all [][]int
	for _, p := range s.cascade {
		if len(p) > 0 {
			all = append(all, p)
		}
	}
	all = append(all, s.terminal...)
	sort.SliceStable(all, func(i, j int) bool { return pathLess(all[i], all[j], rank) })
	truncated := s.truncated
	if len(all) > k {
		all, truncated = all[:k], true
	}
	out := make([][]string, len(all))
	for i, p := range all {
		out[i] = make([]string, len(p))
		for j, ei := range p {
			out[i][j] = w.edges[ei].Constraint
		}
	}
	return out, truncated
}

// shortestPathThrough spells the shortest path from the root through edge
// ei: the first kept cascade path to its deleted table, then the edge.
func (w *walk) shortestPathThrough(ei int) []string {
	var p []int
	if s := w.sets[w.edges[ei].From]; s != nil && len(s.cascade) > 0 {
		p = s.cascade[0]
	}
	out := make([]string, 0, len(p)+1)
	for _, i := range p {
		out = append(out, w.edges[i].Constraint)
	}
	return append(out, w.edges[ei].Constraint)
}
