package verify

import "github.com/ondelete/ondelete/catalog"

// Version is the version of the verify JSON contract. It changes only when
// a listed field is removed or changes meaning; new fields may appear.
const Version = 1

// Status is the verdict on one check.
type Status string

// Statuses. A report with any StatusFail makes `ondelete verify` exit 1.
const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	// StatusSkipped: the check could not be run (a row could not be
	// synthesised, a lock was not granted in time, ...); Reason says why.
	StatusSkipped Status = "skipped"
)

// CheckKind says what a check watched.
type CheckKind string

// Check kinds.
const (
	// CheckRoot: the canary root row itself, deleted by the statement.
	CheckRoot CheckKind = "root"
	// CheckEdge: a row that references a deleted row through Constraint
	// only, its parent reached from the canary along Path's cascades.
	CheckEdge CheckKind = "edge"
	// CheckConditional: a row that references a deleted row through a
	// conditional blocker (Constraint) and is also deleted along its own
	// cascade path (Path); whether the DELETE fails depends on the
	// blocker's timing.
	CheckConditional CheckKind = "conditional"
)

// TableResult is one check on one table: what the graph (and policy) said
// would happen to the row it watched, what PostgreSQL did, and the verdict.
type TableResult struct {
	Schema string    `json:"schema"`
	Table  string    `json:"table"`
	Check  CheckKind `json:"check"`
	// Constraint is the bare name of the foreign key the watched row
	// references its deleted parent through (empty for the root).
	Constraint string `json:"constraint,omitempty"`
	// Path lists the constraints from the root to the watched row,
	// spelled schema.table.constraint (empty for the root).
	Path []string `json:"path,omitempty"`
	// Expected is what the graph says happens to the row: "deleted",
	// "nulled", "defaulted", "blocked by <constraint>", "blocked by NOT
	// NULL <column>", "deleted or blocked by <constraint>", or "kept (not
	// in the graph)" for a foreign key the graph does not list.
	Expected string `json:"expected"`
	// Observed is what PostgreSQL did: "deleted", "nulled", "defaulted",
	// "kept", "changed", or "DELETE failed: <constraint> (SQLSTATE
	// <code>)"; empty when skipped.
	Observed string `json:"observed"`
	Status   Status `json:"status"`
	// Reason explains a FAIL or SKIPPED (always set for those), or adds a
	// note to a PASS.
	Reason string `json:"reason"`
}

// TableName returns the checked table.
func (r TableResult) TableName() catalog.TableName {
	return catalog.TableName{Schema: r.Schema, Name: r.Table}
}

// Summary counts the checks by status.
type Summary struct {
	Pass    int `json:"pass"`
	Fail    int `json:"fail"`
	Skipped int `json:"skipped"`
}

// Report is the outcome of one Run. It is plain data with JSON tags:
// report renders it as text and JSON.
type Report struct {
	Version int               `json:"version"`
	Root    catalog.TableName `json:"root"`
	// Mode is how canary rows were inserted (see Mode).
	Mode Mode `json:"mode"`
	// Tables holds one result per check: the root first, then by table,
	// constraint and check kind.
	Tables  []TableResult `json:"tables"`
	Summary Summary       `json:"summary"`
	// Warnings lists what the run could not rule out, such as a sequence
	// that advanced while it ran (a trigger fired by the canary DELETE
	// may have called nextval, which no rollback undoes). Never null.
	Warnings []string `json:"warnings"`
}

// Failed reports whether any check failed: reality differs from the graph
// or the policy.
func (r *Report) Failed() bool { return r.Summary.Fail > 0 }

// add appends a result and counts it.
func (r *Report) add(res TableResult) {
	r.Tables = append(r.Tables, res)
	switch res.Status {
	case StatusPass:
		r.Summary.Pass++
	case StatusFail:
		r.Summary.Fail++
	case StatusSkipped:
		r.Summary.Skipped++
	}
}
