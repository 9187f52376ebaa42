package graph

import (
	"sort"
	"strings"

	"github.com/ondelete/ondelete/catalog"
)

// arc is a foreign key as a directed arc between table ids, referenced →
// referencing.
type arc struct {
	from, to   int
	constraint string
}

// cycles finds cascade cycles (components of CASCADE foreign keys among
// deleted tables) and foreign-key cycles (components of any foreign keys
// among affected tables, unless identical to a cascade cycle).
func (w *walk) cycles() []Cycle {
	var cascade, all []arc
	for i := range w.edges {
		if w.edges[i].Action == catalog.Cascade {
			cascade = append(cascade, arc{w.from[i], w.to[i], w.edges[i].Constraint})
		}
	}
	affected := w.affected()
	in := make([]bool, len(w.b.names))
	for _, t := range affected {
		in[t] = true
	}
	for _, t := range affected {
		for _, fi := range w.b.byChild[t] {
			if p := w.b.fkParent[fi]; in[p] {
				all = append(all, arc{p, t, w.b.fkKey[fi]})
			}
		}
	}
	type keyed struct {
		c  Cycle
		id string
	}
	var found []keyed
	seen := map[string]bool{}
	for _, c := range w.components(cascade) {
		c.Kind = CycleCascade
		id := cycleID(c)
		seen[id] = true
		found = append(found, keyed{c, id})
	}
	for _, c := range w.components(all) {
		if id := cycleID(c); !seen[id] {
			c.Kind = CycleForeignKey
			found = append(found, keyed{c, id})
		}
	}
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].c.Kind != found[j].c.Kind {
			return found[i].c.Kind < found[j].c.Kind
		}
		return found[i].id < found[j].id
	})
	out := make([]Cycle, len(found))
	for i, k := range found {
		out[i] = k.c
	}
	return out
}

// cycleID identifies a cycle by its tables and constraints.
func cycleID(c Cycle) string {
	var b strings.Builder
	for _, t := range c.Tables {
		b.WriteString(t.Schema + "\x00" + t.Name + "\x00")
	}
	b.WriteString("\x01")
	for _, k := range c.Constraints {
		b.WriteString(k + "\x00")
	}
	return b.String()
}

// components returns the strongly connected components of arcs that are
// cycles: two or more tables, or one table with an arc to itself. It is
// Tarjan's algorithm, run iteratively so a 5,000-table chain cannot
// exhaust the stack, over table ids in ascending order for deterministic
// output.
func (w *walk) components(arcs []arc) []Cycle {
	n := len(w.b.names)
	adj := make([][]int, n)
	var nodes []int
	isNode := make([]bool, n)
	for _, a := range arcs {
		adj[a.from] = append(adj[a.from], a.to)
		for _, t := range [2]int{a.from, a.to} {
			if !isNode[t] {
				isNode[t] = true
				nodes = append(nodes, t)
			}
		}
	}
	sort.Ints(nodes)
	index, low, comp := make([]int, n), make([]int, n), make([]int, n)
	for i := range index {
		index[i] = -1
	}
	onStack := make([]bool, n)
	var stack []int
	next, ncomp := 0, 0
	type frame struct{ t, next int }
	for _, start := range nodes {
		if index[start] >= 0 {
			continue
		}
		call := []frame{{t: start}}
		index[start], low[start] = next, next
		next++
		stack = append(stack, start)
		onStack[start] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.next < len(adj[f.t]) {
				v := adj[f.t][f.next]
				f.next++
				if index[v] < 0 {
					index[v], low[v] = next, next
					next++
					stack = append(stack, v)
					onStack[v] = true
					call = append(call, frame{t: v})
				} else if onStack[v] && index[v] < low[f.t] {
					low[f.t] = index[v]
				}
				continue
			}
			t := f.t
			call = call[:len(call)-1]
			if len(call) > 0 {
				if p := call[len(call)-1].t; low[t] < low[p] {
					low[p] = low[t]
				}
			}
			if low[t] == index[t] {
				for {
					v := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[v] = false
					comp[v] = ncomp
					if v == t {
						break
					}
				}
				ncomp++
			}
		}
	}
	byComp := make([]Cycle, ncomp)
	selfLoop := make([]bool, ncomp)
	for _, t := range nodes {
		c := &byComp[comp[t]]
		c.Tables = append(c.Tables, w.b.names[t])
	}
	for _, a := range arcs {
		if comp[a.from] == comp[a.to] {
			c := comp[a.from]
			byComp[c].Constraints = append(byComp[c].Constraints, a.constraint)
			if a.from == a.to {
				selfLoop[c] = true
			}
		}
	}
	var out []Cycle
	for i, c := range byComp {
		if len(c.Tables) < 2 && !selfLoop[i] {
			continue
		}
		sort.Strings(c.Constraints)
		out = append(out, c)
	}
	return out
}
