package check

import (
	"fmt"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/policy"
)

// unindexedCascade reports CASCADE / SET NULL / SET DEFAULT foreign keys
// with no index leading with their columns (catalog.ForeignKey.Indexed):
// every DELETE of a referenced row then looks for referencing rows with a
// sequential scan of the child table, under a lock, once per deleted row.
// Blocking keys (NO ACTION / RESTRICT) scan too, but only to fail; they
// are not this lint's concern.
type unindexedCascade struct{}

func (unindexedCascade) Info() policy.LintInfo { return lintInfo(policy.LintUnindexedCascade) }

func (unindexedCascade) Analyze(p *pass) []Finding {
	var out []Finding
	for i := range p.snap.ForeignKeys {
		fk := &p.snap.ForeignKeys[i]
		if fk.Indexed || fk.OnDelete.Blocks() {
			continue
		}
		t := p.table(fk.TableName())
		f := p.finding(fk)
		f.Found = fmt.Sprintf("ON DELETE %s without an index leading with (%s)", fk.OnDelete.SQL(), columnsDisplay(fk.Columns))
		f.Expected = fmt.Sprintf("an index on %s (%s)", fk.TableName(), columnsDisplay(fk.Columns))
		f.Message = fmt.Sprintf("Every DELETE of a %s row scans all of %s%s to %s the referencing rows.",
			fk.RefTableName(), fk.TableName(), rowsNote(fk.RowEstimate), actionVerb(fk.OnDelete))
		f.Fix = createIndexSQL(p.names, fk.TableName(), t != nil && t.Partitioned, fk.Columns)
		out = append(out, f)
	}
	return out
}

// rowsNote gives the planner's row estimate, when analyzed.
func rowsNote(n int64) string {
	if n < 0 {
		return ""
	}
	return fmt.Sprintf(" (about %d rows)", n)
}

// actionVerb says what an ON DELETE action does to referencing rows.
func actionVerb(a catalog.Action) string {
	switch a {
	case catalog.Cascade:
		return "find and delete"
	case catalog.SetNull:
		return "find and null"
	case catalog.SetDefault:
		return "find and reset"
	}
	return "find"
}
