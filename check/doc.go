// Package check evaluates a foreign-key delete policy (package policy)
// against a catalog snapshot: the policy's own rules and the built-in
// lints, each finding with a stable code, a severity, what was found
// versus expected, a concrete fix (SQL to paste into a migration, every
// identifier quoted) and, when the snapshot came from a migrations
// directory, the file and line that created the constraint.
//
// Evaluate is pure: a snapshot and a policy in, a sorted Result out. Run
// inspects a live database first, so a team can keep the check inside
// `go test` (see ExampleRun); the ondelete check command renders the same
// Result as text, JSON, SARIF, GitHub annotations or JUnit.
//
// # What is checked
//
// Policy rules (code OD100, always errors): every foreign key a rule's
// match selects must have an ON DELETE and ON UPDATE action from the
// rule's lists, be validated, be indexed and carry the conventional name,
// as far as the rule asks. A key that breaks several expectations of one
// rule gets one finding.
//
// Built-in lints, one analyzer each (names, codes and default severities
// are policy.Lints):
//
//	OD001 blocked-root-delete       a NO ACTION / RESTRICT key in a root's deletion graph
//	OD002 set-null-not-null         SET NULL / SET DEFAULT writing NULL into a NOT NULL column
//	OD003 cascading-self-reference  ON DELETE CASCADE from a table to itself
//	OD004 unindexed-cascade         CASCADE / SET NULL / SET DEFAULT without an index
//	OD005 not-valid                 a key added NOT VALID and never validated
//	OD006 nonconventional-name      a name other than <table>_<cols>_fkey
//	OD007 orphan-owner-column       a column named like a root's key with no foreign key
//	OD008 overlapping-fks           two keys over the same columns to the same table
//
// Each analyzer's doc comment says exactly what it reports and what it
// leaves out; the choices worth knowing: blocked-root-delete gives a
// conditional blocker (one whose table the DELETE also removes) one
// severity less than a definite one and leaves NOT NULL SET NULL blockers
// to set-null-not-null; orphan-owner-column only reports a column whose
// type could reference the root's key (an integer user_id beside an
// integer users.id, not a text one) and treats a partitioned table as
// covered when every partition has the key.
//
// # Fixes
//
// A fix is runnable SQL whose first option is the recommended one;
// alternatives follow as SQL comments. Actions are changed by dropping
// and re-adding the constraint in one ALTER TABLE, re-added NOT VALID and
// validated separately (so the long check holds only a SHARE UPDATE
// EXCLUSIVE lock); indexes are created CONCURRENTLY under the name
// PostgreSQL would choose. The acceptance tests apply every fix to real
// schemas and check again until nothing is left.
//
// # Exceptions, severities, baselines
//
// A finding an exception names (constraint and rule) is dropped and
// counted in Summary.Exempted; an orphan-owner-column finding, which has
// no constraint, is named by schema.table.column. A lint configured off
// does not run. Findings are sorted by severity, schema, table,
// constraint and rule, and deduplicated by Finding.Key (a blocker reached
// from two roots is one finding naming both). BaselineOf and
// ApplyBaseline let a legacy schema adopt the check: recorded findings
// are reported but do not fail (Result.Failed), and entries no longer
// found are listed as fixed.
package check
