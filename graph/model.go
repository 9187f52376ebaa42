package graph

import "github.com/ondelete/ondelete/catalog"

// Version is the version of the graph JSON contract (what
// `ondelete graph --format json` prints). It changes only when a listed
// field is removed or changes meaning; new fields may appear within a
// version, so consumers must ignore fields they do not know.
const Version = 1

// DefaultMaxPaths is how many paths are kept per table when Options.MaxPaths
// is zero. Eight shortest paths explain a table's place in the graph; past
// that, paths through a DAG multiply combinatorially and stop helping.
const DefaultMaxPaths = 8

// Outcome is what a DELETE of one root row does to a table.
type Outcome string

// Outcomes, from strongest to weakest. A table reached in several ways gets
// the strongest one (a table both deleted and nulled is "deleted"); Table.Via
// lists every action that reaches it.
const (
	// OutcomeRoot marks the table the DELETE is issued against. Its rows
	// are deleted by the statement itself; it is listed in Graph.Tables
	// like every other affected table.
	OutcomeRoot Outcome = "root"
	// OutcomeDeleted: rows are deleted through a chain of ON DELETE CASCADE
	// foreign keys from the root.
	OutcomeDeleted Outcome = "deleted"
	// OutcomeNulled: referencing columns are set to NULL by an ON DELETE
	// SET NULL foreign key into a deleted table (only the listed columns for
	// PostgreSQL 15's SET NULL (col, ...)).
	OutcomeNulled Outcome = "nulled"
	// OutcomeDefaulted: referencing columns are reset to their defaults by
	// an ON DELETE SET DEFAULT foreign key into a deleted table.
	OutcomeDefaulted Outcome = "defaulted"
	// OutcomeBlocked: the table is neither deleted nor changed, but has a
	// NO ACTION or RESTRICT foreign key into a deleted table, so any of its
	// rows that references a deleted row makes the whole DELETE fail. See
	// Graph.Blockers.
	OutcomeBlocked Outcome = "blocked"
)

// rank orders outcomes by strength; a lower rank wins.
func (o Outcome) rank() int {
	switch o {
	case OutcomeRoot:
		return 0
	case OutcomeDeleted:
		return 1
	case OutcomeNulled:
		return 2
	case OutcomeDefaulted:
		return 3
	case OutcomeBlocked:
		return 4
	}
	return 5
}

// outcomeOf is the outcome an edge with action a gives its referencing table.
func outcomeOf(a catalog.Action) Outcome {
	switch a {
	case catalog.Cascade:
		return OutcomeDeleted
	case catalog.SetNull:
		return OutcomeNulled
	case catalog.SetDefault:
		return OutcomeDefaulted
	}
	return OutcomeBlocked
}

// Graph is the deletion graph of one root table: every table a DELETE of a
// root row reaches, what happens to it, the foreign keys that lead there,
// what can make the DELETE fail, and the findings worth a reader's
// attention. It is plain data with JSON tags; report renders it directly.
//
// The JSON contract (version 1) guarantees "version", "root" {"schema",
// "table"}, "tables" [{"schema", "table", "outcome", "paths"}], "blockers"
// [{"schema", "table", "constraint", "ref_schema", "ref_table", "kind"}] and
// "cycles"; every other field is an extra that may grow. Every list is
// sorted and is [] rather than null when empty.
type Graph struct {
	Version int               `json:"version"`
	Root    catalog.TableName `json:"root"`
	// Tables lists every affected table, the root included, sorted by
	// (schema, table).
	Tables []Table `json:"tables"`
	// Edges lists every foreign key into a deleted table, in the direction
	// the DELETE travels (referenced → referencing), sorted by
	// (from, to, constraint).
	Edges []Edge `json:"edges"`
	// Blockers lists every foreign key that can make the DELETE fail,
	// sorted by (schema, table, constraint).
	Blockers []Blocker `json:"blockers"`
	// Cycles lists the strongly connected components among affected
	// tables, sorted by kind, then tables.
	Cycles []Cycle `json:"cycles"`
	// Flags lists findings on the graph, sorted by (type, tables,
	// constraints).
	Flags []Flag `json:"flags"`
	// MaxPaths is the per-table path limit the graph was built with.
	MaxPaths int `json:"max_paths"`
}

// Table is one affected table and how the DELETE reaches it.
type Table struct {
	catalog.TableName
	Outcome Outcome `json:"outcome"`
	// Paths holds up to Graph.MaxPaths simple paths from the root to this
	// table, shortest first, ties in lexical order. Each path lists the
	// constraints crossed, root outward, each spelled
	// schema.table.constraint (catalog.ConstraintKey.String). The root's
	// own empty path is not listed, so the root has paths only when a
	// SET NULL / SET DEFAULT / blocking foreign key leads back into it;
	// cascade cycles back to the root are reported in Graph.Cycles, not
	// as paths.
	Paths [][]string `json:"paths"`
	// PathsTruncated is true when paths were left out: more than MaxPaths
	// reach the table, or some table on the way had paths left out (which
	// may over-report when those paths would have revisited this table).
	PathsTruncated bool `json:"paths_truncated"`
	// Via lists the distinct ON DELETE actions of the foreign keys that
	// reach this table from deleted tables, in the order cascade, set null,
	// set default, restrict, no action. Empty for a root reached by nothing.
	Via []catalog.Action `json:"via"`
	// Depth is the number of foreign keys on the shortest path from the
	// root (0 for the root). For a deleted table it is also the trigger
	// round in which PostgreSQL deletes its rows, which decides the timing
	// of conditional blockers.
	Depth int `json:"depth"`
}

// Edge is one foreign key from a referencing table (To) into a deleted
// table (From): a step the DELETE takes.
type Edge struct {
	// Constraint is schema.table.constraint in display form.
	Constraint string `json:"constraint"`
	// Name is the bare constraint name.
	Name string `json:"name"`
	// From is the referenced table, whose rows are deleted.
	From catalog.TableName `json:"from"`
	// To is the referencing table, which the action applies to.
	To     catalog.TableName `json:"to"`
	Action catalog.Action    `json:"action"`
	// Columns are the referencing columns the action changes: the
	// PostgreSQL 15 SET NULL / SET DEFAULT column list when there is one,
	// otherwise all referencing columns.
	Columns []string `json:"columns"`
	// Blocks is true when this edge is listed in Graph.Blockers.
	Blocks bool `json:"blocks"`
}

// key returns the edge's constraint identity.
func (e *Edge) key() catalog.ConstraintKey {
	return catalog.ConstraintKey{Schema: e.To.Schema, Table: e.To.Name, Name: e.Name}
}
