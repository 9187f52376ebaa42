package catalog

import (
	"github.com/ondelete/ondelete/ident"
)

// Action is a referential action of a foreign key, spelled the way the
// JSON contract and the SQL standard spell it.
type Action string

// The five referential actions PostgreSQL supports.
const (
	NoAction   Action = "no action"
	Restrict   Action = "restrict"
	Cascade    Action = "cascade"
	SetNull    Action = "set null"
	SetDefault Action = "set default"
)

// Blocks reports whether the action makes a DELETE of the referenced row
// fail while referencing rows exist (NO ACTION and RESTRICT).
func (a Action) Blocks() bool { return a == NoAction || a == Restrict }

// SQL returns the action as it is written after ON DELETE / ON UPDATE.
func (a Action) SQL() string {
	switch a {
	case NoAction:
		return "NO ACTION"
	case Restrict:
		return "RESTRICT"
	case Cascade:
		return "CASCADE"
	case SetNull:
		return "SET NULL"
	case SetDefault:
		return "SET DEFAULT"
	}
	return string(a)
}

// TableName identifies a table by schema and name. Names are stored exactly
// as PostgreSQL stores them (case preserved, unquoted).
type TableName struct {
	Schema string `json:"schema"`
	Name   string `json:"table"`
}

// String returns the name in display form (quoted only where needed), for
// messages and reports.
func (t TableName) String() string { return ident.DisplayQualified(t.Schema, t.Name) }

// Quoted returns the fully quoted "schema"."name" form for generated SQL.
func (t TableName) Quoted() string { return ident.QuoteQualified(t.Schema, t.Name) }

// Less orders table names by schema, then name, for deterministic output.
func (t TableName) Less(o TableName) bool {
	if t.Schema != o.Schema {
		return t.Schema < o.Schema
	}
	return t.Name < o.Name
}

// Column is one column of a table.
type Column struct {
	Name    string `json:"name"`
	Type    string `json:"type"` // format_type() spelling, e.g. "character varying(40)"
	NotNull bool   `json:"not_null"`
	// Default is the column default expression (pg_get_expr), empty when none.
	Default string `json:"default,omitempty"`
	// Identity is "always" or "by default" for identity columns, else empty.
	Identity string `json:"identity,omitempty"`
	// Generated is true for GENERATED ALWAYS AS (...) STORED columns.
	Generated bool `json:"generated,omitempty"`
}

// Index is an index on a table. Columns holds the key columns in order; an
// expression key is recorded as an empty string so it never matches a
// column name.
type Index struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Unique  bool     `json:"unique"`
	Primary bool     `json:"primary"`
	// Partial is true when the index has a WHERE predicate: it cannot serve
	// every lookup a foreign key needs, so it does not count as coverage.
	Partial bool `json:"partial,omitempty"`
	// Valid is false for an index left behind by a failed CREATE INDEX
	// CONCURRENTLY; the planner never uses it.
	Valid bool `json:"valid"`
}

// Table is a regular or partitioned table.
type Table struct {
	Schema string `json:"schema"`
	Name   string `json:"table"`
	// Partitioned is true for a partitioned (parent) table.
	Partitioned bool `json:"partitioned,omitempty"`
	// PartitionOf is the parent of a partition, nil for other tables.
	// Partitions are listed because foreign keys can be declared on them
	// directly; those PostgreSQL clones from the parent are not.
	PartitionOf *TableName `json:"partition_of,omitempty"`
	Columns     []Column   `json:"columns"`
	PrimaryKey  []string   `json:"primary_key,omitempty"`
	Indexes     []Index    `json:"indexes,omitempty"`
	// RowEstimate is the planner's row estimate (pg_class.reltuples, summed
	// over partitions for a partitioned table); -1 when never analyzed.
	RowEstimate int64 `json:"row_estimate"`
}

// TableName returns the table's identity.
func (t *Table) TableName() TableName { return TableName{t.Schema, t.Name} }

// Column returns the named column, or nil.
func (t *Table) Column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// Source is where in a migrations directory a foreign key was created or
// last changed, so findings can point at the line to edit.
type Source struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// ForeignKey is one foreign-key constraint. On a partitioned table it is the
// constraint on the parent; the per-partition clones PostgreSQL creates are
// not listed separately.
type ForeignKey struct {
	Schema     string   `json:"schema"`
	Table      string   `json:"table"`
	Name       string   `json:"name"`
	Columns    []string `json:"columns"`
	RefSchema  string   `json:"ref_schema"`
	RefTable   string   `json:"ref_table"`
	RefColumns []string `json:"ref_columns"`
	OnDelete   Action   `json:"on_delete"`
	OnUpdate   Action   `json:"on_update"`
	// OnDeleteColumns is the column list of PostgreSQL 15's
	// ON DELETE SET NULL (col, ...) / SET DEFAULT (col, ...); empty means all
	// referencing columns.
	OnDeleteColumns   []string `json:"on_delete_columns,omitempty"`
	Deferrable        bool     `json:"deferrable"`
	InitiallyDeferred bool     `json:"initially_deferred"`
	// Validated is false for a constraint added NOT VALID and not yet validated.
	Validated bool `json:"validated"`
	// Match is "simple", "full" or "partial".
	Match string `json:"match"`
	// NotNull is true when every referencing column is NOT NULL.
	NotNull bool `json:"not_null"`
	// Indexed is true when some valid, non-partial index on the referencing
	// table has exactly the referencing columns as its leading columns (in
	// any order), so deleting a parent row does not scan the child table.
	Indexed bool `json:"indexed"`
	// ConventionalName is true when Name equals the name PostgreSQL would
	// have chosen (<table>_<col>[_<col>...]_fkey, truncated to 63 bytes).
	// Migrations that DROP CONSTRAINT IF EXISTS by that name miss the others.
	ConventionalName bool  `json:"conventional_name"`
	RowEstimate      int64 `json:"row_estimate"`
	RefRowEstimate   int64 `json:"ref_row_estimate"`
	// Definition is the constraint as SQL (Clause with its own actions,
	// plus NOT VALID), for display and diffing. It is built from the other
	// fields rather than read with pg_get_constraintdef, which costs a
	// catalog round per constraint and depends on search_path.
	Definition string  `json:"definition"`
	Source     *Source `json:"source"`
}

// TableName returns the referencing (child) table.
func (fk *ForeignKey) TableName() TableName { return TableName{fk.Schema, fk.Table} }

// RefTableName returns the referenced (parent) table.
func (fk *ForeignKey) RefTableName() TableName { return TableName{fk.RefSchema, fk.RefTable} }

// Key returns the constraint's identity: constraint names are unique per
// table, not per schema.
func (fk *ForeignKey) Key() ConstraintKey {
	return ConstraintKey{Schema: fk.Schema, Table: fk.Table, Name: fk.Name}
}

// ConstraintKey identifies a constraint by its table and name.
type ConstraintKey struct {
	Schema string
	Table  string
	Name   string
}

// String returns schema.table.constraint in display form, the spelling used
// in graph paths and policy exceptions.
func (k ConstraintKey) String() string {
	return ident.DisplayQualified(k.Schema, k.Table) + "." + ident.Display(k.Name)
}

// Snapshot is everything ondelete knows about a database's schema: built
// once, then read-only. Tables and ForeignKeys are sorted by schema, table
// and name.
type Snapshot struct {
	// ServerVersion is server_version_num, e.g. 150018.
	ServerVersion int          `json:"server_version"`
	Tables        []Table      `json:"tables"`
	ForeignKeys   []ForeignKey `json:"foreign_keys"`
}

// Table returns the named table, or nil.
func (s *Snapshot) Table(name TableName) *Table {
	for i := range s.Tables {
		if s.Tables[i].Schema == name.Schema && s.Tables[i].Name == name.Name {
			return &s.Tables[i]
		}
	}
	return nil
}

// AttachSources records, for each foreign key found in sources, the file and
// line that created or last changed it (as found while applying migrations).
func (s *Snapshot) AttachSources(sources map[ConstraintKey]Source) {
	for i := range s.ForeignKeys {
		if src, ok := sources[s.ForeignKeys[i].Key()]; ok {
			src := src
			s.ForeignKeys[i].Source = &src
		}
	}
}
