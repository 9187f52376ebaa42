package graph

import (
	"fmt"
	"strings"

	"github.com/ondelete/ondelete/catalog"
)

// TableNotFoundError reports a table name that matches no table. Callers
// branch on it (errors.As) to show Suggestions or exit with a usage error.
type TableNotFoundError struct {
	// Name is the name as the user typed it (or the display form of a
	// catalog.TableName passed to Build).
	Name string
	// Suggestions are close existing tables, best first; possibly empty.
	Suggestions []catalog.TableName
}

func (e *TableNotFoundError) Error() string {
	msg := fmt.Sprintf("table %s not found", e.Name)
	if len(e.Suggestions) > 0 {
		msg += "; did you mean " + joinNames(e.Suggestions, " or ") + "?"
	}
	return msg
}

// AmbiguousTableError reports an unqualified name that matches tables in
// several schemas, none of them public.
type AmbiguousTableError struct {
	Name string
	// Candidates are the matching tables, sorted.
	Candidates []catalog.TableName
}

func (e *AmbiguousTableError) Error() string {
	return fmt.Sprintf("table name %s is ambiguous: it matches %s; qualify it with a schema",
		e.Name, joinNames(e.Candidates, ", "))
}

// InvalidTableNameError reports a name that is not valid SQL identifier
// syntax (unbalanced quotes, empty parts, too many dots).
type InvalidTableNameError struct {
	Name   string
	Reason string
}

func (e *InvalidTableNameError) Error() string {
	return fmt.Sprintf("invalid table name %q: %s", e.Name, e.Reason)
}

// joinNames joins display forms of table names.
func joinNames(names []catalog.TableName, sep string) string {
	s := make([]string, len(names))
	for i, n := range names {
		s[i] = n.String()
	}
	return strings.Join(s, sep)
}
