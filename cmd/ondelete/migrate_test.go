package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// TestMigrateExample runs the example's migrations through the runner:
// a line per file, nothing pending afterwards, status in text and JSON,
// and the catalog the embedded default builds.
func TestMigrateExample(t *testing.T) {
	dsn := pgtest.NewDB(t)
	code, out, errOut := ondelete(t, "migrate", "up", "--dsn", dsn, "--dir", exampleDir, "--dry-run")
	if code != 0 || strings.Count(out, "would run up") != 20 {
		t.Fatalf("dry run: exit %d: %s%s", code, out, errOut)
	}
	code, out, errOut = ondelete(t, "migrate", "up", "--dsn", dsn, "--dir", exampleDir, "--lock-timeout", "2s")
	if code != 0 || strings.Count(out, "applied ") != 20 {
		t.Fatalf("up: exit %d: %s%s", code, out, errOut)
	}
	code, out, _ = ondelete(t, "migrate", "up", "--dsn", dsn, "--dir", exampleDir)
	if code != 0 || out != "nothing pending\n" {
		t.Fatalf("second up: exit %d: %q", code, out)
	}
	code, out, _ = ondelete(t, "migrate", "status", "--dsn", dsn, "--dir", exampleDir)
	if code != 0 || !strings.Contains(out, "20 applied, 0 pending") {
		t.Fatalf("status: %s", out)
	}
	code, out, _ = ondelete(t, "migrate", "status", "--dsn", dsn, "--dir", exampleDir, "--format", "json")
	var st struct {
		Version    int
		History    string
		Migrations []struct{ Version, State string }
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil || code != 0 || st.Version != 1 || len(st.Migrations) != 20 || st.Migrations[0].State != "applied" {
		t.Fatalf("status json (%v): %s", err, out)
	}
	// The runner's catalog is the one inspect sees with the embedded default.
	_, viaRunner, _ := ondelete(t, "inspect", "--dsn", dsn, "--format", "json", "--schema", "public", "--schema", "billing")
	_, viaDefault, _ := ondelete(t, "inspect", "--migrations", exampleDir, "--format", "json", "--schema", "public", "--schema", "billing")
	if stripSources(viaRunner) != stripSources(viaDefault) {
		t.Error("the runner's schema differs from the embedded default's")
	}
	code, _, errOut = ondelete(t, "migrate", "down", "--dsn", dsn, "--dir", exampleDir)
	if code != exitBadInput || !strings.Contains(errOut, "no down migration") {
		t.Errorf("down on a flat layout: exit %d: %s", code, errOut)
	}
}

// stripSources drops the "source" objects (the runner run has none).
func stripSources(js string) string {
	var v map[string]any
	if json.Unmarshal([]byte(js), &v) != nil {
		return js
	}
	if fks, ok := v["foreign_keys"].([]any); ok {
		for _, fk := range fks {
			delete(fk.(map[string]any), "source")
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestMigrateAdoptGoose(t *testing.T) {
	dsn := pgtest.NewDB(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// A team that ran the first three example migrations with goose.
	if _, err := conn.Exec(ctx, `CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp DEFAULT now());
INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true), (3, true)`); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := ondelete(t, "migrate", "adopt", "--from", "goose", "--dsn", dsn, "--dir", exampleDir)
	if code != 0 || !strings.HasPrefix(out, "adopted 3 versions from goose") {
		t.Fatalf("adopt: exit %d: %s%s", code, out, errOut)
	}
	_, out, _ = ondelete(t, "migrate", "status", "--dsn", dsn, "--dir", exampleDir)
	if !strings.Contains(out, "3 applied, 17 pending") {
		t.Fatalf("status after adopt: %s", out)
	}
}

func TestMigrateBadInput(t *testing.T) {
	dsn := pgtest.NewDB(t)
	t.Setenv("DATABASE_URL", "")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate", "up", "--dir", exampleDir}, "pass --dsn"},
		{[]string{"migrate", "up", "--dsn", dsn, "--dir", exampleDir, "--absorb", "23505"}, "23505"},
		{[]string{"migrate", "up", "--dsn", dsn, "--dir", exampleDir, "--locking", "mutex"}, "mutex"},
		{[]string{"migrate", "down", "zero", "--dsn", dsn, "--dir", exampleDir}, "count"},
		{[]string{"migrate", "adopt", "--from", "flyway", "--dsn", dsn, "--dir", exampleDir}, "flyway"},
		{[]string{"migrate", "force", "999", "--dsn", dsn, "--dir", exampleDir}, "no migration has that version"},
	} {
		code, _, errOut := ondelete(t, c.args...)
		if code != exitBadInput || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errOut, c.want)
		}
	}
}
