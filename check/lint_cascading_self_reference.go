package check

import (
	"fmt"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/policy"
)

// cascadingSelfReference reports a table that references itself with ON
// DELETE CASCADE (epics.parent_id → epics): deleting one row silently
// deletes its children, their children and so on, the whole subtree in one
// statement. That is sometimes intended (a folder tree) and often not
// (re-parenting was meant), so it is a warning by default.
type cascadingSelfReference struct{}

func (cascadingSelfReference) Info() policy.LintInfo {
	return lintInfo(policy.LintCascadingSelfReference)
}

func (cascadingSelfReference) Analyze(p *pass) []Finding {
	var out []Finding
	for i := range p.snap.ForeignKeys {
		fk := &p.snap.ForeignKeys[i]
		if fk.OnDelete != catalog.Cascade || fk.TableName() != fk.RefTableName() {
			continue
		}
		t := p.table(fk.TableName())
		f := p.finding(fk)
		f.Found = fmt.Sprintf("ON DELETE CASCADE from %s (%s) to its own table", fk.TableName(), columnsDisplay(fk.Columns))
		f.Expected = "ON DELETE SET NULL (children kept) or RESTRICT (children handled explicitly)"
		f.Message = fmt.Sprintf("Deleting one row of %s deletes every row below it through %s, however deep the tree: one DELETE can remove far more than the row named.",
			fk.TableName(), columnsDisplay(fk.Columns))
		f.Fix = selfReferenceFix(fk, t)
		out = append(out, f)
	}
	return out
}

// selfReferenceFix re-parents children to NULL when the key can be NULL,
// with RESTRICT as the alternative that makes deleting a parent with
// children an explicit decision.
func selfReferenceFix(fk *catalog.ForeignKey, t *catalog.Table) string {
	restrict := redefineOf(fk)
	restrict.onDelete = catalog.Restrict
	restrictSQL := rebuildSQL(fk, t, restrict)
	if !canSetNull(fk, t) {
		return "-- make deleting a row that still has children fail, so subtrees are removed deliberately:\n" + restrictSQL
	}
	setNull := redefineOf(fk)
	setNull.onDelete = catalog.SetNull
	head := "-- keep the children as new roots of their subtrees"
	if !nullable(fk, t) {
		head += " (this makes the columns nullable)"
	}
	return head + ":\n" + rebuildSQL(fk, t, setNull) +
		"\n-- or make deleting a row that still has children fail:\n" + comment(restrictSQL)
}
