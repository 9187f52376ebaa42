package explain

import (
	"slices"
)

// link builds, for every edge, the list of referencing rows per deletable
// referenced row (e.off / e.kids), each list in ctid order: the order in
// which PostgreSQL's trigger query, one referenced row at a time, finds
// them (a heap scan goes in ctid order, and a B-tree returns equal keys in
// heap order).
func (c *collector) link() {
	for _, e := range c.edges {
		e.link()
	}
}

func (e *edgeState) link() {
	from, to := e.from, e.to
	parent := e.parentIndex()
	e.parentOf = parent
	counts := make([]int32, len(from.rows)+1)
	owner := make([]int32, len(to.rows))
	for k := range to.rows {
		owner[k] = -1
		key, ok := joinKey(&to.rows[k], e.fkIdx)
		if !ok {
			continue
		}
		if p, ok := parent(key); ok {
			owner[k] = p
			counts[p+1]++
		}
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	e.off = counts
	e.kids = make([]int32, counts[len(counts)-1])
	next := slices.Clone(counts[:len(counts)-1])
	for k, p := range owner {
		if p >= 0 {
			e.kids[next[p]] = int32(k)
			next[p]++
		}
	}
	for p := 0; p+1 < len(e.off); p++ {
		seg := e.kids[e.off[p]:e.off[p+1]]
		if len(seg) > 1 {
			slices.SortFunc(seg, func(a, b int32) int {
				ta, tb := to.rows[a].tid, to.rows[b].tid
				switch {
				case ta < tb:
					return -1
				case ta > tb:
					return 1
				}
				return 0
			})
		}
	}
}

// parentIndex returns a lookup from a referenced key (as text) to the
// deletable row of e.from holding it. When the foreign key references the
// identity columns, the table's own index serves.
func (e *edgeState) parentIndex() func(string) (int32, bool) {
	from := e.from
	if slices.Equal(e.refIdx, from.keyIdx) {
		return func(key string) (int32, bool) {
			p, ok := from.byKey[key]
			return p, ok && from.rows[p].cand
		}
	}
	m := make(map[string]int32)
	for p := range from.rows {
		if !from.rows[p].cand {
			continue
		}
		if key, ok := joinKey(&from.rows[p], e.refIdx); ok {
			m[key] = int32(p)
		}
	}
	return func(key string) (int32, bool) {
		p, ok := m[key]
		return p, ok
	}
}

// children returns the rows of e.to that referenced row p of e.from when
// the snapshot was read.
func (e *edgeState) children(p int32) []int32 {
	if int(p)+1 >= len(e.off) {
		return nil
	}
	return e.kids[e.off[p]:e.off[p+1]]
}
