package check

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ondelete/ondelete/catalog"
)

// allOff turns every lint off, so a policy's rules are tested alone.
const allOff = `
lints:
  blocked-root-delete: off
  set-null-not-null: off
  cascading-self-reference: off
  unindexed-cascade: off
  not-valid: off
  nonconventional-name: off
  orphan-owner-column: off
  overlapping-fks: off
`

func TestRules(t *testing.T) {
	schema := func() *schemaBuilder {
		return newSchema().
			fk("posts", "user_id", "users", noAction, indexed, withSource("db/003_posts.sql", 12)).
			fk("sessions", "user_id", "users", cascade, indexed).
			fk("audit_log", "user_id", "users", noAction).
			fk("epics", "parent_id", "epics", cascade).
			fk("billing.invoices", "user_id", "users", restrict, named("inv_user"), notValidated)
	}
	cases := []struct {
		name  string
		rules string
		want  []string
	}{
		{"references must cascade", `
  - name: user-data-cascades
    match: {references: users}
    expect: {on_delete: cascade}`,
			[]string{"error billing.invoices.inv_user", "error audit_log.audit_log_user_id_fkey", "error posts.posts_user_id_fkey"}},
		{"a list of acceptable actions", `
  - name: no-blockers
    match: {references: users}
    expect: {on_delete: [cascade, restrict]}`,
			[]string{"error audit_log.audit_log_user_id_fkey", "error posts.posts_user_id_fkey"}},
		{"table and columns", `
  - name: epics-keep-children
    match: {table: epics, columns: [parent_id]}
    expect: {on_delete: set null}`,
			[]string{"error epics.epics_parent_id_fkey"}},
		{"schema glob", `
  - name: billing-validated
    match: {schema: bill*}
    expect: {validated: true}`,
			[]string{"error billing.invoices.inv_user"}},
		{"indexed", `
  - name: indexed
    match: {table: "*"}
    expect: {indexed: true}`,
			[]string{"error billing.invoices.inv_user", "error audit_log.audit_log_user_id_fkey", "error epics.epics_parent_id_fkey"}},
		{"conventional names", `
  - name: names
    match: {references: users}
    expect: {name: conventional}`,
			[]string{"error billing.invoices.inv_user"}},
		{"satisfied", `
  - name: sessions
    match: {table: sessions}
    expect: {on_delete: cascade, indexed: true, validated: true, name: conventional}`,
			nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := parsePolicy(t, "version: 1\nroots: [users]\nrules:"+c.rules+allOff)
			r := evaluate(t, schema().snap(), p)
			want := c.want
			if want == nil {
				want = []string{}
			}
			if diff := cmp.Diff(want, subjects(r)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
			for _, f := range r.Findings {
				if f.Code != "OD100" || f.Rule == "" || f.Fix == "" {
					t.Errorf("bad rule finding %+v", f)
				}
			}
		})
	}
}

func TestRuleFindingContents(t *testing.T) {
	s := newSchema().fk("posts", "user_id", "users", noAction, withSource("db/003_posts.sql", 12)).snap()
	p := parsePolicy(t, `version: 1
roots: [users]
rules:
  - name: user-data-cascades
    match: {references: users}
    expect: {on_delete: cascade}
`+allOff)
	f := evaluate(t, s, p).Findings[0]
	want := Finding{
		Rule: "user-data-cascades", Code: "OD100", Severity: "error",
		Schema: "public", Table: "posts", Constraint: "posts_user_id_fkey", Columns: []string{"user_id"},
		Found: "on_delete no action", Expected: "on_delete cascade",
		Message: "Rule user-data-cascades at ondelete.yaml:4:5 (match references: users) expects on_delete cascade of public.posts.posts_user_id_fkey; it has on_delete no action.",
		Fix: `ALTER TABLE "public"."posts"
  DROP CONSTRAINT "posts_user_id_fkey",
  ADD CONSTRAINT "posts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE NOT VALID;
ALTER TABLE "public"."posts" VALIDATE CONSTRAINT "posts_user_id_fkey";`,
		Source: f.Source,
		Want:   &Change{OnDelete: catalog.Cascade},
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if f.Source == nil || *f.Source != (catalog.Source{File: "db/003_posts.sql", Line: 12}) {
		t.Errorf("source %+v", f.Source)
	}
}

func TestRuleBreakingSeveralExpectationsIsOneFinding(t *testing.T) {
	s := newSchema().fk("posts", "user_id", "users", noAction, named("fk_posts"), notValidated, onUpdate(cascade)).snap()
	p := parsePolicy(t, `version: 1
rules:
  - name: strict
    match: {references: users}
    expect: {on_delete: set null, on_update: no action, validated: true, indexed: true, name: conventional}
`+allOff)
	r := evaluate(t, s, p)
	if len(r.Findings) != 1 {
		t.Fatalf("want one finding, got %v", subjects(r))
	}
	f := r.Findings[0]
	if want := "on_delete no action, on_update cascade, not valid, name fk_posts, not indexed"; f.Found != want {
		t.Errorf("found %q, want %q", f.Found, want)
	}
	if want := "on_delete set null, on_update no action, validated, name posts_user_id_fkey, indexed"; f.Expected != want {
		t.Errorf("expected %q, want %q", f.Expected, want)
	}
	wantFix := `ALTER TABLE "public"."posts"
  DROP CONSTRAINT "fk_posts",
  ADD CONSTRAINT "posts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE SET NULL NOT VALID;
ALTER TABLE "public"."posts" VALIDATE CONSTRAINT "posts_user_id_fkey";
CREATE INDEX CONCURRENTLY "posts_user_id_idx" ON "public"."posts" ("user_id");`
	if diff := cmp.Diff(wantFix, f.Fix); diff != "" {
		t.Errorf("fix (-want +got):\n%s", diff)
	}
}

func TestRuleFixWithoutRebuild(t *testing.T) {
	s := newSchema().fk("posts", "user_id", "users", cascade, named("fk_posts"), notValidated).snap()
	p := parsePolicy(t, `version: 1
rules:
  - name: tidy
    match: {references: users}
    expect: {validated: true, name: conventional}
`+allOff)
	f := evaluate(t, s, p).Findings[0]
	want := `ALTER TABLE "public"."posts" RENAME CONSTRAINT "fk_posts" TO "posts_user_id_fkey";
ALTER TABLE "public"."posts" VALIDATE CONSTRAINT "posts_user_id_fkey";`
	if f.Fix != want {
		t.Errorf("fix:\n%s\nwant:\n%s", f.Fix, want)
	}
}

func TestRuleSetNullOnNotNullMakesColumnsNullable(t *testing.T) {
	s := newSchema().fk("posts", "user_id", "users", noAction, notNull).snap()
	p := parsePolicy(t, `version: 1
rules:
  - name: keep-posts
    match: {references: users}
    expect: {on_delete: set null}
`+allOff)
	f := evaluate(t, s, p).Findings[0]
	if !strings.Contains(f.Fix, `ALTER COLUMN "user_id" DROP NOT NULL,`) {
		t.Errorf("fix does not make the column nullable:\n%s", f.Fix)
	}
}
