package synthdata

import (
	"slices"
	"strconv"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// candidate is a possible root with its simulated cascade.
type candidate struct {
	table, row       int
	deletes, touches int
	// stuck counts references unblock could not move out of the way.
	stuck int
}

// chooseRoots ranks the owner rows of every table and returns the best
// Options.Roots, the first drawn among the top three so that seeds do not
// all pick the same hub. Rows whose blockers unblock could all move come
// first (a cascade that deletes every row of a table leaves its NOT NULL
// referencing rows nowhere to point), then larger cascades.
func (g *generator) chooseRoots(s *simulator) []candidate {
	var cands []candidate
	for ti := range g.tables {
		for r := 0; r < min(g.opts.Owners, len(g.tables[ti].Rows)); r++ {
			d := s.cascade(rowID{ti, r})
			cands = append(cands, candidate{ti, r, len(d.depth), d.touched, g.stuck(s, d)})
		}
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		switch {
		case (a.stuck == 0) != (b.stuck == 0):
			if a.stuck == 0 {
				return -1
			}
			return 1
		case a.deletes != b.deletes:
			return b.deletes - a.deletes
		}
		return b.touches - a.touches
	})
	cands = cands[:min(len(cands), g.opts.Roots)]
	first := g.rnd.intn(min(3, len(cands)))
	cands[0], cands[first] = cands[first], cands[0]
	return cands
}

// stuck counts the blocking references of deletion del that unblock
// could not move: from a NOT NULL row the DELETE keeps (or deletes later
// than the row it references) when the DELETE removes every parent row
// it could point at instead.
func (g *generator) stuck(s *simulator, del deletion) int {
	n := 0
	for k := range s.fks {
		f := &s.fks[k]
		if !g.blocks(f, true) || !g.anyNotNull(f.child, f.fk.Columns) {
			continue
		}
		parents := len(g.tables[f.parent].Rows)
		deepest, deleted := -1, 0
		for r := range parents {
			if d, gone := del.depth[rowID{f.parent, r}]; gone {
				deleted++
				deepest = max(deepest, d)
			}
		}
		if deleted < parents {
			continue
		}
		for r, row := range g.tables[f.child].Rows {
			key, ok := keyOf(row, f.childCols)
			if !ok {
				continue
			}
			pd := del.depth[rowID{f.parent, f.parents[key]}]
			cd, gone := del.depth[rowID{f.child, r}]
			if !gone || (!g.deferred[k] && cd > pd && cd > deepest) {
				n++
			}
		}
	}
	return n
}

// root describes candidate c for the caller.
func (g *generator) root(c candidate) Root {
	t := &g.schema.Tables[c.table]
	r := Root{Table: t.TableName(), KeyColumns: slices.Clone(t.PrimaryKey), Deletes: c.deletes, Touches: c.touches, Stuck: c.stuck}
	for _, col := range t.PrimaryKey {
		r.KeyValues = append(r.KeyValues, *g.tables[c.table].Rows[c.row][g.colIndex(c.table, col)])
	}
	return r
}

// defaults gives the columns of some ON DELETE SET DEFAULT foreign keys a
// DEFAULT naming a parent row. With probability KeepBlockerRate the row is
// any row (possibly one the root's DELETE removes, which then fails on the
// foreign key); otherwise it is one the DELETE keeps.
func (g *generator) defaults(s *simulator, del deletion) {
	for k := range s.fks {
		f := &s.fks[k]
		if f.fk.OnDelete != catalog.SetDefault || !g.rnd.chance(g.opts.DefaultRefRate) {
			continue
		}
		rows := g.tables[f.parent].Rows
		var p int
		if g.rnd.chance(g.opts.KeepBlockerRate) {
			p = g.rnd.intn(len(rows))
		} else if p = g.survivor(f.parent, del); p < 0 {
			continue
		}
		t := &g.schema.Tables[f.child]
		for i, c := range f.childCols {
			t.Columns[c].Default = literal(t.Columns[c].Type, *rows[p][f.parentCols[i]])
		}
	}
}

// unblock moves the references of foreign keys (see blocks) that
// would block the root's DELETE, except for a KeepBlockerRate share of the
// foreign keys. A reference from a row the DELETE itself removes, no
// deeper than the row it references, is left alone: PostgreSQL checks it
// after that row is gone (see graph.TimingAfterCascades), and so is any
// deleted row's reference through a deferred foreign key. A moved
// reference points at a surviving row, else is set NULL, else (NOT NULL,
// every parent row deleted) at a parent row deleted no earlier than the
// referencing row.
func (g *generator) unblock(s *simulator, del deletion) {
	for k := range s.fks {
		f := &s.fks[k]
		if !g.blocks(f, false) || g.rnd.chance(g.opts.KeepBlockerRate) {
			continue
		}
		nullable := !g.anyNotNull(f.child, f.fk.Columns)
		parent := g.tables[f.parent].Rows
		for r, row := range g.tables[f.child].Rows {
			key, ok := keyOf(row, f.childCols)
			if !ok {
				continue
			}
			p, found := f.parents[key]
			if !found {
				continue
			}
			pd, gone := del.depth[rowID{f.parent, p}]
			if !gone {
				continue
			}
			cd, deleted := del.depth[rowID{f.child, r}]
			if deleted && (cd <= pd || g.deferred[k]) {
				continue
			}
			p = g.survivor(f.parent, del)
			if p < 0 && nullable {
				for _, c := range f.childCols {
					row[c] = nil
				}
				continue
			}
			if p < 0 && deleted {
				p = g.deletedNoEarlier(f.parent, del, cd)
			}
			if p >= 0 {
				for i, c := range f.childCols {
					row[c] = parent[p][f.parentCols[i]]
				}
			}
		}
	}
}

// blocks reports whether a surviving row referencing a deleted one
// through f makes the DELETE fail: NO ACTION and RESTRICT, and SET NULL or
// SET DEFAULT into a NOT NULL column (for SET DEFAULT, when the column has
// no default; before defaults are chosen, assume it has none).
func (g *generator) blocks(f *simFK, beforeDefaults bool) bool {
	switch f.fk.OnDelete {
	case catalog.NoAction, catalog.Restrict:
		return true
	case catalog.SetNull:
		return f.fk.NotNull
	case catalog.SetDefault:
		return f.fk.NotNull && (beforeDefaults || g.schema.Tables[f.child].Columns[f.childCols[0]].Default == "")
	}
	return false
}

// survivor draws a row of table ti that del does not delete, or -1.
func (g *generator) survivor(ti int, del deletion) int {
	n := len(g.tables[ti].Rows)
	start := g.rnd.intn(n)
	for i := range n {
		r := (start + i) % n
		if _, gone := del.depth[rowID{ti, r}]; !gone {
			return r
		}
	}
	return -1
}

// deletedNoEarlier draws a row of table ti that del deletes at depth
// depth or deeper, so that a reference into it from a row deleted at depth
// is gone before PostgreSQL checks it; -1 when there is none.
func (g *generator) deletedNoEarlier(ti int, del deletion, depth int) int {
	n := len(g.tables[ti].Rows)
	start := g.rnd.intn(n)
	for i := range n {
		r := (start + i) % n
		if d, gone := del.depth[rowID{ti, r}]; gone && d >= depth {
			return r
		}
	}
	return -1
}

// literal writes v as a constant of type typ for a DEFAULT clause.
func literal(typ, v string) string {
	switch typ {
	case "bigint", "integer", "smallint":
		if _, err := strconv.ParseInt(v, 10, 64); err == nil {
			return v
		}
	}
	return ident.Literal(v)
}
