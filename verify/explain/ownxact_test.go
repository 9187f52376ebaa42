package explain

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/graph"
)

// TestOwnWrites collects in a transaction that already updated a row:
// PostgreSQL then re-checks every foreign key of that row when SET NULL
// updates it, which a fresh transaction does not. Collect must see the
// difference, as the real DELETE in the same transaction does.
func TestOwnWrites(t *testing.T) {
	f := newFixture(t, `
CREATE TABLE r (id int PRIMARY KEY);
CREATE TABLE x (id int PRIMARY KEY, a int REFERENCES r ON DELETE SET NULL, q int, note text);
CREATE TABLE q (id int PRIMARY KEY, r_id int REFERENCES r ON DELETE CASCADE);
ALTER TABLE x ADD CONSTRAINT x_q FOREIGN KEY (q) REFERENCES q ON DELETE CASCADE;
INSERT INTO r VALUES (1);
INSERT INTO q VALUES (1, 1);
INSERT INTO x VALUES (1, 1, 1, 'n');`)
	ctx := context.Background()
	g, err := graph.Build(f.snap, tn("r"))
	if err != nil {
		t.Fatal(err)
	}
	root := Root{Table: tn("r"), Key: map[string]string{"id": "1"}}
	fresh, err := Explain(ctx, f.conn, f.snap, g, root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Blocked() {
		t.Fatalf("fresh transaction: blockers %+v, want none", fresh.Blockers)
	}
	compareWithNative(t, fresh, f.native(t, root))

	tx, err := f.conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "UPDATE x SET note = 'changed'"); err != nil {
		t.Fatal(err)
	}
	r, err := Collect(ctx, tx, f.snap, g, root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Blockers) != 1 || r.Blockers[0].Constraint != "x_q" {
		t.Fatalf("after the update: blockers %+v, want x_q", r.Blockers)
	}
	_, err = tx.Exec(ctx, "DELETE FROM r WHERE id = 1")
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.ConstraintName != "x_q" {
		t.Fatalf("the real DELETE in the same transaction: %v, want a violation of x_q", err)
	}
}
