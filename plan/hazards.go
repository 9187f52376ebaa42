package plan

import (
	"fmt"

	"github.com/ondelete/ondelete/catalog"
)

// rowsNote gives the planner's estimate of a table's rows, when analyzed.
func rowsNote(n int64) string {
	if n < 0 {
		return "a table never analyzed, size unknown"
	}
	return fmt.Sprintf("about %d rows", n)
}

// scanHazard: validation reads every row of the referencing table.
func scanHazard(fk *catalog.ForeignKey) Hazard {
	return Hazard{ValidationScansTable, fmt.Sprintf("validation reads every row of %s (%s) and fails if one references no row of %s",
		fk.TableName(), rowsNote(fk.RowEstimate), fk.RefTableName())}
}

// blockingAddHazard: a validating ADD CONSTRAINT holds its SHARE ROW
// EXCLUSIVE locks for the whole scan.
func blockingAddHazard(fk *catalog.ForeignKey) Hazard {
	return Hazard{BlocksWrites, fmt.Sprintf("ADD CONSTRAINT validates while it holds a lock that blocks writes to %s and %s (%s); use the online strategy for a big table",
		fk.TableName(), fk.RefTableName(), rowsNote(fk.RowEstimate))}
}

// coexistHazard: the old and the new key are both present until the old
// one is dropped (docs/coexisting-constraints.md).
func coexistHazard(fk *catalog.ForeignKey) Hazard {
	return Hazard{ConstraintsCoexist, fmt.Sprintf("until the old constraint %s is dropped, deletes keep the old ON DELETE %s behaviour (its trigger fires first)",
		fk.Key(), fk.OnDelete.SQL())}
}

// actionHazards say what the new ON DELETE action does that the old did
// not; attached to the statement from which the new action takes effect.
func actionHazards(fk *catalog.ForeignKey, onDelete catalog.Action) []Hazard {
	if onDelete == fk.OnDelete {
		return nil
	}
	switch onDelete {
	case catalog.Cascade:
		return []Hazard{{NewCascadeDeletesRows, fmt.Sprintf("a DELETE of a %s row now deletes the %s rows referencing it, where ON DELETE %s %s",
			fk.RefTableName(), fk.TableName(), fk.OnDelete.SQL(), oldEffect(fk.OnDelete))}}
	case catalog.SetNull:
		return []Hazard{{NewSetNullClearsRows, fmt.Sprintf("a DELETE of a %s row now sets (%s) to NULL in the %s rows referencing it, where ON DELETE %s %s",
			fk.RefTableName(), joinDisplay(fk.Columns), fk.TableName(), fk.OnDelete.SQL(), oldEffect(fk.OnDelete))}}
	}
	return nil
}

func oldEffect(a catalog.Action) string {
	switch {
	case a.Blocks():
		return "made the DELETE fail"
	case a == catalog.Cascade:
		return "deleted them"
	}
	return "changed them"
}
