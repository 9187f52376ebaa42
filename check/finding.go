package check

import (
	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/policy"
)

// Finding is one violation: a policy rule or a built-in lint that a foreign
// key (or, for orphan-owner-column, a column) does not satisfy. It names the
// constraint, what was found against what was expected, and a concrete fix;
// Source points at the migration statement that created or last changed
// the constraint, when migrations were given, so CI annotations land on
// the line to edit.
type Finding struct {
	// Rule is the policy rule's name, or the lint's name for built-in lints.
	Rule string `json:"rule"`
	// Code is the stable code of the lint or "OD100" for policy rules; it is
	// the SARIF ruleId.
	Code     string          `json:"code"`
	Severity policy.Severity `json:"severity"`
	Schema   string          `json:"schema"`
	Table    string          `json:"table"`
	// Constraint is the constraint name; empty for findings about a column
	// without a foreign key (orphan-owner-column).
	Constraint string `json:"constraint"`
	// Columns are the columns concerned.
	Columns  []string `json:"columns,omitempty"`
	Found    string   `json:"found"`
	Expected string   `json:"expected"`
	// Message says in one sentence what is wrong and why it matters.
	Message string `json:"message"`
	// Fix is a concrete change, usually SQL, that resolves the finding.
	Fix    string          `json:"fix"`
	Source *catalog.Source `json:"source"`
	// Baselined is true when the finding is recorded in the baseline file:
	// it is reported but does not fail the check.
	Baselined bool `json:"baselined,omitempty"`
	// Want is the resolving change in machine-readable form, for planners
	// (package plan), filled in where a finding's target is a choice the
	// policy made (policy rules). Nil when the fix follows from the rule
	// alone (lints) or cannot be expressed as a Change. It is not part of
	// the JSON report, whose contract Fix already serves.
	Want *Change `json:"-"`
}

// Change is what a foreign key should become to resolve a finding. Zero
// fields leave the property as it is.
type Change struct {
	// OnDelete and OnUpdate are the target actions, empty when unchanged.
	OnDelete catalog.Action
	OnUpdate catalog.Action
	// Name is the target constraint name, empty when unchanged.
	Name string
	// Validate asks for a NOT VALID constraint to be validated.
	Validate bool
	// Index asks for an index leading with the referencing columns.
	Index bool
	// Unsupported says why part of the expectation cannot be planned
	// (e.g. a rule that wants a key NOT VALID or unindexed); empty when
	// the Change covers everything the finding expects.
	Unsupported string
}

// Key identifies a finding across runs, for baselines: the same rule on the
// same object is the same finding even when its message changes.
func (f *Finding) Key() string {
	k := f.Rule + "|" + f.Schema + "." + f.Table + "|" + f.Constraint
	for _, c := range f.Columns {
		k += "|" + c
	}
	return k
}

// Summary counts findings by severity. Baselined findings are not counted.
type Summary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	// Baselined counts findings suppressed by the baseline.
	Baselined int `json:"baselined"`
	// Fixed counts baseline entries no longer found.
	Fixed int `json:"fixed"`
	// Exempted counts findings dropped because a policy exception covers
	// them, so a reader sees how much the exceptions hide.
	Exempted int `json:"exempted,omitempty"`
}

// Result is the outcome of a check: findings sorted by severity (errors
// first), then schema, table, constraint and rule.
type Result struct {
	Version  int       `json:"version"`
	Findings []Finding `json:"findings"`
	// Fixed lists baseline entries that no longer occur.
	Fixed   []BaselineEntry `json:"fixed,omitempty"`
	Summary Summary         `json:"summary"`
	// Warnings are problems with the policy itself that do not stop the
	// check (e.g. a root or match pattern naming no table), one line each.
	PolicyWarnings []string `json:"policy_warnings,omitempty"`
}

// BaselineEntry is one recorded finding in a baseline file.
type BaselineEntry struct {
	Rule       string   `json:"rule"`
	Schema     string   `json:"schema"`
	Table      string   `json:"table"`
	Constraint string   `json:"constraint,omitempty"`
	Columns    []string `json:"columns,omitempty"`
}
