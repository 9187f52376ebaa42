package explain

import (
	"slices"
)

// link turns every edge's recorded pairs into e.off / e.kids: per
// from-table row, the to-table rows referencing it, in ctid order, which
// is the order PostgreSQL's trigger query, run for one referenced row,
// finds them in (a heap scan goes in ctid order, and a B-tree returns
// equal keys in heap order).
func (c *collector) link() {
	for _, e := range c.edges {
		e.link()
	}
}

func (e *edgeState) link() {
	counts := make([]int32, len(e.from.rows)+1)
	for _, pr := range e.pairs {
		counts[pr.p+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	kids := make([]int32, len(e.pairs))
	next := slices.Clone(counts[:len(counts)-1])
	for _, pr := range e.pairs {
		kids[next[pr.p]] = pr.k
		next[pr.p]++
	}
	e.pairs = nil
	// Sort each list by ctid and drop duplicates (a row two recursive
	// queries both reached), compacting in place.
	rows := e.to.rows
	w := int32(0)
	for p := 0; p+1 < len(counts); p++ {
		seg := kids[counts[p]:counts[p+1]]
		if len(seg) > 1 {
			slices.SortFunc(seg, func(a, b int32) int {
				ta, tb := rows[a].tid, rows[b].tid
				switch {
				case ta < tb:
					return -1
				case ta > tb:
					return 1
				}
				return int(a - b)
			})
		}
		start, prev := w, int32(-1)
		for _, k := range seg {
			if k == prev {
				continue
			}
			prev = k
			kids[w] = k
			w++
		}
		counts[p] = start
	}
	counts[len(counts)-1] = w
	e.off, e.kids = counts, kids[:w]
}

// children returns the rows of e.to that referenced row p of e.from when
// the data was read.
func (e *edgeState) children(p int32) []int32 {
	if int(p)+1 >= len(e.off) {
		return nil
	}
	return e.kids[e.off[p]:e.off[p+1]]
}

// parentOf returns the deletable row of e.from that row k of e.to
// referenced when the data was read, or false when it referenced none.
func (e *edgeState) parentOf(k int32) (int32, bool) {
	if e.parentOfKid == nil {
		e.parentOfKid = map[int32]int32{}
		for p := 0; p+1 < len(e.off); p++ {
			for _, kid := range e.kids[e.off[p]:e.off[p+1]] {
				e.parentOfKid[kid] = int32(p)
			}
		}
	}
	p, ok := e.parentOfKid[k]
	return p, ok
}
