package verify

import (
	"errors"
	"fmt"
	"time"

	"github.com/ondelete/ondelete/catalog"
)

// Mode is how canary rows get past the foreign keys that are not under
// test.
type Mode string

// Modes.
const (
	// ModeAuto (the zero value) uses ModeReplica when the role may set
	// session_replication_role and falls back to ModeParents when
	// PostgreSQL refuses (SQLSTATE 42501).
	ModeAuto Mode = ""
	// ModeReplica inserts canary rows with session_replication_role =
	// replica: foreign keys are not checked and user triggers do not
	// fire. Needs a superuser or SET privilege on the parameter.
	ModeReplica Mode = "replica"
	// ModeParents inserts canary rows normally, after giving each of
	// them real parent rows for every foreign key it needs. Tables whose
	// INSERT triggers would fire are skipped unless AllowInsertTriggers.
	ModeParents Mode = "parents"
)

// DefaultLockTimeout bounds every lock wait of the canary statements when
// Options.LockTimeout is zero.
const DefaultLockTimeout = 2 * time.Second

// Options tune a Run. The zero value is ready to use.
type Options struct {
	// Expect, when set (from the policy), returns the ON DELETE actions a
	// policy rule allows for fk and the rule's name (ok false when no
	// rule covers fk). A row whose observed outcome no allowed action
	// produces FAILs with a reason naming the rule, even when it matches
	// the graph.
	Expect func(fk *catalog.ForeignKey) (allowed []catalog.Action, rule string, ok bool)
	// OnTable, when set, is called with each result as soon as it is
	// known, in report order, for progress output.
	OnTable func(TableResult)
	// LockTimeout bounds each lock wait (lock_timeout), so canary DML on
	// a live database never queues behind the application's locks; a
	// check that times out is skipped. 0 means DefaultLockTimeout.
	LockTimeout time.Duration
	// Mode forces ModeReplica or ModeParents; ModeAuto picks.
	Mode Mode
	// AllowInsertTriggers lets ModeParents insert into tables whose
	// INSERT triggers fire. Their effects are rolled back with the
	// transaction, except non-transactional ones (nextval, external
	// calls); by default such tables are skipped.
	AllowInsertTriggers bool
}

// ErrInvalidOptions is wrapped by Run when Options are out of range.
var ErrInvalidOptions = errors.New("invalid verify options")

// withDefaults validates o and fills in defaults.
func (o Options) withDefaults() (Options, error) {
	if o.LockTimeout < 0 {
		return o, fmt.Errorf("%w: LockTimeout %s is negative", ErrInvalidOptions, o.LockTimeout)
	}
	if o.LockTimeout == 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	switch o.Mode {
	case ModeAuto, ModeReplica, ModeParents:
	default:
		return o, fmt.Errorf("%w: unknown mode %q", ErrInvalidOptions, o.Mode)
	}
	return o, nil
}
