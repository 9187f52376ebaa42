package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
)

// Result is one run of inspect plus graph, with the time each half took.
type Result struct {
	Snapshot *catalog.Snapshot
	Graph    *graph.Graph
	// Inspect is the time catalog.Inspect took (the catalog queries, the
	// round trip and decoding); Build the time graph.Build took.
	Inspect, Build time.Duration
}

// InspectAndGraph does what `ondelete graph --root root` does against a
// live database: read the catalog into a snapshot (catalog.Inspect, all
// schemas) and build root's deletion graph from it.
func InspectAndGraph(ctx context.Context, conn catalog.Conn, root catalog.TableName) (*Result, error) {
	start := time.Now()
	snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
	if err != nil {
		return nil, err
	}
	built := time.Now()
	g, err := graph.Build(snap, root)
	if err != nil {
		return nil, fmt.Errorf("building the graph of %s: %w", root, err)
	}
	return &Result{Snapshot: snap, Graph: g, Inspect: built.Sub(start), Build: time.Since(built)}, nil
}

// AllGraphs sums up the graphs built from every referenced table.
type AllGraphs struct {
	// Roots is the number of graphs built: one per referenced table.
	Roots int
	// Tables and Edges sum the graphs' tables and edges.
	Tables, Edges int
	// Biggest is the root whose graph has the most tables (ties go to the
	// first in (schema, table) order), and BiggestTables its size.
	Biggest       catalog.TableName
	BiggestTables int
}

// BuildAllGraphs builds a deletion graph from every table some foreign key
// references, with one graph.Builder, as a policy check over the whole
// schema will. It is also how the benchmarks choose their root: the one
// with the biggest graph, so that the single-root figure is the worst case
// the schema offers.
func BuildAllGraphs(snap *catalog.Snapshot) (*AllGraphs, error) {
	b, err := graph.NewBuilder(snap, graph.Options{})
	if err != nil {
		return nil, err
	}
	roots := ReferencedTables(snap)
	all := &AllGraphs{Roots: len(roots)}
	for _, root := range roots {
		g, err := b.Build(root)
		if err != nil {
			return nil, fmt.Errorf("building the graph of %s: %w", root, err)
		}
		all.Tables += len(g.Tables)
		all.Edges += len(g.Edges)
		if len(g.Tables) > all.BiggestTables {
			all.Biggest, all.BiggestTables = root, len(g.Tables)
		}
	}
	return all, nil
}

// ReferencedTables lists, sorted by (schema, table), the tables of snap
// that some foreign key references: the roots whose deletion graph holds
// more than the root itself.
func ReferencedTables(snap *catalog.Snapshot) []catalog.TableName {
	seen := map[catalog.TableName]bool{}
	for i := range snap.ForeignKeys {
		seen[snap.ForeignKeys[i].RefTableName()] = true
	}
	var roots []catalog.TableName
	for i := range snap.Tables { // catalog.Inspect sorts them by (schema, table)
		if t := snap.Tables[i].TableName(); seen[t] {
			roots = append(roots, t)
		}
	}
	return roots
}
