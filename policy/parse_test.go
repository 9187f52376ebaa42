package policy

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ondelete/ondelete/catalog"
)

// cmpPolicy compares policies on their exported fields.
var cmpPolicy = cmpopts.IgnoreUnexported(Match{}, Exception{})

func pos(line, col int) Position {
	return Position{File: "testdata/issue-example.yaml", Line: line, Column: col}
}

func ptr[T any](v T) *T { return &v }

// defaultLints returns every lint at its default severity.
func defaultLints() map[string]LintConfig {
	m := map[string]LintConfig{}
	for _, l := range Lints {
		m[l.Name] = LintConfig{Severity: l.Default}
	}
	return m
}

// TestParseIssueExample parses the example of the issue, which is the
// format's contract, and checks every field.
func TestParseIssueExample(t *testing.T) {
	p, err := Load("testdata/issue-example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lints := defaultLints()
	lints[LintUnindexedCascade] = LintConfig{Severity: Warning, Pos: pos(15, 3)}
	lints[LintOrphanOwnerColumn] = LintConfig{Severity: Warning, Columns: []string{"user_id", "*_user_id"}, Pos: pos(16, 3)}
	want := &Policy{
		File:    "testdata/issue-example.yaml",
		Version: 1,
		Roots:   []Root{{Name: "users", Pos: pos(2, 9)}},
		Rules: []Rule{
			{
				Name:   "user-data-cascades",
				Match:  Match{References: "users"},
				Expect: Expect{OnDelete: []catalog.Action{catalog.Cascade}},
				Pos:    pos(4, 5),
			},
			{
				Name:   "epics-keep-children",
				Match:  Match{Table: "epics", Columns: []string{"parent_id"}},
				Expect: Expect{OnDelete: []catalog.Action{catalog.SetNull}},
				Pos:    pos(7, 5),
			},
		},
		Exceptions: []Exception{{
			Constraint: "public.audit_log.audit_log_user_id_fkey",
			Key:        catalog.ConstraintKey{Schema: "public", Table: "audit_log", Name: "audit_log_user_id_fkey"},
			Rule:       "user-data-cascades",
			Reason:     "audit rows outlive the user",
			Pos:        pos(11, 5),
		}},
		Lints: lints,
	}
	if diff := cmp.Diff(want, p, cmpPolicy, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("policy (-want +got):\n%s", diff)
	}
}

// TestParseDefaults checks what a minimal file gets: every lint at its
// default severity, orphan-owner-column's columns derived from the roots.
func TestParseDefaults(t *testing.T) {
	p, err := Parse([]byte("version: 1\n"), "ondelete.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(defaultLints(), p.Lints, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("lints without roots (-want +got):\n%s", diff)
	}
	if len(p.Roots)+len(p.Rules)+len(p.Exceptions) != 0 {
		t.Errorf("minimal policy has roots, rules or exceptions: %+v", p)
	}

	p, err = Parse([]byte("version: 1\nroots: [public.users, '\"Account\"']\nlints: {orphan-owner-column: error, not-valid: {}}\n"), "ondelete.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := defaultLints()
	want[LintOrphanOwnerColumn] = LintConfig{
		Severity: Error,
		Columns:  []string{"user_id", "*_user_id", "userId", "*UserId", "account_id", "*_account_id", "accountId", "*AccountId"},
		Pos:      Position{File: "ondelete.yaml", Line: 3, Column: 9},
	}
	want[LintNotValid] = LintConfig{Severity: Warning, Pos: Position{File: "ondelete.yaml", Line: 3, Column: 37}}
	if diff := cmp.Diff(want, p.Lints, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("lints (-want +got):\n%s", diff)
	}
	// A policy built in code gets the same defaults through Lint.
	built := &Policy{Roots: []Root{{Name: "users"}}}
	if got := built.Lint(LintOrphanOwnerColumn); !cmp.Equal(got.Columns, []string{"user_id", "*_user_id", "userId", "*UserId"}) || got.Severity != Warning {
		t.Errorf("Lint(orphan-owner-column) on a built policy = %+v", got)
	}
	if got := built.Lint("no-such-lint"); got.Severity != Off {
		t.Errorf("Lint(unknown) = %+v, want off", got)
	}
}

// TestParseAccepts covers the spellings the format accepts beyond the
// canonical one, and what they normalise to.
func TestParseAccepts(t *testing.T) {
	in := `version: 1
roots: users          # one root without a list
rules:
  - name: spellings
    match:
      references: '*.users'
      columns: user_id   # one column without a list
      schema: '"App"'
    expect:
      on_delete: [SET_NULL, " set   null ", Set-Default, CASCADE]
      on_update: no_action
      validated: True
      indexed: false
      name: Conventional
anchors:
exceptions:
lints:
`
	_, err := Parse([]byte(in), "ondelete.yaml")
	if err == nil || err.Error() != `ondelete.yaml:15:1: unknown key "anchors" (want version, roots, rules, exceptions, lints or purge)` {
		t.Fatalf("unknown top-level key with null value: err = %v", err)
	}
	in = in[:len(in)-len("anchors:\nexceptions:\nlints:\n")] + "exceptions:\nlints:\n"
	p, err := Parse([]byte(in), "ondelete.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Roots; len(got) != 1 || got[0].Name != "users" {
		t.Errorf("roots = %+v", got)
	}
	wantRule := Rule{
		Name:  "spellings",
		Match: Match{References: "*.users", Columns: []string{"user_id"}, Schema: `"App"`},
		Expect: Expect{
			OnDelete:  []catalog.Action{catalog.SetNull, catalog.SetDefault, catalog.Cascade},
			OnUpdate:  []catalog.Action{catalog.NoAction},
			Validated: ptr(true),
			Indexed:   ptr(false),
			Name:      NameConventional,
		},
		Pos: Position{File: "ondelete.yaml", Line: 4, Column: 5},
	}
	if diff := cmp.Diff([]Rule{wantRule}, p.Rules, cmpPolicy); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}

	// Anchors and aliases are plain YAML and work anywhere.
	p, err = Parse([]byte(`version: 1
rules:
  - name: a
    match: &m {references: users}
    expect: &e {on_delete: cascade}
  - name: b
    match: *m
    expect: {<<: *e}
`), "ondelete.yaml")
	if err == nil || err.Error() != `ondelete.yaml:8:14: rules[1].expect: merge keys (<<) are not supported; write the keys out` {
		t.Errorf("merge key: err = %v", err)
	}
	p, err = Parse([]byte(`version: 1
rules:
  - name: a
    match: &m {references: users}
    expect: &e {on_delete: cascade}
  - name: b
    match: *m
    expect: *e
`), "ondelete.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p.Rules[0].Match, p.Rules[1].Match, cmpPolicy); diff != "" {
		t.Errorf("aliased match differs:\n%s", diff)
	}
}

// TestNormalizeAction covers the action spellings accepted as input.
func TestNormalizeAction(t *testing.T) {
	for in, want := range map[string]catalog.Action{
		"cascade": catalog.Cascade, "CASCADE": catalog.Cascade, "set null": catalog.SetNull,
		"SET_NULL": catalog.SetNull, "set-default": catalog.SetDefault, "  No   Action ": catalog.NoAction,
		"restrict": catalog.Restrict,
	} {
		if got, ok := ParseAction(in); !ok || got != want {
			t.Errorf("ParseAction(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "delete", "setnull", "null", "no"} {
		if got, ok := ParseAction(in); ok {
			t.Errorf("ParseAction(%q) = %q, want no action", in, got)
		}
	}
}

func TestLoad(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "missing.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want an os.ErrNotExist", err)
	}
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte("version: 1\nroots: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	if want := path + ":2:8: roots: want a list of table names, found a mapping"; err == nil || err.Error() != want {
		t.Errorf("Load(bad) = %v, want %s", err, want)
	}
}
