package migrate

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// TestApplySkytwin applies the real skytwin migrations, which need their
// runner's "already applied" absorbs, and checks the ON DELETE actions the
// corpus README documents through 060 and after 061.
func TestApplySkytwin(t *testing.T) {
	dir := load(t, corpusPath(t, "skytwin", "postgres"), LayoutAuto)
	if dir.Layout != LayoutFlat || len(dir.Migrations) != 61 {
		t.Fatalf("skytwin loaded as %s with %d migrations, want flat with 61", dir.Layout, len(dir.Migrations))
	}
	ctx := testCtx(t)
	conn := connect(t)

	through060, err := dir.Through("60")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply(ctx, conn, through060)
	if err != nil {
		t.Fatalf("applying through 060: %v", err)
	}
	if res.Files != 60 || len(res.Absorbed) == 0 {
		t.Errorf("through 060: %d files, %d absorptions; want 60 files and some absorptions", res.Files, len(res.Absorbed))
	}
	for _, a := range res.Absorbed {
		if a.Code != "42710" && a.Code != "42P07" && a.Code != "42701" {
			t.Errorf("absorbed %s at %s:%d, not a default code", a.Code, a.File, a.Line)
		}
	}
	if got := countValues(fkActions(t, conn, "users")); !cmp.Equal(got, map[string]int{"c": 29, "a": 32}) {
		t.Errorf("through 060, ON DELETE actions of foreign keys to users = %v, want 29 cascade (c), 32 no action (a)", got)
	}

	m061 := dir.Migrations[60]
	if m061.Version != "061" {
		t.Fatalf("last migration is %s, want 061", m061.Path)
	}
	res, err = Apply(ctx, conn, dir.Migrations[60:])
	if err != nil {
		t.Fatalf("applying 061: %v", err)
	}
	after := fkActions(t, conn, "users")
	if got := countValues(after); !cmp.Equal(got, map[string]int{"c": 61}) {
		t.Errorf("after 061, ON DELETE actions = %v, want 61 cascade", got)
	}
	// 061 re-creates the foreign keys it changes: each is attributed to it.
	attributed := 0
	for _, src := range res.Sources {
		if src.File == m061.Up.File {
			attributed++
		}
	}
	if want := countAddConstraints(t, m061.Up.File); attributed != want {
		t.Errorf("061 attributed %d foreign keys, want %d (its ADD CONSTRAINTs)", attributed, want)
	}

	// Running 061 again changes nothing. (The corpus README expects one
	// 42710 per ADD CONSTRAINT here, but on PostgreSQL each ADD follows a
	// DROP CONSTRAINT IF EXISTS of the same name, so nothing fails.)
	adds := countAddConstraints(t, m061.Up.File)
	res, err = Apply(ctx, conn, dir.Migrations[60:])
	if err != nil {
		t.Fatalf("applying 061 again: %v", err)
	}
	if res.Statements != len(m061.Up.Statements) || len(res.Absorbed) != 0 {
		t.Errorf("second run of 061: %d statements applied, %d absorbed; want all %d applied", res.Statements, len(res.Absorbed), len(m061.Up.Statements))
	}
	if diff := cmp.Diff(after, fkActions(t, conn, "users")); diff != "" {
		t.Errorf("second run of 061 changed foreign keys (-before +after):\n%s", diff)
	}

	// Without their DROPs, 061's statements fail with duplicate_object once
	// per ADD CONSTRAINT, each absorbed at its own line.
	again := m061
	again.Up.Statements = nil
	for _, st := range m061.Up.Statements {
		if !strings.Contains(strings.ToUpper(st.SQL), "DROP CONSTRAINT") {
			again.Up.Statements = append(again.Up.Statements, st)
		}
	}
	res, err = Apply(ctx, conn, []Migration{again})
	if err != nil {
		t.Fatalf("re-adding 061's constraints: %v", err)
	}
	if got := res.AbsorbedCount("42710"); got != adds || adds == 0 || res.Statements != 0 {
		t.Errorf("re-adding 061's constraints: %d absorbed as 42710, %d applied; want %d (its ADD CONSTRAINTs) and 0", got, res.Statements, adds)
	}
	for i, a := range res.Absorbed {
		if st := again.Up.Statements[i]; a.File != st.File || a.Line != st.Line || !strings.Contains(a.Message, "already exists") {
			t.Errorf("absorption %d = %+v, want at %s", i, a, st.Pos())
		}
	}
	if diff := cmp.Diff(after, fkActions(t, conn, "users")); diff != "" {
		t.Errorf("re-adding 061's constraints changed foreign keys (-before +after):\n%s", diff)
	}
}

// countAddConstraints counts the ALTER TABLE ... ADD CONSTRAINT commands of
// a file by parsing it with pg_query, independently of Split.
func countAddConstraints(t *testing.T, file string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := pg_query.Parse(string(data))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, raw := range tree.Stmts {
		for _, cmd := range raw.Stmt.GetAlterTableStmt().GetCmds() {
			if cmd.GetAlterTableCmd().GetSubtype() == pg_query.AlterTableType_AT_AddConstraint {
				n++
			}
		}
	}
	return n
}

// TestApplySkytwinWithoutAbsorbs shows why the absorbs exist: with none,
// skytwin stops at 013, as plain psql does, with a located error.
func TestApplySkytwinWithoutAbsorbs(t *testing.T) {
	dir := load(t, corpusPath(t, "skytwin", "postgres"), LayoutFlat)
	conn := connect(t)
	res, err := Apply(testCtx(t), conn, dir.Migrations, WithAbsorb())
	var serr *StatementError
	if !errors.As(err, &serr) {
		t.Fatalf("error = %v, want a *StatementError", err)
	}
	if !strings.Contains(serr.File, "013-") || !strings.HasPrefix(serr.Code, "42") {
		t.Errorf("stopped at %v, want an SQLSTATE 42xxx error in 013", err)
	}
	if res.Files != 12 || len(res.Absorbed) != 0 {
		t.Errorf("before failing: %d files, %d absorptions; want 12 and 0", res.Files, len(res.Absorbed))
	}
}

// TestApplyDocumenso applies the Prisma migrations of documenso and checks
// their mixed-case foreign keys were all attributed to a migration.sql.
func TestApplyDocumenso(t *testing.T) {
	dir := load(t, corpusPath(t, "documenso", "migrations"), LayoutAuto)
	if dir.Layout != LayoutPrisma {
		t.Fatalf("documenso loaded as %s, want prisma", dir.Layout)
	}
	conn := connect(t)
	res, err := Apply(testCtx(t), conn, dir.Migrations)
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != len(dir.Migrations) || len(res.Absorbed) != 0 {
		t.Errorf("%d of %d files, %d absorptions", res.Files, len(dir.Migrations), len(res.Absorbed))
	}
	var fks int
	if err := conn.QueryRow(testCtx(t), `SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conparentid = 0`).Scan(&fks); err != nil {
		t.Fatal(err)
	}
	if fks == 0 || len(res.Sources) != fks {
		t.Errorf("%d foreign keys, %d with a source", fks, len(res.Sources))
	}
	for k, src := range res.Sources {
		if !strings.HasSuffix(src.File, "migration.sql") || src.Line < 1 {
			t.Errorf("%s: source %+v", k, src)
		}
	}
}

// TestApplyPagila applies a single pg_dump file, with its SET statements,
// partitioned table and non-ASCII identifiers.
func TestApplyPagila(t *testing.T) {
	file := corpusPath(t, "pagila", "pagila-schema.sql")
	dir := load(t, file, LayoutAuto)
	conn := connect(t)
	res, err := Apply(testCtx(t), conn, dir.Migrations)
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 1 || len(res.Absorbed) != 0 {
		t.Errorf("%d files, %d absorptions", res.Files, len(res.Absorbed))
	}
	var fks int
	if err := conn.QueryRow(testCtx(t), `SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conparentid = 0`).Scan(&fks); err != nil {
		t.Fatal(err)
	}
	if fks == 0 || len(res.Sources) != fks {
		t.Errorf("%d foreign keys, %d with a source", fks, len(res.Sources))
	}
	for k, src := range res.Sources {
		if src.File != file {
			t.Errorf("%s: source %+v, want in %s", k, src, file)
		}
	}
}
