package verify

import (
	"encoding/json"
	"testing"
)

// TestExampleUsers verifies the bundled example from users and checks the
// outcomes its README promises, one of each kind.
func TestExampleUsers(t *testing.T) {
	_, conn, snap := applySet(t, schemaSets[0])
	rep := verify(t, conn, snap, build(t, snap, "users"), Options{})
	assertClean(t, rep)
	if rep.Mode != ModeReplica {
		t.Errorf("mode %s, want replica as superuser", rep.Mode)
	}
	for _, r := range rep.Tables {
		t.Logf("%-7s %-40s %-12s %-45s %-40s %-45s %s", r.Status, r.TableName(), r.Check, r.Constraint, r.Expected, r.Observed, r.Reason)
	}
	for _, want := range []struct {
		kind                        CheckKind
		table, constraint, expected string
	}{
		{CheckRoot, "public.users", "", "deleted"},
		{CheckEdge, "public.sessions", "fk_sessions_owner", "deleted"},
		{CheckEdge, "public.projects", "projects_lead_id_fkey", "nulled"},
		{CheckEdge, "public.projects", "projects_created_by_fkey", "blocked by projects_created_by_fkey"},
		{CheckEdge, "public.audit_log", "audit_log_session_id_fkey", "blocked by audit_log_session_id_fkey"},
		{CheckEdge, "public.reactions", "reactions_comment_id_fkey", "blocked by reactions_comment_id_fkey"},
	} {
		r := find(t, rep, want.kind, want.table, want.constraint)
		if r.Expected != want.expected || r.Status != StatusPass {
			t.Errorf("%s %s: expected %q status %s, want %q pass", want.table, want.constraint, r.Expected, r.Status, want.expected)
		}
	}
	if rep.Summary.Skipped != 0 {
		t.Errorf("%d checks skipped on the example, want none", rep.Summary.Skipped)
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Fatal(err)
	}
	t.Logf("summary %+v, warnings %v", rep.Summary, rep.Warnings)
}
