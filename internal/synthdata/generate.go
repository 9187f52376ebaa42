package synthdata

import (
	"fmt"
	"slices"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/synth"
)

// generator holds the state of one Generate call.
type generator struct {
	opts   Options
	rnd    *source
	schema synth.Schema
	tables []TableData
	// col maps, per table, a column name to its index in TableData.Columns.
	col []map[string]int
	// index maps a table name to its index in schema.Tables.
	index map[catalog.TableName]int
	// deferred marks the foreign keys (by index) made DEFERRABLE
	// INITIALLY DEFERRED.
	deferred []bool
}

// Generate builds rows for schema as opts describe. It is pure and
// deterministic: the same schema and options give the same Data. It
// panics on invalid options (see Options.Validate) and on a schema that
// is not internally consistent (a foreign key naming a missing table or
// column), both bugs in the calling test.
func Generate(schema synth.Schema, opts Options) *Data {
	if err := opts.Validate(); err != nil {
		panic(fmt.Sprintf("synthdata.Generate: %v", err))
	}
	g := &generator{opts: opts, rnd: newSource(opts.Seed), schema: cloneSchema(schema)}
	g.index = make(map[catalog.TableName]int, len(g.schema.Tables))
	for i := range g.schema.Tables {
		g.index[g.schema.Tables[i].TableName()] = i
	}
	g.tightenActions()
	g.ownColumns()
	g.references()
	g.deferSome()
	sim := newSimulator(g)
	roots := g.chooseRoots(sim)
	del := sim.cascade(rowID{roots[0].table, roots[0].row})
	g.defaults(sim, del)
	g.unblock(sim, del)
	d := &Data{Options: opts, Schema: g.schema, Tables: g.tables}
	for k, def := range g.deferred {
		if def {
			d.Deferred = append(d.Deferred, fkKey(&g.schema.ForeignKeys[k]))
		}
	}
	for _, r := range roots {
		d.Roots = append(d.Roots, g.root(r))
	}
	return d
}

// cloneSchema copies the parts of s that Generate changes (column
// defaults and nullability), so the caller's schema is left as it was.
func cloneSchema(s synth.Schema) synth.Schema {
	s.ForeignKeys = slices.Clone(s.ForeignKeys)
	s.Tables = slices.Clone(s.Tables)
	for i := range s.Tables {
		s.Tables[i].Columns = slices.Clone(s.Tables[i].Columns)
	}
	return s
}

// tableIndex returns the index of the named table; it panics when the
// schema has none, which is a bug in the schema.
func (g *generator) tableIndex(schema, name string) int {
	i, ok := g.index[catalog.TableName{Schema: schema, Name: name}]
	if !ok {
		panic(fmt.Sprintf("synthdata: schema has no table %s", catalog.TableName{Schema: schema, Name: name}))
	}
	return i
}

// colIndex returns the index of column name of table ti; it panics when
// there is none.
func (g *generator) colIndex(ti int, name string) int {
	i, ok := g.col[ti][name]
	if !ok {
		panic(fmt.Sprintf("synthdata: table %s has no column %q", g.tables[ti].Table, name))
	}
	return i
}

// ownColumns creates every table's rows and fills the columns that are not
// foreign-key columns: the key ("id", "tenant_id") and the extra columns.
func (g *generator) ownColumns() {
	fkCols := make([]map[string]bool, len(g.schema.Tables))
	for i := range fkCols {
		fkCols[i] = map[string]bool{}
	}
	for _, fk := range g.schema.ForeignKeys {
		ti := g.tableIndex(fk.Schema, fk.Table)
		for _, c := range fk.Columns {
			fkCols[ti][c] = true
		}
	}
	g.tables = make([]TableData, len(g.schema.Tables))
	g.col = make([]map[string]int, len(g.schema.Tables))
	for ti := range g.schema.Tables {
		t := &g.schema.Tables[ti]
		td := &g.tables[ti]
		td.Table = t.TableName()
		g.col[ti] = make(map[string]int, len(t.Columns))
		for ci, c := range t.Columns {
			td.Columns = append(td.Columns, c.Name)
			g.col[ti][c.Name] = ci
		}
		f := g.rnd.float()
		n := g.opts.MinRows + int(f*f*float64(g.opts.MaxRows-g.opts.MinRows))
		pk := map[string]bool{}
		for _, c := range t.PrimaryKey {
			pk[c] = true
		}
		td.Rows = make([][]*string, n)
		for r := range td.Rows {
			row := make([]*string, len(t.Columns))
			for ci, c := range t.Columns {
				switch {
				case fkCols[ti][c.Name]:
					// Filled by references.
				case c.Name == "id":
					row[ci] = ptr(g.keyValue(c.Type, ti, r))
				case c.Name == "tenant_id":
					row[ci] = ptr(fmt.Sprint(g.rnd.between(1, 3)))
				case pk[c.Name]:
					row[ci] = ptr(g.keyValue(c.Type, ti, r))
				default:
					row[ci] = g.extraValue(c)
				}
			}
			td.Rows[r] = row
		}
	}
}

// references fills every foreign key's columns with a parent row's key
// values or NULL.
func (g *generator) references() {
	for k := range g.schema.ForeignKeys {
		fk := &g.schema.ForeignKeys[k]
		ci := g.tableIndex(fk.Schema, fk.Table)
		pi := g.tableIndex(fk.RefSchema, fk.RefTable)
		child, parent := &g.tables[ci], &g.tables[pi]
		cols := g.columns(ci, fk.Columns)
		refs := g.columns(pi, fk.RefColumns)
		nullable := !g.anyNotNull(ci, fk.Columns)
		nullRate := 0.0
		if nullable {
			nullRate = g.rnd.float() * g.opts.MaxNullRate
		}
		self := ci == pi
		for r, row := range child.Rows {
			var p int
			if self {
				p = g.selfParent(r, len(child.Rows), nullable, nullRate)
			} else if nullable && g.rnd.chance(nullRate) {
				p = -1
			} else {
				p = g.pickParent(len(parent.Rows))
			}
			if p < 0 || len(parent.Rows) == 0 {
				for _, c := range cols {
					row[c] = nil
				}
				continue
			}
			for i, c := range cols {
				row[c] = parent.Rows[p][refs[i]]
			}
			if nullable && len(cols) > 1 && g.rnd.chance(g.opts.PartialNullRate) {
				row[cols[g.rnd.intn(len(cols))]] = nil
			}
		}
	}
}

// anyNotNull reports whether any of table ti's columns cols is NOT NULL,
// in which case a reference through them cannot be NULL.
func (g *generator) anyNotNull(ti int, cols []string) bool {
	t := &g.schema.Tables[ti]
	for _, name := range cols {
		if t.Columns[g.colIndex(ti, name)].NotNull {
			return true
		}
	}
	return false
}

// columns maps column names of table ti to their indexes.
func (g *generator) columns(ti int, names []string) []int {
	out := make([]int, len(names))
	for i, n := range names {
		out[i] = g.colIndex(ti, n)
	}
	return out
}

// pickParent draws a parent row among n: with OwnerShare one of the first
// Owners rows (row 0 most often), else any row.
func (g *generator) pickParent(n int) int {
	if n == 0 {
		return -1
	}
	if g.rnd.chance(g.opts.OwnerShare) {
		f := g.rnd.float()
		return int(f * f * float64(min(g.opts.Owners, n)))
	}
	return g.rnd.intn(n)
}

// selfParent draws the parent of row r of a self-referencing table of n
// rows: mostly an earlier row (the previous one with ChainRate, an owner
// often), so references form deep trees rooted at the owners; sometimes a
// later row or the row itself (a cycle); NULL for tree roots.
func (g *generator) selfParent(r, n int, nullable bool, nullRate float64) int {
	switch {
	case g.rnd.chance(g.opts.SelfCycleRate) || (r == 0 && !nullable):
		return g.rnd.intn(n)
	case r == 0 || (nullable && g.rnd.chance(nullRate/3)):
		return -1
	case g.rnd.chance(g.opts.ChainRate):
		return r - 1
	}
	return g.pickParent(r)
}

// tightenActions makes the columns of some SET NULL and SET DEFAULT
// foreign keys NOT NULL, from a random stream of its own. Foreign keys
// sharing a column with another are left alone.
func (g *generator) tightenActions() {
	rnd := newSource(g.opts.Seed ^ 0x0707_4c4c)
	for k := range g.schema.ForeignKeys {
		fk := &g.schema.ForeignKeys[k]
		p := rnd.float()
		if (fk.OnDelete != catalog.SetNull && fk.OnDelete != catalog.SetDefault) || p >= g.opts.NotNullActionRate {
			continue
		}
		t := &g.schema.Tables[g.tableIndex(fk.Schema, fk.Table)]
		for i := range t.Columns {
			if slices.Contains(fk.Columns, t.Columns[i].Name) {
				t.Columns[i].NotNull = true
			}
		}
		fk.NotNull = true
	}
}

// deferSome picks the NO ACTION foreign keys to make DEFERRABLE INITIALLY
// DEFERRED, from a random stream of its own.
func (g *generator) deferSome() {
	rnd := newSource(g.opts.Seed ^ 0xdefe_22ed)
	g.deferred = make([]bool, len(g.schema.ForeignKeys))
	for k := range g.schema.ForeignKeys {
		p := rnd.float()
		g.deferred[k] = g.schema.ForeignKeys[k].OnDelete == catalog.NoAction && p < g.opts.DeferredRate
	}
}

// fkKey returns fk's identity.
func fkKey(fk *synth.ForeignKey) catalog.ConstraintKey {
	return catalog.ConstraintKey{Schema: fk.Schema, Table: fk.Table, Name: fk.Name}
}

// ptr returns a pointer to s.
func ptr(s string) *string { return &s }
