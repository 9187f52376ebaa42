package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ondelete/ondelete/internal/testenv"
)

// copyExample copies the example migrations into a temporary directory
// plan may write into, and writes the starter policy next to it.
func copyExample(t *testing.T) (dir, pol string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "migrations")
	testenv.CopyDir(t, exampleDir, dir)
	code, out, errOut := ondelete(t, "init", "--migrations", dir)
	if code != 0 {
		t.Fatalf("init: exit %d: %s", code, errOut)
	}
	pol = filepath.Join(filepath.Dir(dir), "ondelete.yaml")
	if err := os.WriteFile(pol, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, pol
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestPlanWritesThenChecks is the user's path: check fails, plan writes
// the next files into the migrations directory, check passes, and a
// second plan has nothing to do and writes nothing.
func TestPlanWritesThenChecks(t *testing.T) {
	dir, pol := copyExample(t)
	before := listDir(t, dir)
	if code, _, _ := ondelete(t, "check", "--migrations", dir, "--policy", pol); code != exitFindings {
		t.Fatalf("check before plan: exit %d, want %d", code, exitFindings)
	}
	// --dry-run and --format json without --out write nothing.
	for _, args := range [][]string{{"--dry-run"}, {"--format", "json"}} {
		code, out, errOut := ondelete(t, append([]string{"plan", "--migrations", dir, "--policy", pol}, args...)...)
		if code != 0 || out == "" {
			t.Fatalf("plan %v: exit %d: %s", args, code, errOut)
		}
		if got := listDir(t, dir); len(got) != len(before) {
			t.Fatalf("plan %v wrote files: %v", args, got[len(before):])
		}
	}
	code, out, errOut := ondelete(t, "plan", "--migrations", dir, "--policy", pol, "--strategy", "online")
	if code != 0 {
		t.Fatalf("plan: exit %d: %s", code, errOut)
	}
	after := listDir(t, dir)
	written := after[len(before):]
	if len(written) == 0 || strings.Count(errOut, "ondelete: wrote ") != len(written) {
		t.Fatalf("plan wrote %v; stderr %q", written, errOut)
	}
	// Numbered as the example is: three digits and "_" after 020.
	if !strings.HasPrefix(written[0], "021_") || !strings.Contains(out, "validate_foreign_keys") {
		t.Errorf("first file %s; plan:\n%s", written[0], out)
	}
	if code, out, errOut := ondelete(t, "check", "--migrations", dir, "--policy", pol); code != 0 {
		t.Fatalf("check after plan: exit %d: %s%s", code, out, errOut)
	}
	code, out, errOut = ondelete(t, "plan", "--migrations", dir, "--policy", pol)
	if code != 0 || !strings.HasPrefix(out, "Nothing to change") || len(listDir(t, dir)) != len(after) {
		t.Fatalf("second plan: exit %d: %s%s", code, out, errOut)
	}
}

// TestPlanJSONContract checks the documented JSON shape.
func TestPlanJSONContract(t *testing.T) {
	dir, pol := copyExample(t)
	code, out, errOut := ondelete(t, "plan", "--migrations", dir, "--policy", pol, "--format", "json", "--strategy", "inline")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var p struct {
		Version    *int    `json:"version"`
		Strategy   *string `json:"strategy"`
		Dialect    *string `json:"dialect"`
		Migrations []struct {
			Name          *string                      `json:"name"`
			Transactional *bool                        `json:"transactional"`
			Up            []map[string]json.RawMessage `json:"up"`
			Down          []map[string]json.RawMessage `json:"down"`
		} `json:"migrations"`
		Unfixable []struct{ Rule, Constraint, Reason string } `json:"unfixable"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if p.Version == nil || *p.Version != 1 || *p.Strategy != "inline" || *p.Dialect != "postgres" || len(p.Migrations) == 0 {
		t.Fatalf("plan header: %s", out[:200])
	}
	for _, m := range p.Migrations {
		if m.Name == nil || m.Transactional == nil || len(m.Up) == 0 {
			t.Errorf("migration without name, transactional or up: %+v", m)
		}
		for _, st := range append(m.Up, m.Down...) {
			for _, key := range []string{"sql", "lock_timeout", "statement_timeout"} {
				if _, ok := st[key]; !ok {
					t.Errorf("statement lacks %q: %v", key, st)
				}
			}
		}
	}
	if len(p.Unfixable) == 0 || p.Unfixable[0].Reason == "" {
		t.Errorf("unfixable: %+v", p.Unfixable)
	}
}

func TestPlanBadInput(t *testing.T) {
	dir, pol := copyExample(t)
	ambiguous := t.TempDir()
	for name, content := range map[string]string{
		"001_a.sql": "-- +goose Up\nSELECT 1;\n",
		"002_b.sql": "-- migrate:up\nSELECT 1;\n",
	} {
		if err := os.WriteFile(filepath.Join(ambiguous, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"strategy", []string{"--strategy", "fast"}, `strategy "fast"`},
		{"format", []string{"--format", "sql"}, `unknown --format "sql"`},
		{"out missing", []string{"--out", filepath.Join(dir, "nope")}, "no such directory"},
		{"ambiguous layout", []string{"--out", ambiguous}, "--layout goose or dbmate"},
		{"no policy", []string{"--policy", filepath.Join(dir, "none.yaml")}, "ondelete init"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"plan", "--migrations", dir, "--policy", pol}, c.args...)
			code, _, errOut := ondelete(t, args...)
			if code != exitBadInput || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, errOut, c.want)
			}
		})
	}
}
