package check

import (
	"fmt"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/policy"
)

// setNullNotNull reports ON DELETE SET NULL / SET DEFAULT foreign keys
// that would write NULL into a NOT NULL column: deleting a referenced row
// then always fails with a not-null violation while a referencing row
// exists. It looks at every foreign key, not only those in a root's graph,
// because such a key is broken whatever table is deleted from. It honours
// PostgreSQL 15 column lists (SET NULL (col, ...) writes only those
// columns). SET DEFAULT writes NULL only into a column with neither a
// default nor an identity; the graph uses the same rule (a default that
// names no existing row is a data problem the schema cannot show).
type setNullNotNull struct{}

func (setNullNotNull) Info() policy.LintInfo { return lintInfo(policy.LintSetNullNotNull) }

func (setNullNotNull) Analyze(p *pass) []Finding {
	var out []Finding
	for i := range p.snap.ForeignKeys {
		fk := &p.snap.ForeignKeys[i]
		if fk.OnDelete != catalog.SetNull && fk.OnDelete != catalog.SetDefault {
			continue
		}
		t := p.table(fk.TableName())
		cols := nullWrites(fk, t)
		if len(cols) == 0 {
			continue
		}
		f := p.finding(fk)
		f.Found = fmt.Sprintf("ON DELETE %s on NOT NULL %s", fk.OnDelete.SQL(), columnWord(cols))
		f.Expected = "nullable columns, or ON DELETE CASCADE"
		f.Message = fmt.Sprintf("Deleting a row of %s that a row of %s references always fails: %s writes NULL into NOT NULL %s.",
			fk.RefTableName(), fk.TableName(), fk.OnDelete.SQL(), columnWord(cols))
		f.Fix = setNullFix(fk, t, cols)
		out = append(out, f)
	}
	return out
}

// nullWrites returns the NOT NULL columns fk's SET NULL / SET DEFAULT
// would set to NULL. Without the table (not inspected), SET NULL is judged
// by fk.NotNull.
func nullWrites(fk *catalog.ForeignKey, t *catalog.Table) []string {
	targets := setTargets(fk, fk.OnDelete)
	if t == nil {
		if fk.OnDelete == catalog.SetNull && fk.NotNull {
			return append([]string(nil), targets...)
		}
		return nil
	}
	var out []string
	for _, name := range targets {
		c := t.Column(name)
		if c == nil || !c.NotNull {
			continue
		}
		if fk.OnDelete == catalog.SetDefault && (c.Default != "" || c.Identity != "") {
			continue
		}
		out = append(out, name)
	}
	return out
}

// setNullFix makes the columns nullable (keeping the rows, as SET NULL
// intends) unless one is part of the primary key, and offers CASCADE as
// the alternative.
func setNullFix(fk *catalog.ForeignKey, t *catalog.Table, cols []string) string {
	cascade := redefineOf(fk)
	cascade.onDelete = catalog.Cascade
	cascadeSQL := rebuildSQL(fk, t, cascade)
	if !canSetNull(fk, t) {
		return "-- a primary key column cannot be NULL; delete the referencing rows with the referenced row:\n" + cascadeSQL
	}
	var drop string
	for i, c := range cols {
		if i > 0 {
			drop += ",\n  "
		}
		drop += "ALTER COLUMN " + ident.Quote(c) + " DROP NOT NULL"
	}
	keep := "-- keep the referencing rows with a NULL reference:\nALTER TABLE " + fk.TableName().Quoted() + "\n  " + drop + ";"
	return keep + "\n-- or delete them with the referenced row:\n" + comment(cascadeSQL)
}

// columnWord spells "column a" or "columns a, b".
func columnWord(cols []string) string {
	if len(cols) == 1 {
		return "column " + columnsDisplay(cols)
	}
	return "columns " + columnsDisplay(cols)
}
