package policy

import (
	"fmt"
	"github.com/ondelete/ondelete/ident"

	"github.com/ondelete/ondelete/catalog"
)

// ConstraintRefError reports a constraint reference that is not
// schema.table.constraint in SQL identifier syntax.
type ConstraintRefError struct {
	Ref    string
	Reason string
}

func (e *ConstraintRefError) Error() string {
	return fmt.Sprintf("invalid constraint reference %q: %s", e.Ref, e.Reason)
}

// ParseConstraintRef reads schema.table.constraint as exceptions write it,
// the display form graph paths and JSON output use: unquoted parts are
// folded to lower case as PostgreSQL folds identifiers; double-quoted parts
// keep their case and may contain dots and doubled quotes
// (public."User"."User_teamId_fkey", app."x.y"."a""b"). So a reference
// copied from ondelete's output always names the same constraint.
func ParseConstraintRef(s string) (catalog.ConstraintKey, error) {
	parts, err := constraintParts(s)
	if err != nil {
		return catalog.ConstraintKey{}, err
	}
	return foldedKey(parts), nil
}

// foldedKey is the reference as PostgreSQL reads it.
func foldedKey(parts []namePart) catalog.ConstraintKey {
	return catalog.ConstraintKey{Schema: parts[0].Folded(), Table: parts[1].Folded(), Name: parts[2].Folded()}
}

// constraintParts splits a constraint reference into exactly three parts.
func constraintParts(s string) ([]namePart, error) {
	parts, err := ident.Split(s)
	if err != nil {
		return nil, &ConstraintRefError{Ref: s, Reason: err.Error()}
	}
	if len(parts) != 3 {
		return nil, &ConstraintRefError{Ref: s, Reason: fmt.Sprintf(
			"want schema.table.constraint, found %d part%s (quote parts that contain dots)", len(parts), plural(len(parts)))}
	}
	return parts, nil
}

// typedKey is the reference with every part spelled exactly as written,
// the second meaning an unquoted part may have (see namePart).
func typedKey(parts []namePart) catalog.ConstraintKey {
	return catalog.ConstraintKey{Schema: parts[0].Text, Table: parts[1].Text, Name: parts[2].Text}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
