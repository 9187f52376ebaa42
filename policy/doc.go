// Package policy reads ondelete.yaml, the foreign-key delete policy a team
// keeps in its repository and `ondelete check` enforces: which tables are
// roots (their rows get deleted), rules that every matching foreign key
// must satisfy, exceptions with a reason, and the configuration of the
// built-in lints. The file format is documented in docs/policy.md.
//
// Parse and Load validate the file completely before anything runs: every
// problem is a *ParseError with file:line:col, the key concerned and what
// was expected, unknown keys included, because a typo in a policy that is
// silently ignored turns a CI gate off. Resolve then checks names against
// a catalog.Snapshot and returns warnings for roots, rules and exceptions
// that select nothing.
//
// The package also holds what the check engine (package check) shares with
// the file: the registry of built-in lints (Lints, LintByName), glob
// matching of rules against foreign keys (Match.MatchesFK), constraint
// references (ParseConstraintRef) and exemptions (Policy.Exempt). It is
// pure: no I/O besides Load reading the file, no database.
package policy
