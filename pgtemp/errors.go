package pgtemp

import "strings"

// NotFoundError reports that the PostgreSQL server binaries could not be
// found. It is a distinct type because callers branch on it: tests skip (or
// fail under CI) and the CLI prints an install hint instead of a stack of
// wrapped errors. Its message is one line naming the package to install.
type NotFoundError struct {
	// Searched lists the directories that were looked at, in order, for
	// diagnostics; it is not part of the one-line message.
	Searched []string
}

// Error returns the one-line install hint.
func (e *NotFoundError) Error() string {
	return `PostgreSQL server binaries (initdb, postgres) not found: install the "postgresql" package (apt-get install -y postgresql) or set PG_BIN`
}

// Detail returns the message plus the directories searched, for verbose
// output.
func (e *NotFoundError) Detail() string {
	if len(e.Searched) == 0 {
		return e.Error()
	}
	return e.Error() + " (searched: " + strings.Join(e.Searched, ", ") + ")"
}
