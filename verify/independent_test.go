package verify

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// scenario is one hand-written experiment: plain SQL rows for one foreign
// key, a real DELETE of their account, and a plain SQL look at the row.
type scenario struct {
	check      CheckKind
	table      string // display form
	constraint string
	// setup inserts an account with code 'QQQ' and the rows; observe
	// returns 'deleted', 'nulled', 'defaulted' or 'kept'.
	setup, observe string
}

const newAccount = `INSERT INTO accounts (code, mood, score) VALUES ('QQQ', 'sad', 15) RETURNING id`

var scenarios = []scenario{
	{CheckEdge, "public.posts", "posts_account_id_fkey",
		`WITH a AS (` + newAccount + `) INSERT INTO posts (account_id, title) SELECT id, 'Q' FROM a`,
		`SELECT CASE WHEN count(*) = 0 THEN 'deleted' ELSE 'kept' END FROM posts WHERE title = 'Q'`},
	{CheckEdge, "public.comments", "comments_post_id_fkey",
		`WITH a AS (` + newAccount + `), p AS (INSERT INTO posts (account_id, title) SELECT id, 'Q' FROM a RETURNING id)
		 INSERT INTO comments (post_id, body) SELECT id, 'Q' FROM p`,
		`SELECT CASE WHEN count(*) = 0 THEN 'deleted' ELSE 'kept' END FROM comments WHERE body = 'Q'`},
	{CheckEdge, "public.comments", "comments_editor_id_fkey",
		`WITH a AS (` + newAccount + `) INSERT INTO comments (post_id, editor_id, body) SELECT (SELECT min(id) FROM posts), id, 'Q' FROM a`,
		`SELECT CASE WHEN editor_id IS NULL THEN 'nulled' ELSE 'kept' END FROM comments WHERE body = 'Q'`},
	{CheckEdge, "public.accounts", "accounts_referrer_id_fkey",
		`WITH a AS (` + newAccount + `) INSERT INTO accounts (code, mood, score, referrer_id) SELECT 'RRR', 'sad', 11, id FROM a`,
		`SELECT CASE WHEN referrer_id IS NULL THEN 'nulled' ELSE 'kept' END FROM accounts WHERE code = 'RRR'`},
	{CheckEdge, "public.likes", "likes_account_id_fkey",
		`WITH a AS (` + newAccount + `) INSERT INTO likes SELECT id, (SELECT min(id) FROM posts) FROM a`,
		`SELECT 'kept'`},
	{CheckConditional, "public.likes", "likes_account_id_fkey",
		`WITH a AS (` + newAccount + `), p AS (INSERT INTO posts (account_id, title) SELECT id, 'Q' FROM a RETURNING id, account_id)
		 INSERT INTO likes SELECT account_id, id FROM p`,
		`SELECT 'kept'`},
	{CheckEdge, "public.likes", "likes_post_id_fkey",
		`WITH a AS (` + newAccount + `), p AS (INSERT INTO posts (account_id, title) SELECT id, 'Q' FROM a RETURNING id)
		 INSERT INTO likes SELECT (SELECT min(id) FROM accounts WHERE code = 'AAA'), id FROM p`,
		`SELECT CASE WHEN count(*) = 0 THEN 'deleted' ELSE 'kept' END FROM likes l JOIN accounts a ON a.id = l.account_id WHERE a.code = 'AAA'`},
	{CheckEdge, "public.reviews", "reviews_author_id_fkey",
		`INSERT INTO accounts (id, code, mood, score) OVERRIDING SYSTEM VALUE VALUES (0, 'ZZZ', 'happy', 10);
		 WITH a AS (` + newAccount + `) INSERT INTO reviews (author_id, stars) SELECT id, 5 FROM a`,
		`SELECT CASE WHEN author_id = 0 THEN 'defaulted' ELSE 'kept' END FROM reviews`},
	{CheckEdge, "public.badges", "badges_account_id_fkey",
		`WITH a AS (` + newAccount + `) INSERT INTO badges SELECT id, 'Q' FROM a`,
		`SELECT 'kept'`},
	{CheckEdge, "public.audits", "audits_post_id_fkey",
		`WITH a AS (` + newAccount + `), p AS (INSERT INTO posts (account_id, title) SELECT id, 'Q' FROM a RETURNING id)
		 INSERT INTO audits (post_id) SELECT id FROM p`,
		`SELECT 'kept'`},
	{CheckEdge, "public.events", "events_account_id_fkey",
		`WITH a AS (` + newAccount + `) INSERT INTO events SELECT id, '2020-06-01' FROM a`,
		`SELECT CASE WHEN count(*) = 0 THEN 'deleted' ELSE 'kept' END FROM events WHERE at = '2020-06-01'`},
	{CheckEdge, "public.bookings", "bookings_account_id_fkey",
		`WITH a AS (` + newAccount + `) INSERT INTO bookings SELECT 2, id, '[2040-01-01, 2041-01-01)' FROM a`,
		`SELECT CASE WHEN count(*) = 0 THEN 'deleted' ELSE 'kept' END FROM bookings WHERE id = 2`},
	{CheckEdge, "public.threads", "threads_parent_id_fkey",
		`WITH a AS (` + newAccount + `), t AS (INSERT INTO threads SELECT 1, id, NULL FROM a)
		 INSERT INTO threads SELECT 2, (SELECT min(id) FROM accounts WHERE code = 'AAA'), 1`,
		`SELECT CASE WHEN count(*) = 0 THEN 'deleted' ELSE 'kept' END FROM threads WHERE id = 2`},
	{CheckEdge, "public.threads", "threads_account_id_fkey",
		`WITH a AS (` + newAccount + `) INSERT INTO threads SELECT 3, id, NULL FROM a`,
		`SELECT CASE WHEN count(*) = 0 THEN 'deleted' ELSE 'kept' END FROM threads WHERE id = 3`},
	{CheckEdge, "public.pairs", "pairs_account_id_fkey",
		`WITH a AS (` + newAccount + `) INSERT INTO pairs (account_id, note) SELECT id, 'Q' FROM a`,
		`SELECT CASE WHEN count(*) = 0 THEN 'deleted' ELSE 'kept' END FROM pairs WHERE note = 'Q'`},
	{CheckEdge, "public.pairs", "pairs_post_fkey",
		`WITH a AS (` + newAccount + `), p AS (INSERT INTO posts (account_id, title) SELECT id, 'Q' FROM a RETURNING id, account_id)
		 INSERT INTO pairs SELECT (SELECT min(id) FROM accounts WHERE code = 'AAA'), id, account_id, 'Q' FROM p`,
		`SELECT CASE WHEN post_id IS NULL AND owner_id IS NOT NULL THEN 'nulled' ELSE 'kept' END FROM pairs WHERE note = 'Q'`},
}

// realDelete runs a scenario in a transaction it rolls back and returns
// what happened, spelled as verify spells observations.
func realDelete(ctx context.Context, conn *pgx.Conn, s scenario) (string, error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, s.setup); err != nil {
		return "", fmt.Errorf("setup: %w", err)
	}
	_, err = tx.Exec(ctx, `DELETE FROM accounts WHERE code = 'QQQ'`)
	if err == nil {
		_, err = tx.Exec(ctx, `SET CONSTRAINTS ALL IMMEDIATE`)
	}
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "23502":
		return fmt.Sprintf("DELETE failed: NOT NULL %s (SQLSTATE %s)", pgErr.ColumnName, pgErr.Code), nil
	case errors.As(err, &pgErr):
		return fmt.Sprintf("DELETE failed: %s (SQLSTATE %s)", pgErr.ConstraintName, pgErr.Code), nil
	case err != nil:
		return "", err
	}
	var got string
	err = tx.QueryRow(ctx, s.observe).Scan(&got)
	return got, err
}

// TestAgreesWithHandWrittenDeletes is the independent check: for each
// foreign key of the edge-case schema, rows written by hand in plain SQL
// and really deleted must do what verify observed with its synthesised
// canaries, and verify must find nothing to fail.
func TestAgreesWithHandWrittenDeletes(t *testing.T) {
	_, conn, snap := applySQL(t, edgeCases)
	for _, mode := range []Mode{ModeReplica, ModeParents} {
		rep := verify(t, conn, snap, build(t, snap, "accounts"), Options{Mode: mode})
		assertClean(t, rep)
		for _, r := range rep.Tables {
			t.Logf("%s: %-6s %-16s %-11s %-24s %-34s %-50s %s", mode, r.Status, r.TableName(), r.Check, r.Constraint, r.Expected, r.Observed, r.Reason)
		}
		if len(rep.Warnings) > 0 {
			t.Errorf("warnings: %v", rep.Warnings)
		}
		if rep.Summary.Skipped != 0 {
			for _, r := range rep.Tables {
				if r.Status == StatusSkipped {
					t.Errorf("%s: %s %s skipped: %s", mode, r.TableName(), r.Constraint, r.Reason)
				}
			}
		}
		for _, want := range []struct {
			kind              CheckKind
			table, constraint string
			expected          string
		}{
			{CheckConditional, "public.likes", "likes_account_id_fkey", "blocked by likes_account_id_fkey"},
			{CheckEdge, "public.badges", "badges_account_id_fkey", "blocked by NOT NULL account_id"},
			{CheckEdge, "public.reviews", "reviews_author_id_fkey", "defaulted"},
			{CheckEdge, "public.audits", "audits_post_id_fkey", "blocked by audits_post_id_fkey"},
			{CheckEdge, "public.pairs", "pairs_post_fkey", "nulled"},
		} {
			if got := find(t, rep, want.kind, want.table, want.constraint); got.Expected != want.expected {
				t.Errorf("%s %s %s: expected %q, want %q", want.kind, want.table, want.constraint, got.Expected, want.expected)
			}
		}
		covered := map[string]bool{}
		for _, s := range scenarios {
			want, err := realDelete(context.Background(), conn, s)
			if err != nil {
				t.Fatalf("%s %s: %v", s.table, s.constraint, err)
			}
			got := find(t, rep, s.check, s.table, s.constraint)
			if got.Observed != want {
				t.Errorf("%s: %s %s %s: verify observed %q, a real DELETE of hand-written rows did %q", mode, s.check, s.table, s.constraint, got.Observed, want)
			}
			covered[string(s.check)+s.table+s.constraint] = true
		}
		for _, r := range rep.Tables {
			if r.Check != CheckRoot && !covered[string(r.Check)+r.TableName().String()+r.Constraint] {
				t.Errorf("no hand-written scenario for %s %s %s", r.Check, r.TableName(), r.Constraint)
			}
		}
	}
}
