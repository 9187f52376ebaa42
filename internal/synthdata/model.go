package synthdata

import (
	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/synth"
)

// Data is a generated set of rows for a synth.Schema: every foreign-key
// value points at a generated parent row or is NULL (only where the column
// is nullable), and every key is known before loading, so tests can name
// rows without asking the database.
type Data struct {
	// Options are the options the rows were generated from.
	Options Options
	// Schema is the schema the rows fit. It is the schema Generate was
	// given plus column defaults on some ON DELETE SET DEFAULT columns
	// (Options.DefaultRefRate) and NOT NULL on some SET NULL / SET DEFAULT
	// columns (Options.NotNullActionRate): load this one, not the
	// original.
	Schema synth.Schema
	// Tables holds the rows of Schema.Tables[i] in Tables[i].
	Tables []TableData
	// Deferred lists the NO ACTION foreign keys of Schema that Load makes
	// DEFERRABLE INITIALLY DEFERRED (synth.Schema cannot say so).
	Deferred []catalog.ConstraintKey
	// Roots lists candidate root rows, Roots[0] first: the row the
	// blocker knob (Options.KeepBlockerRate) was applied for. The others
	// are owner rows with large cascades, best first; their DELETEs may or
	// may not be blocked.
	Roots []Root
}

// TableData is the rows of one table.
type TableData struct {
	Table catalog.TableName
	// Columns are every column of the table, in table order.
	Columns []string
	// Rows hold one value per column, as PostgreSQL's text input for the
	// column's type; nil is NULL. Rows are inserted in this order.
	Rows [][]*string
}

// Root is one row whose DELETE a test examines.
type Root struct {
	Table catalog.TableName
	// KeyColumns is the table's primary key; KeyValues its values, as
	// PostgreSQL prints them (::text), in the same order.
	KeyColumns []string
	KeyValues  []string
	// Deletes is the number of rows the DELETE cascades to, the root
	// included, and Touches the references from other rows into them (to
	// be nulled, defaulted or blocking), as simulated on the generated
	// data before blockers were moved: a measure of how non-trivial the
	// deletion graph is, not an oracle.
	Deletes, Touches int
	// Stuck counts the references into the deletion that the blocker
	// knob could not have moved (NOT NULL, every parent row deleted): when
	// positive the DELETE fails whatever the options say.
	Stuck int
}

// Key returns the root's primary key as column → value, the form
// explain.Root and NativeDelete take.
func (r Root) Key() map[string]string {
	m := make(map[string]string, len(r.KeyColumns))
	for i, c := range r.KeyColumns {
		m[c] = r.KeyValues[i]
	}
	return m
}

// Root returns Roots[0], the root the data was shaped for.
func (d *Data) Root() Root { return d.Roots[0] }

// RowCount returns the number of generated rows over all tables.
func (d *Data) RowCount() int {
	n := 0
	for i := range d.Tables {
		n += len(d.Tables[i].Rows)
	}
	return n
}
