package verify

import (
	"strings"
	"testing"
)

// TestSkipsSayWhy: tables no canary row fits are skipped, each with a
// reason naming what could not be satisfied, and nothing else suffers.
func TestSkipsSayWhy(t *testing.T) {
	_, conn, snap := applySQL(t, `
CREATE TABLE accounts (id bigserial PRIMARY KEY);
CREATE TABLE impossible (
  account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
  v text NOT NULL CONSTRAINT impossible_v_check CHECK (v = 'a' AND v = 'b')
);
CREATE TABLE computed (
  id int PRIMARY KEY,
  account_id bigint GENERATED ALWAYS AS (id * 0) STORED REFERENCES accounts ON DELETE CASCADE
);
CREATE TABLE unrouted (
  account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
  k int NOT NULL
) PARTITION BY RANGE (k);
CREATE TABLE fine (account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE);`)
	rep := verify(t, conn, snap, build(t, snap, "accounts"), Options{})
	assertClean(t, rep)
	for table, want := range map[string]string{
		"public.impossible": `check constraint "impossible_v_check"`,
		"public.computed":   "column account_id of public.computed is generated",
		"public.unrouted":   "partitioning (no partition accepts the row)",
	} {
		r := find(t, rep, CheckEdge, table, strings.TrimPrefix(table, "public.")+"_account_id_fkey")
		t.Logf("%s: %s", table, r.Reason)
		if r.Status != StatusSkipped || !strings.Contains(r.Reason, want) {
			t.Errorf("%s: %s, reason %q; want skipped naming %q", table, r.Status, r.Reason, want)
		}
	}
	if r := find(t, rep, CheckEdge, "public.fine", "fine_account_id_fkey"); r.Status != StatusPass {
		t.Errorf("fine: %+v", r)
	}
}
