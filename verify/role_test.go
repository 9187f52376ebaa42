package verify

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/ident"
)

// connectAsApp creates a login role that may read and write every table of
// the given schemas (no superuser, no sequence privileges) and connects as
// it.
func connectAsApp(t *testing.T, dsn string, admin *pgx.Conn, schemas ...string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	role := fmt.Sprintf("verify_app_%d", rand.Uint32())
	stmts := []string{"CREATE ROLE " + ident.Quote(role) + " LOGIN NOSUPERUSER"}
	for _, s := range schemas {
		stmts = append(stmts,
			"GRANT USAGE ON SCHEMA "+ident.Quote(s)+" TO "+ident.Quote(role),
			"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "+ident.Quote(s)+" TO "+ident.Quote(role))
	}
	if _, err := admin.Exec(ctx, strings.Join(stmts, ";\n")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, err := admin.Exec(context.Background(), "DROP OWNED BY "+ident.Quote(role)+"; DROP ROLE "+ident.Quote(role))
		if err != nil {
			t.Errorf("dropping role %s: %v", role, err)
		}
	})
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.User = role
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// TestAppRole verifies the example as an application role, which may not
// set session_replication_role: Run falls back to parent rows, agrees with
// the graph everywhere, and skips (with the reason) only the checks that
// need a row of the table whose INSERT trigger it cannot suppress. Nothing persists.
func TestAppRole(t *testing.T) {
	dsn, admin, snap := applySet(t, schemaSets[0])
	seedExample(t, admin)
	if _, err := admin.Exec(context.Background(), `
CREATE FUNCTION teams_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER teams_note BEFORE INSERT ON teams FOR EACH ROW EXECUTE FUNCTION teams_note();`); err != nil {
		t.Fatal(err)
	}
	app := connectAsApp(t, dsn, admin, "public", "billing")
	g := build(t, snap, "users")
	before := readState(t, dsn, snap)
	rep := verify(t, app, snap, g, Options{})
	assertClean(t, rep)
	if rep.Mode != ModeParents {
		t.Errorf("mode %s, want parents for a role that may not set session_replication_role", rep.Mode)
	}
	for _, r := range rep.Tables {
		if r.Status != StatusSkipped {
			continue
		}
		if !strings.Contains(r.Reason, "INSERT trigger teams_note of public.teams") {
			t.Errorf("%s %s skipped: %s", r.TableName(), r.Constraint, r.Reason)
		}
	}
	if r := find(t, rep, CheckEdge, "public.teams", "teams_created_by_fkey"); r.Status != StatusSkipped {
		t.Errorf("teams has an INSERT trigger, yet its check is %s", r.Status)
	}
	t.Logf("as %s: mode %s, %+v", app.Config().User, rep.Mode, rep.Summary)
	if rep.Summary.Pass < 40 {
		t.Errorf("only %d checks passed: %+v", rep.Summary.Pass, rep.Summary)
	}
	if diff := readState(t, dsn, snap); fmt.Sprint(diff) != fmt.Sprint(before) {
		t.Errorf("the app role's run changed the database:\nbefore %v\nafter  %v", before, diff)
	}
	// Forcing replica mode as this role is an error, not a silent fallback.
	if _, err := Run(context.Background(), app, snap, g, Options{Mode: ModeReplica}); err == nil {
		t.Error("ModeReplica as an application role succeeded")
	}
	// With the privilege (PostgreSQL 15+), the same role gets replica mode.
	var version int
	if err := admin.QueryRow(context.Background(), "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version >= 150000 {
		if _, err := admin.Exec(context.Background(), "GRANT SET ON PARAMETER session_replication_role TO "+ident.Quote(app.Config().User)); err != nil {
			t.Fatal(err)
		}
		rep := verify(t, app, snap, g, Options{})
		assertClean(t, rep)
		if rep.Mode != ModeReplica || rep.Summary.Skipped != 0 {
			t.Errorf("with SET granted: mode %s, %d skipped; want replica, none", rep.Mode, rep.Summary.Skipped)
		}
	}
}
