package migrate

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/catalog"
)

// TestApplyFixtures applies every layout fixture to a fresh database:
// layouts differ in naming, not in what must reach the server.
func TestApplyFixtures(t *testing.T) {
	tests := []struct {
		dir string
		fks int
	}{
		{"flat", 3}, {"flyway", 1}, {"golang-migrate", 1}, {"goose", 1},
		{"dbmate", 1}, {"prisma", 1}, {"diesel", 1},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			dir := load(t, filepath.Join("testdata", tt.dir), LayoutAuto)
			conn := connect(t)
			res, err := Apply(testCtx(t), conn, dir.Migrations)
			if err != nil {
				t.Fatal(err)
			}
			if res.Files != len(dir.Migrations) || len(res.Absorbed) != 0 {
				t.Errorf("%d of %d files applied, %d absorbed", res.Files, len(dir.Migrations), len(res.Absorbed))
			}
			if len(res.Sources) != tt.fks {
				t.Errorf("%d foreign keys with a source, want %d: %v", len(res.Sources), tt.fks, res.Sources)
			}
		})
	}
}

// TestApplyConcurrentIndex: CREATE INDEX CONCURRENTLY refuses to run in a
// transaction block, so it proves Apply runs in autocommit.
func TestApplyConcurrentIndex(t *testing.T) {
	dir := load(t, filepath.Join("testdata", "goose"), LayoutGoose)
	conn := connect(t)
	ctx := testCtx(t)
	if _, err := Apply(ctx, conn, dir.Migrations); err != nil {
		t.Fatal(err)
	}
	var valid bool
	if err := conn.QueryRow(ctx, `SELECT indisvalid FROM pg_index WHERE indexrelid = 'posts_user_id_idx'::regclass`).Scan(&valid); err != nil || !valid {
		t.Errorf("posts_user_id_idx: valid %v, err %v", valid, err)
	}
}

// TestApplyErrorLocation checks that a failing statement is reported at
// the file, line and column of the error, with its SQLSTATE.
func TestApplyErrorLocation(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name      string
		bad       string
		want      string
		code      string
		line, col int
	}{
		{
			name: "server position inside a multi-line statement, after non-ASCII text",
			bad:  "-- reads a table that does not exist\nCREATE TABLE \"ünï\" (id int);\n\nINSERT INTO \"ünï\" (id)\n  SELECT id FROM \"ünï\" JOIN missing_table USING (id);\n",
			want: `db/migrations/002_bad.sql:5:29: SQLSTATE 42P01: relation "missing_table" does not exist`,
			code: "42P01", line: 5, col: 29,
		},
		{
			name: "syntax error",
			bad:  "CREATE TABLE t (\n  id int,\n);\n",
			want: `db/migrations/002_bad.sql:3:1: SQLSTATE 42601: syntax error at or near ")"`,
			code: "42601", line: 3, col: 1,
		},
		{
			name: "no position: the statement start",
			bad:  "SELECT 1;\n\n  DO $$ BEGIN RAISE EXCEPTION 'boom'; END $$;\n",
			want: `db/migrations/002_bad.sql:3:3: SQLSTATE P0001: boom`,
			code: "P0001", line: 3, col: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"001_ok.sql": file("CREATE TABLE ok (id int);"), "002_bad.sql": file(tt.bad)}
			dir, err := LoadFS(fsys, "db/migrations", LayoutAuto)
			if err != nil {
				t.Fatal(err)
			}
			conn := connect(t)
			res, err := Apply(testCtx(t), conn, dir.Migrations)
			var serr *StatementError
			if !errors.As(err, &serr) {
				t.Fatalf("error = %v, want a *StatementError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
			if serr.Code != tt.code || serr.Line != tt.line || serr.Column != tt.col || serr.File != "db/migrations/002_bad.sql" {
				t.Errorf("error fields = %+v", serr)
			}
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || pe.Code != tt.code {
				t.Errorf("the *pgconn.PgError is not reachable through Unwrap: %v", pe)
			}
			if res.Files != 1 {
				t.Errorf("%d files applied before the error, want 1", res.Files)
			}
		})
	}
}

// TestApplySources checks foreign-key attribution: created in one file and
// changed in another goes to the change; a rename counts as a change, so
// does validating; a change rolled back does not count; a key only created
// stays at its creation; partition clones are left out.
func TestApplySources(t *testing.T) {
	root := filepath.Join("testdata", "sources")
	dir := load(t, root, LayoutFlat)
	at := func(file string, line int) catalog.Source {
		return catalog.Source{File: filepath.Join(root, file), Line: line}
	}
	key := func(table, name string) catalog.ConstraintKey {
		return catalog.ConstraintKey{Schema: "public", Table: table, Name: name}
	}

	t.Run("through 002", func(t *testing.T) {
		migs, err := dir.Through("2")
		if err != nil {
			t.Fatal(err)
		}
		res, err := Apply(testCtx(t), connect(t), migs)
		if err != nil {
			t.Fatal(err)
		}
		want := map[catalog.ConstraintKey]catalog.Source{
			key("posts", "posts_user_id_fkey"):   at("002_change.sql", 3),
			key("posts", "posts_org_id_fkey"):    at("001_create.sql", 3),
			key("comments", "comments_post_fk"):  at("002_change.sql", 6),
			key("events", "events_user_id_fkey"): at("001_create.sql", 11),
		}
		if diff := cmp.Diff(want, res.Sources); diff != "" {
			t.Errorf("sources (-want +got):\n%s", diff)
		}
	})

	t.Run("all", func(t *testing.T) {
		conn := connect(t)
		res, err := Apply(testCtx(t), conn, dir.Migrations)
		if err != nil {
			t.Fatal(err)
		}
		want := map[catalog.ConstraintKey]catalog.Source{
			key("posts", "posts_user_id_fkey"):   at("002_change.sql", 3),
			key("posts", "posts_team_fkey"):      at("003_rename.sql", 3),
			key("remarks", "comments_post_fk"):   at("003_rename.sql", 1),
			key("events", "events_user_id_fkey"): at("001_create.sql", 11),
		}
		if diff := cmp.Diff(want, res.Sources); diff != "" {
			t.Errorf("sources (-want +got):\n%s", diff)
		}
		// Apply again from here: nothing new is attributed to the re-run,
		// and foreign keys that existed before get no source.
		again, err := Apply(testCtx(t), conn, dir.Migrations[2:])
		var serr *StatementError
		if !errors.As(err, &serr) || serr.Code != "42P01" || serr.Line != 1 {
			t.Fatalf("re-running 003: error %v, want 42P01 at line 1", err)
		}
		if len(again.Sources) != 0 {
			t.Errorf("re-run attributed %v", again.Sources)
		}
	})
}

func TestApplierOptions(t *testing.T) {
	a, err := NewApplier()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"42701", "42710", "42P07"}, a.Absorbing()); diff != "" {
		t.Errorf("default absorbs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(DefaultAbsorb(), []string{"42710", "42P07", "42701"}); diff != "" {
		t.Errorf("DefaultAbsorb (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		opt  Option
		want string
	}{
		{WithAbsorb("42710", "23505"), "SQLSTATE 23505 (class 23, integrity constraint violation) cannot be absorbed"},
		{WithAbsorb("23503"), "cannot be absorbed"},
		{WithAbsorb("57014"), "cannot be absorbed"},
		{WithAbsorb("4271"), `invalid SQLSTATE "4271"`},
		{WithAbsorb("42p07"), `invalid SQLSTATE "42p07"`},
		{WithOnStatement(nil), "nil callback"},
	} {
		if _, err := NewApplier(tt.opt); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewApplier error = %v, want %q", err, tt.want)
		}
	}
	a, err = NewApplier(WithAbsorb())
	if err != nil || len(a.Absorbing()) != 0 {
		t.Errorf("WithAbsorb(): %v, %v", a.Absorbing(), err)
	}
}

// TestApplyCustomAbsorbAndEvents absorbs a non-default code and checks the
// events reported for each statement.
func TestApplyCustomAbsorbAndEvents(t *testing.T) {
	src := "CREATE TABLE a (id int);\nDROP TABLE missing;\nCREATE TABLE a (id int);\n"
	dir, err := LoadFS(fstest.MapFS{"1_x.sql": {Data: []byte(src)}}, "m", LayoutFlat)
	if err != nil {
		t.Fatal(err)
	}
	var events []string
	onStatement := func(ev Event) {
		s := ev.Statement.Pos() + " "
		switch {
		case ev.Err != nil:
			s += "failed"
		case ev.Absorbed != nil:
			s += "absorbed " + ev.Absorbed.Code
		default:
			s += "applied"
		}
		events = append(events, s)
	}
	res, err := Apply(testCtx(t), connect(t), dir.Migrations, WithAbsorb("42P01"), WithOnStatement(onStatement))
	var serr *StatementError
	if !errors.As(err, &serr) || serr.Code != "42P07" {
		t.Fatalf("error = %v, want 42P07 (no longer absorbed)", err)
	}
	if diff := cmp.Diff([]string{"m/1_x.sql:1:1 applied", "m/1_x.sql:2:1 absorbed 42P01", "m/1_x.sql:3:1 failed"}, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	want := []Absorption{{File: "m/1_x.sql", Line: 2, Column: 1, Code: "42P01", Message: `table "missing" does not exist`}}
	if diff := cmp.Diff(want, res.Absorbed); diff != "" {
		t.Errorf("absorbed (-want +got):\n%s", diff)
	}
	if res.Statements != 1 || res.Files != 0 {
		t.Errorf("%d statements, %d files; want 1, 0", res.Statements, res.Files)
	}
}

// TestApplyTransactionBlocks: a file's own BEGIN/COMMIT works; an absorbable
// error inside a block is not absorbed (the block is aborted); a file that
// leaves a block open is rolled back. The connection ends idle each time.
func TestApplyTransactionBlocks(t *testing.T) {
	tests := []struct {
		name, src string
		wantErr   string
		tables    int
	}{
		{"committed block", "BEGIN;\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCOMMIT;\n", "", 2},
		{"duplicate inside a block", "BEGIN;\nCREATE TABLE a (id int);\nCREATE TABLE a (id int);\nCOMMIT;\n",
			"m/1_x.sql:3:1: SQLSTATE 42P07: relation \"a\" already exists", 0},
		{"block left open", "BEGIN;\nCREATE TABLE a (id int);\n",
			"m/1_x.sql: migration ends inside an open transaction block (missing COMMIT); rolled back", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, err := LoadFS(fstest.MapFS{"1_x.sql": {Data: []byte(tt.src)}}, "m", LayoutFlat)
			if err != nil {
				t.Fatal(err)
			}
			conn := connect(t)
			ctx := testCtx(t)
			_, err = Apply(ctx, conn, dir.Migrations)
			if got := errString(err); got != tt.wantErr {
				t.Errorf("error:\n got %s\nwant %s", got, tt.wantErr)
			}
			if s := conn.PgConn().TxStatus(); s != 'I' {
				t.Errorf("connection left in transaction status %c", s)
			}
			var n int
			if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil || n != tt.tables {
				t.Errorf("%d tables (err %v), want %d", n, err, tt.tables)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestApplyCancel: a cancelled context stops Apply before the next
// statement, and interrupts a running one.
func TestApplyCancel(t *testing.T) {
	src := "SELECT 1;\nSELECT pg_sleep(30);\nCREATE TABLE never (id int);\n"
	dir, err := LoadFS(fstest.MapFS{"1_x.sql": {Data: []byte(src)}}, "m", LayoutFlat)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Apply(ctx, connect(t), dir.Migrations)
	if !errors.Is(err, context.Canceled) || res.Statements != 0 {
		t.Errorf("cancelled before start: %v, %d statements", err, res.Statements)
	}

	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err = Apply(ctx, connect(t), dir.Migrations)
	var serr *StatementError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &serr) || serr.Line != 2 {
		t.Errorf("deadline during pg_sleep: %v", err)
	}
	if res.Statements != 1 || time.Since(start) > 10*time.Second {
		t.Errorf("%d statements in %v; want 1, promptly", res.Statements, time.Since(start))
	}
}
