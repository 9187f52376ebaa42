package plan

import (
	"errors"
	"fmt"
	"time"
)

// Defaults for Options fields left zero.
const (
	// DefaultLockTimeout is short so a DDL statement queued behind a long
	// transaction gives up before the writes queued behind it pile up.
	DefaultLockTimeout = 2 * time.Second
	// DefaultOnlineThreshold is the row estimate from which Auto plans a
	// key online: below it, validating inline blocks writes only briefly.
	DefaultOnlineThreshold = 1_000_000
)

// Options select the strategy, dialect and timeouts of a plan.
type Options struct {
	// Strategy defaults to Auto.
	Strategy Strategy
	// Dialect defaults to Postgres.
	Dialect Dialect
	// LockTimeout applies to every DDL statement; zero means
	// DefaultLockTimeout. CockroachDB plans ignore it: its lock_timeout
	// bounds row locks, which its schema changes do not wait for.
	LockTimeout time.Duration
	// OnlineThreshold is the row estimate at and above which Auto plans a
	// key online; zero means DefaultOnlineThreshold.
	OnlineThreshold int64
}

// ErrUnsupported is returned (wrapped) for a strategy or dialect this
// version cannot generate, so callers can tell a usage error apart.
var ErrUnsupported = errors.New("unsupported")

// Validate reports an unknown strategy or dialect (wrapping
// ErrUnsupported), so a caller can reject bad flags before inspecting a
// database.
func (o Options) Validate() error {
	_, err := o.withDefaults()
	return err
}

// withDefaults fills zero fields and rejects unknown values.
func (o Options) withDefaults() (Options, error) {
	if o.Strategy == "" {
		o.Strategy = Auto
	}
	if o.Dialect == "" {
		o.Dialect = Postgres
	}
	if o.LockTimeout == 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if o.OnlineThreshold == 0 {
		o.OnlineThreshold = DefaultOnlineThreshold
	}
	switch o.Strategy {
	case Inline, Online, Auto:
	default:
		return o, fmt.Errorf("strategy %q (want inline, online or auto): %w", o.Strategy, ErrUnsupported)
	}
	switch o.Dialect {
	case Postgres, CockroachDB:
	default:
		return o, fmt.Errorf("dialect %q (want postgres or cockroachdb): %w", o.Dialect, ErrUnsupported)
	}
	return o, nil
}

// online reports whether a key with rows rows is changed online. A table
// never analyzed (-1) counts as big: the safe choice when size is unknown.
func (o Options) online(rows int64) bool {
	switch o.Strategy {
	case Online:
		return true
	case Inline:
		return false
	}
	return rows < 0 || rows >= o.OnlineThreshold
}
