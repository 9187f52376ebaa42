package purge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/verify/explain"
)

// ErrRootNotFound is returned when no root row matches: it never existed,
// or an earlier purge of it finished (the root row is deleted last, so a
// re-run after a completed purge ends here).
var ErrRootNotFound = errors.New("root row not found")

// BlockedError is returned when rows outside the graph would make the
// DELETE fail (NO ACTION / RESTRICT references not covered by
// Options.Through, SET NULL into NOT NULL columns). Found by the first
// collection, it is returned before anything is changed; found by a later
// round (rows added while the purge ran), the rows purged so far stay
// purged and Run's Summary says how many.
type BlockedError struct {
	Blockers []explain.Blocker
}

func (e *BlockedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d row(s) block the delete", len(e.Blockers))
	for i, bl := range e.Blockers {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Blockers)-i)
			break
		}
		fmt.Fprintf(&b, "; %s (%s) via %s", bl.Table, strings.Join(bl.Key, ", "), bl.Constraint)
	}
	return b.String()
}

// ThroughError is returned when Options.Through names a constraint that is
// not a NO ACTION or RESTRICT foreign key of the snapshot.
type ThroughError struct {
	Constraint string
	Reason     string
}

func (e *ThroughError) Error() string {
	return fmt.Sprintf("cannot purge through %s: %s", e.Constraint, e.Reason)
}

// Batch outcomes that make the caller split or expand a batch instead of
// failing: the batch rolled back and changed nothing.
var (
	// errTooBig: the batch changed more rows than Options.Batch, or ran
	// into the statement timeout.
	errTooBig = errors.New("batch over its limits")
	// errThrough: a row references a row of the batch through a foreign
	// key the purge deletes through (PostgreSQL refuses on its own), so
	// that row must be deleted first.
	errThrough = errors.New("a row references the batch through a NO ACTION / RESTRICT key")
	// errUnarchived: the DELETE changed rows the batch had not locked and
	// archived; only a trigger can do that.
	errUnarchived = errors.New("the DELETE changed rows the archive does not hold (a user trigger on a table of the graph?)")
)

// SQLSTATEs the batches branch on.
const (
	queryCanceled       = "57014"
	foreignKeyViolation = "23503"
	restrictViolation   = "23001"
)

// violation is a DELETE refused by a referencing row: which foreign key.
type violation struct {
	key catalog.ConstraintKey
	err error
}

func (v *violation) Error() string { return v.err.Error() }
func (v *violation) Unwrap() error { return v.err }

// classify turns a statement timeout into errTooBig and a foreign-key
// refusal into *violation, so batches can branch on them.
func classify(ctx context.Context, err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	switch pgErr.Code {
	case queryCanceled:
		if ctx.Err() == nil {
			return fmt.Errorf("%w: %w", errTooBig, err)
		}
	case foreignKeyViolation, restrictViolation:
		return &violation{key: catalog.ConstraintKey{Schema: pgErr.SchemaName, Table: pgErr.TableName, Name: pgErr.ConstraintName}, err: err}
	}
	return err
}
