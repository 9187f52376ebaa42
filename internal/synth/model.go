package synth

import "github.com/ondelete/ondelete/catalog"

// Schema is a generated schema: what the database holds once the DDL from
// Statements or Batches has been applied. Tables are in creation order and
// ForeignKeys in the order their ALTER TABLE statements run.
type Schema struct {
	// Options are the options the schema was generated from.
	Options Options
	// Schemas lists every schema that holds tables, public first. Only the
	// others are created by the DDL.
	Schemas     []string
	Tables      []Table
	ForeignKeys []ForeignKey
}

// Table is one generated table.
type Table struct {
	Schema  string
	Name    string
	Columns []Column
	// PrimaryKey is the primary key's columns: "id", or "tenant_id", "id".
	PrimaryKey []string
	// Unique lists the unique constraints besides the primary key; a
	// table whose primary key is "id" may have UNIQUE (tenant_id, id) so
	// that composite foreign keys can point at it.
	Unique [][]string
}

// TableName returns the table's identity in the catalog model.
func (t *Table) TableName() catalog.TableName {
	return catalog.TableName{Schema: t.Schema, Name: t.Name}
}

// Column is one column of a generated table.
type Column struct {
	Name string
	// Type is spelled the way format_type() prints it ("bigint",
	// "character varying(64)", "timestamp with time zone"), so it can be
	// compared with what the catalog reports.
	Type    string
	NotNull bool
	// Default is the default expression as written in the DDL, empty for
	// none. PostgreSQL may print it differently (with casts).
	Default string
	// Identity is "always" or "by default" for identity columns, else empty.
	Identity string
}

// ForeignKey is one generated foreign-key constraint. Field names follow
// catalog.ForeignKey so the two compare field by field.
type ForeignKey struct {
	Schema     string
	Table      string
	Name       string
	Columns    []string
	RefSchema  string
	RefTable   string
	RefColumns []string
	OnDelete   catalog.Action
	// NotNull is true when every referencing column is NOT NULL.
	NotNull bool
	// Indexed is true when the DDL creates an index on exactly Columns.
	Indexed bool
	// ConventionalName is true when Name is the one PostgreSQL would have
	// chosen (catalog.DefaultFKName); false for hand-named constraints.
	ConventionalName bool
}

// TableName returns the referencing (child) table.
func (fk *ForeignKey) TableName() catalog.TableName {
	return catalog.TableName{Schema: fk.Schema, Name: fk.Table}
}

// RefTableName returns the referenced (parent) table.
func (fk *ForeignKey) RefTableName() catalog.TableName {
	return catalog.TableName{Schema: fk.RefSchema, Name: fk.RefTable}
}

// SelfReference reports whether the table references itself.
func (fk *ForeignKey) SelfReference() bool {
	return fk.Schema == fk.RefSchema && fk.Table == fk.RefTable
}

// Summary counts what a Schema contains, in the terms a catalog query can
// check: after loading, pg_constraint must show exactly these numbers.
type Summary struct {
	Schemas     int
	Tables      int
	ForeignKeys int
	// ByAction counts foreign keys per ON DELETE action; every action is
	// present as a key, with 0 when unused.
	ByAction       map[catalog.Action]int
	SelfReferences int
	// Composite counts foreign keys over more than one column.
	Composite int
	Indexed   int
	NotNull   int
	// HandNamed counts constraints whose name is not PostgreSQL's default.
	HandNamed int
}

// Summary counts the schema's contents.
func (s Schema) Summary() Summary {
	sum := Summary{
		Schemas:     len(s.Schemas),
		Tables:      len(s.Tables),
		ForeignKeys: len(s.ForeignKeys),
		ByAction:    make(map[catalog.Action]int, len(actionOrder)),
	}
	for _, a := range actionOrder {
		sum.ByAction[a] = 0
	}
	for i := range s.ForeignKeys {
		fk := &s.ForeignKeys[i]
		sum.ByAction[fk.OnDelete]++
		if fk.SelfReference() {
			sum.SelfReferences++
		}
		if len(fk.Columns) > 1 {
			sum.Composite++
		}
		if fk.Indexed {
			sum.Indexed++
		}
		if fk.NotNull {
			sum.NotNull++
		}
		if !fk.ConventionalName {
			sum.HandNamed++
		}
	}
	return sum
}
