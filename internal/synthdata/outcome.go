package synthdata

import (
	"encoding/json"
	"fmt"

	"github.com/ondelete/ondelete/catalog"
)

// Outcome is what a real DELETE of one root row did, observed by
// NativeDelete in a transaction it rolled back.
type Outcome struct {
	Root catalog.TableName
	Key  map[string]string
	// Failure is set when the DELETE (or the immediate check of deferred
	// constraints after it) raised an error; Tables and After are then
	// empty.
	Failure *Failure
	// Tables lists every table with a row deleted, changed or inserted,
	// sorted by (schema, name).
	Tables []TableEffect
	// Before is the contents of every table before the DELETE; After the
	// contents once it (and every deferred check) completed. A purge of
	// the same root in a clone of the database must leave exactly After.
	Before, After Snapshot
}

// TableEffect is what the DELETE did to one table.
type TableEffect struct {
	Table catalog.TableName
	// KeyColumns names the columns of the keys below: the primary key, or
	// ["ctid"] for a table without one.
	KeyColumns []string
	// Deleted holds the deleted rows as they were before, sorted by key.
	// A row first nulled and then deleted is only here.
	Deleted []Image
	// Changed holds the rows that remain, changed, sorted by key.
	Changed []ChangedRow
	// Inserted holds rows that appeared (only a trigger can do that).
	Inserted []Image
}

// ChangedRow is one row an ON DELETE SET NULL or SET DEFAULT action (or
// anything else) changed.
type ChangedRow struct {
	Key []string
	// Before and After are to_jsonb(row)::text.
	Before, After string
	// Columns lists the changed columns, in name order.
	Columns []ColumnChange
	// Nulled is true when a changed column belongs to an ON DELETE SET
	// NULL foreign key (its SET NULL column list, if it has one), and
	// Defaulted likewise for SET DEFAULT. Both may hold for one row;
	// neither holds for a change no referential action explains.
	Nulled, Defaulted bool
}

// ColumnChange is one changed column, with its values as JSON (After is
// null when the column became NULL).
type ColumnChange struct {
	Column        string
	Before, After json.RawMessage
}

// String shows the change as column: before -> after, for test failures.
func (c ColumnChange) String() string {
	return c.Column + ": " + string(c.Before) + " -> " + string(c.After)
}

// ToNull reports whether the column became NULL.
func (c ColumnChange) ToNull() bool { return string(c.After) == "null" }

// Failure is the error a DELETE raised, from *pgconn.PgError.
type Failure struct {
	// Code is the SQLSTATE: 23503 (foreign_key_violation) for NO ACTION
	// and RESTRICT blockers and SET DEFAULT to a missing row, 23502
	// (not_null_violation) for SET NULL into a NOT NULL column, 27000
	// (triggered_data_change_violation) for a row changed twice.
	Code string
	// Constraint, Schema and Table name the violated constraint and the
	// table PostgreSQL reported (for 23503, the referencing table).
	Constraint, Schema, Table string
	Message, Detail           string
	// AtCheck is true when SET CONSTRAINTS ALL IMMEDIATE raised the error
	// (a deferred constraint), not the DELETE itself.
	AtCheck bool
}

// Error returns the failure as PostgreSQL reported it.
func (f *Failure) Error() string {
	return fmt.Sprintf("%s (SQLSTATE %s, constraint %q)", f.Message, f.Code, f.Constraint)
}

// Blocked reports whether the DELETE failed.
func (o *Outcome) Blocked() bool { return o.Failure != nil }

// Table returns the effect on the named table, or nil when the DELETE did
// not touch it.
func (o *Outcome) Table(name catalog.TableName) *TableEffect {
	for i := range o.Tables {
		if o.Tables[i].Table == name {
			return &o.Tables[i]
		}
	}
	return nil
}

// Counts is how many rows of one table the DELETE deleted, nulled and
// defaulted (a row both nulled and defaulted counts in both).
type Counts struct {
	Deleted, Nulled, Defaulted int
}

// Counts returns the counts per touched table.
func (o *Outcome) Counts() map[catalog.TableName]Counts {
	m := make(map[catalog.TableName]Counts, len(o.Tables))
	for i := range o.Tables {
		e := &o.Tables[i]
		m[e.Table] = Counts{Deleted: len(e.Deleted), Nulled: len(e.NulledKeys()), Defaulted: len(e.DefaultedKeys())}
	}
	return m
}

// DeletedRows returns the total number of rows deleted.
func (o *Outcome) DeletedRows() int {
	n := 0
	for i := range o.Tables {
		n += len(o.Tables[i].Deleted)
	}
	return n
}

// DeletedKeys returns the keys of the deleted rows, sorted.
func (e *TableEffect) DeletedKeys() [][]string {
	out := make([][]string, len(e.Deleted))
	for i, r := range e.Deleted {
		out[i] = r.Key
	}
	return out
}

// NulledKeys returns the keys of the rows a SET NULL action changed.
func (e *TableEffect) NulledKeys() [][]string {
	var out [][]string
	for _, r := range e.Changed {
		if r.Nulled {
			out = append(out, r.Key)
		}
	}
	return out
}

// DefaultedKeys returns the keys of the rows a SET DEFAULT action changed.
func (e *TableEffect) DefaultedKeys() [][]string {
	var out [][]string
	for _, r := range e.Changed {
		if r.Defaulted {
			out = append(out, r.Key)
		}
	}
	return out
}
