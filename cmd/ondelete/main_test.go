package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/internal/oracle"
	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const exampleDir = "../../examples/app/migrations"

// ondelete runs the CLI in-process and returns exit code, stdout, stderr.
func ondelete(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// exampleDB applies the example migrations to a fresh database with the
// library (not the CLI) and returns its DSN and a connection.
func exampleDB(t *testing.T) (string, *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	dsn := pgtest.NewDB(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	dir, err := migrate.Load(exampleDir, migrate.LayoutAuto)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrate.Apply(ctx, conn, dir.Migrations); err != nil {
		t.Fatal(err)
	}
	return dsn, conn
}

func TestInspectEmbeddedDefaultText(t *testing.T) {
	code, out, errOut := ondelete(t, "inspect", "--migrations", exampleDir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "TABLE") || strings.Contains(out, "\x1b[") {
		t.Errorf("header or colour wrong:\n%s", lines[0])
	}
	code, js, _ := ondelete(t, "inspect", "--migrations", exampleDir, "--format", "json")
	if code != 0 {
		t.Fatal("json run failed")
	}
	var doc struct {
		ForeignKeys []map[string]any `json:"foreign_keys"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	// One row per foreign key between the header and the summary line.
	if rows := len(lines) - 2; rows != len(doc.ForeignKeys) {
		t.Errorf("text has %d rows, json %d foreign keys", rows, len(doc.ForeignKeys))
	}
	if summary := lines[len(lines)-1]; !strings.HasPrefix(summary, itoa(len(doc.ForeignKeys))+" foreign keys on ") {
		t.Errorf("summary %q", summary)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestInspectJSONContract checks the documented fields of every foreign
// key and compares the set with an independent catalog query of a
// database built by the library, reached through --dsn.
func TestInspectJSONContract(t *testing.T) {
	dsn, conn := exampleDB(t)
	code, out, errOut := ondelete(t, "inspect", "--dsn", dsn, "--format", "json", "--migrations", exampleDir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Version     int              `json:"version"`
		ForeignKeys []map[string]any `json:"foreign_keys"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 {
		t.Errorf("version %d", doc.Version)
	}
	want, err := oracle.Inventory(context.Background(), conn)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.ForeignKeys) != len(want) {
		t.Errorf("%d foreign keys, catalog has %d", len(doc.ForeignKeys), len(want))
	}
	fields := []string{"schema", "table", "name", "columns", "ref_schema", "ref_table", "ref_columns",
		"on_delete", "on_update", "deferrable", "validated", "not_null", "indexed", "conventional_name", "source"}
	actions := map[string]bool{"cascade": true, "set null": true, "set default": true, "restrict": true, "no action": true}
	for _, fk := range doc.ForeignKeys {
		for _, f := range fields {
			if _, ok := fk[f]; !ok {
				t.Errorf("%v: missing %q", fk["name"], f)
			}
		}
		key := fk["schema"].(string) + "." + fk["table"].(string) + "." + fk["name"].(string)
		o, ok := want[key]
		if !ok {
			t.Errorf("%s not in the catalog", key)
			continue
		}
		if fk["on_delete"] != o.OnDelete || !actions[fk["on_delete"].(string)] {
			t.Errorf("%s: on_delete %v, catalog %s", key, fk["on_delete"], o.OnDelete)
		}
		src, _ := fk["source"].(map[string]any)
		if src == nil || !strings.HasPrefix(src["file"].(string), filepath.Clean(exampleDir)) || src["line"].(float64) < 1 {
			t.Errorf("%s: source %v", key, fk["source"])
		}
	}
}

func TestGraphFormats(t *testing.T) {
	dsn, _ := exampleDB(t)
	checks := map[string]func(string) bool{
		"text": func(s string) bool { return strings.HasPrefix(s, "Deleting one row of public.users") },
		"dot": func(s string) bool {
			return strings.HasPrefix(s, "digraph") && strings.HasSuffix(strings.TrimSpace(s), "}")
		},
		"mermaid": func(s string) bool { return strings.HasPrefix(s, "flowchart") },
		"json": func(s string) bool {
			var g struct {
				Version int `json:"version"`
				Root    struct{ Schema, Table string }
			}
			return json.Unmarshal([]byte(s), &g) == nil && g.Version == 1 && g.Root.Table == "users"
		},
	}
	for format, ok := range checks {
		code, out, errOut := ondelete(t, "graph", "--dsn", dsn, "--root", "public.users", "--format", format)
		if code != 0 || !ok(out) {
			t.Errorf("--format %s: exit %d, stderr %q, output starts %.80q", format, code, errOut, out)
		}
	}
}

// TestBadInput: every kind of bad input exits 2 with exactly one line on
// stderr that says what is wrong, and never a password.
func TestBadInput(t *testing.T) {
	dsn, _ := exampleDB(t)
	empty := t.TempDir()
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"unknown format", []string{"inspect", "--dsn", dsn, "--format", "yaml"}, []string{`unknown --format "yaml"`}},
		{"unknown flag", []string{"inspect", "--frobnicate"}, []string{"unknown flag: --frobnicate"}},
		{"missing root", []string{"graph", "--dsn", dsn}, []string{"--root is required"}},
		{"unknown root", []string{"graph", "--dsn", dsn, "--root", "nosuchtable"}, []string{"nosuchtable"}},
		{"missing migrations dir", []string{"inspect", "--migrations", filepath.Join(empty, "nope")}, []string{"nope"}},
		{"bad migration", []string{"inspect", "--migrations", "testdata/badsql"}, []string{"001_bad.sql:3:", "42601"}},
		{"bad absorb code", []string{"inspect", "--migrations", exampleDir, "--absorb", "23505"}, []string{"23505"}},
		{"unreachable server", []string{"inspect", "--dsn", "postgres://app:s3cr3tpw@127.0.0.1:1/db?connect_timeout=2"}, []string{"connecting to app@127.0.0.1:1/db"}},
		{"unparsable dsn", []string{"inspect", "--dsn", "postgres://app:s3cr3tpw@[bad/db"}, []string{"parsing connection string"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := ondelete(t, c.args...)
			if code != exitBadInput {
				t.Errorf("exit %d, want %d (stdout %q)", code, exitBadInput, out)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "ondelete: ") {
				t.Errorf("stderr is not one line: %q", errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
			if strings.Contains(errOut+out, "s3cr3tpw") {
				t.Errorf("password printed: %q", errOut)
			}
		})
	}
}

func TestNoDatabase(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	wd, _ := os.Getwd()
	t.Chdir(t.TempDir())
	defer os.Chdir(wd)
	code, _, errOut := ondelete(t, "inspect")
	if code != exitBadInput || !strings.Contains(errOut, "no database") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestWeirdIdentifiers runs every command and format over a schema of
// quoted, spaced, mixed-case, reserved, 63-byte and non-ASCII names.
func TestWeirdIdentifiers(t *testing.T) {
	dir := "../../internal/acceptance/testdata/weird"
	code, out, errOut := ondelete(t, "inspect", "--migrations", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("inspect: exit %d: %s", code, errOut)
	}
	for _, name := range []string{`"hand named \"fk\""`, `"Ärger"`, `"Link \"Q\""`, strings.Repeat("t", 63)} {
		if !strings.Contains(out, name) {
			t.Errorf("inspect json lacks %s", name)
		}
	}
	for _, root := range []string{`"Tenant Data"."User"`, `"Tenant Data".User`, `"Ärger"`, `public."we""ird"`} {
		for _, format := range []string{"text", "json", "dot", "mermaid"} {
			code, out, errOut := ondelete(t, "graph", "--migrations", dir, "--root", root, "--format", format)
			if code != 0 || out == "" {
				t.Errorf("graph --root %s --format %s: exit %d: %s", root, format, code, errOut)
			}
		}
	}
}

// TestInitThenCheck is the adoption path: init writes a policy for the
// example, check reports its findings (exit 1), a baseline records them
// (exit 0 afterwards), and every output format renders.
func TestInitThenCheck(t *testing.T) {
	dsn, _ := exampleDB(t)
	dir := t.TempDir()
	pol := filepath.Join(dir, "ondelete.yaml")
	code, out, errOut := ondelete(t, "init", "--dsn", dsn)
	if code != 0 {
		t.Fatalf("init: exit %d: %s", code, errOut)
	}
	if err := os.WriteFile(pol, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	code, js, errOut := ondelete(t, "check", "--dsn", dsn, "--policy", pol, "--format", "json")
	if code != exitFindings {
		t.Fatalf("check: exit %d, want %d: %s", code, exitFindings, errOut)
	}
	var res struct {
		Version  int `json:"version"`
		Findings []struct {
			Rule, Code, Severity, Constraint string
		} `json:"findings"`
		Summary struct{ Errors, Warnings int } `json:"summary"`
	}
	if err := json.Unmarshal([]byte(js), &res); err != nil {
		t.Fatal(err)
	}
	if res.Version != 1 || res.Summary.Errors == 0 || len(res.Findings) != res.Summary.Errors+res.Summary.Warnings {
		t.Errorf("json summary %+v with %d findings", res.Summary, len(res.Findings))
	}
	if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "check failed") {
		t.Errorf("stderr %q", errOut)
	}
	for _, format := range []string{"text", "sarif", "github", "junit"} {
		if code, out, _ := ondelete(t, "check", "--dsn", dsn, "--policy", pol, "--format", format); code != exitFindings || out == "" {
			t.Errorf("--format %s: exit %d", format, code)
		}
	}
	// Warnings alone pass with the default --fail-on error.
	warnOnly := strings.ReplaceAll(strings.ReplaceAll(out, ": error", ": warning"), "expect: {on_delete: [cascade, set null]}", "expect: {on_delete: [cascade, set null, no action, restrict]}")
	if err := os.WriteFile(pol, []byte(warnOnly), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := ondelete(t, "check", "--dsn", dsn, "--policy", pol); code != 0 {
		t.Errorf("warnings only, --fail-on error: exit %d: %s", code, errOut)
	}
	if code, _, _ := ondelete(t, "check", "--dsn", dsn, "--policy", pol, "--fail-on", "warning"); code != exitFindings {
		t.Errorf("--fail-on warning: exit %d", code)
	}
	// A baseline records today's findings; afterwards nothing fails.
	base := filepath.Join(dir, "baseline.json")
	if code, _, errOut := ondelete(t, "check", "--dsn", dsn, "--policy", pol, "--fail-on", "warning", "--baseline", base); code != 0 || !strings.Contains(errOut, "recorded") {
		t.Errorf("recording baseline: exit %d: %s", code, errOut)
	}
	if code, _, errOut := ondelete(t, "check", "--dsn", dsn, "--policy", pol, "--fail-on", "warning", "--baseline", base); code != 0 {
		t.Errorf("with baseline: exit %d: %s", code, errOut)
	}
}

func TestCheckBadPolicy(t *testing.T) {
	dsn, _ := exampleDB(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "ondelete.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\nroots: [users]\nrules:\n  - name: x\n    match: {references: users}\n    expect: {on_delete: casacde}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := ondelete(t, "check", "--dsn", dsn, "--policy", bad)
	if code != exitBadInput || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "ondelete.yaml:6:") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = ondelete(t, "check", "--dsn", dsn, "--policy", filepath.Join(dir, "missing.yaml"))
	if code != exitBadInput || !strings.Contains(errOut, "ondelete init") {
		t.Errorf("missing policy: exit %d, stderr %q", code, errOut)
	}
}
