package graph

import (
	"sort"
	"strings"
	"testing"

	"github.com/ondelete/ondelete/catalog"
)

// tn parses "schema.table" or "table" (schema public) without any quoting
// rules: test names never contain dots except as the separator.
func tn(s string) catalog.TableName {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return catalog.TableName{Schema: s[:i], Name: s[i+1:]}
	}
	return catalog.TableName{Schema: "public", Name: s}
}

// schemaBuilder builds snapshots by hand for tests.
type schemaBuilder struct{ s catalog.Snapshot }

func newSchema(tables ...string) *schemaBuilder {
	b := &schemaBuilder{s: catalog.Snapshot{ServerVersion: 150000}}
	for _, t := range tables {
		b.table(t)
	}
	return b
}

// table adds a table with an id primary key, unless it exists.
func (b *schemaBuilder) table(name string) *catalog.Table {
	n := tn(name)
	if t := b.s.Table(n); t != nil {
		return t
	}
	b.s.Tables = append(b.s.Tables, catalog.Table{
		Schema: n.Schema, Name: n.Name, PrimaryKey: []string{"id"},
		Columns: []catalog.Column{{Name: "id", Type: "bigint", NotNull: true}},
	})
	return &b.s.Tables[len(b.s.Tables)-1]
}

// fkOpt adjusts a foreign key (and its table) after fk built it.
type fkOpt func(fk *catalog.ForeignKey, t *catalog.Table)

func named(n string) fkOpt { return func(fk *catalog.ForeignKey, _ *catalog.Table) { fk.Name = n } }

func notNull(fk *catalog.ForeignKey, t *catalog.Table) {
	for _, c := range fk.Columns {
		t.Column(c).NotNull = true
	}
	fk.NotNull = true
}

func withDefault(expr string) fkOpt {
	return func(fk *catalog.ForeignKey, t *catalog.Table) {
		for _, c := range fk.Columns {
			t.Column(c).Default = expr
		}
	}
}

func deferred(fk *catalog.ForeignKey, _ *catalog.Table) {
	fk.Deferrable, fk.InitiallyDeferred = true, true
}

func onDeleteCols(cols ...string) fkOpt {
	return func(fk *catalog.ForeignKey, _ *catalog.Table) { fk.OnDeleteColumns = cols }
}

// fk adds a foreign key child(cols) → parent(id...) with ON DELETE a.
// cols is a comma-separated column list; missing columns are added as
// nullable bigint.
func (b *schemaBuilder) fk(child, cols, parent string, a catalog.Action, opts ...fkOpt) *schemaBuilder {
	b.table(parent)
	t := b.table(child)
	c, p := tn(child), tn(parent)
	colList := strings.Split(cols, ",")
	for _, col := range colList {
		if t.Column(col) == nil {
			t.Columns = append(t.Columns, catalog.Column{Name: col, Type: "bigint"})
		}
	}
	refCols := make([]string, len(colList))
	for i := range refCols {
		refCols[i] = "id"
	}
	fk := catalog.ForeignKey{
		Schema: c.Schema, Table: c.Name, Name: c.Name + "_" + strings.Join(colList, "_") + "_fkey",
		Columns: colList, RefSchema: p.Schema, RefTable: p.Name, RefColumns: refCols,
		OnDelete: a, OnUpdate: catalog.NoAction, Validated: true, Match: "simple",
	}
	for _, o := range opts {
		o(&fk, t)
	}
	b.s.ForeignKeys = append(b.s.ForeignKeys, fk)
	return b
}

// snap returns the snapshot sorted as catalog.Inspect sorts it.
func (b *schemaBuilder) snap() *catalog.Snapshot {
	s := b.s
	sort.Slice(s.Tables, func(i, j int) bool { return s.Tables[i].TableName().Less(s.Tables[j].TableName()) })
	sort.Slice(s.ForeignKeys, func(i, j int) bool { return fkLess(&s.ForeignKeys[i], &s.ForeignKeys[j]) })
	return &s
}

// build builds the graph of root or fails the test.
func (b *schemaBuilder) build(t testing.TB, root string, opts ...Options) *Graph {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	bl, err := NewBuilder(b.snap(), o)
	if err != nil {
		t.Fatal(err)
	}
	g, err := bl.Build(tn(root))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// outcomes summarises a graph as "schema.table=outcome" entries.
func outcomes(g *Graph) map[string]Outcome {
	m := map[string]Outcome{}
	for _, t := range g.Tables {
		m[t.Schema+"."+t.Name] = t.Outcome
	}
	return m
}

// blockerSummary summarises blockers as "table.constraint kind timing".
func blockerSummary(g *Graph) []string {
	out := []string{}
	for _, b := range g.Blockers {
		s := b.Table + "." + b.Constraint + " " + string(b.Kind)
		if b.Timing != "" {
			s += " " + string(b.Timing)
		}
		out = append(out, s)
	}
	return out
}

// flagSummary summarises flags as "type:constraint|constraint" or "type:table".
func flagSummary(g *Graph) []string {
	out := []string{}
	for _, f := range g.Flags {
		var names []string
		if len(f.Constraints) > 0 {
			names = f.Constraints
		} else {
			for _, t := range f.Tables {
				names = append(names, t.String())
			}
		}
		out = append(out, string(f.Type)+":"+strings.Join(names, "|"))
	}
	return out
}
