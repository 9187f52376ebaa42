package check

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/policy"
)

// mixed is a schema on which several lints and a rule fire.
func mixed() *catalog.Snapshot {
	return newSchema().
		fk("posts", "user_id", "users", noAction, indexed).
		fk("audit_log", "user_id", "users", noAction, indexed).
		fk("sessions", "user_id", "users", cascade).
		fk("epics", "parent_id", "epics", cascade, indexed).
		fk("billing.invoices", "user_id", "users", cascade, indexed, named("inv_user")).
		snap()
}

func TestEvaluateSortsBySeverityThenName(t *testing.T) {
	p := parsePolicy(t, `version: 1
roots: [users]
rules:
  - name: user-data-cascades
    match: {references: users}
    expect: {on_delete: cascade}
`)
	r := evaluate(t, mixed(), p)
	want := []string{
		"error audit_log.audit_log_user_id_fkey", // blocked-root-delete
		"error audit_log.audit_log_user_id_fkey", // user-data-cascades
		"error posts.posts_user_id_fkey",
		"error posts.posts_user_id_fkey",
		"warning billing.invoices.inv_user",
		"warning epics.epics_parent_id_fkey",
		"warning sessions.sessions_user_id_fkey",
	}
	if diff := cmp.Diff(want, subjects(r)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if r.Findings[0].Rule != "blocked-root-delete" || r.Findings[1].Rule != "user-data-cascades" {
		t.Errorf("same constraint not ordered by rule: %s, %s", r.Findings[0].Rule, r.Findings[1].Rule)
	}
	if r.Version != 1 || r.Summary != (Summary{Errors: 4, Warnings: 3}) {
		t.Errorf("version %d, summary %+v", r.Version, r.Summary)
	}
	// Evaluate is deterministic: the same input gives the same result.
	if diff := cmp.Diff(r, evaluate(t, mixed(), p)); diff != "" {
		t.Errorf("second run differs:\n%s", diff)
	}
}

func TestExceptionsDropFindingsOfTheirRuleOnly(t *testing.T) {
	p := parsePolicy(t, `version: 1
roots: [users]
rules:
  - name: user-data-cascades
    match: {references: users}
    expect: {on_delete: cascade}
exceptions:
  - constraint: public.audit_log.audit_log_user_id_fkey
    rule: user-data-cascades
    reason: audit rows outlive the user
  - constraint: public.epics.epics_parent_id_fkey
    rule: cascading-self-reference
    reason: deleting an epic deletes its sub-epics on purpose
`)
	r := evaluate(t, mixed(), p)
	for _, f := range r.Findings {
		if f.Rule == "user-data-cascades" && f.Table == "audit_log" || f.Rule == "cascading-self-reference" {
			t.Errorf("exempt finding reported: %+v", f)
		}
	}
	var blocked bool
	for _, f := range r.Findings {
		blocked = blocked || f.Rule == "blocked-root-delete" && f.Table == "audit_log"
	}
	if !blocked {
		t.Error("an exception for one rule hid another rule's finding")
	}
	if r.Summary.Exempted != 2 {
		t.Errorf("exempted %d, want 2", r.Summary.Exempted)
	}
}

func TestExceptionForAnOrphanColumn(t *testing.T) {
	s := newSchema("users").column("legacy_events", "user_id", "bigint", false).column("posts", "user_id", "bigint", false).snap()
	p := only(policy.LintOrphanOwnerColumn, "", "users")
	p.Exceptions = []policy.Exception{{Constraint: "public.legacy_events.user_id", Rule: policy.LintOrphanOwnerColumn, Reason: "kept after account deletion by law"}}
	r := evaluate(t, s, p)
	if diff := cmp.Diff([]string{"warning posts.user_id"}, subjects(r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSeveritiesFromThePolicy(t *testing.T) {
	p := parsePolicy(t, `version: 1
roots: [users]
lints:
  blocked-root-delete: off
  unindexed-cascade: error
  cascading-self-reference: {severity: off}
  nonconventional-name: off
`)
	r := evaluate(t, mixed(), p)
	want := []string{"error sessions.sessions_user_id_fkey"}
	if diff := cmp.Diff(want, subjects(r)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestPolicyBuiltInCodeGetsDefaults(t *testing.T) {
	p := &policy.Policy{Version: 1, Roots: []policy.Root{{Name: "users"}}}
	r := evaluate(t, mixed(), p)
	if len(r.Findings) == 0 || r.Summary.Errors != 2 {
		t.Errorf("defaults not applied: %v", subjects(r))
	}
	p.Lints = map[string]policy.LintConfig{policy.LintNotValid: {Severity: "fatal"}}
	if _, err := Evaluate(mixed(), p, Options{}); !errors.Is(err, ErrInvalidPolicy) {
		t.Errorf("unknown severity: err = %v", err)
	}
}

func TestPolicyWarningsAndRootErrors(t *testing.T) {
	p := parsePolicy(t, "version: 1\nroots: [usrs]\n")
	r := evaluate(t, mixed(), p)
	if len(r.PolicyWarnings) != 1 || !strings.Contains(r.PolicyWarnings[0], "did you mean public.users") {
		t.Errorf("policy warnings %q", r.PolicyWarnings)
	}
	r = evaluate(t, mixed(), parsePolicy(t, "version: 1\n"))
	if len(r.PolicyWarnings) != 1 || !strings.Contains(r.PolicyWarnings[0], "no roots") {
		t.Errorf("policy warnings %q", r.PolicyWarnings)
	}
	ambiguous := newSchema("a.items", "b.items").snap()
	if _, err := Evaluate(ambiguous, parsePolicy(t, "version: 1\nroots: [items]\n"), Options{}); err == nil || !strings.Contains(err.Error(), "ambiguous") {
		t.Errorf("ambiguous root: err = %v", err)
	}
	if _, err := Evaluate(nil, p, Options{}); err == nil {
		t.Error("nil snapshot accepted")
	}
}

func TestDedupeKeepsTheMostSevere(t *testing.T) {
	fs := sortFindings([]Finding{
		{Rule: "r", Severity: policy.Warning, Schema: "public", Table: "t", Constraint: "c", Message: "weak"},
		{Rule: "r", Severity: policy.Error, Schema: "public", Table: "t", Constraint: "c", Message: "strong"},
		{Rule: "r", Severity: policy.Warning, Schema: "public", Table: "t", Constraint: "d"},
	})
	got := dedupe(fs)
	if len(got) != 2 || got[0].Message != "strong" || got[1].Constraint != "d" {
		t.Errorf("dedupe = %+v", got)
	}
}

func TestEmptyResultHasEmptyFindings(t *testing.T) {
	r := evaluate(t, newSchema("users").snap(), parsePolicy(t, "version: 1\nroots: [users]\n"))
	if r.Findings == nil || len(r.Findings) != 0 || r.Failed(policy.Warning) {
		t.Errorf("clean schema: %+v", r)
	}
}
