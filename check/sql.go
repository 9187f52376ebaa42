package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// The fixes are SQL a reviewer can paste into a migration. Every
// identifier is quoted with package ident; alternatives are written as SQL
// comments, so that running a fix as written applies exactly its first,
// recommended option.

// redefine describes a foreign key rebuilt with other properties: the way
// to change an action or a name in one step, since PostgreSQL cannot
// ALTER a foreign key's actions in place.
type redefine struct {
	onDelete catalog.Action
	onUpdate catalog.Action
	// name is the constraint's new name (its current name when unchanged).
	name string
	// validate ends the fix with VALIDATE CONSTRAINT; otherwise the new
	// constraint stays NOT VALID, as a constraint never validated should
	// (validating it may fail on rows that break it).
	validate bool
}

// redefineOf keeps every property of fk.
func redefineOf(fk *catalog.ForeignKey) redefine {
	return redefine{onDelete: fk.OnDelete, onUpdate: fk.OnUpdate, name: fk.Name, validate: fk.Validated}
}

// rebuildSQL returns the statements that replace fk by r in one ALTER
// TABLE (so no moment exists without the constraint), adding the new
// constraint NOT VALID and, when r.validate, validating it separately:
// adding then takes its lock only briefly, and VALIDATE holds just a SHARE
// UPDATE EXCLUSIVE lock while it reads the table. A partitioned table
// cannot take NOT VALID foreign keys, so there the constraint is added
// validated. When the new action is SET NULL on
// NOT NULL columns, those columns are made nullable in the same statement,
// or the DELETE would always fail. t may be nil when the snapshot lacks
// the table.
func rebuildSQL(fk *catalog.ForeignKey, t *catalog.Table, r redefine) string {
	table := fk.TableName().Quoted()
	partitioned := t != nil && t.Partitioned
	var sub []string
	if r.onDelete == catalog.SetNull {
		for _, c := range notNullColumns(t, setTargets(fk, r.onDelete)) {
			sub = append(sub, "ALTER COLUMN "+ident.Quote(c)+" DROP NOT NULL")
		}
	}
	sub = append(sub, "DROP CONSTRAINT "+ident.Quote(fk.Name))
	add := "ADD CONSTRAINT " + ident.Quote(r.name) + " " + fk.Clause(r.onDelete, r.onUpdate)
	notValid := !partitioned
	if notValid {
		add += " NOT VALID"
	}
	sub = append(sub, add)
	var b strings.Builder
	if partitioned {
		b.WriteString(partitionedKeyNote + "\n")
	}
	b.WriteString("ALTER TABLE " + table + "\n  " + strings.Join(sub, ",\n  ") + ";")
	if notValid && r.validate {
		b.WriteString("\n" + validateSQL(fk.TableName(), r.name))
	}
	return b.String()
}

// partitionedKeyNote explains why a fix on a partitioned table adds its
// foreign key validated.
const partitionedKeyNote = "-- partitioned table: NOT VALID is not supported, so adding the key checks every row while it holds the lock"

// validateSQL validates a NOT VALID constraint.
func validateSQL(t catalog.TableName, name string) string {
	return "ALTER TABLE " + t.Quoted() + " VALIDATE CONSTRAINT " + ident.Quote(name) + ";"
}

// createIndexSQL creates an index leading with cols under the name
// PostgreSQL would choose. CONCURRENTLY keeps writes flowing while it
// builds; a partitioned table does not support it, so there the plain
// form is given with a note.
func createIndexSQL(names *relationNames, t catalog.TableName, partitioned bool, cols []string) string {
	name := ident.Quote(names.indexName(t, cols))
	on := t.Quoted() + " (" + ident.QuoteList(cols) + ");"
	if partitioned {
		return "-- partitioned table: CREATE INDEX CONCURRENTLY is not supported, so this blocks writes while it builds\n" +
			"-- (online: CREATE INDEX ... ON ONLY the parent, CONCURRENTLY on each partition, then ALTER INDEX ... ATTACH PARTITION)\n" +
			"CREATE INDEX " + name + " ON " + on
	}
	return "CREATE INDEX CONCURRENTLY " + name + " ON " + on
}

// orphanRowsSQL is a query listing the rows of fk's table that reference
// no row of its referenced table: the rows that make VALIDATE CONSTRAINT
// fail. Under MATCH SIMPLE a row with any NULL key column is not checked;
// under MATCH FULL only an all-NULL key is exempt.
func orphanRowsSQL(fk *catalog.ForeignKey) string {
	var cond []string
	for i, c := range fk.Columns {
		cond = append(cond, "p."+ident.Quote(fk.RefColumns[i])+" = c."+ident.Quote(c))
	}
	var guard string
	if fk.Match == "full" {
		var allNull []string
		for _, c := range fk.Columns {
			allNull = append(allNull, "c."+ident.Quote(c)+" IS NULL")
		}
		guard = "NOT (" + strings.Join(allNull, " AND ") + ")"
	} else {
		var notNull []string
		for _, c := range fk.Columns {
			notNull = append(notNull, "c."+ident.Quote(c)+" IS NOT NULL")
		}
		guard = strings.Join(notNull, " AND ")
	}
	return fmt.Sprintf("SELECT c.* FROM %s c WHERE %s AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s);",
		fk.TableName().Quoted(), guard, fk.RefTableName().Quoted(), strings.Join(cond, " AND "))
}

// comment turns SQL into comment lines, for an alternative a reviewer may
// choose instead of the recommended fix.
func comment(sql string) string {
	lines := strings.Split(sql, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "--") {
			lines[i] = "-- " + l
		}
	}
	return strings.Join(lines, "\n")
}

// setTargets returns the columns an ON DELETE action writes: the
// PostgreSQL 15 column list when there is one, otherwise every
// referencing column.
func setTargets(fk *catalog.ForeignKey, a catalog.Action) []string {
	if len(fk.OnDeleteColumns) > 0 && (a == catalog.SetNull || a == catalog.SetDefault) {
		return fk.OnDeleteColumns
	}
	return fk.Columns
}

// notNullColumns returns those of cols that t declares NOT NULL, in the
// order given; none when t is unknown.
func notNullColumns(t *catalog.Table, cols []string) []string {
	if t == nil {
		return nil
	}
	var out []string
	for _, name := range cols {
		if c := t.Column(name); c != nil && c.NotNull {
			out = append(out, name)
		}
	}
	return out
}

// nullable reports whether every column SET NULL would write is
// nullable already.
func nullable(fk *catalog.ForeignKey, t *catalog.Table) bool {
	if t == nil {
		return !fk.NotNull
	}
	return len(notNullColumns(t, setTargets(fk, catalog.SetNull))) == 0
}

// canSetNull reports whether SET NULL is possible at all: no column it
// would write is part of the primary key (which is NOT NULL for good).
func canSetNull(fk *catalog.ForeignKey, t *catalog.Table) bool {
	if t == nil {
		return true
	}
	for _, c := range setTargets(fk, catalog.SetNull) {
		if slices.Contains(t.PrimaryKey, c) {
			return false
		}
	}
	return true
}

// columnsDisplay spells columns as a person would type them: a, "B c".
func columnsDisplay(cols []string) string {
	d := make([]string, len(cols))
	for i, c := range cols {
		d[i] = ident.Display(c)
	}
	return strings.Join(d, ", ")
}
