package explain

import (
	"github.com/ondelete/ondelete/catalog"
)

// Version is the version of the explain-delete JSON contract. It changes
// only when a field is removed or changes meaning; new fields may appear
// within a version.
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
	Key []string `json:"key"`
	// Depth is the number of foreign keys on the shortest path the DELETE
	// takes from the root row to this row (0 for the root row): deleting
	// rows in descending depth order deletes children before parents. For
	// a deleted row it is also the trigger round in which PostgreSQL
	// deletes it; for a nulled or defaulted row, the round in which it is
	// first updated.
	Depth int `json:"depth"`
}

// TableRows is everything the DELETE does to one table.
type TableRows struct {
	Table catalog.TableName `json:"table"`
	// KeyColumns names the columns of Row.Key: the primary key, or
	// ["ctid"] for a table without one.
	KeyColumns []string `json:"key_columns"`
	// Deleted are the rows deleted (the root row included, for the root
	// table). A row both deleted and nulled counts as deleted only.
	Deleted []Row `json:"deleted"`
	// Nulled are rows not deleted whose referencing columns an ON DELETE
	// SET NULL foreign key sets to NULL.
	Nulled []Row `json:"nulled"`
	// Defaulted are rows not deleted whose referencing columns an ON
	// DELETE SET DEFAULT foreign key resets to their defaults. A row
	// reached by both kinds of foreign key is listed in both.
	Defaulted []Row `json:"defaulted"`
}

// Blocker is one row that makes the DELETE fail: it references a deleted
// row through a NO ACTION or RESTRICT foreign key and is not itself deleted
// in time, or a SET NULL / SET DEFAULT foreign key would write NULL into
// one of its NOT NULL columns, or SET DEFAULT would make it reference a row
// that is missing or deleted.
type Blocker struct {
	Table      catalog.TableName `json:"table"`
	Constraint string            `json:"constraint"`
	// KeyColumns and Key identify the blocking row, as in TableRows.
	KeyColumns []string `json:"key_columns"`
	Key        []string `json:"key"`
	// Action is the blocking foreign key's ON DELETE action.
	Action catalog.Action `json:"action"`
	// RefTable and RefKey identify the deleted row the blocking row
	// references (RefKey in RefTable's key columns).
	RefTable catalog.TableName `json:"ref_table"`
	RefKey   []string          `json:"ref_key"`
	// NotNullColumns lists the NOT NULL columns SET NULL / SET DEFAULT
	// would set to NULL; empty for other blockers.
	NotNullColumns []string `json:"not_null_columns,omitempty"`
	// Deferred is true when the check runs at COMMIT (DEFERRABLE
	// INITIALLY DEFERRED NO ACTION) rather than at the end of the DELETE.
	Deferred bool `json:"deferred"`
	// Reason says why this row blocks, in one sentence.
	Reason string `json:"reason"`
}

// Cost estimates the work the DELETE does.
type Cost struct {
	// RowsTouched counts every deleted, nulled and defaulted row.
	RowsTouched int64 `json:"rows_touched"`
	// Lookups counts the queries PostgreSQL's foreign-key triggers run:
	// one per deleted row and foreign key into its table. Each is an index
	// probe, or a scan of the referencing table when no index supports it.
	Lookups int64 `json:"lookups"`
	// Queries counts the queries explain ran to follow the graph.
	Queries int `json:"queries"`
	// UnindexedTables lists tables reached through a foreign key whose
	// referencing columns no index leads with: PostgreSQL scans the whole
	// table once per deleted parent row (or per batch, for purge).
	UnindexedTables []catalog.TableName `json:"unindexed_tables"`
}

// Result is the whole answer for one root row.
type Result struct {
	Version int               `json:"version"`
	Root    catalog.TableName `json:"root"`
	// RootKeyColumns and RootKey identify the root row (the primary key, or
	// ctid when the root table has none).
	RootKeyColumns []string `json:"root_key_columns"`
	RootKey        []string `json:"root_key"`
	// Tables lists every table with at least one row deleted, nulled or
	// defaulted, sorted by (schema, table).
	Tables []TableRows `json:"tables"`
	// Blockers lists every blocking row, sorted by (schema, table,
	// constraint, key).
	Blockers []Blocker `json:"blockers"`
	Cost     Cost      `json:"cost"`
}

// Blocked reports whether the DELETE would fail.
func (r *Result) Blocked() bool { return len(r.Blockers) > 0 }
