package verify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ondelete/ondelete/catalog"
)

// outcomeKind classifies what happens to a watched row.
type outcomeKind int

const (
	outDeleted   outcomeKind = iota + 1
	outNulled                // the action's columns are NULL
	outDefaulted             // the action's columns changed (to their defaults)
	outKept                  // the row is there, unchanged
	outChanged               // the row is there, changed some other way
	outFailed                // the DELETE failed
	// Expectations only:
	outBlocked   // the DELETE fails on constraint, or on NOT NULL columns
	outEither    // deleted, or blocked by constraint
	outNotInList // the graph does not list this foreign key
)

// outcome is an expected or observed outcome.
type outcome struct {
	kind outcomeKind
	// constraint names the blocking foreign key (outBlocked, outEither)
	// or the constraint PostgreSQL named (outFailed).
	constraint string
	// columns are the NOT NULL columns a SET NULL / SET DEFAULT writes
	// NULL into (outBlocked), or the column PostgreSQL named (outFailed).
	columns []string
	// code and message are PostgreSQL's (outFailed).
	code, message string
}

// String renders an outcome for Expected / Observed: short, stable words.
func (o outcome) String() string {
	switch o.kind {
	case outDeleted:
		return "deleted"
	case outNulled:
		return "nulled"
	case outDefaulted:
		return "defaulted"
	case outKept:
		return "kept"
	case outChanged:
		return "changed"
	case outBlocked:
		if len(o.columns) > 0 {
			return "blocked by NOT NULL " + strings.Join(o.columns, ", ")
		}
		return "blocked by " + o.constraint
	case outEither:
		return "deleted or blocked by " + o.constraint
	case outNotInList:
		return "kept (not in the graph)"
	case outFailed:
		what := o.constraint
		switch {
		case o.code == "23502" && len(o.columns) > 0:
			what = "NOT NULL " + o.columns[0]
		case what == "":
			what = o.message
		}
		return fmt.Sprintf("DELETE failed: %s (SQLSTATE %s)", what, o.code)
	}
	return "unknown"
}

// satisfies reports whether observed o meets expectation exp.
func (o outcome) satisfies(exp outcome) bool {
	switch exp.kind {
	case outBlocked:
		return o.blocks(exp)
	case outEither:
		return o.kind == outDeleted || o.blocks(outcome{kind: outBlocked, constraint: exp.constraint})
	case outNotInList:
		return o.kind == outKept
	}
	return o.kind == exp.kind
}

// blocks reports whether o is the failure exp expects: the foreign key
// violation it names, or a NOT NULL violation on one of its columns.
func (o outcome) blocks(exp outcome) bool {
	if o.kind != outFailed {
		return false
	}
	if len(exp.columns) > 0 {
		return o.code == "23502" && len(o.columns) == 1 && slices.Contains(exp.columns, o.columns[0])
	}
	return (o.code == "23503" || o.code == "23001") && o.constraint == exp.constraint
}

// actions lists the ON DELETE actions that produce observed outcome o for
// the row's foreign key fk, for comparison with a policy.
func (o outcome) actions(fk *catalog.ForeignKey) []catalog.Action {
	switch o.kind {
	case outDeleted:
		return []catalog.Action{catalog.Cascade}
	case outNulled:
		return []catalog.Action{catalog.SetNull}
	case outDefaulted:
		return []catalog.Action{catalog.SetDefault}
	case outFailed:
		if (o.code == "23503" || o.code == "23001") && o.constraint == fk.Name {
			return []catalog.Action{catalog.NoAction, catalog.Restrict}
		}
	}
	return nil
}

// failureHint explains a common mismatch in one clause, or returns "".
func failureHint(exp, obs outcome) string {
	switch {
	case exp.kind == outDeleted && obs.kind == outKept:
		return "a BEFORE DELETE trigger returning NULL, or a rule, can keep a row a cascade deletes"
	case (exp.kind == outNulled || exp.kind == outDefaulted) && obs.kind == outKept:
		return "a BEFORE UPDATE trigger returning NULL, or a rule, can cancel the action's update"
	case exp.kind == outNotInList:
		return "the graph does not list this foreign key into a deleted table"
	case obs.kind == outFailed && obs.code != "23503" && obs.code != "23001" && obs.code != "23502":
		return "something other than a foreign key (a trigger, a rule, a constraint) made the DELETE fail"
	}
	return ""
}
