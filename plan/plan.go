package plan

import (
	"fmt"
	"strconv"
	"time"
)

// Version is the version of the plan's JSON shape.
const Version = 1

// Strategy is how a plan changes a foreign key.
type Strategy string

// The strategies Generate supports.
const (
	// Inline drops and re-adds each key in one transactional migration.
	Inline Strategy = "inline"
	// Online adds NOT VALID, validates, drops the old key and renames,
	// each in its own migration.
	Online Strategy = "online"
	// Auto uses Online for tables above Options.OnlineThreshold rows (or
	// never analyzed) and Inline below.
	Auto Strategy = "auto"
)

// Dialect is the SQL dialect a plan is written in.
type Dialect string

// The dialects Generate supports.
const (
	// Postgres plans for PostgreSQL: transactional DDL, lock_timeout on
	// every statement, NOT VALID plus VALIDATE to avoid blocking writes.
	Postgres Dialect = "postgres"
	// CockroachDB plans for CockroachDB, whose schema changes are online
	// background jobs that should not share a transaction: every
	// migration holds one schema change. docs/cockroachdb.md lists every
	// difference and the CockroachDB documentation it rests on.
	CockroachDB Dialect = "cockroachdb"
)

// Plan is the list of migrations that resolve the fixable findings, in
// the order they must run, and the findings left for a person.
type Plan struct {
	Version    int         `json:"version"`
	Strategy   Strategy    `json:"strategy"`
	Dialect    Dialect     `json:"dialect"`
	Migrations []Migration `json:"migrations"`
	Unfixable  []Unfixable `json:"unfixable"`
}

// Empty reports whether the plan changes nothing, the state a second
// plan after applying the first must reach.
func (p *Plan) Empty() bool { return len(p.Migrations) == 0 }

// Migration is one migration file's worth of statements. Down undoes Up
// and runs its statements in order.
type Migration struct {
	// Name is descriptive and file-name safe (lower case, digits, "_").
	Name string `json:"name"`
	// Transactional is false when a statement cannot run inside a
	// transaction block (CREATE INDEX CONCURRENTLY) or should commit on
	// its own: VALIDATE of several tables, so locks are not held together,
	// and dropping old keys, whose down re-adds them NOT VALID and then
	// validates without holding the ADD's write-blocking lock for the scan.
	Transactional bool        `json:"transactional"`
	Up            []Statement `json:"up"`
	Down          []Statement `json:"down"`
}

// Statement is one SQL statement with the session settings it needs.
type Statement struct {
	SQL string `json:"sql"`
	// LockTimeout bounds the wait for the statement's lock; nil leaves the
	// session's setting.
	LockTimeout *Duration `json:"lock_timeout"`
	// StatementTimeout is the statement's time limit; zero lifts it (for
	// validations and index builds that scan a table), nil leaves it.
	StatementTimeout *Duration `json:"statement_timeout"`
	Hazards          []Hazard  `json:"hazards,omitempty"`
}

// HazardType is a stable SCREAMING_CASE name for a risk a statement
// carries, for tools to branch on.
type HazardType string

// The hazards a plan can report.
const (
	// ValidationScansTable: the statement reads every row of a table.
	ValidationScansTable HazardType = "VALIDATION_SCANS_TABLE"
	// NewCascadeDeletesRows: deletes of referenced rows now delete
	// referencing rows that used to make them fail.
	NewCascadeDeletesRows HazardType = "NEW_CASCADE_DELETES_ROWS"
	// NewSetNullClearsRows: deletes of referenced rows now clear the
	// references of rows that used to make them fail or be deleted.
	NewSetNullClearsRows HazardType = "NEW_SET_NULL_CLEARS_ROWS"
	// BlocksWrites: the statement blocks writes to a table while it runs.
	BlocksWrites HazardType = "BLOCKS_WRITES"
	// ConstraintsCoexist: old and new keys exist together until the old
	// one is dropped; see docs/coexisting-constraints.md.
	ConstraintsCoexist HazardType = "CONSTRAINTS_COEXIST"
)

// Hazard is one risk of a statement, explained for a reviewer.
type Hazard struct {
	Type    HazardType `json:"type"`
	Message string     `json:"message"`
}

// Unfixable is a finding the plan does not resolve, with the reason, so
// a person decides instead of the generator guessing.
type Unfixable struct {
	Rule       string `json:"rule"`
	Constraint string `json:"constraint"`
	Reason     string `json:"reason"`
}

// Duration is a timeout rendered the way PostgreSQL settings accept it:
// "0" (no limit), whole seconds as "2s", otherwise milliseconds "1500ms".
type Duration time.Duration

// String renders d for SET lock_timeout / statement_timeout.
func (d Duration) String() string {
	td := time.Duration(d)
	switch {
	case td <= 0:
		return "0"
	case td%time.Second == 0:
		return strconv.FormatInt(int64(td/time.Second), 10) + "s"
	default:
		return strconv.FormatInt(td.Milliseconds(), 10) + "ms"
	}
}

// MarshalJSON writes the duration as its String form.
func (d Duration) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(d.String())), nil }

// UnmarshalJSON reads what MarshalJSON writes (any time.ParseDuration
// form, or "0").
func (d *Duration) UnmarshalJSON(b []byte) error {
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return fmt.Errorf("duration %s: %w", b, err)
	}
	if s == "0" {
		*d = 0
		return nil
	}
	td, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: %w", s, err)
	}
	*d = Duration(td)
	return nil
}
