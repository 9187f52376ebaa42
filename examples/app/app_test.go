package app_test

import (
	"context"
	"errors"
	"path"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// applied returns a connection to a fresh database holding the example
// schema, and what applying it reported.
func applied(t *testing.T) (*pgx.Conn, *migrate.Result) {
	t.Helper()
	dir, err := migrate.Load("migrations", migrate.LayoutAuto)
	if err != nil {
		t.Fatalf("loading migrations: %v", err)
	}
	if dir.Layout != migrate.LayoutFlat || len(dir.Migrations) != 20 {
		t.Fatalf("loaded as %s with %d migrations, want flat with 20", dir.Layout, len(dir.Migrations))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	res, err := migrate.Apply(ctx, conn, dir.Migrations)
	if err != nil {
		t.Fatalf("applying migrations: %v", err)
	}
	if res.Files != 20 || len(res.Absorbed) != 0 {
		t.Fatalf("applied %d files with %d absorbed errors, want 20 clean files: %+v", res.Files, len(res.Absorbed), res.Absorbed)
	}
	return conn, res
}

// texts runs a query returning one text column.
func texts(t *testing.T, conn *pgx.Conn, sql string) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("querying %q: %v", sql, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("reading %q: %v", sql, err)
	}
	return out
}

// TestSchemaMatchesREADME checks the counts and special cases README.md
// lists, straight from pg_catalog.
func TestSchemaMatchesREADME(t *testing.T) {
	conn, res := applied(t)

	got := texts(t, conn, `
		SELECT format('%s tables, %s partitions', count(*) FILTER (WHERE NOT c.relispartition), count(*) FILTER (WHERE c.relispartition))
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('public', 'billing')
		UNION ALL
		SELECT format('%s declared foreign keys, %s partition clones', count(*) FILTER (WHERE conparentid = 0), count(*) FILTER (WHERE conparentid <> 0))
		FROM pg_constraint WHERE contype = 'f'
		UNION ALL
		SELECT format('%s tables reach users', count(*) - 1) FROM (
			WITH RECURSIVE r(t) AS (
				SELECT 'users'::regclass::oid
				UNION SELECT c.conrelid FROM pg_constraint c JOIN r ON c.confrelid = r.t
				WHERE c.contype = 'f' AND c.conparentid = 0)
			SELECT t FROM r) reach`)
	want := []string{"39 tables, 3 partitions", "79 declared foreign keys, 6 partition clones", "37 tables reach users"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counts (-README +database):\n%s", diff)
	}

	got = texts(t, conn, `
		SELECT format('%s %s', confdeltype, count(*)) FROM pg_constraint
		WHERE contype = 'f' AND conparentid = 0 AND confrelid = 'users'::regclass
		GROUP BY confdeltype ORDER BY confdeltype`)
	// a = NO ACTION, c = CASCADE, n = SET NULL, r = RESTRICT.
	if diff := cmp.Diff([]string{"a 7", "c 18", "n 6", "r 3"}, got); diff != "" {
		t.Errorf("ON DELETE actions of references to users (-README +database):\n%s", diff)
	}

	got = texts(t, conn, `
		SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint c
		WHERE contype = 'f' AND conparentid = 0 AND NOT EXISTS (
			SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indisvalid AND i.indpred IS NULL
			AND (SELECT array_agg(x ORDER BY x) FROM unnest((i.indkey::int2[])[0:cardinality(c.conkey) - 1]) x)
			  = (SELECT array_agg(x ORDER BY x) FROM unnest(c.conkey) x))
		ORDER BY 1`)
	wantUnindexed := []string{
		"audit_log.audit_log_session_id_fkey",
		"comments.comments_author_id_fkey",
		"issue_labels.issue_labels_project_id_issue_id_fkey",
		"issues.issues_assignee_id_fkey",
		"notifications.notifications_actor_id_fkey",
	}
	if diff := cmp.Diff(wantUnindexed, got); diff != "" {
		t.Errorf("foreign keys without a covering index (-README +database):\n%s", diff)
	}

	got = texts(t, conn, `SELECT conname FROM pg_constraint WHERE contype = 'f' AND NOT convalidated ORDER BY 1`)
	if diff := cmp.Diff([]string{"webhook_deliveries_webhook_id_fkey"}, got); diff != "" {
		t.Errorf("NOT VALID constraints (-README +database):\n%s", diff)
	}

	got = texts(t, conn, `
		SELECT pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conname IN ('issues_project_id_epic_id_fkey', 'epics_parent_id_fkey', 'UserPreferences_userId_fkey') ORDER BY conname`)
	wantDefs := []string{
		`FOREIGN KEY ("userId") REFERENCES users(id) ON DELETE CASCADE`,
		`FOREIGN KEY (parent_id) REFERENCES epics(id) ON DELETE CASCADE`,
		`FOREIGN KEY (project_id, epic_id) REFERENCES epics(project_id, id) ON DELETE SET NULL (epic_id)`,
	}
	if diff := cmp.Diff(wantDefs, got); diff != "" {
		t.Errorf("special constraints (-README +database):\n%s", diff)
	}

	sources := map[string]string{
		"workspace_members_user_id_fkey":     "019_fix_user_foreign_keys.sql",
		"comments_author_id_fkey":            "019_fix_user_foreign_keys.sql",
		"attachments_uploaded_by_fkey":       "019_fix_user_foreign_keys.sql",
		"workspaces_owner_id_fkey":           "019_fix_user_foreign_keys.sql",
		"webhook_deliveries_webhook_id_fkey": "020_webhook_deliveries_fk.sql",
		"fk_sessions_owner":                  "006_auth.sql",
		"UserPreferences_userId_fkey":        "014_user_preferences.sql",
	}
	for key, src := range res.Sources {
		if want, ok := sources[key.Name]; ok {
			if path.Base(src.File) != want {
				t.Errorf("%s comes from %s, want %s", key, src.File, want)
			}
			delete(sources, key.Name)
		}
	}
	if len(sources) > 0 {
		t.Errorf("no source recorded for %v", sources)
	}
}

// TestDeletingAUser acts out the README's table: each case deletes a user
// in a transaction that is rolled back, and checks which constraint, if
// any, stops it.
func TestDeletingAUser(t *testing.T) {
	conn, _ := applied(t)
	ctx := context.Background()

	cases := []struct {
		name string
		// setup creates rows around user @deleted (deleted) and users
		// @other and @owner (kept).
		setup string
		// blocker is the constraint that must stop the delete, "" for none.
		blocker string
	}{
		{
			name: "own reaction on own comment is deleted on both paths",
			setup: `
				WITH w AS (INSERT INTO workspaces (slug, name, owner_id) VALUES ('acme', 'Acme', @owner) RETURNING id),
				     p AS (INSERT INTO projects (workspace_id, key, name, created_by) SELECT id, 'APP', 'App', @owner FROM w RETURNING id),
				     i AS (INSERT INTO issues (project_id, number, title, reporter_id) SELECT id, 1, 'Bug', @owner FROM p RETURNING id),
				     c AS (INSERT INTO comments (issue_id, author_id, body) SELECT id, @deleted, 'Seen it' FROM i RETURNING id)
				INSERT INTO reactions (comment_id, user_id, emoji) SELECT id, @deleted, 'eyes' FROM c`,
		},
		{
			name: "conditional blocker: another user's reaction on the deleted user's comment",
			setup: `
				WITH w AS (INSERT INTO workspaces (slug, name, owner_id) VALUES ('acme', 'Acme', @owner) RETURNING id),
				     p AS (INSERT INTO projects (workspace_id, key, name, created_by) SELECT id, 'APP', 'App', @owner FROM w RETURNING id),
				     i AS (INSERT INTO issues (project_id, number, title, reporter_id) SELECT id, 1, 'Bug', @owner FROM p RETURNING id),
				     c AS (INSERT INTO comments (issue_id, author_id, body) SELECT id, @deleted, 'Seen it' FROM i RETURNING id)
				INSERT INTO reactions (comment_id, user_id, emoji) SELECT id, @other, 'eyes' FROM c`,
			blocker: "reactions_comment_id_fkey",
		},
		{
			name: "definite blocker two hops away: an audit entry names the user's session",
			setup: `
				WITH s AS (INSERT INTO sessions (user_id, expires_at) VALUES (@deleted, now() + interval '1 day') RETURNING id)
				INSERT INTO audit_log (actor_id, session_id, action, target_type, target_id)
				SELECT @deleted, id, 'issue.update', 'issue', '1' FROM s`,
			blocker: "audit_log_session_id_fkey",
		},
		{
			name: "definite blocker two hops away: a payment made with the user's card",
			setup: `
				WITH w AS (INSERT INTO workspaces (slug, name, owner_id) VALUES ('acme', 'Acme', @owner) RETURNING id),
				     cu AS (INSERT INTO billing.customers (workspace_id, billing_contact_id, legal_name, country) SELECT id, @owner, 'Acme Inc', 'US' FROM w RETURNING id),
				     inv AS (INSERT INTO billing.invoices (customer_id, number) SELECT id, 'INV-1' FROM cu RETURNING id),
				     pm AS (INSERT INTO billing.payment_methods (customer_id, added_by, brand, last4, exp_month, exp_year) SELECT id, @deleted, 'visa', '4242', 12, 2030 FROM cu RETURNING id)
				INSERT INTO billing.payments (invoice_id, payment_method_id, amount) SELECT inv.id, pm.id, 10 FROM inv, pm`,
			blocker: "payments_payment_method_id_fkey",
		},
		{
			name:    "RESTRICT: the user owns a workspace",
			setup:   `INSERT INTO workspaces (slug, name, owner_id) VALUES ('mine', 'Mine', @deleted)`,
			blocker: "workspaces_owner_id_fkey",
		},
		{
			name: "cascades and SET NULL only",
			setup: `
				WITH s AS (INSERT INTO sessions (user_id, expires_at) VALUES (@deleted, now() + interval '1 day') RETURNING id),
				     a AS (INSERT INTO audit_log (actor_id, action, target_type, target_id) VALUES (@deleted, 'user.login', 'user', '1')),
				     pr AS (INSERT INTO "UserPreferences" ("userId") VALUES (@deleted)),
				     e AS (INSERT INTO events (user_id, name, created_at) VALUES (@deleted, 'signed_in', '2025-02-01'), (@deleted, 'signed_in', '2030-01-01')),
				     w AS (INSERT INTO workspaces (slug, name, owner_id) VALUES ('acme', 'Acme', @owner) RETURNING id)
				INSERT INTO projects (workspace_id, key, name, created_by, lead_id) SELECT id, 'APP', 'App', @owner, @deleted FROM w`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tx, err := conn.Begin(ctx)
			if err != nil {
				t.Fatalf("beginning: %v", err)
			}
			defer tx.Rollback(ctx)
			var ids [3]int64
			for i := range ids {
				if err := tx.QueryRow(ctx, `INSERT INTO users (email, display_name) VALUES ($1, 'Someone') RETURNING id`,
					string(rune('a'+i))+"@example.com").Scan(&ids[i]); err != nil {
					t.Fatalf("creating users: %v", err)
				}
			}
			if _, err := tx.Exec(ctx, c.setup, pgx.NamedArgs{"deleted": ids[0], "other": ids[1], "owner": ids[2]}); err != nil {
				t.Fatalf("setting up: %v", err)
			}
			_, err = tx.Exec(ctx, `DELETE FROM users WHERE id = $1`, ids[0])
			var pgErr *pgconn.PgError
			switch {
			case c.blocker == "" && err != nil:
				t.Fatalf("deleting the user failed: %v", err)
			case c.blocker == "":
				var left int
				if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM events)
					+ (SELECT count(*) FROM "UserPreferences") + (SELECT count(*) FROM comments) + (SELECT count(*) FROM reactions)
					+ (SELECT count(*) FROM audit_log WHERE actor_id IS NOT NULL) + (SELECT count(*) FROM projects WHERE lead_id IS NOT NULL)`).Scan(&left); err != nil {
					t.Fatalf("counting leftovers: %v", err)
				}
				if left != 0 {
					t.Errorf("%d rows still point at the deleted user", left)
				}
			case !errors.As(err, &pgErr) || pgErr.Code != "23503":
				t.Fatalf("deleting the user: %v, want a foreign-key violation on %s", err, c.blocker)
			case pgErr.ConstraintName != c.blocker:
				t.Errorf("blocked by %s, want %s", pgErr.ConstraintName, c.blocker)
			}
		})
	}
}

// TestEpicsCascadeAndClearIssues checks the self-referencing cascade and
// the column list of SET NULL (epic_id): deleting an epic deletes its
// sub-epics and clears their issues' epic_id but keeps project_id.
func TestEpicsCascadeAndClearIssues(t *testing.T) {
	conn, _ := applied(t)
	ctx := context.Background()
	var issueProject int64
	var epicsLeft int
	var epicID *int64
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			WITH u AS (INSERT INTO users (email, display_name) VALUES ('a@example.com', 'A') RETURNING id),
			     w AS (INSERT INTO workspaces (slug, name, owner_id) SELECT 'acme', 'Acme', id FROM u RETURNING id, owner_id),
			     p AS (INSERT INTO projects (workspace_id, key, name, created_by) SELECT id, 'APP', 'App', owner_id FROM w RETURNING id, created_by),
			     top AS (INSERT INTO epics (project_id, title) SELECT id, 'Launch' FROM p RETURNING id, project_id),
			     sub AS (INSERT INTO epics (project_id, parent_id, title) SELECT project_id, id, 'Docs' FROM top RETURNING id, project_id)
			INSERT INTO issues (project_id, number, title, reporter_id, epic_id)
			SELECT sub.project_id, 1, 'Write docs', p.created_by, sub.id FROM sub, p`)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM epics WHERE parent_id IS NULL`); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM epics`).Scan(&epicsLeft); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT project_id, epic_id FROM issues`).Scan(&issueProject, &epicID); err != nil {
			return err
		}
		return errors.New("rollback")
	})
	if err == nil || err.Error() != "rollback" {
		t.Fatalf("running scenario: %v", err)
	}
	if epicsLeft != 0 || epicID != nil || issueProject == 0 {
		t.Errorf("after deleting the top epic: %d epics left, issue epic_id %v, project_id %d; want 0, nil, kept",
			epicsLeft, epicID, issueProject)
	}
}
