package verify

import (
	"fmt"
	"slices"
	"sort"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
)

// check is one planned experiment.
type check struct {
	kind  CheckKind
	table catalog.TableName
	// fk is the foreign key the watched row references its deleted
	// parent through (nil for the root).
	fk *catalog.ForeignKey
	// dPath is the cascade path from the root to the table fk references
	// (empty when that is the root). tPath, for CheckConditional, is the
	// cascade path that also deletes the watched row.
	dPath, tPath []string
	expect       outcome
	// skip, when set, is why the experiment cannot be run at all.
	skip string
}

// path is the constraints from the root to the watched row.
func (c *check) path() []string {
	switch c.kind {
	case CheckEdge:
		return append(slices.Clone(c.dPath), c.fk.Key().String())
	case CheckConditional:
		return slices.Clone(c.tPath)
	}
	return nil
}

// plan lists the checks for g: the root, one per foreign key into a table
// the graph says the DELETE removes (every such key, taken from the
// snapshot, so a key the graph forgot is checked too), and one more per
// conditional blocker. Checks come in report order.
func plan(snap *catalog.Snapshot, g *graph.Graph) []check {
	deleted := map[catalog.TableName]bool{}
	for _, t := range g.Tables {
		if t.Outcome == graph.OutcomeRoot || t.Outcome == graph.OutcomeDeleted {
			deleted[t.TableName] = true
		}
	}
	edges := map[string]*graph.Edge{}
	for i := range g.Edges {
		e := &g.Edges[i]
		edges[catalog.ConstraintKey{Schema: e.To.Schema, Table: e.To.Name, Name: e.Name}.String()] = e
	}
	blockers := map[string]*graph.Blocker{}
	for i := range g.Blockers {
		blockers[g.Blockers[i].Key().String()] = &g.Blockers[i]
	}
	fks := map[string]*catalog.ForeignKey{}
	for i := range snap.ForeignKeys {
		fks[snap.ForeignKeys[i].Key().String()] = &snap.ForeignKeys[i]
	}
	paths := cascadePaths(g, fks)

	var checks []check
	for i := range snap.ForeignKeys {
		fk := &snap.ForeignKeys[i]
		if !deleted[fk.RefTableName()] {
			continue
		}
		key := fk.Key().String()
		c := check{kind: CheckEdge, table: fk.TableName(), fk: fk}
		if e := edges[key]; e != nil {
			c.expect = expectEdge(snap, e, blockers[key])
		} else {
			c.expect = outcome{kind: outNotInList}
		}
		dPath, ok := paths[fk.RefTableName()]
		c.dPath = dPath
		switch {
		case !ok:
			c.skip = fmt.Sprintf("no path of cascades to %s among the graph's paths (raise --max-paths)", fk.RefTableName())
		case snap.Table(fk.TableName()) == nil:
			c.skip = fmt.Sprintf("table %s is not in the snapshot", fk.TableName())
		}
		checks = append(checks, c)
		if b := blockers[key]; b != nil && b.Kind == graph.Conditional && len(b.NotNullColumns) == 0 {
			checks = append(checks, conditionalCheck(c, b, paths, g.Root))
		}
	}
	sort.SliceStable(checks, func(i, j int) bool {
		a, b := checks[i], checks[j]
		if a.table != b.table {
			return a.table.Less(b.table)
		}
		if a.fk.Name != b.fk.Name {
			return a.fk.Name < b.fk.Name
		}
		return a.kind == CheckEdge && b.kind != CheckEdge
	})
	root := check{kind: CheckRoot, table: g.Root, expect: outcome{kind: outDeleted}}
	return append([]check{root}, checks...)
}

// conditionalCheck is the second experiment of conditional blocker b: the
// blocking row is also deleted along its table's own cascade path, and the
// blocker's timing says whether PostgreSQL checks before or after.
func conditionalCheck(edge check, b *graph.Blocker, paths map[catalog.TableName][]string, root catalog.TableName) check {
	c := edge
	c.kind = CheckConditional
	c.expect = outcome{kind: outEither, constraint: b.Constraint}
	switch b.Timing {
	case graph.TimingAfterCascades, graph.TimingAtCommit:
		c.expect = outcome{kind: outDeleted}
	case graph.TimingBeforeCascades:
		c.expect = outcome{kind: outBlocked, constraint: b.Constraint}
	}
	tPath, ok := paths[b.TableName()]
	c.tPath = tPath
	switch {
	case c.skip != "":
	case b.TableName() == root:
		c.skip = "the blocking table is the root: a canary row that references itself is not synthesised"
	case !ok:
		c.skip = fmt.Sprintf("no path of cascades to %s among the graph's paths (raise --max-paths)", b.TableName())
	}
	return c
}

// expectEdge is what the graph says edge e does to a row that references a
// deleted row through e alone.
func expectEdge(snap *catalog.Snapshot, e *graph.Edge, b *graph.Blocker) outcome {
	switch e.Action {
	case catalog.Cascade:
		return outcome{kind: outDeleted}
	case catalog.SetNull, catalog.SetDefault:
		if b != nil && len(b.NotNullColumns) > 0 {
			return outcome{kind: outBlocked, columns: b.NotNullColumns}
		}
		if e.Action == catalog.SetNull {
			return outcome{kind: outNulled}
		}
		return outcome{kind: outDefaulted}
	}
	return outcome{kind: outBlocked, constraint: e.Name}
}

// cascadePaths maps every table the graph deletes to its first path made
// of cascades only (the root to the empty path): the chain along which a
// canary row of that table is deleted.
func cascadePaths(g *graph.Graph, fks map[string]*catalog.ForeignKey) map[catalog.TableName][]string {
	out := map[catalog.TableName][]string{g.Root: nil}
	for _, t := range g.Tables {
		if t.Outcome != graph.OutcomeDeleted {
			continue
		}
		for _, p := range t.Paths {
			if allCascade(p, fks) {
				out[t.TableName] = p
				break
			}
		}
	}
	return out
}

func allCascade(path []string, fks map[string]*catalog.ForeignKey) bool {
	for _, k := range path {
		if fk := fks[k]; fk == nil || fk.OnDelete != catalog.Cascade {
			return false
		}
	}
	return len(path) > 0
}
