package graph

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/ondelete/ondelete/catalog"
)

// syntheticSnapshot builds a schema of n tables and m foreign keys, the
// shape of a large application: every table but the first hangs off an
// earlier one (mostly by CASCADE, so most of the schema is reachable from
// table 0), and the remaining keys connect random pairs with a mix of
// actions, including back-references that close cycles. The seed is fixed
// so every run measures the same graph.
func syntheticSnapshot(n, m int) *catalog.Snapshot {
	r := rand.New(rand.NewPCG(1, 2))
	b := newSchema()
	name := func(i int) string { return fmt.Sprintf("s%d.t%04d", i%7, i) }
	for i := range n {
		b.table(name(i))
	}
	actions := []catalog.Action{cascade, cascade, cascade, cascade, cascade, cascade, setNull, setDefault, noAction, restrict}
	for k := range m {
		var child, parent int
		var a catalog.Action
		if k < n-1 {
			child, parent, a = k+1, r.IntN(k+1), cascade
			if r.IntN(10) == 0 {
				a = actions[r.IntN(len(actions))]
			}
		} else {
			child, parent, a = r.IntN(n), r.IntN(n), actions[r.IntN(len(actions))]
		}
		b.fk(name(child), fmt.Sprintf("c%d", k), name(parent), a)
	}
	return b.snap()
}

func BenchmarkBuild5000Tables10000FKs(b *testing.B) {
	s := syntheticSnapshot(5000, 10000)
	root := s.Tables[0].TableName()
	bl, err := NewBuilder(s, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bl.Build(root); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewBuilderAndBuild5000Tables10000FKs(b *testing.B) {
	s := syntheticSnapshot(5000, 10000)
	root := s.Tables[0].TableName()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(s, root); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSyntheticGraphIsLargeAndConsistent(t *testing.T) {
	s := syntheticSnapshot(5000, 10000)
	g, err := Build(s, catalog.TableName{Schema: "s0", Name: "t0000"})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Tables) < 4000 || len(g.Edges) < 8000 {
		t.Fatalf("graph too small to exercise anything: %d tables, %d edges", len(g.Tables), len(g.Edges))
	}
	checkInvariants(t, g)
	again, err := Build(s, g.Root)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(again) != fmt.Sprint(g) {
		t.Error("two builds of the same snapshot differ")
	}
}
