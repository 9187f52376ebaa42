package graph

import (
	"slices"
	"sort"

	"github.com/ondelete/ondelete/catalog"
)

// pathSet holds the paths kept for one table, as edge indices. Cascade
// paths end in a CASCADE edge and are extended further; terminal paths end
// in any other edge (SET NULL, SET DEFAULT, NO ACTION, RESTRICT), which
// does not propagate the delete. cascadeCut marks cascade paths left out
// (their extensions are missing downstream too); terminalCut marks
// terminal paths left out, which concerns this table alone.
type pathSet struct {
	cascade     [][]int
	terminal    [][]int
	cascadeCut  bool
	terminalCut bool
}

// paths finds up to k simple paths (no table visited twice along cascade
// edges) to every affected table, level by level in breadth-first order, so
// the kept paths are the shortest; within a length, paths are ordered
// lexically by their constraints' display names. Each table extends only
// the paths it kept, which bounds the work by k times the number of edges
// however many paths the graph has: this is what keeps 10,000 foreign keys
// fast, and why in cyclic graphs the kept paths are the shortest found this
// way rather than provably the k shortest.
func (w *walk) paths(k int) []*pathSet {
	sets := make([]*pathSet, len(w.b.names))
	sets[w.root] = &pathSet{cascade: [][]int{nil}}
	get := func(t int) *pathSet {
		if sets[t] == nil {
			sets[t] = &pathSet{}
		}
		return sets[t]
	}
	type step struct {
		table int
		path  []int
	}
	// Candidates per table for the current level, as (kept path, edge)
	// pairs: only those that survive are copied into real paths. touched
	// lists the tables that have any, so each level costs what it finds.
	cascade := make([][]candidate, len(w.b.names))
	terminal := make([][]candidate, len(w.b.names))
	var touched []int
	var mem arena
	frontier := []step{{w.root, nil}}
	for len(frontier) > 0 {
		touched = touched[:0]
		for _, f := range frontier {
			for _, ei := range w.out[f.table] {
				to := w.to[ei]
				s := get(to)
				list, kept, cut := &terminal[to], len(s.terminal), &s.terminalCut
				if w.edges[ei].Action == catalog.Cascade {
					if to == w.root || w.onPath(f.path, to) {
						continue // a cycle: reported in Graph.Cycles, not as a path
					}
					list, kept, cut = &cascade[to], len(s.cascade), &s.cascadeCut
				}
				if kept >= k {
					*cut = true // full with shorter paths already
					continue
				}
				if len(cascade[to]) == 0 && len(terminal[to]) == 0 {
					touched = append(touched, to)
				}
				*list = append(*list, candidate{f.path, ei})
			}
		}
		sort.Ints(touched)
		var next []step
		for _, t := range touched {
			s := sets[t]
			if cands := cascade[t]; len(cands) > 0 {
				n := len(s.cascade)
				s.cascadeCut = keep(&s.cascade, cands, k, w.rank, &mem) || s.cascadeCut
				for _, p := range s.cascade[n:] {
					next = append(next, step{t, p})
				}
			}
			if cands := terminal[t]; len(cands) > 0 {
				s.terminalCut = keep(&s.terminal, cands, k, w.rank, &mem) || s.terminalCut
			}
			cascade[t], terminal[t] = cascade[t][:0], terminal[t][:0]
		}
		frontier = next
	}
	w.propagateCuts(sets)
	return sets
}

// candidate is a path not yet copied: a kept path extended by one edge.
type candidate struct {
	parent []int
	edge   int
}

// compare orders candidates of one level (so of equal length) lexically
// by edge rank, without building them.
func (c candidate) compare(d candidate, rank []int) int {
	if r := pathCompare(c.parent, d.parent, rank); r != 0 {
		return r
	}
	return rank[c.edge] - rank[d.edge]
}

// keep sorts candidates and copies as many as fit under k into *dst,
// reporting whether any were left out.
func keep(dst *[][]int, cands []candidate, k int, rank []int, mem *arena) bool {
	room := k - len(*dst)
	slices.SortFunc(cands, func(a, b candidate) int { return a.compare(b, rank) })
	cut := len(cands) > room
	if cut {
		cands = cands[:room]
	}
	if *dst == nil {
		*dst = make([][]int, 0, k)
	}
	for _, c := range cands {
		*dst = append(*dst, mem.extend(c.parent, c.edge))
	}
	return cut
}

// propagateCuts marks what lies downstream of a table whose cascade paths
// were cut: the left-out paths would have led there too. It is a closure
// over cascade edges, so the result does not depend on visiting order.
func (w *walk) propagateCuts(sets []*pathSet) {
	var queue []int
	for t, s := range sets {
		if s != nil && s.cascadeCut {
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		for _, ei := range w.out[t] {
			to := w.to[ei]
			s := sets[to]
			if to == w.root || s == nil {
				continue
			}
			if w.edges[ei].Action != catalog.Cascade {
				s.terminalCut = true
			} else if !s.cascadeCut {
				s.cascadeCut = true
				queue = append(queue, to)
			}
		}
	}
}

// onPath reports whether table t is the target of an edge on path.
func (w *walk) onPath(path []int, t int) bool {
	for _, ei := range path {
		if w.to[ei] == t {
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

// pathCompare orders paths by length, then lexically by edge rank.
func pathCompare(a, b []int, rank []int) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	for i := range a {
		if a[i] != b[i] {
			return rank[a[i]] - rank[b[i]]
		}
	}
	return 0
}

// arena hands out path slices from large blocks: paths are many, small
// and live as long as the walk, so one allocation per block instead of one
// per path keeps allocation and GC work low.
type arena struct{ block []int }

// extend returns a new path: p followed by edge ei. The result's capacity
// is its length, so appending to it can never overwrite a neighbour.
func (a *arena) extend(p []int, ei int) []int {
	n := len(p) + 1
	if len(a.block) < n {
		a.block = make([]int, max(n, 1<<14))
	}
	q := a.block[:n:n]
	a.block = a.block[n:]
	copy(q, p)
	q[len(p)] = ei
	return q
}

// list merges the cascade and terminal paths (the root's own empty path
// excluded; both lists are already shortest first), keeps the k shortest,
// and spells them out, all paths sharing one backing array.
func (s *pathSet) list(w *walk, k int) ([][]string, bool) {
	if s == nil {
		return [][]string{}, false
	}
	casc, term := s.cascade, s.terminal
	if len(casc) > 0 && len(casc[0]) == 0 {
		casc = casc[1:]
	}
	all := make([][]int, 0, min(k, len(casc)+len(term)))
	total := 0
	for len(all) < k && (len(casc) > 0 || len(term) > 0) {
		var p []int
		if len(term) == 0 || (len(casc) > 0 && pathCompare(casc[0], term[0], w.rank) < 0) {
			p, casc = casc[0], casc[1:]
		} else {
			p, term = term[0], term[1:]
		}
		all = append(all, p)
		total += len(p)
	}
	truncated := s.cascadeCut || s.terminalCut || len(casc) > 0 || len(term) > 0
	out := make([][]string, len(all))
	names := make([]string, total)
	for i, p := range all {
		out[i] = names[:len(p):len(p)]
		names = names[len(p):]
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
	if s := w.sets[w.from[ei]]; s != nil && len(s.cascade) > 0 {
		p = s.cascade[0]
	}
	out := make([]string, 0, len(p)+1)
	for _, i := range p {
		out = append(out, w.edges[i].Constraint)
	}
	return append(out, w.edges[ei].Constraint)
}
