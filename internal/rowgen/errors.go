package rowgen

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/catalog"
)

// ErrUnsatisfiable is matched (errors.Is) by *UnsatisfiableError, for
// callers that only need to know that no row could be made.
var ErrUnsatisfiable = errors.New("could not synthesise a row")

// UnsatisfiableError says that every candidate row was rejected, and by
// what, so a report can name the constraint it could not satisfy.
type UnsatisfiableError struct {
	Table    catalog.TableName
	Attempts int
	// Last is PostgreSQL's rejection of the last attempt.
	Last *pgconn.PgError
}

// Error names the table, the rejecting constraint and PostgreSQL's last
// word.
func (e *UnsatisfiableError) Error() string {
	return fmt.Sprintf("could not synthesise a row of %s: %s rejected %d candidate rows (last: %s)",
		e.Table, e.What(), e.Attempts, e.Last.Error())
}

// What names the rejecting constraint or column in words, e.g.
// `check constraint "t_x_check"`.
func (e *UnsatisfiableError) What() string {
	switch {
	case e.Last == nil:
		return "the table"
	case e.Last.ConstraintName != "":
		return kind(e.Last.Code) + " " + fmt.Sprintf("%q", e.Last.ConstraintName)
	case e.Last.Code == "23514":
		return "partitioning (no partition accepts the row)"
	case e.Last.ColumnName != "":
		return kind(e.Last.Code) + " on column " + fmt.Sprintf("%q", e.Last.ColumnName)
	}
	return kind(e.Last.Code)
}

// Is makes errors.Is(err, ErrUnsatisfiable) hold.
func (e *UnsatisfiableError) Is(target error) bool { return target == ErrUnsatisfiable }

// Unwrap returns the last rejection.
func (e *UnsatisfiableError) Unwrap() error {
	if e.Last == nil {
		return nil
	}
	return e.Last
}

// kind describes a retryable SQLSTATE.
func kind(code string) string {
	switch code {
	case "23514":
		return "check constraint"
	case "23502":
		return "not-null constraint"
	case "23505":
		return "unique constraint"
	case "23P01":
		return "exclusion constraint"
	}
	return "value check (SQLSTATE " + code + ")"
}

// GeneratedColumnError says a caller pinned a generated column, whose
// value PostgreSQL computes: a foreign key on it cannot be pointed at a
// chosen parent row.
type GeneratedColumnError struct {
	Table  catalog.TableName
	Column string
}

// Error names the column and table.
func (e *GeneratedColumnError) Error() string {
	return fmt.Sprintf("column %s of %s is generated: its value cannot be chosen", e.Column, e.Table)
}
