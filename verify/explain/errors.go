package explain

import (
	"errors"
	"fmt"

	"github.com/ondelete/ondelete/catalog"
)

// Sentinels wrapped by RootError, so callers can branch with errors.Is.
var (
	// ErrNoRootRow: the key or WHERE clause matches no row.
	ErrNoRootRow = errors.New("no row matches")
	// ErrManyRootRows: the WHERE clause matches more than one row; explain
	// answers for exactly one.
	ErrManyRootRows = errors.New("more than one row matches")
	// ErrBadRoot: the root selection itself is unusable (a missing or
	// unknown key column, a key on a table without a primary key, both or
	// neither of Key and Where, a table other than the graph's root).
	ErrBadRoot = errors.New("invalid root selection")
)

// ErrTooManyRows is returned when the collection reads more rows than
// Options.MaxRows allows.
var ErrTooManyRows = errors.New("too many rows")

// RootError says why the root row could not be selected, naming the table
// and the selection.
type RootError struct {
	Table catalog.TableName
	// Selection is the key or WHERE clause as given, for the message.
	Selection string
	// Detail adds what was wrong, for ErrBadRoot.
	Detail string
	Err    error
}

func (e *RootError) Error() string {
	msg := fmt.Sprintf("selecting the root row of %s", e.Table)
	if e.Selection != "" {
		msg += " (" + e.Selection + ")"
	}
	msg += ": " + e.Err.Error()
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap returns the sentinel.
func (e *RootError) Unwrap() error { return e.Err }
