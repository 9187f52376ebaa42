package migrate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ondelete/ondelete/internal/testenv"
)

// copyDir copies a fixture directory so tests can add files to it.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	testenv.CopyDir(t, src, dst)
	return dst
}

// TestNextRoundTrip writes the next migration into a copy of every layout
// fixture and loads the directory again: the new migration must come last,
// in the same layout, with its statements, down part and transaction mode.
func TestNextRoundTrip(t *testing.T) {
	now := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	m := NewMigration{
		Name:          "ondelete: Cascade user data",
		Up:            "CREATE INDEX CONCURRENTLY comments_author_idx ON comments (author_id);",
		Down:          "DROP INDEX CONCURRENTLY comments_author_idx;",
		NoTransaction: true,
	}
	cases := []struct {
		fixture  string
		wantPath string
		hasDown  bool
		noTx     bool
	}{
		{"flat", "11-ondelete-cascade-user-data.sql", false, false}, // after 10-posts.sql, the last file
		{"flyway", "V11__ondelete_cascade_user_data.sql", false, false},
		{"golang-migrate", "11_ondelete_cascade_user_data.up.sql", true, false},
		{"goose", "00011_ondelete_cascade_user_data.sql", true, true},
		{"dbmate", "20300506070809_ondelete_cascade_user_data.sql", true, true},
		{"prisma", "20300506070809_ondelete_cascade_user_data/migration.sql", false, false},
		{"diesel", "2030-05-06-070809_ondelete_cascade_user_data/up.sql", true, true},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			dir := copyDir(t, filepath.Join("testdata", c.fixture))
			before, err := Load(dir, LayoutAuto)
			if err != nil {
				t.Fatal(err)
			}
			files, err := before.Next(m, now)
			if err != nil {
				t.Fatal(err)
			}
			if files[0].Path != c.wantPath {
				t.Errorf("first file %s, want %s", files[0].Path, c.wantPath)
			}
			if err := WriteFiles(dir, files); err != nil {
				t.Fatal(err)
			}
			after, err := Load(dir, LayoutAuto)
			if err != nil {
				t.Fatalf("loading after adding: %v", err)
			}
			if after.Layout != before.Layout || len(after.Migrations) != len(before.Migrations)+1 {
				t.Fatalf("layout %s → %s, %d → %d migrations", before.Layout, after.Layout, len(before.Migrations), len(after.Migrations))
			}
			got := after.Migrations[len(after.Migrations)-1]
			if len(got.Up.Statements) != 1 || got.Up.Statements[0].SQL != strings.TrimSuffix(m.Up, ";") && got.Up.Statements[0].SQL != m.Up {
				t.Errorf("up statements: %+v", got.Up.Statements)
			}
			if c.hasDown && (got.Down == nil || len(got.Down.Statements) != 1) {
				t.Errorf("down: %+v", got.Down)
			}
			if got.Up.NoTransaction != c.noTx {
				t.Errorf("NoTransaction = %v, want %v", got.Up.NoTransaction, c.noTx)
			}
			if !c.hasDown {
				data, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(files[0].Path)))
				if !strings.Contains(string(data), "-- DROP INDEX CONCURRENTLY") {
					t.Errorf("down script not kept as a comment:\n%s", data)
				}
			}
			// Never overwrite; nothing half-written is left behind.
			err = WriteFiles(dir, files)
			if !errors.Is(err, ErrExists) {
				t.Errorf("second write: %v, want ErrExists", err)
			}
			again, err := Load(dir, LayoutAuto)
			if err != nil || len(again.Migrations) != len(after.Migrations) {
				t.Errorf("after refused write: %v, %d migrations", err, len(again.Migrations))
			}
		})
	}
}

func TestNextErrors(t *testing.T) {
	d := &Dir{Path: "db", Layout: LayoutDbmate, Migrations: []Migration{{Version: "20300101000000", Path: "20300101000000_x.sql"}}}
	if _, err := d.Next(NewMigration{Name: "x", Up: "SELECT 1;"}, time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil || !strings.Contains(err.Error(), "check the clock") {
		t.Errorf("timestamp in the future: %v", err)
	}
	if _, err := (&Dir{Path: "db", Layout: LayoutFlat}).Next(NewMigration{Name: "x"}, time.Now()); err == nil {
		t.Error("empty directory: no error")
	}
}
