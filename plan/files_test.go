package plan

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gotest.tools/v3/assert"
	"gotest.tools/v3/golden"

	"github.com/ondelete/ondelete/internal/testenv"
	"github.com/ondelete/ondelete/migrate"
)

// TestGoldenFiles lays the online plan of the fixture out in every layout
// fixture of package migrate and compares the files with golden copies
// (`go test ./plan -update` rewrites them).
func TestGoldenFiles(t *testing.T) {
	s, findings := fixture()
	p, err := Generate(s, findings, Options{Strategy: Online})
	assert.NilError(t, err)
	for _, layout := range []string{"flat", "flyway", "golang-migrate", "goose", "dbmate", "prisma", "diesel"} {
		t.Run(layout, func(t *testing.T) { assertFiles(t, p, layout, "files-"+layout+".golden") })
	}
}

// assertFiles lays p out after the migrate package's fixture of layout,
// compares the files with the golden file, and checks they load back as
// the same layout, in plan order, each migration's statements intact.
func assertFiles(t *testing.T, p *Plan, layout, goldenFile string) {
	t.Helper()
	src := filepath.Join("..", "migrate", "testdata", layout)
	d, err := migrate.Load(src, migrate.LayoutAuto)
	assert.NilError(t, err)
	files, err := Files(p, d, time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC))
	assert.NilError(t, err)
	var b strings.Builder
	for _, f := range files {
		b.WriteString("==> " + f.Path + " <==\n" + f.Content + "\n")
	}
	golden.Assert(t, b.String(), goldenFile)
	dir := t.TempDir()
	testenv.CopyDir(t, src, dir)
	assert.NilError(t, migrate.WriteFiles(dir, files))
	back, err := migrate.Load(dir, migrate.LayoutAuto)
	assert.NilError(t, err)
	assert.Equal(t, back.Layout, d.Layout)
	added := back.Migrations[len(d.Migrations):]
	assert.Equal(t, len(added), len(p.Migrations))
	for i, m := range added {
		assert.Assert(t, strings.Contains(strings.ReplaceAll(m.Path, "-", "_"), p.Migrations[i].Name), "%s is not %s", m.Path, p.Migrations[i].Name)
		var sqls []string
		for _, st := range m.Up.Statements {
			sqls = append(sqls, st.SQL)
		}
		for _, st := range p.Migrations[i].Up {
			assert.Assert(t, containsStatement(sqls, st.SQL), "%s lacks %s", m.Path, st.SQL)
		}
	}
}

func containsStatement(sqls []string, want string) bool {
	want = strings.TrimSuffix(want, ";")
	for _, s := range sqls {
		if strings.TrimSuffix(strings.TrimSpace(s), ";") == want {
			return true
		}
	}
	return false
}
