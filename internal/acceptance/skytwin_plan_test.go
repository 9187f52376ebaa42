package acceptance

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/plan"
	"github.com/ondelete/ondelete/policy"
)

// skytwinCascadePolicy is the decision skytwin took in its migration 061:
// every foreign key to users cascades. The lints are off so the plan does
// only what 061 does (no indexes, no renames).
const skytwinCascadePolicy = `version: 1
roots: [users]
rules:
  - name: users-cascade
    match: {references: users}
    expect: {on_delete: cascade}
lints:
  blocked-root-delete: off
  set-null-not-null: off
  cascading-self-reference: off
  unindexed-cascade: off
  not-valid: off
  nonconventional-name: off
  orphan-owner-column: off
  overlapping-fks: off
`

// TestSkytwinInlinePlanMatches061: skytwin through 060 plus the inline
// plan for "every FK to users cascades" has the same catalog as skytwin
// through 061 (its hand-written cascade cleanup): same constraints, same
// names, same actions, same everything the snapshot holds.
func TestSkytwinInlinePlanMatches061(t *testing.T) {
	ctx := context.Background()
	var at060, at061 migrationSet
	for _, s := range migrationSets {
		switch s.name {
		case "skytwin-060":
			at060 = s
		case "skytwin-061":
			at061 = s
		}
	}
	a := apply(t, at060)
	pol, err := policy.Parse([]byte(skytwinCascadePolicy), "ondelete.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res := evaluate(t, a.snap, pol)
	if len(res.Findings) != 32 {
		t.Fatalf("the policy finds %d keys to change, want the 32 that 061 changes", len(res.Findings))
	}
	findings, err := plan.Converge(a.snap, res.Findings, recheck(pol))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Generate(a.snap, findings, plan.Options{Strategy: plan.Inline})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Migrations) != 1 || len(p.Unfixable) != 0 {
		t.Fatalf("want one inline migration and nothing unfixable, got %d migrations, unfixable %+v", len(p.Migrations), p.Unfixable)
	}
	dir := setDir(t, at060, a.migs)
	files, err := plan.Files(p, dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// The file continues skytwin's numbering: 061 is taken in the real
	// directory, but after 060 the next number is 061 with its separator.
	if len(files) != 1 || !strings.HasPrefix(files[0].Path, "061-") {
		t.Fatalf("files %v, want one 061-… file", files)
	}
	out := t.TempDir()
	if err := migrate.WriteFiles(out, files); err != nil {
		t.Fatal(err)
	}
	gen, err := migrate.Load(out, dir.Layout)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrate.Apply(ctx, a.conn, gen.Migrations); err != nil {
		t.Fatalf("applying the plan: %v", err)
	}
	planned := inspect(t, a.conn)
	theirs := apply(t, at061).snap
	if diff := cmp.Diff(normalise(theirs), normalise(planned)); diff != "" {
		t.Fatalf("061-cascade-cleanup.sql (-) and the inline plan (+) differ:\n%s", diff)
	}
	// And both really changed something: 060 differs from them.
	if cmp.Equal(normalise(a.snap), normalise(planned)) {
		t.Fatal("the plan changed nothing")
	}
}
