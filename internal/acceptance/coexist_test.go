package acceptance

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// TestCoexistingConstraints finds out what a parent DELETE does while an
// online plan has the old and the new foreign key on the same column (old
// ON DELETE CASCADE, new ON DELETE SET NULL ... NOT VALID, before the old
// one is dropped). docs/coexisting-constraints.md records the answer; this
// test keeps it true.
func TestCoexistingConstraints(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	setup := `
CREATE TABLE parent (id int PRIMARY KEY);
CREATE TABLE child (id int PRIMARY KEY, parent_id int);
INSERT INTO parent VALUES (1), (2);
INSERT INTO child VALUES (10, 1), (20, 2);`
	if _, err := conn.Exec(ctx, setup); err != nil {
		t.Fatal(err)
	}
	// outcome deletes parent 1 in a rolled-back transaction and reports
	// what happened to child 10: "deleted", "nulled", "kept", or "fails"
	// when the DELETE itself fails on a foreign key.
	outcome := func() string {
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, "DELETE FROM parent WHERE id = 1"); err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code == "23503" {
				return "fails"
			}
			t.Fatalf("delete: %v", err)
		}
		var parent *int
		err = tx.QueryRow(ctx, "SELECT parent_id FROM child WHERE id = 10").Scan(&parent)
		switch {
		case err == pgx.ErrNoRows:
			return "deleted"
		case err != nil:
			t.Fatal(err)
		case parent == nil:
			return "nulled"
		}
		return "kept"
	}
	steps := []struct {
		ddl, want string
	}{
		// Old constraint alone: the child row is deleted.
		{`ALTER TABLE child ADD CONSTRAINT child_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES parent ON DELETE CASCADE`, "deleted"},
		// Online step 1: the new SET NULL constraint added NOT VALID beside
		// it. Both fire; the older constraint's trigger fires first, so the
		// row is deleted and the SET NULL finds nothing to update.
		{`ALTER TABLE child ADD CONSTRAINT child_parent_id_fkey_new FOREIGN KEY (parent_id) REFERENCES parent ON DELETE SET NULL NOT VALID`, "deleted"},
		// NOT VALID only skips checking existing rows: its action fires
		// from the moment it is added, validated or not.
		{`ALTER TABLE child VALIDATE CONSTRAINT child_parent_id_fkey_new`, "deleted"},
		// Online step 3: the old one dropped; the new action takes over.
		{`ALTER TABLE child DROP CONSTRAINT child_parent_id_fkey`, "nulled"},
		// Re-adding a CASCADE after the SET NULL (the reverse order of
		// creation) lets the SET NULL win: the row survives, nulled.
		{`ALTER TABLE child ADD CONSTRAINT child_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES parent ON DELETE CASCADE`, "nulled"},
		// The common fix, NO ACTION → CASCADE: while both exist, the old
		// NO ACTION check fires first and the DELETE still fails.
		{`ALTER TABLE child DROP CONSTRAINT child_parent_id_fkey, DROP CONSTRAINT child_parent_id_fkey_new,
		  ADD CONSTRAINT child_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES parent`, "fails"},
		{`ALTER TABLE child ADD CONSTRAINT child_parent_id_fkey_new FOREIGN KEY (parent_id) REFERENCES parent ON DELETE CASCADE NOT VALID`, "fails"},
		{`ALTER TABLE child DROP CONSTRAINT child_parent_id_fkey`, "deleted"},
	}
	for _, s := range steps {
		if _, err := conn.Exec(ctx, s.ddl); err != nil {
			t.Fatalf("%s: %v", s.ddl, err)
		}
		if got := outcome(); got != s.want {
			t.Errorf("after %q: child row %s, want %s", s.ddl, got, s.want)
		}
	}
}
