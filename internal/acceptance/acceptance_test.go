package acceptance

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/internal/oracle"
	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// applied is a set applied to a fresh database.
type applied struct {
	conn *pgx.Conn
	snap *catalog.Snapshot
	res  *migrate.Result
	migs []migrate.Migration
}

func apply(t *testing.T, set migrationSet) *applied {
	t.Helper()
	ctx := context.Background()
	migs := set.load(t)
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	res, err := migrate.Apply(ctx, conn, migs)
	if err != nil {
		t.Fatalf("applying %s: %v", set.name, err)
	}
	snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	snap.AttachSources(res.Sources)
	return &applied{conn: conn, snap: snap, res: res, migs: migs}
}

// TestInventoryMatchesCatalog compares every foreign key Inspect reports
// with an independent information_schema query on the same database.
func TestInventoryMatchesCatalog(t *testing.T) {
	for _, set := range migrationSets {
		t.Run(set.name, func(t *testing.T) {
			a := apply(t, set)
			want, err := oracle.Inventory(context.Background(), a.conn)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				t.Fatal("the set has no foreign keys: nothing was tested")
			}
			if diff := cmp.Diff(want, oracle.FromSnapshot(a.snap)); diff != "" {
				t.Errorf("inspect differs from information_schema (-want +got):\n%s", diff)
			}
			t.Logf("%d foreign keys, %d tables", len(a.snap.ForeignKeys), len(a.snap.Tables))
		})
	}
}

// TestSourcesPointAtTheStatement checks that every foreign key's source is
// a statement of the set that names the constraint's table.
func TestSourcesPointAtTheStatement(t *testing.T) {
	for _, set := range migrationSets {
		t.Run(set.name, func(t *testing.T) {
			a := apply(t, set)
			stmts := map[catalog.Source]string{}
			for _, m := range a.migs {
				for _, st := range m.Up.Statements {
					stmts[catalog.Source{File: st.File, Line: st.Line}] = st.SQL
				}
			}
			for _, fk := range a.snap.ForeignKeys {
				if fk.Source == nil {
					t.Errorf("%s: no source", fk.Key())
					continue
				}
				sql, ok := stmts[*fk.Source]
				if !ok {
					t.Errorf("%s: source %s:%d is not the start of a statement", fk.Key(), fk.Source.File, fk.Source.Line)
					continue
				}
				if !strings.Contains(strings.ToLower(strings.ReplaceAll(sql, `""`, `"`)), strings.ToLower(fk.Table)) {
					t.Errorf("%s: source %s:%d does not mention %s: %.80s", fk.Key(), fk.Source.File, fk.Source.Line, fk.Table, sql)
				}
			}
		})
	}
}

// TestGraphOutcomesMatchPostgres builds the deletion graph from every
// referenced table of every set and checks each outcome, path and
// conditional blocker by experiment: rows inserted along the path, the
// root row deleted in a rolled-back transaction, PostgreSQL as the oracle.
func TestGraphOutcomesMatchPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("experiments take a while; run without -short")
	}
	for _, set := range migrationSets {
		t.Run(set.name, func(t *testing.T) {
			a := apply(t, set)
			b, err := graph.NewBuilder(a.snap, graph.Options{})
			if err != nil {
				t.Fatal(err)
			}
			roots := referencedTables(a.snap)
			var total, skipped, conditional, definite int
			reasons := map[string]int{}
			for _, root := range roots {
				g, err := b.Build(root)
				if err != nil {
					t.Fatal(err)
				}
				results, err := oracle.DeleteExperiments(context.Background(), a.conn, a.snap, g, oracle.Options{})
				if err != nil {
					t.Fatalf("root %s: %v", root, err)
				}
				for _, bl := range g.Blockers {
					if bl.Kind == graph.Conditional {
						conditional++
					} else {
						definite++
					}
				}
				for _, r := range results {
					total++
					switch {
					case r.Skipped != "":
						skipped++
						reasons[firstLine(r.Skipped)]++
					case !r.OK:
						t.Errorf("root %s: %s: graph says %q, PostgreSQL did %q", root, r.Name, r.Expect, r.Observed)
					}
				}
			}
			t.Logf("%d roots, %d experiments, %d skipped; %d definite and %d conditional blockers",
				len(roots), total, skipped, definite, conditional)
			if set.name == "example" && (conditional == 0 || definite == 0) {
				t.Errorf("the example must exercise both kinds of blocker (definite %d, conditional %d)", definite, conditional)
			}
			for reason, n := range reasons {
				t.Logf("skipped %d× : %s", n, reason)
			}
			if total == 0 {
				t.Fatal("no experiment ran")
			}
			if skipped*10 > total {
				t.Errorf("%d of %d experiments skipped (more than 10%%)", skipped, total)
			}
		})
	}
}

func referencedTables(s *catalog.Snapshot) []catalog.TableName {
	seen := map[catalog.TableName]bool{}
	var out []catalog.TableName
	for _, fk := range s.ForeignKeys {
		n := fk.RefTableName()
		if !seen[n] && s.Table(n) != nil {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Less(out[j]) })
	return out
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 160 {
		s = s[:160]
	}
	return s
}
