package explain

import (
	"github.com/ondelete/ondelete/catalog"
)

// Version is the version of the explain-delete JSON contract.
const Version = 1

// Root selects the one row whose DELETE is explained: either by primary
// key (Key, column → value as text, every primary-key column given) or by
// a WHERE clause (Where, SQL over the root table's columns) that must
// match exactly one row.
type Root struct {
	Table catalog.TableName
	// Key maps each primary-key column to its value, written as
	// PostgreSQL's text input for the column's type.
	Key map[string]string
	// Where is a boolean SQL expression over the root table; used when Key
	// is empty. It is the caller's SQL and runs in a read-only transaction.
	Where string
}

// Row identifies one row of a table: its primary-key values in primary-key
// column order (as PostgreSQL prints them), or, for a table without a
// primary key, its ctid within the collecting snapshot.
type Row struct {
	// Key holds the primary-key values (or the single ctid) as text.
	Key []string
	// Depth is the number of foreign keys on the shortest path the DELETE
	// takes from the root row to this row (0 for the root row): deleting
	// rows in descending depth order deletes children before parents.
	Depth int
}

// TableRows is everything the DELETE does to one table.
type TableRows struct {
	Table catalog.TableName
	// KeyColumns names the columns of Row.Key: the primary key, or
	// ["ctid"] for a table without one.
	KeyColumns []string
	// Deleted are the rows deleted (the root row included, for the root
	// table). A row both deleted and nulled counts as deleted only.
	Deleted []Row
	// Nulled are rows not deleted whose referencing columns an ON DELETE
	// SET NULL foreign key sets to NULL.
	Nulled []Row
	// Defaulted are rows not deleted whose referencing columns an ON
	// DELETE SET DEFAULT foreign key resets to their defaults.
	Defaulted []Row
}

// Blocker is one row that makes the DELETE fail: it references a deleted
// row through a NO ACTION or RESTRICT foreign key and is not itself deleted
// in time, or a SET NULL / SET DEFAULT foreign key would write NULL into
// one of its NOT NULL columns.
type Blocker struct {
	Table      catalog.TableName
	Constraint string
	// KeyColumns and Key identify the blocking row, as in TableRows.
	KeyColumns []string
	Key        []string
	// Reason says why this row blocks, in one sentence.
	Reason string
}

// Cost estimates the work the DELETE does.
type Cost struct {
	// RowsTouched counts every deleted, nulled and defaulted row.
	RowsTouched int64
	// Queries counts the queries explain ran to follow the graph.
	Queries int
	// UnindexedTables lists tables reached through a foreign key whose
	// referencing columns no index leads with: PostgreSQL scans the whole
	// table once per deleted parent row (or per batch, for purge).
	UnindexedTables []catalog.TableName
}

// Result is the whole answer for one root row.
type Result struct {
	Root catalog.TableName
	// RootKeyColumns and RootKey identify the root row (the primary key, or
	// ctid when the root table has none).
	RootKeyColumns []string
	RootKey        []string
	// Tables lists every table with at least one row deleted, nulled or
	// defaulted, sorted by (schema, table).
	Tables []TableRows
	// Blockers lists every blocking row, sorted by (schema, table,
	// constraint, key).
	Blockers []Blocker
	Cost     Cost
}

// Blocked reports whether the DELETE would fail.
func (r *Result) Blocked() bool { return len(r.Blockers) > 0 }
