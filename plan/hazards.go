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
// one is dropped, and the old key's trigger normally fires first
// (docs/coexisting-constraints.md, kept true by internal/acceptance), so
// a parent DELETE still behaves as before. It says what that means for
// this pair of actions.
func coexistHazard(fk *catalog.ForeignKey, onDelete catalog.Action) Hazard {
	return Hazard{ConstraintsCoexist, fmt.Sprintf(
		"until the old constraint %s is dropped both exist and the older one's trigger normally fires first, so a DELETE of a %s row keeps the old behaviour: %s; the new ON DELETE %s takes effect when the old constraint is dropped",
		fk.Key(), fk.RefTableName(), windowEffect(fk, onDelete), onDelete.SQL())}
}

// windowEffect says what a parent DELETE does to the referencing rows
// while the old key (fk) and a new one with action onDelete coexist.
func windowEffect(fk *catalog.ForeignKey, onDelete catalog.Action) string {
	switch {
	case fk.OnDelete.Blocks():
		return fmt.Sprintf("it fails while %s rows reference it (ON DELETE %s), even though the new constraint would %s them",
			fk.TableName(), fk.OnDelete.SQL(), verb(onDelete))
	case fk.OnDelete == catalog.Cascade:
		return fmt.Sprintf("the %s rows referencing it are deleted (ON DELETE CASCADE) before the new ON DELETE %s sees them",
			fk.TableName(), onDelete.SQL())
	}
	return fmt.Sprintf("the %s rows referencing it are changed by ON DELETE %s before the new ON DELETE %s sees them",
		fk.TableName(), fk.OnDelete.SQL(), onDelete.SQL())
}

func verb(a catalog.Action) string {
	switch a {
	case catalog.Cascade:
		return "delete"
	case catalog.SetNull:
		return "clear the reference of"
	case catalog.SetDefault:
		return "reset the reference of"
	}
	return "keep"
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
