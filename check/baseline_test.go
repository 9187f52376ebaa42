package check

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ondelete/ondelete/policy"
)

func TestBaselineRoundTrip(t *testing.T) {
	p := parsePolicy(t, "version: 1\nroots: [users]\n")
	before := evaluate(t, mixed(), p)
	entries := BaselineOf(before)
	if len(entries) != len(before.Findings) {
		t.Fatalf("%d entries for %d findings", len(entries), len(before.Findings))
	}
	for i := 1; i < len(entries); i++ {
		if !entryLess(&entries[i-1], &entries[i]) {
			t.Errorf("entries not sorted: %+v before %+v", entries[i-1], entries[i])
		}
	}

	// Same schema: everything baselined, nothing fails, nothing fixed.
	r := evaluate(t, mixed(), p)
	ApplyBaseline(r, entries)
	if r.Summary.Errors+r.Summary.Warnings != 0 || r.Summary.Baselined != len(r.Findings) || len(r.Fixed) != 0 {
		t.Errorf("summary %+v, fixed %+v", r.Summary, r.Fixed)
	}
	if r.Failed(policy.Warning) {
		t.Error("baselined findings fail the check")
	}

	// One blocker fixed, one new finding: the new one counts, the fixed
	// one is listed.
	s := newSchema().
		fk("posts", "user_id", "users", cascade, indexed).
		fk("audit_log", "user_id", "users", noAction, indexed).
		fk("sessions", "user_id", "users", cascade).
		fk("epics", "parent_id", "epics", cascade, indexed).
		fk("billing.invoices", "user_id", "users", cascade, indexed, named("inv_user")).
		fk("likes", "user_id", "users", restrict, indexed).
		snap()
	r = evaluate(t, s, p)
	ApplyBaseline(r, entries)
	want := Summary{Errors: 1, Warnings: 0, Baselined: 4, Fixed: 1}
	if diff := cmp.Diff(want, r.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	wantFixed := []BaselineEntry{{Rule: "blocked-root-delete", Schema: "public", Table: "posts", Constraint: "posts_user_id_fkey", Columns: []string{"user_id"}}}
	if diff := cmp.Diff(wantFixed, r.Fixed); diff != "" {
		t.Errorf("fixed (-want +got):\n%s", diff)
	}
	for _, f := range r.Findings {
		if f.Baselined == (f.Table == "likes") {
			t.Errorf("%s.%s baselined = %v", f.Table, f.Constraint, f.Baselined)
		}
	}
	if !r.Failed(policy.Error) {
		t.Error("a new error does not fail the check")
	}

	// Applying an empty baseline undoes the previous one.
	ApplyBaseline(r, nil)
	if r.Summary.Baselined != 0 || r.Summary.Errors != 2 || len(r.Fixed) != 0 {
		t.Errorf("after an empty baseline: %+v", r.Summary)
	}
}

func TestBaselineMatchesOrphanColumnsByColumn(t *testing.T) {
	p := only(policy.LintOrphanOwnerColumn, "", "users")
	r := evaluate(t, newSchema("users").column("posts", "user_id", "bigint", false).snap(), p)
	entries := BaselineOf(r)
	r = evaluate(t, newSchema("users").column("posts", "user_id", "bigint", false).column("posts", "owner_user_id", "bigint", false).snap(), p)
	ApplyBaseline(r, entries)
	if r.Summary.Baselined != 1 || r.Summary.Warnings != 1 {
		t.Errorf("summary %+v", r.Summary)
	}
}

func TestFailed(t *testing.T) {
	r := &Result{Findings: []Finding{{Severity: policy.Warning}}}
	cases := []struct {
		threshold policy.Severity
		want      bool
	}{{policy.Error, false}, {policy.Warning, true}, {policy.Off, false}, {"bogus", false}}
	for _, c := range cases {
		if got := r.Failed(c.threshold); got != c.want {
			t.Errorf("Failed(%q) = %v, want %v", c.threshold, got, c.want)
		}
	}
	r.Findings = append(r.Findings, Finding{Severity: policy.Error, Baselined: true})
	if r.Failed(policy.Error) {
		t.Error("a baselined error fails the check")
	}
	r.Findings[1].Baselined = false
	if !r.Failed(policy.Error) {
		t.Error("an error does not fail the check")
	}
}
