package check

import (
	"sort"
	"strings"
	"testing"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/policy"
)

// tn parses "schema.table" or "table" (schema public); test names never
// contain dots but as the separator.
func tn(s string) catalog.TableName {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return catalog.TableName{Schema: s[:i], Name: s[i+1:]}
	}
	return catalog.TableName{Schema: "public", Name: s}
}

// schemaBuilder builds snapshots by hand. Derived foreign-key fields
// (NotNull, Indexed, ConventionalName) are computed by snap, the way
// catalog.Inspect computes them, so tests state only the schema.
type schemaBuilder struct{ s catalog.Snapshot }

func newSchema(tables ...string) *schemaBuilder {
	b := &schemaBuilder{s: catalog.Snapshot{ServerVersion: 150000}}
	for _, t := range tables {
		b.table(t)
	}
	return b
}

// table adds a table with a bigint id primary key, unless it exists.
func (b *schemaBuilder) table(name string) *catalog.Table {
	n := tn(name)
	for i := range b.s.Tables {
		if b.s.Tables[i].TableName() == n {
			return &b.s.Tables[i]
		}
	}
	b.s.Tables = append(b.s.Tables, catalog.Table{
		Schema: n.Schema, Name: n.Name, PrimaryKey: []string{"id"}, RowEstimate: -1,
		Columns: []catalog.Column{{Name: "id", Type: "bigint", NotNull: true}},
		Indexes: []catalog.Index{{Name: n.Name + "_pkey", Columns: []string{"id"}, Unique: true, Primary: true, Valid: true}},
	})
	return &b.s.Tables[len(b.s.Tables)-1]
}

// column adds (or changes) a column.
func (b *schemaBuilder) column(table, name, typ string, notNull bool) *schemaBuilder {
	t := b.table(table)
	if c := t.Column(name); c != nil {
		c.Type, c.NotNull = typ, notNull
		return b
	}
	t.Columns = append(t.Columns, catalog.Column{Name: name, Type: typ, NotNull: notNull})
	return b
}

// index adds a valid index.
func (b *schemaBuilder) index(table, name string, cols ...string) *schemaBuilder {
	t := b.table(table)
	t.Indexes = append(t.Indexes, catalog.Index{Name: name, Columns: cols, Valid: true})
	return b
}

// fkOpt adjusts a foreign key (and its table) after fk built it.
type fkOpt func(fk *catalog.ForeignKey, t *catalog.Table)

func named(n string) fkOpt { return func(fk *catalog.ForeignKey, _ *catalog.Table) { fk.Name = n } }

func notNull(fk *catalog.ForeignKey, t *catalog.Table) {
	for _, c := range fk.Columns {
		t.Column(c).NotNull = true
	}
}

func indexed(fk *catalog.ForeignKey, t *catalog.Table) {
	t.Indexes = append(t.Indexes, catalog.Index{Name: fk.Name + "_idx", Columns: fk.Columns, Valid: true})
}

func notValidated(fk *catalog.ForeignKey, _ *catalog.Table) { fk.Validated = false }

func onUpdate(a catalog.Action) fkOpt {
	return func(fk *catalog.ForeignKey, _ *catalog.Table) { fk.OnUpdate = a }
}

func onDeleteCols(cols ...string) fkOpt {
	return func(fk *catalog.ForeignKey, _ *catalog.Table) { fk.OnDeleteColumns = cols }
}

func withSource(file string, line int) fkOpt {
	return func(fk *catalog.ForeignKey, _ *catalog.Table) { fk.Source = &catalog.Source{File: file, Line: line} }
}

// fk adds a foreign key child(cols) → parent(id, ...) with ON DELETE a.
// cols is a comma-separated list; missing columns are added as nullable
// bigint. The name is PostgreSQL's default unless named overrides it.
func (b *schemaBuilder) fk(child, cols, parent string, a catalog.Action, opts ...fkOpt) *schemaBuilder {
	b.table(parent)
	t := b.table(child)
	c, p := tn(child), tn(parent)
	colList := strings.Split(cols, ",")
	var refCols []string
	for i, col := range colList {
		if t.Column(col) == nil {
			t.Columns = append(t.Columns, catalog.Column{Name: col, Type: "bigint"})
		}
		if i == 0 {
			refCols = append(refCols, "id")
		} else {
			refCols = append(refCols, "k"+col)
		}
	}
	fk := catalog.ForeignKey{
		Schema: c.Schema, Table: c.Name, Name: catalog.DefaultFKName(c.Name, colList),
		Columns: colList, RefSchema: p.Schema, RefTable: p.Name, RefColumns: refCols,
		OnDelete: a, OnUpdate: catalog.NoAction, Validated: true, Match: "simple",
		RowEstimate: -1, RefRowEstimate: -1,
	}
	for _, o := range opts {
		o(&fk, t)
	}
	b.s.ForeignKeys = append(b.s.ForeignKeys, fk)
	return b
}

// snap finishes the snapshot: derived fields computed, lists sorted.
func (b *schemaBuilder) snap() *catalog.Snapshot {
	s := b.s
	s.Tables = append([]catalog.Table(nil), b.s.Tables...)
	s.ForeignKeys = append([]catalog.ForeignKey(nil), b.s.ForeignKeys...)
	sort.Slice(s.Tables, func(i, j int) bool { return s.Tables[i].TableName().Less(s.Tables[j].TableName()) })
	for i := range s.ForeignKeys {
		fk := &s.ForeignKeys[i]
		t := s.Table(fk.TableName())
		fk.NotNull = len(notNullColumns(t, fk.Columns)) == len(fk.Columns)
		fk.Indexed = indexLeadsWith(t, fk.Columns)
		fk.ConventionalName = fk.Name == catalog.DefaultFKName(fk.Table, fk.Columns)
	}
	sort.Slice(s.ForeignKeys, func(i, j int) bool {
		a, c := s.ForeignKeys[i].Key(), s.ForeignKeys[j].Key()
		return a.String() < c.String()
	})
	return &s
}

// parsePolicy parses a policy file's text.
func parsePolicy(t *testing.T, yaml string) *policy.Policy {
	t.Helper()
	p, err := policy.Parse([]byte(yaml), "ondelete.yaml")
	if err != nil {
		t.Fatalf("parsing policy: %v", err)
	}
	return p
}

// only returns a policy with the given roots in which only the named lint
// runs (with its default severity unless sev is given).
func only(lint string, sev policy.Severity, roots ...string) *policy.Policy {
	p := &policy.Policy{Version: 1, Lints: map[string]policy.LintConfig{}}
	for _, r := range roots {
		p.Roots = append(p.Roots, policy.Root{Name: r})
	}
	for _, l := range policy.Lints {
		p.Lints[l.Name] = policy.LintConfig{Severity: policy.Off}
	}
	if sev == "" {
		info, _ := policy.LintByName(lint)
		sev = info.Default
	}
	p.Lints[lint] = policy.LintConfig{Severity: sev}
	return p
}

// evaluate runs Evaluate and fails the test on error.
func evaluate(t *testing.T, s *catalog.Snapshot, p *policy.Policy) *Result {
	t.Helper()
	r, err := Evaluate(s, p, Options{})
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return r
}

// subjects lists findings as "severity table.constraint" (or
// "severity table.column" for column findings), in result order; tables
// in public drop their schema.
func subjects(r *Result) []string {
	out := []string{}
	for _, f := range r.Findings {
		name := f.Constraint
		if name == "" {
			name = strings.Join(f.Columns, ",")
		}
		table := f.Table
		if f.Schema != "public" {
			table = f.Schema + "." + f.Table
		}
		out = append(out, string(f.Severity)+" "+table+"."+name)
	}
	return out
}
