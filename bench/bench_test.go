package bench

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/internal/synth"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestBothSidesReadTheSameForeignKeys checks, on a small synthetic schema,
// that the two sides of the comparison do comparable work: inspect finds
// exactly the generated foreign keys, and every drift query returns those
// same foreign keys with the same tables, columns, referenced tables and
// delete rules. A drift query that silently lost rows would otherwise
// make the baseline look cheaper than it is.
func TestBothSidesReadTheSameForeignKeys(t *testing.T) {
	opts := synth.DefaultOptions(11, 60, 150)
	opts.SelfReferenceRate = 0.1
	opts.CompositeRate = 0.2
	s := synth.Generate(opts)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	if err := Load(ctx, conn, s); err != nil {
		t.Fatal(err)
	}

	snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
	if err != nil {
		t.Fatalf("inspecting: %v", err)
	}
	if got, want := len(snap.ForeignKeys), len(s.ForeignKeys); got != want {
		t.Fatalf("inspect found %d foreign keys, the generator made %d", got, want)
	}
	if got, want := len(snap.Tables), len(s.Tables); got != want {
		t.Errorf("inspect found %d tables, the generator made %d", got, want)
	}
	want := make([]DriftFK, 0, len(snap.ForeignKeys))
	for _, fk := range snap.ForeignKeys {
		want = append(want, DriftFK{
			Schema: fk.Schema, Table: fk.Table, Name: fk.Name, Columns: fk.Columns,
			RefSchema: fk.RefSchema, RefTable: fk.RefTable, RefColumns: fk.RefColumns,
			DeleteRule: fk.OnDelete.SQL(),
		})
	}
	for _, q := range DriftQueries {
		t.Run(q.Name, func(t *testing.T) {
			res, err := ReadDrift(ctx, conn, q)
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows < len(want) {
				t.Errorf("%d rows for %d foreign keys", res.Rows, len(want))
			}
			if diff := cmp.Diff(want, res.ForeignKeys); diff != "" {
				t.Errorf("drift query and inspect disagree (-inspect +drift query):\n%s", diff)
			}
		})
	}
}

// TestBuildAllGraphsPicksTheBiggestGraph checks the root the benchmarks
// use: every referenced table gets a graph, and the chosen root's graph is
// as big as any and the first in name order among the biggest.
func TestBuildAllGraphsPicksTheBiggestGraph(t *testing.T) {
	s := synth.Generate(synth.DefaultOptions(3, 80, 200))
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	if err := Load(ctx, conn, s); err != nil {
		t.Fatal(err)
	}
	snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
	if err != nil {
		t.Fatalf("inspecting: %v", err)
	}
	all, err := BuildAllGraphs(snap)
	if err != nil {
		t.Fatal(err)
	}
	referenced := map[catalog.TableName]bool{}
	for _, fk := range s.ForeignKeys {
		referenced[fk.RefTableName()] = true
	}
	if all.Roots != len(referenced) {
		t.Errorf("built %d graphs, %d tables are referenced", all.Roots, len(referenced))
	}
	for _, root := range ReferencedTables(snap) {
		g, err := graph.Build(snap, root)
		if err != nil {
			t.Fatal(err)
		}
		n := len(g.Tables)
		if n > all.BiggestTables || n == all.BiggestTables && root.Less(all.Biggest) {
			t.Errorf("root %s has %d tables, but %s (%d tables) was chosen", root, n, all.Biggest, all.BiggestTables)
		}
	}
	if all.BiggestTables < 2 {
		t.Errorf("the biggest graph has %d tables: the schema exercises nothing", all.BiggestTables)
	}
}
