package plan

import (
	"fmt"
	"slices"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
)

// maxRounds bounds Converge: each round can only add keys to the deletion
// graph, so real schemas settle in two or three.
const maxRounds = 20

// Converge returns the findings one plan must resolve so that the check
// passes after it runs, not just the findings of today. Changing a key to
// CASCADE brings new tables into a root's deletion graph, whose own keys
// then block the delete: a plan made from today's findings alone would
// leave the check failing and a second plan non-empty. Converge applies
// the fixes to a copy of s the way the migrations would change the
// catalog, evaluates it again, and repeats until no finding is new.
// Findings of later rounds are named as in s (a planned rename is
// undone), so Generate(s, findings, ...) plans them all at once.
//
// evaluate is the check to pass: check.Evaluate with the policy, plus
// whatever baseline the caller applies. s is not modified.
func Converge(s *catalog.Snapshot, findings []check.Finding, evaluate func(*catalog.Snapshot) ([]check.Finding, error)) ([]check.Finding, error) {
	all := slices.Clone(findings)
	seen := map[string]bool{}
	for _, f := range all {
		seen[findingKey(f)] = true
	}
	for range maxRounds {
		fixes, _ := collect(s, all)
		sim, renamed := simulate(s, fixes)
		next, err := evaluate(sim)
		if err != nil {
			return nil, fmt.Errorf("checking the planned schema: %w", err)
		}
		added := false
		for _, f := range next {
			if orig, ok := renamed[catalog.ConstraintKey{Schema: f.Schema, Table: f.Table, Name: f.Constraint}]; ok {
				f.Constraint = orig
			}
			if k := findingKey(f); !seen[k] {
				seen[k] = true
				all = append(all, f)
				added = true
			}
		}
		if !added {
			return all, nil
		}
	}
	return nil, fmt.Errorf("planning did not settle after %d rounds of applying fixes and checking again", maxRounds)
}

// findingKey identifies a finding across rounds.
func findingKey(f check.Finding) string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%s\x00%q", f.Rule, f.Schema, f.Table, f.Constraint, f.Columns)
}

// simulate returns a copy of s with fixes applied as the generated
// migrations apply them, and the original name of every renamed key by
// its new key.
func simulate(s *catalog.Snapshot, fixes []*fix) (*catalog.Snapshot, map[catalog.ConstraintKey]string) {
	sim := *s
	sim.ForeignKeys = slices.Clone(s.ForeignKeys)
	renamed := map[catalog.ConstraintKey]string{}
	index := func(t catalog.TableName, cols []string) {
		for i := range sim.ForeignKeys {
			fk := &sim.ForeignKeys[i]
			if fk.TableName() == t && slices.Equal(fk.Columns, cols) {
				fk.Indexed = true
			}
		}
	}
	for _, x := range fixes {
		fk := lookup(&sim, x.fk.Key())
		if fk == nil {
			continue
		}
		fk.OnDelete, fk.OnUpdate = x.onDelete, x.onUpdate
		fk.Validated = fk.Validated || x.validate
		if x.index && !partitioned(x.table) {
			index(fk.TableName(), fk.Columns)
		}
		if x.rename() {
			fk.Name = x.name
			fk.ConventionalName = fk.Name == catalog.DefaultFKName(fk.Table, fk.Columns)
			renamed[fk.Key()] = x.fk.Name
		}
	}
	return &sim, renamed
}
