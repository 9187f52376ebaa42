package starter_test

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/testenv"
	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
	"github.com/ondelete/ondelete/policy"
	"github.com/ondelete/ondelete/starter"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func snapshotOf(t *testing.T, path string) *catalog.Snapshot {
	t.Helper()
	ctx := context.Background()
	dir, err := migrate.Load(path, migrate.LayoutAuto)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := migrate.Apply(ctx, conn, dir.Migrations); err != nil {
		t.Fatal(err)
	}
	snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// TestStarterPolicyParses: the generated policy is valid, names the
// expected roots, and its comments list exactly the foreign keys into each
// root that neither cascade nor set NULL (derived here from the snapshot).
func TestStarterPolicyParses(t *testing.T) {
	sets := map[string]struct {
		path  string
		roots []string
	}{
		"example":   {filepath.Join(testenv.RepoRoot(t), "examples", "app", "migrations"), []string{"users"}},
		"skytwin":   {testenv.CorpusPath(t, "skytwin", "postgres"), []string{"users"}},
		"documenso": {testenv.CorpusPath(t, "documenso", "migrations"), []string{`'"User"'`}},
		"pagila":    {testenv.CorpusPath(t, "pagila", "pagila-schema.sql"), []string{"customer"}},
	}
	for name, set := range sets {
		t.Run(name, func(t *testing.T) {
			snap := snapshotOf(t, set.path)
			var out bytes.Buffer
			if err := starter.Write(&out, snap); err != nil {
				t.Fatal(err)
			}
			pol, err := policy.Parse(out.Bytes(), "ondelete.yaml")
			if err != nil {
				t.Fatalf("starter policy does not parse: %v\n%s", err, out.String())
			}
			var roots []string
			for _, r := range pol.Roots {
				roots = append(roots, r.Name)
			}
			wantRoots := slices.Clone(set.roots)
			for i, r := range wantRoots {
				wantRoots[i] = strings.Trim(r, "'")
			}
			if !slices.Equal(roots, wantRoots) {
				t.Errorf("roots %v, want %v", roots, wantRoots)
			}
			if _, warnings, err := pol.Resolve(snap); err != nil || len(warnings) > 0 {
				t.Errorf("resolve: %v %v", err, warnings)
			}
			for _, r := range starter.Roots(snap) {
				for _, fk := range snap.ForeignKeys {
					if fk.RefTableName() != r {
						continue
					}
					listed := strings.Contains(out.String(), "#   "+fk.Key().String()+" (")
					if want := fk.OnDelete != catalog.Cascade && fk.OnDelete != catalog.SetNull; listed != want {
						t.Errorf("%s (%s): listed %v", fk.Key(), fk.OnDelete, listed)
					}
				}
			}
		})
	}
}
