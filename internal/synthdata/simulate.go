package synthdata

import (
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/synth"
)

// rowID names one generated row: table index and row index.
type rowID struct{ table, row int }

// simFK is one foreign key indexed over the generated rows.
type simFK struct {
	fk                    *synth.ForeignKey
	child, parent         int
	childCols, parentCols []int
	// children maps a parent key to the child rows referencing it (rows
	// with every referencing column non-NULL, as MATCH SIMPLE checks).
	children map[string][]int
	// parents maps a parent key to its row.
	parents map[string]int
}

// simulator follows cascades through the generated rows. It shapes the
// data (which root, which references to move), so it only needs to be
// roughly right; PostgreSQL is the oracle (NativeDelete).
type simulator struct {
	g   *generator
	fks []simFK
	// into lists, per table, the foreign keys referencing it.
	into [][]int
}

// deletion is the simulated effect of deleting one root row.
type deletion struct {
	// depth holds every deleted row with its cascade depth (root 0).
	depth map[rowID]int
	// touched counts references from surviving rows into deleted ones.
	touched int
}

// newSimulator indexes every foreign key of g's rows.
func newSimulator(g *generator) *simulator {
	s := &simulator{g: g, into: make([][]int, len(g.tables))}
	for k := range g.schema.ForeignKeys {
		fk := &g.schema.ForeignKeys[k]
		f := simFK{fk: fk, children: map[string][]int{}, parents: map[string]int{}}
		f.child = g.tableIndex(fk.Schema, fk.Table)
		f.parent = g.tableIndex(fk.RefSchema, fk.RefTable)
		f.childCols = g.columns(f.child, fk.Columns)
		f.parentCols = g.columns(f.parent, fk.RefColumns)
		for r, row := range g.tables[f.parent].Rows {
			if key, ok := keyOf(row, f.parentCols); ok {
				f.parents[key] = r
			}
		}
		for r, row := range g.tables[f.child].Rows {
			if key, ok := keyOf(row, f.childCols); ok {
				f.children[key] = append(f.children[key], r)
			}
		}
		s.fks = append(s.fks, f)
		s.into[f.parent] = append(s.into[f.parent], k)
	}
	return s
}

// keyOf joins the values of cols; ok is false when one is NULL.
func keyOf(row []*string, cols []int) (string, bool) {
	parts := make([]string, len(cols))
	for i, c := range cols {
		if row[c] == nil {
			return "", false
		}
		parts[i] = *row[c]
	}
	return strings.Join(parts, "\x00"), true
}

// cascade simulates deleting root: breadth first, so a row's depth is the
// length of its shortest CASCADE chain, the trigger round in which
// PostgreSQL deletes it. Blockers are counted, not obeyed.
func (s *simulator) cascade(root rowID) deletion {
	d := deletion{depth: map[rowID]int{root: 0}}
	queue := []rowID{root}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		row := s.g.tables[cur.table].Rows[cur.row]
		for _, k := range s.into[cur.table] {
			f := &s.fks[k]
			key, ok := keyOf(row, f.parentCols)
			if !ok {
				continue
			}
			for _, c := range f.children[key] {
				id := rowID{f.child, c}
				if _, gone := d.depth[id]; gone {
					continue
				}
				if f.fk.OnDelete == catalog.Cascade {
					d.depth[id] = d.depth[cur] + 1
					queue = append(queue, id)
				} else {
					d.touched++
				}
			}
		}
	}
	return d
}
