package catalog

import (
	"fmt"
	"strings"

	"github.com/ondelete/ondelete/ident"
)

// Clause spells the foreign key's definition after ADD CONSTRAINT name, with the
// given actions (the current ones, or those a fix or plan sets): FOREIGN KEY (...) REFERENCES ... [MATCH FULL]
// [ON DELETE ...] [ON UPDATE ...] [DEFERRABLE [INITIALLY DEFERRED]]. A
// PostgreSQL 15 SET NULL / SET DEFAULT column list is kept when the new
// action takes one.
func (fk *ForeignKey) Clause(onDelete, onUpdate Action) string {
	var b strings.Builder
	fmt.Fprintf(&b, "FOREIGN KEY (%s) REFERENCES %s (%s)", ident.QuoteList(fk.Columns), fk.RefTableName().Quoted(), ident.QuoteList(fk.RefColumns))
	if fk.Match == "full" {
		b.WriteString(" MATCH FULL")
	}
	if onDelete != "" && onDelete != NoAction {
		b.WriteString(" ON DELETE " + onDelete.SQL())
		if len(fk.OnDeleteColumns) > 0 && (onDelete == SetNull || onDelete == SetDefault) {
			b.WriteString(" (" + ident.QuoteList(fk.OnDeleteColumns) + ")")
		}
	}
	if onUpdate != "" && onUpdate != NoAction {
		b.WriteString(" ON UPDATE " + onUpdate.SQL())
	}
	if fk.Deferrable {
		b.WriteString(" DEFERRABLE")
		if fk.InitiallyDeferred {
			b.WriteString(" INITIALLY DEFERRED")
		}
	}
	return b.String()
}
