package purge

import (
	"errors"
	"fmt"
	"strings"

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
