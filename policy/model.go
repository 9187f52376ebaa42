package policy

import (
	"fmt"

	"github.com/ondelete/ondelete/catalog"
)

// Version is the policy file format version this package reads.
const Version = 1

// Severity is how much a finding matters: errors fail CI by default,
// warnings only with --fail-on warning; off disables a lint.
type Severity string

// Severities, from most to least severe.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Off     Severity = "off"
)

// Rank orders severities: higher is more severe (off is 0).
func (s Severity) Rank() int {
	switch s {
	case Error:
		return 2
	case Warning:
		return 1
	}
	return 0
}

// Position is where something was written in the policy file, for error
// messages and warnings ("ondelete.yaml:12:5").
type Position struct {
	File   string
	Line   int
	Column int
}

// String returns file:line:col.
func (p Position) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column) }

// Policy is a parsed, validated ondelete.yaml. The YAML shape is the
// contract documented in docs/policy.md.
type Policy struct {
	// File is the path the policy was read from.
	File    string
	Version int
	// Roots are the tables whose rows get deleted, as written (users,
	// public.users, "User"); resolve them against a snapshot with
	// graph.ResolveTable.
	Roots      []Root
	Rules      []Rule
	Exceptions []Exception
	// Lints holds the configuration of every built-in lint, defaults filled
	// in for those the file does not mention.
	Lints map[string]LintConfig
	// Purge holds the purge section (what `ondelete purge` may delete
	// through); zero when the file has none.
	Purge Purge
}

// Root is one entry of roots.
type Root struct {
	Name string
	Pos  Position
}

// Rule is a policy rule: every foreign key the Match selects must satisfy
// Expect.
type Rule struct {
	// Name is unique within the policy; findings carry it.
	Name   string
	Match  Match
	Expect Expect
	Pos    Position
}

// Match selects foreign keys. Every non-empty field must match (AND); each
// is a glob (*, ?, [...]) compared with the unquoted name. Table and
// References accept schema.table; without a schema they match any schema.
type Match struct {
	// References matches the referenced table.
	References string
	// Table matches the referencing table.
	Table string
	// Columns matches when the foreign key's columns, in order, match these
	// patterns one to one.
	Columns []string
	// Schema matches the referencing table's schema.
	Schema string

	// compiled holds the patterns split and checked by Parse; a Match built
	// in code is compiled on each MatchesFK call instead.
	compiled *matcher
}

// Expect is what a matched foreign key must be. Nil / empty fields are not
// checked.
type Expect struct {
	// OnDelete lists the acceptable ON DELETE actions (one or a list).
	OnDelete []catalog.Action
	// OnUpdate lists the acceptable ON UPDATE actions.
	OnUpdate []catalog.Action
	// Validated, when set, requires the constraint to be (or not be) NOT VALID.
	Validated *bool
	// Indexed, when set, requires an index leading with the columns.
	Indexed *bool
	// Name, when "conventional", requires PostgreSQL's default name.
	Name string
}

// Exception exempts one constraint from one rule (or lint), with a reason.
type Exception struct {
	// Constraint is schema.table.constraint (parts may be double-quoted),
	// as written.
	Constraint string
	// Key is Constraint as PostgreSQL reads it (see ParseConstraintRef);
	// set by Parse. Exempt reads Constraint when Key is zero.
	Key catalog.ConstraintKey
	// Rule is a rule name or a lint name.
	Rule   string
	Reason string
	Pos    Position

	// typed is Constraint with unquoted parts as written (not lowercased),
	// the second spelling Exempt accepts.
	typed catalog.ConstraintKey
}

// LintConfig is the configuration of one built-in lint.
type LintConfig struct {
	Severity Severity
	// Columns are column-name globs, for orphan-owner-column.
	Columns []string
	Pos     Position
}
