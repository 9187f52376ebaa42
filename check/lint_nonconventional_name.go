package check

import (
	"fmt"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/policy"
)

// nonconventionalName reports foreign keys not named the way PostgreSQL
// names them (<table>_<col>[_<col>...]_fkey, see catalog.DefaultFKName):
// a later migration that writes DROP CONSTRAINT IF EXISTS with the
// conventional name silently drops nothing, and the replacement it adds
// then overlaps the old key instead of replacing it.
type nonconventionalName struct{}

func (nonconventionalName) Info() policy.LintInfo { return lintInfo(policy.LintNonconventionalName) }

func (nonconventionalName) Analyze(p *pass) []Finding {
	var out []Finding
	for i := range p.snap.ForeignKeys {
		fk := &p.snap.ForeignKeys[i]
		if fk.ConventionalName {
			continue
		}
		want := catalog.DefaultFKName(fk.Table, fk.Columns)
		f := p.finding(fk)
		f.Found = "name " + ident.Display(fk.Name)
		f.Expected = "name " + ident.Display(want)
		f.Message = fmt.Sprintf("A migration that runs DROP CONSTRAINT IF EXISTS %s on %s misses %s and drops nothing.",
			ident.Display(want), fk.TableName(), fk.Key())
		f.Fix = renameFix(p, fk, want)
		out = append(out, f)
	}
	return out
}

// renameFix renames the constraint. When another foreign key of the table
// already has the conventional name (typically an overlapping key), the
// rename would fail: one of the two must go first, a choice the fix leaves
// to the reader, so the DROP is written as a comment.
func renameFix(p *pass, fk *catalog.ForeignKey, want string) string {
	rename := renameSQL(fk, want)
	other := p.fks[catalog.ConstraintKey{Schema: fk.Schema, Table: fk.Table, Name: want}]
	if other == nil {
		return rename
	}
	return fmt.Sprintf("-- %s already has a foreign key named %s (see overlapping-fks); drop the one you do not keep first:\n",
		fk.TableName(), ident.Display(want)) +
		comment("ALTER TABLE "+fk.TableName().Quoted()+" DROP CONSTRAINT "+ident.Quote(want)+";") + "\n" + rename
}

// renameSQL renames fk's constraint.
func renameSQL(fk *catalog.ForeignKey, name string) string {
	return "ALTER TABLE " + fk.TableName().Quoted() + " RENAME CONSTRAINT " + ident.Quote(fk.Name) + " TO " + ident.Quote(name) + ";"
}
