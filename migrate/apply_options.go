package migrate

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// defaultAbsorb are the SQLSTATEs that, out of the box, mean "this
// statement already ran": duplicate_object (42710: a constraint, type or
// index name taken), duplicate_table (42P07) and duplicate_column (42701).
// Migration sets written to be re-runnable without IF NOT EXISTS
// everywhere rely on their runner ignoring exactly these.
var defaultAbsorb = []string{"42710", "42P07", "42701"}

// DefaultAbsorb returns the SQLSTATEs absorbed when WithAbsorb is not
// given.
func DefaultAbsorb() []string { return slices.Clone(defaultAbsorb) }

// refusedClasses are SQLSTATE classes that can never mean "already
// applied": they report bad data or a broken session, and absorbing them
// would hide lost rows or a half-applied migration. unique_violation
// (23505) is the classic trap: a re-run INSERT of seed data fails with it,
// but so does a real duplicate.
var refusedClasses = map[string]string{
	"08": "connection exception",
	"23": "integrity constraint violation",
	"25": "invalid transaction state",
	"40": "transaction rollback",
	"53": "insufficient resources",
	"57": "operator intervention",
	"XX": "internal error",
}

// Event reports one statement's outcome to the OnStatement callback, for
// progress output and logs.
type Event struct {
	Migration *Migration
	Statement *Statement
	Elapsed   time.Duration
	// Absorbed is set when the statement failed with an absorbed SQLSTATE.
	Absorbed *Absorption
	// Err is the error that stops Apply (a *StatementError), nil otherwise.
	Err error
}

// Option configures an Applier. Options validate their arguments, so a bad
// configuration fails in NewApplier, before any statement runs.
type Option func(*config) error

// config is an Applier's settings; newConfig holds every default.
type config struct {
	absorb      map[string]bool
	onStatement func(Event)
}

func newConfig(opts []Option) (config, error) {
	c := config{absorb: map[string]bool{}}
	for _, code := range defaultAbsorb {
		c.absorb[code] = true
	}
	for _, opt := range opts {
		if err := opt(&c); err != nil {
			return config{}, fmt.Errorf("configuring migrations: %w", err)
		}
	}
	return c, nil
}

// WithAbsorb replaces the set of absorbed SQLSTATEs (the default is
// DefaultAbsorb). With no codes nothing is absorbed and every error stops
// Apply. Codes must be five characters of digits and upper-case letters;
// codes of classes that report bad data or a broken session (23 integrity
// violations such as 23505 unique_violation, 08, 25, 40, 53, 57, XX) are
// refused.
func WithAbsorb(codes ...string) Option {
	return func(c *config) error {
		set := map[string]bool{}
		for _, code := range codes {
			if err := validAbsorbCode(code); err != nil {
				return err
			}
			set[code] = true
		}
		c.absorb = set
		return nil
	}
}

func validAbsorbCode(code string) error {
	if len(code) != 5 || strings.IndexFunc(code, func(r rune) bool {
		return (r < '0' || r > '9') && (r < 'A' || r > 'Z')
	}) >= 0 {
		return fmt.Errorf("invalid SQLSTATE %q: expected five digits or upper-case letters, like 42710", code)
	}
	if class, ok := refusedClasses[code[:2]]; ok {
		return fmt.Errorf("SQLSTATE %s (class %s, %s) cannot be absorbed: it never means a statement was already applied", code, code[:2], class)
	}
	return nil
}

// WithOnStatement registers fn to be called after every statement, applied,
// absorbed or failed, in order, from the goroutine running Apply.
func WithOnStatement(fn func(Event)) Option {
	return func(c *config) error {
		if fn == nil {
			return fmt.Errorf("WithOnStatement: nil callback")
		}
		c.onStatement = fn
		return nil
	}
}

// Absorbing returns the absorbed SQLSTATEs, sorted.
func (a *Applier) Absorbing() []string {
	codes := make([]string, 0, len(a.cfg.absorb))
	for code := range a.cfg.absorb {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	return codes
}
