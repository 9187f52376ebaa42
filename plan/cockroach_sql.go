package plan

import (
	"cmp"
	"slices"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// The CockroachDB statement builders; those shared with PostgreSQL
// (DROP CONSTRAINT IF EXISTS, VALIDATE CONSTRAINT, RENAME CONSTRAINT) are
// in sql.go. Every identifier goes through package ident.

// crdbAddSQL adds a key with IF NOT EXISTS, which CockroachDB has and
// PostgreSQL lacks: a re-run of the step is then a no-op.
func crdbAddSQL(fk *catalog.ForeignKey, name string, onDelete, onUpdate catalog.Action, notValid bool) string {
	s := alter(fk) + "ADD CONSTRAINT IF NOT EXISTS " + ident.Quote(name) + " " + fk.Clause(onDelete, onUpdate)
	if notValid {
		s += " NOT VALID"
	}
	return s + ";"
}

// crdbCreateIndexSQL builds an index without CONCURRENTLY: CockroachDB
// builds every index online and accepts the keyword only as a no-op.
func crdbCreateIndexSQL(fk *catalog.ForeignKey, name string) string {
	return "CREATE INDEX IF NOT EXISTS " + ident.Quote(name) + " ON " + fk.TableName().Quoted() +
		" (" + ident.QuoteList(fk.Columns) + ");"
}

// crdbDropIndexSQL names the index as table@index: CockroachDB index
// names are unique per table, so schema.index alone can be ambiguous.
func crdbDropIndexSQL(fk *catalog.ForeignKey, name string) string {
	return "DROP INDEX IF EXISTS " + fk.TableName().Quoted() + "@" + ident.Quote(name) + ";"
}

// crdbUnsupported says why fk cannot be written in CockroachDB's
// foreign-key grammar, or "" when it can. Writing it is needed to add the
// changed key and, in the down, to add the old one back.
func crdbUnsupported(fk *catalog.ForeignKey) string {
	switch {
	case fk.Deferrable:
		return "CockroachDB has no DEFERRABLE foreign keys: re-adding this key for the change would drop its deferral, a decision the plan does not make"
	case len(fk.OnDeleteColumns) > 0:
		return "CockroachDB has no column list after ON DELETE SET NULL / SET DEFAULT: re-adding this key for the change would set every referencing column instead of (" +
			joinDisplay(fk.OnDeleteColumns) + "), a decision the plan does not make"
	}
	return ""
}

// sortUnfixable orders unfixable findings by constraint, then rule, as
// collect does, once the dialect has added its own.
func sortUnfixable(u []Unfixable) {
	slices.SortStableFunc(u, func(a, b Unfixable) int {
		if a.Constraint != b.Constraint {
			return cmp.Compare(a.Constraint, b.Constraint)
		}
		return cmp.Compare(a.Rule, b.Rule)
	})
}
