package migrate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// migLine summarises a loaded migration for comparison.
type migLine struct {
	Version, Name, Path string
	Up                  int // statements
	Down                int // statements; -1 when there is no down part
	NoTx                bool
}

func summarize(migs []Migration) []migLine {
	out := make([]migLine, len(migs))
	for i, m := range migs {
		down := -1
		if m.Down != nil {
			down = len(m.Down.Statements)
		}
		out[i] = migLine{m.Version, m.Name, m.Path, len(m.Up.Statements), down, m.Up.NoTransaction}
	}
	return out
}

func TestLoadFixtures(t *testing.T) {
	tests := []struct {
		dir    string
		layout Layout
		want   []migLine
	}{
		{"flat", LayoutFlat, []migLine{
			{"1", "users", "1_users.sql", 1, -1, false},
			{"2", "orgs", "2-orgs.sql", 2, -1, false},
			{"9", "", "9.sql", 1, -1, false},
			{"010", "comments", "010-comments.sql", 1, -1, false},
			{"10", "posts", "10-posts.sql", 1, -1, false},
		}},
		{"flyway", LayoutFlat, []migLine{
			{"1", "users", "V1__users.sql", 1, -1, false},
			{"1.1", "posts", "V1_1__posts.sql", 1, -1, false},
			{"2", "name", "V2__name.sql", 1, -1, false},
			{"10", "index", "V10__index.sql", 1, -1, false},
		}},
		{"golang-migrate", LayoutGolangMigrate, []migLine{
			{"1", "users", "1_users.up.sql", 1, 1, false},
			{"2", "posts", "2_posts.up.sql", 1, 1, false},
			{"10", "index", "10_index.up.sql", 1, -1, false},
		}},
		{"goose", LayoutGoose, []migLine{
			{"00001", "users", "00001_users.sql", 2, 2, false},
			{"00002", "touch", "00002_touch.sql", 3, 3, false},
			{"00010", "index", "00010_index.sql", 1, 1, true},
		}},
		{"dbmate", LayoutDbmate, []migLine{
			{"20240101000000", "users", "20240101000000_users.sql", 2, 2, false},
			{"20240102000000", "index", "20240102000000_index.sql", 1, 1, true},
		}},
		{"prisma", LayoutPrisma, []migLine{
			{"20240101000000", "init", "20240101000000_init", 1, -1, false},
			{"20240102000000", "posts", "20240102000000_posts", 2, -1, false},
		}},
		{"diesel", LayoutDiesel, []migLine{
			{"00000000000000", "diesel_initial_setup", "00000000000000_diesel_initial_setup", 1, 1, false},
			{"20240101000000", "users", "2024-01-01-000000_users", 2, 2, false},
			{"20240102000000", "index", "2024-01-02-000000_index", 1, 1, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			dir := filepath.Join("testdata", tt.dir)
			for _, layout := range []Layout{LayoutAuto, tt.layout} {
				d, err := Load(dir, layout)
				if err != nil {
					t.Fatalf("Load(%s, %s): %v", dir, layout, err)
				}
				if d.Layout != tt.layout || d.Path != dir {
					t.Errorf("Load(%s, %s): layout %s, path %s", dir, layout, d.Layout, d.Path)
				}
				if diff := cmp.Diff(tt.want, summarize(d.Migrations)); diff != "" {
					t.Errorf("Load(%s, %s) migrations (-want +got):\n%s", dir, layout, diff)
				}
				for _, m := range d.Migrations {
					if !strings.HasPrefix(m.Up.File, dir+string(filepath.Separator)) {
						t.Errorf("%s: Up.File %q is not under %q", m.Path, m.Up.File, dir)
					}
					for _, s := range m.Up.Statements {
						if s.File != m.Up.File {
							t.Errorf("%s: statement file %q, section file %q", m.Path, s.File, m.Up.File)
						}
					}
				}
			}
		})
	}
}

func TestGooseSections(t *testing.T) {
	d, err := Load(filepath.Join("testdata", "goose"), LayoutGoose)
	if err != nil {
		t.Fatal(err)
	}
	m := d.Migrations[1] // 00002_touch.sql
	file := filepath.Join("testdata", "goose", "00002_touch.sql")
	up := positions(m.Up.Statements)
	want := []stmtPos{
		{"ALTER TABLE users ADD COLUMN updated_at timestamptz", 2, 1, 13},
		{"CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$", 5, 1, 92},
		{"CREATE TRIGGER users_touch BEFORE UPDATE ON users\n  FOR EACH ROW EXECUTE FUNCTION touch()", 13, 1, 235},
	}
	if diff := cmp.Diff(want, up); diff != "" {
		t.Errorf("up statements (-want +got):\n%s", diff)
	}
	var down []string
	for _, s := range m.Down.Statements {
		down = append(down, s.SQL)
	}
	if diff := cmp.Diff([]string{"DROP TRIGGER users_touch ON users", "DROP FUNCTION touch()", "ALTER TABLE users DROP COLUMN updated_at"}, down); diff != "" {
		t.Errorf("down statements (-want +got):\n%s", diff)
	}
	if m.Up.File != file || m.Down.File != file {
		t.Errorf("section files %q, %q; want %q", m.Up.File, m.Down.File, file)
	}
	idx := d.Migrations[2]
	if !idx.Up.NoTransaction || !idx.Down.NoTransaction || !idx.Up.Statements[0].NoTransaction {
		t.Errorf("00010_index.sql: NO TRANSACTION or CONCURRENTLY not detected: %+v", idx)
	}
}

func TestDbmateSections(t *testing.T) {
	d, err := Load(filepath.Join("testdata", "dbmate"), LayoutAuto)
	if err != nil {
		t.Fatal(err)
	}
	users, index := d.Migrations[0], d.Migrations[1]
	if got := users.Up.Statements[1].SQL; got != "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE)" {
		t.Errorf("second up statement = %q", got)
	}
	if got := users.Down.Statements[0]; got.SQL != "DROP TABLE posts" || got.Line != 6 {
		t.Errorf("first down statement = %q at line %d", got.SQL, got.Line)
	}
	// transaction:false is per section in dbmate.
	if !index.Up.NoTransaction || index.Down.NoTransaction {
		t.Errorf("index: up NoTransaction %v, down %v; want true, false", index.Up.NoTransaction, index.Down.NoTransaction)
	}
}

func TestLoadSingleFile(t *testing.T) {
	d, err := Load(filepath.Join("testdata", "goose", "00002_touch.sql"), LayoutAuto)
	if err != nil {
		t.Fatal(err)
	}
	if d.Layout != LayoutGoose || len(d.Migrations) != 1 || len(d.Migrations[0].Up.Statements) != 3 || d.Migrations[0].Version != "00002" {
		t.Errorf("single goose file loaded as %s: %+v", d.Layout, summarize(d.Migrations))
	}
	if _, err := Load(filepath.Join("testdata", "goose", "00002_touch.sql"), LayoutPrisma); err == nil {
		t.Error("a single file in the prisma layout loaded")
	}
}

// TestLoadErrors checks that every malformed directory fails with an error
// that names the culprit and what was expected.
func TestLoadErrors(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name   string
		fsys   fstest.MapFS
		layout Layout
		want   string // the whole error text
		kind   any    // **FileError or **LayoutError
	}{
		{
			name:   "stray file in flat layout",
			fsys:   fstest.MapFS{"001_a.sql": file("select 1;"), "seed.sh": file("x")},
			want:   "db/seed.sh: matches no flat migration convention: expected <number>[-_]<name>.sql (like 001-initial.sql or 20240403113607_replace_fk.sql) or V<number>__<name>.sql",
			kind:   new(*FileError),
			layout: LayoutAuto,
		},
		{
			name: "goose and dbmate files together",
			fsys: fstest.MapFS{"001_a.sql": file("-- +goose Up\nselect 1;"), "002_b.sql": file("-- migrate:up\nselect 1;")},
			want: "db: ambiguous migration layout: goose (db/001_a.sql), dbmate (db/002_b.sql); force one with --layout goose or dbmate",
			kind: new(*LayoutError),
		},
		{
			name: "prisma directories beside flat files",
			fsys: fstest.MapFS{"20240101000000_a/migration.sql": file("select 1;"), "001_b.sql": file("select 1;")},
			want: "db: ambiguous migration layout: flat (db/001_b.sql), prisma (db/20240101000000_a/migration.sql); force one with --layout flat or prisma",
			kind: new(*LayoutError),
		},
		{
			name: "nothing recognisable",
			fsys: fstest.MapFS{"schema.sql": file("select 1;")},
			want: "db: no migrations found (db/schema.sql matches no layout): expected one of the layouts flat, golang-migrate, goose, dbmate, prisma, diesel",
			kind: new(*LayoutError),
		},
		{
			name: "goose file without Up beside goose files",
			fsys: fstest.MapFS{"001_a.sql": file("-- +goose Up\nselect 1;"), "002_b.sql": file("select 2;")},
			want: "db/002_b.sql:1:1: SQL before the '-- +goose Up' annotation",
			kind: new(*FileError),
		},
		{
			name: "goose file with only comments",
			fsys: fstest.MapFS{"001_a.sql": file("-- +goose Up\nselect 1;"), "002_b.sql": file("-- nothing\n")},
			want: "db/002_b.sql: missing the '-- +goose Up' annotation that starts the up migration",
			kind: new(*FileError),
		},
		{
			name: "goose StatementBegin without End",
			fsys: fstest.MapFS{"001_a.sql": file("-- +goose Up\n-- +goose StatementBegin\nselect 1;\n")},
			want: "db/001_a.sql:2: StatementBegin without StatementEnd",
			kind: new(*FileError),
		},
		{
			name: "goose unknown annotation",
			fsys: fstest.MapFS{"001_a.sql": file("-- +goose Up\n-- +goose Sideways\nselect 1;\n")},
			want: `db/001_a.sql:2:1: unknown goose annotation "Sideways": expected Up, Down, StatementBegin, StatementEnd or NO TRANSACTION`,
			kind: new(*FileError),
		},
		{
			name: "goose Down before Up",
			fsys: fstest.MapFS{"001_a.sql": file("-- +goose Down\nselect 1;\n-- +goose Up\n")},
			want: "db/001_a.sql:1:1: down annotation before the '-- +goose Up' annotation",
			kind: new(*FileError),
		},
		{
			name: "goose file named like a flat one",
			fsys: fstest.MapFS{"001-a.sql": file("-- +goose Up\nselect 1;")},
			want: "db/001-a.sql: matches no goose migration convention: expected <number>_<name>.sql with a '-- +goose Up' section",
			kind: new(*FileError),
		},
		{
			name: "dbmate unknown option",
			fsys: fstest.MapFS{"001_a.sql": file("-- migrate:up transaction:maybe\nselect 1;")},
			want: `db/001_a.sql:1:1: unknown dbmate option "transaction:maybe": expected transaction:false or transaction:true`,
			kind: new(*FileError),
		},
		{
			name: "golang-migrate down without up",
			fsys: fstest.MapFS{"1_a.up.sql": file("select 1;"), "2_b.down.sql": file("select 1;")},
			want: "db/2_b.down.sql: down migration without an up migration: expected 2_b.up.sql beside it",
			kind: new(*FileError),
		},
		{
			name: "golang-migrate stray plain file",
			fsys: fstest.MapFS{"1_a.up.sql": file("select 1;"), "2_b.sql": file("select 1;")},
			want: "db/2_b.sql: matches no golang-migrate migration convention: expected <number>_<name>.up.sql or <number>_<name>.down.sql",
			kind: new(*FileError),
		},
		{
			name: "prisma directory with an extra file",
			fsys: fstest.MapFS{"20240101000000_a/migration.sql": file("select 1;"), "20240101000000_a/notes.sql": file("")},
			want: "db/20240101000000_a/notes.sql: unexpected entry in a Prisma migration directory: expected only migration.sql",
			kind: new(*FileError),
		},
		{
			name:   "prisma top-level sql file",
			fsys:   fstest.MapFS{"20240101000000_a/migration.sql": file("select 1;"), "seed.sql": file("")},
			layout: LayoutPrisma,
			want:   "db/seed.sql: matches no prisma migration convention: expected a <timestamp>_<name>/ directory holding migration.sql",
			kind:   new(*FileError),
		},
		{
			name: "diesel directory without up.sql",
			fsys: fstest.MapFS{"2024-01-01-000000_a/up.sql": file("select 1;"), "2024-01-02-000000_b/down.sql": file("")},
			want: "db/2024-01-02-000000_b: Diesel migration directory without up.sql",
			kind: new(*FileError),
		},
		{
			name: "lexical error inside a file",
			fsys: fstest.MapFS{"001_a.sql": file("select 1;\nselect 'oops;\n")},
			want: "db/001_a.sql:2:8: unterminated quoted string",
			kind: new(*FileError),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFS(tt.fsys, "db", tt.layout)
			if err == nil {
				t.Fatal("loaded without error")
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
			if !errors.As(err, tt.kind) {
				t.Errorf("error %T is not %T", err, tt.kind)
			}
		})
	}
}

func TestParseLayout(t *testing.T) {
	for _, l := range Layouts() {
		got, err := ParseLayout(strings.ToUpper(string(l)))
		if err != nil || got != l {
			t.Errorf("ParseLayout(%q) = %v, %v", l, got, err)
		}
	}
	if got, err := ParseLayout("auto"); err != nil || got != LayoutAuto {
		t.Errorf("ParseLayout(auto) = %v, %v", got, err)
	}
	if _, err := ParseLayout("flyway"); err == nil || !strings.Contains(err.Error(), "expected one of auto, flat, golang-migrate") {
		t.Errorf("ParseLayout(flyway) error = %v", err)
	}
}

func TestThrough(t *testing.T) {
	d, err := Load(filepath.Join("testdata", "flat"), LayoutAuto)
	if err != nil {
		t.Fatal(err)
	}
	migs, err := d.Through("9")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"1", "2", "9"}, versions(migs)); diff != "" {
		t.Errorf("Through(9) (-want +got):\n%s", diff)
	}
	migs, err = d.Through("0010")
	if err != nil || len(migs) != 5 {
		t.Errorf("Through(0010) = %v, %v; want all five", versions(migs), err)
	}
	if _, err := d.Through("3"); err == nil {
		t.Error("Through(3) found a version that does not exist")
	}
	if _, err := d.Through("x"); err == nil {
		t.Error("Through(x) accepted an invalid version")
	}
}

func versions(migs []Migration) []string {
	var out []string
	for _, m := range migs {
		out = append(out, m.Version)
	}
	return out
}

func TestLoadUnknownLayout(t *testing.T) {
	_, err := LoadFS(fstest.MapFS{"1_a.sql": {Data: []byte("select 1;")}}, "db", Layout("Flat"))
	if err == nil || err.Error() != `loading migrations from db: unknown migration layout "Flat": expected one of auto, flat, golang-migrate, goose, dbmate, prisma, diesel` {
		t.Errorf("error = %v", err)
	}
}

// TestLoadSkipsNotes: documentation and configuration beside migrations
// (a policy file, notes) are not migrations and are skipped, while a
// stray .sql file with a bad name still fails.
func TestLoadSkipsNotes(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"001_a.sql":     "CREATE TABLE a (id int PRIMARY KEY);",
		"ondelete.yaml": "version: 1\n",
		"NOTES.md":      "# notes\n",
		"schema.json":   "{}",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := Load(dir, LayoutAuto)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Migrations) != 1 || d.Layout != LayoutFlat {
		t.Errorf("loaded %s: %+v", d.Layout, summarize(d.Migrations))
	}
	if err := os.WriteFile(filepath.Join(dir, "stray.sql"), []byte("SELECT 1;"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir, LayoutAuto); err == nil || !strings.Contains(err.Error(), "stray.sql") {
		t.Errorf("stray .sql file: err = %v", err)
	}
}
