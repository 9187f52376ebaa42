package migrate

import (
	"fmt"
	"strings"
)

// FileError is a problem with one migration file found while loading it: a
// name that matches no convention of the layout, a misplaced annotation, a
// lexical error. Line and Column are 0 when the problem is the file as a
// whole (its name, a missing section).
type FileError struct {
	File   string
	Line   int
	Column int
	Msg    string
}

// Error returns "file:line:col: msg", leaving out the parts that are 0.
func (e *FileError) Error() string {
	switch {
	case e.Line == 0:
		return e.File + ": " + e.Msg
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// LayoutError is returned when a directory's layout cannot be decided: it
// holds no migrations, or files of several layouts. Candidates names, per
// layout, one file that suggested it.
type LayoutError struct {
	Dir        string
	Msg        string
	Candidates map[Layout]string
}

// Error lists the candidates in a stable order.
func (e *LayoutError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.Dir, e.Msg)
	if len(e.Candidates) > 0 {
		var parts, names []string
		for _, l := range Layouts() {
			if f, ok := e.Candidates[l]; ok {
				parts = append(parts, fmt.Sprintf("%s (%s)", l, f))
				names = append(names, string(l))
			}
		}
		b.WriteString(": " + strings.Join(parts, ", ") + "; force one with --layout " + strings.Join(names, " or "))
	}
	return b.String()
}

// StatementError is a statement the server rejected with an error that is
// not absorbed (or that failed for another reason, such as a lost
// connection or a cancelled context). It locates the error in the migration
// file: at the server's error position when it reports one, else at the
// start of the statement.
type StatementError struct {
	File   string
	Line   int
	Column int
	// Code is the SQLSTATE, empty when the error did not come from the
	// server.
	Code    string
	Message string
	Detail  string
	// Statement is the statement that failed.
	Statement Statement
	// Err is the underlying error, a *pgconn.PgError when Code is set.
	Err error
}

// Error is one line: file:line:col: SQLSTATE code: message.
func (e *StatementError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
	}
	return fmt.Sprintf("%s:%d:%d: SQLSTATE %s: %s", e.File, e.Line, e.Column, e.Code, e.Message)
}

// Unwrap returns the underlying error, so errors.As finds the
// *pgconn.PgError and errors.Is finds context.Canceled.
func (e *StatementError) Unwrap() error { return e.Err }
