package explain

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/internal/synthdata"
)

// differentialSeeds is how many synthetic databases the differential
// test explains, rootsPerSeed how many of each one's candidate roots
// (Roots[0], shaped by synthdata, first). Loading a seed costs more than
// comparing a root, and the native DELETE rereads every table, so four
// roots keep the test near half a minute.
const (
	differentialSeeds = 100
	rootsPerSeed      = 4
)

// TestDifferential is the proof that explain answers what PostgreSQL
// does: for synthetic schemas (cycles, self-references, SET NULL, SET
// DEFAULT, composite keys, odd names) filled with random FK-consistent
// rows, explain's deleted, nulled and defaulted rows equal exactly what a
// real cascading DELETE does in a rolled-back transaction, and explain
// reports blockers exactly when that DELETE fails, among them the
// constraint PostgreSQL names.
func TestDifferential(t *testing.T) {
	seeds := differentialSeeds
	if testing.Short() {
		seeds = 20
	}
	var mu sync.Mutex
	var stats diffStats
	t.Run("seeds", func(t *testing.T) {
		for seed := uint64(1); seed <= uint64(seeds); seed++ {
			t.Run(fmt.Sprint(seed), func(t *testing.T) {
				t.Parallel()
				s := differentialSeed(t, seed)
				mu.Lock()
				stats.merge(s)
				mu.Unlock()
			})
		}
	})
	t.Logf("%+v", stats)
	// The comparison means something only if both kinds of outcome occur
	// often and the successful deletes reach beyond the root.
	if stats.succeeded < seeds/2 || stats.blocked < seeds/2 || stats.deletedRows < int64(20*seeds) {
		t.Errorf("too little exercised: %+v", stats)
	}
}

// differentialSeed compares explain with the real DELETE for every
// candidate root of one seed.
func differentialSeed(t *testing.T, seed uint64) diffStats {
	var stats diffStats
	var opts []synthdata.Option
	if seed%2 == 1 {
		opts = append(opts, synthdata.AvoidBlockers())
	}
	f := synthdata.Setup(t, seed, opts...)
	conn := f.Connect(t)
	ctx := context.Background()
	snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := graph.NewBuilder(snap, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, root := range f.Data.Roots[:min(rootsPerSeed, len(f.Data.Roots))] {
		g, err := b.Build(root.Table)
		if err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprintf("seed %d root %d (%s %v)", seed, i, root.Table, root.KeyValues)
		r, err := Explain(ctx, conn, snap, g, Root{Table: root.Table, Key: root.Key()}, Options{})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		out, err := synthdata.NativeDelete(ctx, conn, root.Table, root.Key())
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if msg := diffNative(r, out); msg != "" {
			t.Errorf("%s: %s", what, msg)
		}
		stats.add(r, out)
	}
	return stats
}

// diffStats sums what the differential test exercised.
type diffStats struct {
	succeeded, blocked                int
	deletedRows, nulledRows, defaults int64
	notNullFailures, deferredFailures int
	maxDepth                          int
}

func (s *diffStats) merge(o diffStats) {
	s.succeeded += o.succeeded
	s.blocked += o.blocked
	s.deletedRows += o.deletedRows
	s.nulledRows += o.nulledRows
	s.defaults += o.defaults
	s.notNullFailures += o.notNullFailures
	s.deferredFailures += o.deferredFailures
	s.maxDepth = max(s.maxDepth, o.maxDepth)
}

func (s *diffStats) add(r *Result, out *synthdata.Outcome) {
	if out.Blocked() {
		s.blocked++
		if out.Failure.Code == "23502" {
			s.notNullFailures++
		}
		if out.Failure.AtCheck {
			s.deferredFailures++
		}
		return
	}
	s.succeeded++
	for _, tr := range r.Tables {
		s.deletedRows += int64(len(tr.Deleted))
		s.nulledRows += int64(len(tr.Nulled))
		s.defaults += int64(len(tr.Defaulted))
		for _, row := range tr.Deleted {
			s.maxDepth = max(s.maxDepth, row.Depth)
		}
	}
}

// diffNative returns what differs between explain's answer and the real
// DELETE's outcome, "" when nothing does.
func diffNative(r *Result, out *synthdata.Outcome) string {
	if out.Blocked() {
		f := out.Failure
		if !r.Blocked() {
			return fmt.Sprintf("the DELETE fails (%s), explain reports no blocker", f.Error())
		}
		for _, b := range r.Blockers {
			switch f.Code {
			case "23503":
				if b.Constraint == f.Constraint && b.Table.Name == f.Table && b.Table.Schema == f.Schema {
					return ""
				}
			case "23502":
				if len(b.NotNullColumns) > 0 && b.Table.Name == f.Table && b.Table.Schema == f.Schema {
					return ""
				}
			}
		}
		return fmt.Sprintf("the DELETE fails on %s.%s (%s); explain's blockers do not name it: %s",
			f.Schema+"."+f.Table, f.Constraint, f.Error(), describeBlockers(r.Blockers))
	}
	if r.Blocked() {
		return "the DELETE succeeds, explain reports blockers: " + describeBlockers(r.Blockers)
	}
	var msgs []string
	names := map[catalog.TableName]bool{}
	for _, tr := range r.Tables {
		names[tr.Table] = true
	}
	for _, e := range out.Tables {
		names[e.Table] = true
	}
	for name := range names {
		var mine TableRows
		for _, tr := range r.Tables {
			if tr.Table == name {
				mine = tr
			}
		}
		theirs := out.Table(name)
		if theirs == nil {
			theirs = &synthdata.TableEffect{}
		}
		for _, c := range []struct {
			what string
			a    []Row
			b    [][]string
		}{
			{"deleted", mine.Deleted, theirs.DeletedKeys()},
			{"nulled", mine.Nulled, theirs.NulledKeys()},
			{"defaulted", mine.Defaulted, theirs.DefaultedKeys()},
		} {
			a := keysOf(c.a)
			b := slices.Clone(c.b)
			synthdata.SortKeys(b)
			if !slices.EqualFunc(a, b, slices.Equal) {
				msgs = append(msgs, fmt.Sprintf("%s %s: explain %d %v, native %d %v", name, c.what, len(a), short(a), len(b), short(b)))
			}
		}
		if theirs != nil && len(theirs.Inserted) > 0 {
			msgs = append(msgs, fmt.Sprintf("%s: the DELETE inserted rows", name))
		}
	}
	slices.Sort(msgs)
	return strings.Join(msgs, "; ")
}

// keysOf returns the keys of rows in synthdata's order.
func keysOf(rows []Row) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = r.Key
	}
	synthdata.SortKeys(out)
	return out
}

// short prints at most a few keys.
func short(keys [][]string) string {
	if len(keys) > 6 {
		return fmt.Sprint(keys[:6]) + "..."
	}
	return fmt.Sprint(keys)
}

// describeBlockers lists blockers for a failure message.
func describeBlockers(bs []Blocker) string {
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		parts = append(parts, fmt.Sprintf("%s.%s%v", b.Table, b.Constraint, b.Key))
		if len(parts) == 8 {
			parts = append(parts, fmt.Sprintf("... (%d in all)", len(bs)))
			break
		}
	}
	return strings.Join(parts, ", ")
}
