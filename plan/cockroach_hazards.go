package plan

import (
	"fmt"

	"github.com/ondelete/ondelete/catalog"
)

// The hazards of CockroachDB statements. Its schema changes run as
// background jobs that hold no locks on table data, so none of them
// reports BLOCKS_WRITES; a scan is still a scan and still reported.

// crdbScanHazard: validation reads every row of the referencing table.
func crdbScanHazard(fk *catalog.ForeignKey) Hazard {
	return Hazard{ValidationScansTable, fmt.Sprintf(
		"validation reads every row of %s (%s) in a background job that does not block reads or writes, and fails if one references no row of %s",
		fk.TableName(), rowsNote(fk.RowEstimate), fk.RefTableName())}
}

// crdbIndexHazard: the index build reads every row of the table.
func crdbIndexHazard(fk *catalog.ForeignKey) Hazard {
	return Hazard{ValidationScansTable, fmt.Sprintf(
		"the index build reads every row of %s (%s) in a background job that does not block reads or writes; a failed build is rolled back by the job",
		fk.TableName(), rowsNote(fk.RowEstimate))}
}

// crdbCoexistHazard: while the old and the new key both exist, a delete
// of a referenced row takes the action of the key defined first, the old
// one, as CockroachDB documents for several keys on one column.
func crdbCoexistHazard(fk *catalog.ForeignKey, onDelete catalog.Action) Hazard {
	return Hazard{ConstraintsCoexist, fmt.Sprintf(
		"until the old constraint %s is dropped both exist and CockroachDB applies the action of the foreign key defined first, so a DELETE of a %s row keeps the old behaviour: %s; the new ON DELETE %s takes effect when the old constraint is dropped",
		fk.Key(), fk.RefTableName(), windowEffect(fk, onDelete), onDelete.SQL())}
}
