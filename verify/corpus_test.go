package verify

import (
	"testing"

	"github.com/ondelete/ondelete/graph"
)

// TestEverySetFromEveryRoot verifies every set from every referenced
// table, in both modes: no check may FAIL (the graph agrees with what
// PostgreSQL does), every skip must say why, and skips stay rare.
func TestEverySetFromEveryRoot(t *testing.T) {
	for _, set := range schemaSets {
		t.Run(set.name, func(t *testing.T) {
			_, conn, snap := applySet(t, set)
			b, err := graph.NewBuilder(snap, graph.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, mode := range []Mode{ModeReplica, ModeParents} {
				var checks, skipped, conditional int
				reasons := map[string]int{}
				for _, root := range referencedTables(snap) {
					g, err := b.Build(root)
					if err != nil {
						t.Fatal(err)
					}
					rep := verify(t, conn, snap, g, Options{Mode: mode})
					assertClean(t, rep)
					if rep.Mode != mode {
						t.Errorf("mode %s, want %s", rep.Mode, mode)
					}
					if len(rep.Warnings) > 0 {
						t.Errorf("root %s: warnings %v", root, rep.Warnings)
					}
					for _, r := range rep.Tables {
						checks++
						if r.Check == CheckConditional {
							conditional++
						}
						if r.Status == StatusSkipped {
							skipped++
							reasons[r.TableName().String()+": "+r.Reason]++
						}
					}
				}
				t.Logf("%s: %d roots, %d checks (%d conditional), %d skipped", mode, len(referencedTables(snap)), checks, conditional, skipped)
				for reason, n := range reasons {
					t.Logf("  skipped %d×: %s", n, reason)
				}
				if skipped*20 > checks {
					t.Errorf("%s: %d of %d checks skipped (more than 5%%)", mode, skipped, checks)
				}
			}
		})
	}
}
