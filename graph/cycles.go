package graph

import (
	"sort"
	"strings"

	"github.com/ondelete/ondelete/catalog"
)

// arc is a foreign key as a directed arc, referenced → referencing.
type arc struct {
	from, to   catalog.TableName
	constraint string
	cascade    bool
}

// cycles finds cascade cycles (components of CASCADE foreign keys among
// deleted tables) and foreign-key cycles (components of any foreign keys
// among affected tables, unless identical to a cascade cycle).
func (w *walk) cycles() []Cycle {
	var cascade, all []arc
	for i := range w.edges {
		e := &w.edges[i]
		if e.Action == catalog.Cascade {
			cascade = append(cascade, arc{e.From, e.To, e.Constraint, true})
		}
	}
	affected := w.affected()
	in := make(map[catalog.TableName]bool, len(affected))
	for _, t := range affected {
		in[t] = true
	}
	for _, t := range affected {
		for _, fk := range w.b.byChild[t] {
			if in[fk.RefTableName()] {
				all = append(all, arc{fk.RefTableName(), t, fk.Key().String(), fk.OnDelete == catalog.Cascade})
			}
		}
	}
	out := []Cycle{}
	seen := map[string]bool{}
	for _, c := range components(cascade) {
		c.Kind = CycleCascade
		seen[cycleID(c)] = true
		out = append(out, c)
	}
	for _, c := range components(all) {
		if !seen[cycleID(c)] {
			c.Kind = CycleForeignKey
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return cycleID(out[i]) < cycleID(out[j])
	})
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
// exhaust anything, over nodes in sorted order for deterministic output.
func components(arcs []arc) []Cycle {
	adj := map[catalog.TableName][]catalog.TableName{}
	var nodes []catalog.TableName
	node := map[catalog.TableName]bool{}
	for _, a := range arcs {
		adj[a.from] = append(adj[a.from], a.to)
		for _, t := range []catalog.TableName{a.from, a.to} {
			if !node[t] {
				node[t] = true
				nodes = append(nodes, t)
			}
		}
	}
	sortNames(nodes)
	index := map[catalog.TableName]int{}
	low := map[catalog.TableName]int{}
	onStack := map[catalog.TableName]bool{}
	var stack []catalog.TableName
	comp := map[catalog.TableName]int{}
	ncomp := 0
	type frame struct {
		t    catalog.TableName
		next int
	}
	for _, start := range nodes {
		if _, ok := index[start]; ok {
			continue
		}
		call := []frame{{t: start}}
		index[start], low[start] = len(index), len(index)
		stack = append(stack, start)
		onStack[start] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.next < len(adj[f.t]) {
				v := adj[f.t][f.next]
				f.next++
				if _, ok := index[v]; !ok {
					index[v], low[v] = len(index), len(index)
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
		c.Tables = append(c.Tables, t)
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
