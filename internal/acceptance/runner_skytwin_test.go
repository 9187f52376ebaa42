package acceptance

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/internal/testenv"
	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// runnerSet is a migrations directory the runner applies from scratch and
// psql replays file by file, as the project's own runner would have.
type runnerSet struct {
	name string
	// dir returns the migrations directory; it may skip the test.
	dir func(t *testing.T) string
	// wantErrors: the set is known to need absorbed errors, so psql
	// reporting none means the comparison tested nothing.
	wantErrors bool
}

var runnerSets = []runnerSet{
	{name: "example", dir: func(t *testing.T) string { return filepath.Join(testenv.RepoRoot(t), "examples", "app", "migrations") }},
	{name: "weird-identifiers", dir: func(t *testing.T) string {
		return filepath.Join(testenv.RepoRoot(t), "internal", "acceptance", "testdata", "weird")
	}},
	{name: "skytwin", dir: func(t *testing.T) string { return testenv.CorpusPath(t, "skytwin", "postgres") }, wantErrors: true},
	// 061 applied a second time as 062. The corpus README expects one
	// 42710 per ADD CONSTRAINT, but on PostgreSQL each ADD follows a DROP
	// CONSTRAINT IF EXISTS of the same name: psql decides what is right.
	{name: "skytwin-061-twice", dir: skytwin061Twice, wantErrors: true},
	{name: "documenso", dir: func(t *testing.T) string { return testenv.CorpusPath(t, "documenso", "migrations") }},
}

// skytwin061Twice copies skytwin's postgres/ set and adds 061 again as 062.
func skytwin061Twice(t *testing.T) string {
	src := testenv.CorpusPath(t, "skytwin", "postgres")
	dst := t.TempDir()
	files, err := filepath.Glob(filepath.Join(src, "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("listing %s: %d files, %v", src, len(files), err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		names := []string{filepath.Base(f)}
		if strings.HasPrefix(names[0], "061-") {
			names = append(names, "062-cascade-cleanup-again.sql")
		}
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dst, n), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dst
}

// TestRunnerMatchesPsql applies each set from scratch with the runner and,
// on a second fresh database, with the real psql in autocommit without
// ON_ERROR_STOP (the way the corpus' own runner ignores "already exists").
// Every error psql reports must be one the runner absorbs by default, the
// runner must absorb exactly those, file by file and SQLSTATE by SQLSTATE,
// and both databases must end with the same catalog. A second up runs
// nothing.
func TestRunnerMatchesPsql(t *testing.T) {
	psql := findPsql(t)
	absorbable := map[string]bool{}
	for _, c := range migrate.DefaultAbsorb() {
		absorbable[c] = true
	}
	for _, set := range runnerSets {
		t.Run(set.name, func(t *testing.T) {
			ctx := context.Background()
			path := set.dir(t)
			dir, err := migrate.Load(path, migrate.LayoutAuto)
			if err != nil {
				t.Fatal(err)
			}

			// The independent run: psql, every file in path order.
			psqlDSN := pgtest.NewDB(t)
			files := upFiles(t, path)
			if len(files) != len(dir.Migrations) {
				t.Fatalf("psql gets %d files, the runner loaded %d migrations", len(files), len(dir.Migrations))
			}
			want := runPsql(t, psql, psqlDSN, files)
			for k, n := range want {
				if !absorbable[k.code] {
					t.Errorf("psql: %d× SQLSTATE %s in %s: a real error in the set, not a duplicate", n, k.code, k.file)
				}
			}
			if set.wantErrors && len(want) == 0 {
				t.Fatal("psql reported no error: the set no longer exercises absorption")
			}

			// The runner, on its own fresh database.
			conn := connectDSN(t, pgtest.NewDB(t))
			r, err := migrate.NewRunner(conn, dir, migrate.RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.Up(ctx)
			if err != nil {
				t.Fatalf("runner up: %v", err)
			}
			if len(res.Files) != len(dir.Migrations) {
				t.Errorf("runner applied %d files, want %d", len(res.Files), len(dir.Migrations))
			}
			got := map[errorKey]int{}
			for _, f := range res.Files {
				for _, a := range f.Absorbed {
					got[errorKey{file: filepath.Base(f.File), code: a.Code}]++
				}
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(errorKey{})); diff != "" {
				t.Errorf("absorbed per file and SQLSTATE (-psql +runner):\n%s", diff)
			}
			t.Logf("%d files; psql errors %v", len(files), byCode(want))

			again, err := r.Up(ctx)
			if err != nil || len(again.Files) != 0 {
				t.Fatalf("second up: %d files, %v; want 0", len(again.Files), err)
			}

			// The history table is the runner's own; the rest must match.
			if _, err := conn.Exec(ctx, "DROP TABLE "+migrate.History{}.Qualified()); err != nil {
				t.Fatal(err)
			}
			psqlConn := connectDSN(t, psqlDSN)
			if diff := cmp.Diff(normalise(inspect(t, psqlConn)), normalise(inspect(t, conn))); diff != "" {
				t.Errorf("catalog snapshots differ (-psql +runner):\n%s", diff)
			}
			if diff := cmp.Diff(objects(t, psqlConn), objects(t, conn)); diff != "" {
				t.Errorf("schema objects differ (-psql +runner):\n%s", diff)
			}
		})
	}
}

// errorKey is where an error happened and what it was.
type errorKey struct{ file, code string }

func byCode(m map[errorKey]int) map[string]int {
	out := map[string]int{}
	for k, n := range m {
		out[k.code] += n
	}
	return out
}

// upFiles lists the set's SQL files in path order (a flat directory's
// files, or Prisma's <timestamp>_<name>/migration.sql), found without the
// migrate package's loader.
func upFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".sql") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("+goose")) || bytes.Contains(data, []byte("-- migrate:")) {
			t.Fatalf("%s has up/down sections; psql would run both", f)
		}
	}
	return files
}

// psqlError matches an error line of psql with VERBOSITY verbose:
// "psql:/path/file.sql:12: ERROR:  42P07: relation ... already exists".
var psqlError = regexp.MustCompile(`(?m)^psql:(.+?):(\d+): (ERROR|FATAL|PANIC):  ([0-9A-Z]{5}): `)

// runPsql runs files through psql in autocommit, continuing after errors,
// and counts the errors per file and SQLSTATE.
func runPsql(t *testing.T, psql, dsn string, files []string) map[errorKey]int {
	t.Helper()
	args := []string{"-X", "-q", "--no-password", "-v", "VERBOSITY=verbose", "-d", dsn}
	for _, f := range files {
		args = append(args, "-f", f)
	}
	cmd := exec.Command(psql, args...)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") { // the DSN says everything
			env = append(env, kv)
		}
	}
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = nil, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("psql: %v\n%s", err, stderr.String())
	}
	out := map[errorKey]int{}
	for _, m := range psqlError.FindAllStringSubmatch(stderr.String(), -1) {
		if m[3] != "ERROR" {
			t.Fatalf("psql %s at %s:%s", m[3], m[1], m[2])
		}
		out[errorKey{file: filepath.Base(m[1]), code: m[4]}]++
	}
	if n := strings.Count(stderr.String(), "ERROR:"); n != len(psqlError.FindAllString(stderr.String(), -1)) {
		t.Fatalf("psql printed %d errors, %d of them with a SQLSTATE (VERBOSITY verbose ignored?):\n%s", n, len(psqlError.FindAllString(stderr.String(), -1)), stderr.String())
	}
	return out
}

// findPsql finds psql as pgtemp finds the server: $PG_BIN, PATH, then the
// newest /usr/lib/postgresql/<version>/bin. Missing, the test is skipped
// (failed under CI=true).
func findPsql(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("PG_BIN"); bin != "" {
		p := filepath.Join(bin, "psql")
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("PG_BIN has no psql: %v", err)
		}
		return p
	}
	if p, err := exec.LookPath("psql"); err == nil {
		return p
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/psql")
	best, bestV := "", -1
	for _, d := range dirs {
		v, err := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(d))))
		if err == nil && v > bestV {
			best, bestV = d, v
		}
	}
	if best != "" {
		return best
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("psql not found ($PG_BIN, PATH, /usr/lib/postgresql/*/bin)")
	}
	t.Skip("psql not found ($PG_BIN, PATH, /usr/lib/postgresql/*/bin)")
	return ""
}

func connectDSN(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// objectsQuery describes every user object with the server's own
// deparsers, for what the snapshot does not model: CHECK and UNIQUE
// constraints, defaults, sequences, views, types, functions, triggers.
const objectsQuery = `
WITH ns AS (
	SELECT oid, nspname FROM pg_namespace
	WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg_temp_%' AND nspname NOT LIKE 'pg_toast_temp_%'
)
SELECT 'relation ' || ns.nspname || '.' || c.relname || ' ' || c.relkind::text ||
	CASE WHEN c.relkind IN ('v', 'm') THEN ' ' || pg_get_viewdef(c.oid) ELSE '' END
FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
UNION ALL
SELECT 'column ' || ns.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ||
	CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN ns ON ns.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'constraint ' || ns.nspname || '.' || c.relname || '.' || con.conname || ' ' || pg_get_constraintdef(con.oid)
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN ns ON ns.oid = c.relnamespace
UNION ALL
SELECT 'index ' || pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN ns ON ns.oid = c.relnamespace
UNION ALL
SELECT 'type ' || ns.nspname || '.' || t.typname || ' ' || t.typtype::text || ' ' ||
	coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),
		format_type(t.typbasetype, t.typtypmod))
FROM pg_type t JOIN ns ON ns.oid = t.typnamespace WHERE t.typtype IN ('e', 'd', 'r', 'm')
UNION ALL
SELECT 'function ' || pg_get_functiondef(p.oid)
FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace WHERE p.prokind IN ('f', 'p')
UNION ALL
SELECT 'trigger ' || pg_get_triggerdef(tg.oid)
FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN ns ON ns.oid = c.relnamespace WHERE NOT tg.tgisinternal
UNION ALL
SELECT 'extension ' || extname FROM pg_extension
ORDER BY 1`

// objects lists the database's schema objects, sorted.
func objects(t *testing.T, conn *pgx.Conn) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), objectsQuery)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal(errors.New("no schema objects: nothing was compared"))
	}
	return out
}
