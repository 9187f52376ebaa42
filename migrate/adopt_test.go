package migrate

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
)

// The DDL below is each runner's own, as it creates its history table on
// PostgreSQL (see foreignShapes for where in each code base).
const (
	gooseDDL         = `CREATE TABLE %s (id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NULL default now(), PRIMARY KEY(id))`
	golangMigrateDDL = `CREATE TABLE IF NOT EXISTS %s (version bigint not null primary key, dirty boolean not null)`
	dbmateDDL        = `create table if not exists %s (version varchar primary key)`
)

// adoptExec runs statements on conn or fails the test.
func adoptExec(t *testing.T, conn *pgx.Conn, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := conn.Exec(testCtx(t), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// adoptRead calls ReadForeignHistory and fails the test on error.
func adoptRead(t *testing.T, conn *pgx.Conn, from AdoptSource, table string, dir []string) (applied, unmatched []string) {
	t.Helper()
	applied, unmatched, err := ReadForeignHistory(testCtx(t), conn, from, table, dir)
	if err != nil {
		t.Fatal(err)
	}
	return applied, unmatched
}

// adoptCheck compares applied and unmatched with what is expected.
func adoptCheck(t *testing.T, applied, unmatched, wantApplied, wantUnmatched []string) {
	t.Helper()
	if d := cmp.Diff(wantApplied, applied); d != "" {
		t.Errorf("applied (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wantUnmatched, unmatched); d != "" {
		t.Errorf("unmatched (-want +got):\n%s", d)
	}
}

// adoptWantError checks that err has exactly the given text.
func adoptWantError(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	if err.Error() != want {
		t.Errorf("error:\n got %s\nwant %s", err, want)
	}
}

func TestAdoptGoose(t *testing.T) {
	conn := connect(t)
	// A goose history as goose writes it: the bootstrap row 0, applies, a
	// rollback of 3 in the old style (an is_applied=false row), 4 rolled
	// back and applied again, and 6 applied from a file since deleted.
	adoptExec(t, conn,
		fmt.Sprintf(gooseDDL, "goose_db_version"),
		`INSERT INTO goose_db_version (version_id, is_applied) VALUES
			(0, true), (1, true), (2, true), (3, true), (3, false),
			(4, true), (4, false), (4, true), (5, true), (6, true)`)
	dir := []string{"00001", "00002", "00003", "00004", "00005", "00007"}
	applied, unmatched := adoptRead(t, conn, AdoptGoose, "", dir)
	adoptCheck(t, applied, unmatched, []string{"00001", "00002", "00004", "00005"}, []string{"6"})

	// A version re-applied and rolled back again is not applied; the
	// latest row wins even when every row has the same tstamp.
	adoptExec(t, conn, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (5, false), (7, true)`)
	applied, unmatched = adoptRead(t, conn, AdoptGoose, "", dir)
	adoptCheck(t, applied, unmatched, []string{"00001", "00002", "00004", "00007"}, []string{"6"})
}

func TestAdoptGooseOnlyBootstrap(t *testing.T) {
	conn := connect(t)
	adoptExec(t, conn,
		fmt.Sprintf(gooseDDL, "goose_db_version"),
		`INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true)`)
	applied, unmatched := adoptRead(t, conn, AdoptGoose, "", []string{"1", "2"})
	adoptCheck(t, applied, unmatched, nil, nil)
}

func TestAdoptGolangMigrate(t *testing.T) {
	conn := connect(t)
	adoptExec(t, conn, fmt.Sprintf(golangMigrateDDL, `"public"."schema_migrations"`))
	dir := []string{"1", "2", "3", "10", "11"}

	// An empty table: golang-migrate created it and applied nothing.
	applied, unmatched := adoptRead(t, conn, AdoptGolangMigrate, "", dir)
	adoptCheck(t, applied, unmatched, nil, nil)

	// Clean at 10: everything up to 10 is applied, compared as numbers.
	adoptExec(t, conn, `INSERT INTO schema_migrations (version, dirty) VALUES (10, false)`)
	applied, unmatched = adoptRead(t, conn, AdoptGolangMigrate, "", dir)
	adoptCheck(t, applied, unmatched, []string{"1", "2", "3", "10"}, nil)

	// The recorded version's file is gone: the files below it still count.
	applied, unmatched = adoptRead(t, conn, AdoptGolangMigrate, "", []string{"1", "2", "3", "11"})
	adoptCheck(t, applied, unmatched, []string{"1", "2", "3"}, []string{"10"})
}

func TestAdoptGolangMigrateDirty(t *testing.T) {
	conn := connect(t)
	adoptExec(t, conn,
		fmt.Sprintf(golangMigrateDDL, `"public"."schema_migrations"`),
		`INSERT INTO schema_migrations (version, dirty) VALUES (3, true)`)
	_, _, err := ReadForeignHistory(testCtx(t), conn, AdoptGolangMigrate, "", []string{"1", "2", "3"})
	var dirty *DirtyForeignHistoryError
	if !errors.As(err, &dirty) || dirty.Version != 3 || dirty.Table != "public.schema_migrations" {
		t.Fatalf("got %v, want a *DirtyForeignHistoryError at version 3", err)
	}
	adoptWantError(t, err, "golang-migrate history table public.schema_migrations is dirty at version 3: a migration failed partway; check the database, record the last fully applied version with golang-migrate's `migrate force VERSION`, then adopt again")

	// A failed first migration leaves version -1, still dirty.
	adoptExec(t, conn, `TRUNCATE schema_migrations`, `INSERT INTO schema_migrations (version, dirty) VALUES (-1, true)`)
	_, _, err = ReadForeignHistory(testCtx(t), conn, AdoptGolangMigrate, "", []string{"1"})
	if !errors.As(err, &dirty) || dirty.Version != -1 {
		t.Fatalf("got %v, want a *DirtyForeignHistoryError at version -1", err)
	}
}

func TestAdoptGolangMigrateTwoRows(t *testing.T) {
	conn := connect(t)
	adoptExec(t, conn,
		fmt.Sprintf(golangMigrateDDL, "schema_migrations"),
		`INSERT INTO schema_migrations (version, dirty) VALUES (1, false), (2, false)`)
	_, _, err := ReadForeignHistory(testCtx(t), conn, AdoptGolangMigrate, "", []string{"1", "2"})
	var fe *ForeignHistoryError
	if !errors.As(err, &fe) {
		t.Fatalf("got %v, want a *ForeignHistoryError", err)
	}
	adoptWantError(t, err, "golang-migrate history table public.schema_migrations: holds 2 rows, but golang-migrate keeps exactly one (the last version applied)")
}

func TestAdoptDbmate(t *testing.T) {
	for name, ddl := range map[string]string{
		"current": dbmateDDL,
		// Older dbmate releases sized the column.
		"varchar(255)": `create table if not exists %s (version varchar(255) primary key)`,
		"varchar(128)": `create table if not exists %s (version varchar(128) primary key)`,
	} {
		t.Run(name, func(t *testing.T) {
			conn := connect(t)
			adoptExec(t, conn,
				fmt.Sprintf(ddl, `"public"."schema_migrations"`),
				`insert into "public"."schema_migrations" (version) values
					('20151129054053'), ('20160101000000'), ('20170101000000'), ('20240403113607')`)
			dir := []string{"20151129054053", "20160101000000", "20240403113607", "20250101000000"}
			applied, unmatched := adoptRead(t, conn, AdoptDbmate, "", dir)
			adoptCheck(t, applied, unmatched,
				[]string{"20151129054053", "20160101000000", "20240403113607"}, []string{"20170101000000"})
		})
	}
}

func TestAdoptDbmateInvalidVersion(t *testing.T) {
	conn := connect(t)
	adoptExec(t, conn,
		fmt.Sprintf(dbmateDDL, "schema_migrations"),
		`insert into schema_migrations (version) values ('20151129054053'), ('init')`)
	_, _, err := ReadForeignHistory(testCtx(t), conn, AdoptDbmate, "", []string{"20151129054053"})
	adoptWantError(t, err, `dbmate history table public.schema_migrations: version "init" is not a migration version (digits, optionally dot-separated)`)
}

func TestAdoptMissingTable(t *testing.T) {
	conn := connect(t)
	adoptExec(t, conn, `CREATE SCHEMA app`)
	for _, tc := range []struct {
		from  AdoptSource
		table string
		want  string
	}{
		{AdoptGoose, "", "no goose history table public.goose_db_version: is this the right database, or pass --table"},
		{AdoptGolangMigrate, "", "no golang-migrate history table public.schema_migrations: is this the right database, or pass --table"},
		{AdoptDbmate, "", "no dbmate history table public.schema_migrations: is this the right database, or pass --table"},
		{AdoptGoose, "App.Versions", "no goose history table app.versions: is this the right database, or pass --table"},
		{AdoptDbmate, `"My App"."Migrations"`, `no dbmate history table "My App"."Migrations": is this the right database, or pass --table`},
	} {
		_, _, err := ReadForeignHistory(testCtx(t), conn, tc.from, tc.table, nil)
		var missing *NoForeignHistoryError
		if !errors.As(err, &missing) || missing.Source != tc.from {
			t.Errorf("%s %q: got %v, want a *NoForeignHistoryError", tc.from, tc.table, err)
			continue
		}
		adoptWantError(t, err, tc.want)
	}
}

func TestAdoptSchemaQualified(t *testing.T) {
	conn := connect(t)
	adoptExec(t, conn,
		`CREATE SCHEMA app`,
		fmt.Sprintf(gooseDDL, "app.goose_db_version"),
		`INSERT INTO app.goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true)`)
	dir := []string{"001", "002", "003"}

	// Outside the search_path, the default name does not find it.
	_, _, err := ReadForeignHistory(testCtx(t), conn, AdoptGoose, "", dir)
	var missing *NoForeignHistoryError
	if !errors.As(err, &missing) {
		t.Fatalf("got %v, want a *NoForeignHistoryError", err)
	}

	// Sources are matched in any case, as ParseAdoptSource does.
	applied, unmatched := adoptRead(t, conn, "Goose", "app.goose_db_version", dir)
	adoptCheck(t, applied, unmatched, []string{"001", "002"}, nil)

	// On the search_path, as goose itself finds it, the default does.
	adoptExec(t, conn, `SET search_path = app, public`)
	applied, unmatched = adoptRead(t, conn, AdoptGoose, "", dir)
	adoptCheck(t, applied, unmatched, []string{"001", "002"}, nil)
}

func TestAdoptQuotedNames(t *testing.T) {
	conn := connect(t)
	adoptExec(t, conn,
		`CREATE SCHEMA "My ""Legacy"" App"`,
		fmt.Sprintf(dbmateDDL, `"My ""Legacy"" App"."Schema Migrations"`),
		`insert into "My ""Legacy"" App"."Schema Migrations" (version) values ('1'), ('2')`,
		`CREATE SCHEMA "Legacy"`,
		fmt.Sprintf(golangMigrateDDL, `"Legacy"."Migrations"`),
		`INSERT INTO "Legacy"."Migrations" (version, dirty) VALUES (2, false)`)
	dir := []string{"1", "2", "3"}

	applied, unmatched := adoptRead(t, conn, AdoptDbmate, `"My ""Legacy"" App"."Schema Migrations"`, dir)
	adoptCheck(t, applied, unmatched, []string{"1", "2"}, nil)

	// Unquoted, a name is tried folded and then as typed, as people type
	// names the way they see them.
	applied, unmatched = adoptRead(t, conn, AdoptGolangMigrate, "Legacy.Migrations", dir)
	adoptCheck(t, applied, unmatched, []string{"1", "2"}, nil)
}

func TestAdoptWrongSource(t *testing.T) {
	conn := connect(t)
	adoptExec(t, conn,
		fmt.Sprintf(golangMigrateDDL, "schema_migrations"),
		`INSERT INTO schema_migrations (version, dirty) VALUES (2, false)`,
		fmt.Sprintf(gooseDDL, "goose_db_version"))
	for _, tc := range []struct {
		from  AdoptSource
		table string
		want  string
	}{
		{AdoptDbmate, "", "dbmate history table public.schema_migrations: column version is bigint, expected text; it looks like golang-migrate's table (--from golang-migrate)"},
		{AdoptGoose, "schema_migrations", "goose history table public.schema_migrations: no columns id, version_id, is_applied; it looks like golang-migrate's table (--from golang-migrate)"},
		{AdoptGolangMigrate, "goose_db_version", "golang-migrate history table public.goose_db_version: no columns version, dirty; it looks like goose's table (--from goose)"},
	} {
		_, _, err := ReadForeignHistory(testCtx(t), conn, tc.from, tc.table, []string{"1", "2"})
		var fe *ForeignHistoryError
		if !errors.As(err, &fe) {
			t.Errorf("%s %q: got %v, want a *ForeignHistoryError", tc.from, tc.table, err)
			continue
		}
		adoptWantError(t, err, tc.want)
	}
}

func TestAdoptBadTableName(t *testing.T) {
	conn := connect(t)
	_, _, err := ReadForeignHistory(testCtx(t), conn, AdoptGoose, "a.b.c", nil)
	adoptWantError(t, err, `goose history table "a.b.c": expected table or schema.table`)
	_, _, err = ReadForeignHistory(testCtx(t), conn, AdoptGoose, `"unterminated`, nil)
	adoptWantError(t, err, `goose history table "\"unterminated": unterminated quoted identifier`)
	_, _, err = ReadForeignHistory(testCtx(t), conn, "flyway", "", nil)
	adoptWantError(t, err, `unknown migration runner "flyway" to adopt from: expected one of goose, golang-migrate, dbmate`)
}
