package policy

// Names of the built-in lints. They are stable: findings, exceptions,
// baselines and SARIF results refer to them.
const (
	LintBlockedRootDelete      = "blocked-root-delete"
	LintSetNullNotNull         = "set-null-not-null"
	LintCascadingSelfReference = "cascading-self-reference"
	LintUnindexedCascade       = "unindexed-cascade"
	LintNotValid               = "not-valid"
	LintNonconventionalName    = "nonconventional-name"
	LintOrphanOwnerColumn      = "orphan-owner-column"
	LintOverlappingFKs         = "overlapping-fks"
)

// RuleCode is the code of every finding of a policy rule (as opposed to a
// built-in lint); the rule's own name tells them apart.
const RuleCode = "OD100"

// LintInfo describes one built-in lint: its stable name and code, its
// severity when the policy does not configure it, and a one-line summary
// (used by `ondelete init` comments and docs/rules.md).
type LintInfo struct {
	Name    string
	Code    string
	Default Severity
	Summary string
}

// Lints lists every built-in lint in code order. It is the one source the
// check engine, `ondelete init` and the docs read names, codes and default
// severities from.
var Lints = []LintInfo{
	{LintBlockedRootDelete, "OD001", Error, "a NO ACTION / RESTRICT foreign key in a root's deletion graph makes deleting a root row fail"},
	{LintSetNullNotNull, "OD002", Error, "ON DELETE SET NULL / SET DEFAULT on a NOT NULL column always fails"},
	{LintCascadingSelfReference, "OD003", Warning, "a cascading self-reference deletes a row's whole subtree"},
	{LintUnindexedCascade, "OD004", Warning, "a cascade / set-null foreign key without an index scans the child table on every parent delete"},
	{LintNotValid, "OD005", Warning, "a NOT VALID foreign key was never validated"},
	{LintNonconventionalName, "OD006", Warning, "a non-conventional constraint name is missed by DROP CONSTRAINT IF EXISTS <table>_<col>_fkey"},
	{LintOrphanOwnerColumn, "OD007", Warning, "a column named like a root's foreign key has no foreign key, so its rows outlive the root row"},
	{LintOverlappingFKs, "OD008", Warning, "two foreign keys on the same columns to the same table"},
}

// LintByName returns the built-in lint called name.
func LintByName(name string) (LintInfo, bool) {
	for _, l := range Lints {
		if l.Name == name {
			return l, true
		}
	}
	return LintInfo{}, false
}

// lintNames returns the lint names in registry order, for messages.
func lintNames() []string {
	names := make([]string, len(Lints))
	for i, l := range Lints {
		names[i] = l.Name
	}
	return names
}

// BlockerSeverity is the severity of a blocked-root-delete finding given
// the lint's configured severity: a definite blocker (the DELETE fails
// whenever a referencing row exists) gets the configured severity; a
// conditional one (whether it fails depends on cascade depth or trigger
// order, see graph.BlockerKind) gets one level lower, but never lower than
// warning, so that configuring the lint never hides a blocker silently —
// only off does.
func BlockerSeverity(configured Severity, definite bool) Severity {
	if definite || configured != Error {
		return configured
	}
	return Warning
}
