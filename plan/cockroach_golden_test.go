package plan

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gotest.tools/v3/assert"
	"gotest.tools/v3/golden"

	"github.com/ondelete/ondelete/internal/testenv"
	"github.com/ondelete/ondelete/migrate"
)

// Run `go test ./plan -update` to rewrite the cockroachdb-* golden files
// after an intended change, then review the diff.

func TestCockroachGoldenPlans(t *testing.T) {
	for _, strategy := range []Strategy{Inline, Online, Auto} {
		t.Run(string(strategy), func(t *testing.T) {
			s, findings := fixture()
			p, err := Generate(s, findings, Options{Strategy: strategy, Dialect: CockroachDB})
			assert.NilError(t, err)
			got, err := json.MarshalIndent(p, "", "  ")
			assert.NilError(t, err)
			golden.Assert(t, string(got)+"\n", "cockroachdb-"+string(strategy)+".golden.json")
		})
	}
}

// TestCockroachGoldenFiles lays the online CockroachDB plan of the
// fixture out in four layouts of package migrate's fixtures: flat (psql,
// statement by statement), golang-migrate (a file as one query), goose
// and dbmate (told not to open a transaction).
func TestCockroachGoldenFiles(t *testing.T) {
	now := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	s, findings := fixture()
	p, err := Generate(s, findings, Options{Strategy: Online, Dialect: CockroachDB})
	assert.NilError(t, err)
	for _, layout := range []string{"flat", "golang-migrate", "goose", "dbmate"} {
		t.Run(layout, func(t *testing.T) {
			src := filepath.Join("..", "migrate", "testdata", layout)
			d, err := migrate.Load(src, migrate.LayoutAuto)
			assert.NilError(t, err)
			files, err := Files(p, d, now)
			assert.NilError(t, err)
			var b strings.Builder
			for _, f := range files {
				b.WriteString("==> " + f.Path + " <==\n" + f.Content + "\n")
			}
			golden.Assert(t, b.String(), "cockroachdb-files-"+layout+".golden")
			// The files load back as the same layout, one migration per
			// plan migration, each with its one statement intact.
			dir := t.TempDir()
			testenv.CopyDir(t, src, dir)
			assert.NilError(t, migrate.WriteFiles(dir, files))
			back, err := migrate.Load(dir, migrate.LayoutAuto)
			assert.NilError(t, err)
			assert.Equal(t, back.Layout, d.Layout)
			added := back.Migrations[len(d.Migrations):]
			assert.Equal(t, len(added), len(p.Migrations))
			for i, m := range added {
				var sqls []string
				for _, st := range m.Up.Statements {
					sqls = append(sqls, st.SQL)
				}
				assert.Assert(t, containsStatement(sqls, p.Migrations[i].Up[0].SQL), "%s lacks %s", m.Path, p.Migrations[i].Up[0].SQL)
			}
		})
	}
}
