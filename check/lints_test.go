package check

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/policy"
)

const (
	cascade    = catalog.Cascade
	setNull    = catalog.SetNull
	setDefault = catalog.SetDefault
	noAction   = catalog.NoAction
	restrict   = catalog.Restrict
)

// lintCase is one schema a lint must fire on (want non-empty) or stay
// silent on (want empty).
type lintCase struct {
	name   string
	schema func() *schemaBuilder
	// policy defaults to only(lint, "", "users").
	policy func() *policy.Policy
	want   []string
}

func runLintCases(t *testing.T, lint string, cases []lintCase) {
	t.Helper()
	info, ok := policy.LintByName(lint)
	if !ok {
		t.Fatalf("no lint %s", lint)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := only(lint, "", "users")
			if c.policy != nil {
				p = c.policy()
			}
			r := evaluate(t, c.schema().snap(), p)
			want := c.want
			if want == nil {
				want = []string{}
			}
			if diff := cmp.Diff(want, subjects(r)); diff != "" {
				t.Fatalf("findings (-want +got):\n%s", diff)
			}
			for _, f := range r.Findings {
				if f.Rule != lint || f.Code != info.Code {
					t.Errorf("finding %s/%s, want %s/%s", f.Rule, f.Code, lint, info.Code)
				}
				if f.Found == "" || f.Expected == "" || f.Message == "" || f.Fix == "" {
					t.Errorf("finding lacks found, expected, message or fix: %+v", f)
				}
			}
		})
	}
}

func TestBlockedRootDelete(t *testing.T) {
	runLintCases(t, policy.LintBlockedRootDelete, []lintCase{
		{name: "definite blocker one hop", want: []string{"error posts.posts_user_id_fkey"},
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", noAction) }},
		{name: "restrict blocks too", want: []string{"error posts.posts_user_id_fkey"},
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", restrict) }},
		{name: "two hops away", want: []string{"error audit_log.audit_log_session_id_fkey"},
			schema: func() *schemaBuilder {
				return newSchema().fk("sessions", "user_id", "users", cascade).fk("audit_log", "session_id", "sessions", noAction)
			}},
		{name: "conditional blocker is one level lower", want: []string{"warning comments.comments_document_id_fkey"},
			schema: func() *schemaBuilder {
				return newSchema().fk("documents", "user_id", "users", cascade).fk("comments", "user_id", "users", cascade).
					fk("comments", "document_id", "documents", noAction)
			}},
		{name: "conditional stays warning when configured warning", want: []string{"warning comments.comments_document_id_fkey"},
			policy: func() *policy.Policy { return only(policy.LintBlockedRootDelete, policy.Warning, "users") },
			schema: func() *schemaBuilder {
				return newSchema().fk("documents", "user_id", "users", cascade).fk("comments", "user_id", "users", cascade).
					fk("comments", "document_id", "documents", noAction)
			}},
		{name: "configured warning lowers definite blockers", want: []string{"warning posts.posts_user_id_fkey"},
			policy: func() *policy.Policy { return only(policy.LintBlockedRootDelete, policy.Warning, "users") },
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", noAction) }},
		{name: "silent when everything cascades or nulls",
			schema: func() *schemaBuilder {
				return newSchema().fk("posts", "user_id", "users", cascade).fk("likes", "post_id", "posts", cascade).
					fk("posts", "editor_id", "users", setNull)
			}},
		{name: "silent on blockers outside the root's graph",
			schema: func() *schemaBuilder {
				return newSchema("users").fk("invoices", "customer_id", "customers", noAction)
			}},
		{name: "set null on not null is left to set-null-not-null",
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", setNull, notNull) }},
		{name: "silent without roots", policy: func() *policy.Policy { return only(policy.LintBlockedRootDelete, "") },
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", noAction) }},
		{name: "off", policy: func() *policy.Policy { return only(policy.LintBlockedRootDelete, policy.Off, "users") },
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", noAction) }},
	})
}

func TestBlockedRootDeleteExplainsKindAndPath(t *testing.T) {
	s := newSchema().fk("sessions", "user_id", "users", cascade).fk("audit_log", "session_id", "sessions", noAction).
		fk("documents", "user_id", "users", cascade).fk("comments", "user_id", "users", cascade).
		fk("comments", "document_id", "documents", noAction).snap()
	r := evaluate(t, s, only(policy.LintBlockedRootDelete, "", "users"))
	if len(r.Findings) != 2 {
		t.Fatalf("want 2 findings, got %v", subjects(r))
	}
	def, cond := r.Findings[0], r.Findings[1]
	for _, want := range []string{"definite blocker", "public.sessions.sessions_user_id_fkey → public.audit_log.audit_log_session_id_fkey", "not deleted by this DELETE"} {
		if !strings.Contains(def.Message, want) {
			t.Errorf("definite message lacks %q:\n%s", want, def.Message)
		}
	}
	if !strings.Contains(def.Found, "definite") || !strings.Contains(cond.Found, "conditional") || !strings.Contains(cond.Message, "conditional blocker") {
		t.Errorf("kinds not named: %q / %q / %q", def.Found, cond.Found, cond.Message)
	}
	// audit_log.session_id is nullable: both options are offered, CASCADE
	// first and runnable, SET NULL as a comment.
	wantFix := `-- delete the referencing rows with the referenced row:
ALTER TABLE "public"."audit_log"
  DROP CONSTRAINT "audit_log_session_id_fkey",
  ADD CONSTRAINT "audit_log_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "public"."sessions" ("id") ON DELETE CASCADE NOT VALID;
ALTER TABLE "public"."audit_log" VALIDATE CONSTRAINT "audit_log_session_id_fkey";
-- or, to keep the referencing rows and clear their reference instead:
-- ALTER TABLE "public"."audit_log"
--   DROP CONSTRAINT "audit_log_session_id_fkey",
--   ADD CONSTRAINT "audit_log_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "public"."sessions" ("id") ON DELETE SET NULL NOT VALID;
-- ALTER TABLE "public"."audit_log" VALIDATE CONSTRAINT "audit_log_session_id_fkey";`
	if diff := cmp.Diff(wantFix, def.Fix); diff != "" {
		t.Errorf("fix (-want +got):\n%s", diff)
	}
}

func TestBlockedRootDeleteFromTwoRootsIsOneFinding(t *testing.T) {
	s := newSchema().fk("projects", "team_id", "teams", cascade).fk("projects", "owner_id", "users", cascade).
		fk("tasks", "project_id", "projects", noAction).snap()
	r := evaluate(t, s, only(policy.LintBlockedRootDelete, "", "users", "teams"))
	if diff := cmp.Diff([]string{"error tasks.tasks_project_id_fkey"}, subjects(r)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	m := r.Findings[0].Message
	if !strings.Contains(m, "public.users and public.teams") || strings.Count(m, "definite blocker") != 2 {
		t.Errorf("message does not name both roots:\n%s", m)
	}
}

func TestSetNullNotNull(t *testing.T) {
	runLintCases(t, policy.LintSetNullNotNull, []lintCase{
		{name: "set null on not null, outside any root graph", want: []string{"error posts.posts_author_id_fkey"},
			policy: func() *policy.Policy { return only(policy.LintSetNullNotNull, "") },
			schema: func() *schemaBuilder { return newSchema().fk("posts", "author_id", "authors", setNull, notNull) }},
		{name: "set null on nullable",
			schema: func() *schemaBuilder { return newSchema().fk("posts", "author_id", "authors", setNull) }},
		{name: "set default on not null without default", want: []string{"error posts.posts_author_id_fkey"},
			schema: func() *schemaBuilder { return newSchema().fk("posts", "author_id", "authors", setDefault, notNull) }},
		{name: "set default on not null with a default",
			schema: func() *schemaBuilder {
				b := newSchema().fk("posts", "author_id", "authors", setDefault, notNull)
				b.table("posts").Column("author_id").Default = "0"
				return b
			}},
		{name: "column list names only the nullable column",
			schema: func() *schemaBuilder {
				return newSchema().column("posts", "tenant_id", "bigint", true).
					fk("posts", "tenant_id,author_id", "authors", setNull, onDeleteCols("author_id"))
			}},
		{name: "column list names the not null column", want: []string{"error posts.posts_tenant_id_author_id_fkey"},
			schema: func() *schemaBuilder {
				return newSchema().column("posts", "tenant_id", "bigint", true).
					fk("posts", "tenant_id,author_id", "authors", setNull, onDeleteCols("tenant_id"))
			}},
		{name: "cascade on not null",
			schema: func() *schemaBuilder { return newSchema().fk("posts", "author_id", "authors", cascade, notNull) }},
	})
}

func TestSetNullNotNullFix(t *testing.T) {
	s := newSchema().column("posts", "tenant_id", "bigint", true).
		fk("posts", "tenant_id,author_id", "authors", setNull, notNull, onDeleteCols("author_id")).snap()
	r := evaluate(t, s, only(policy.LintSetNullNotNull, ""))
	if len(r.Findings) != 1 {
		t.Fatalf("want one finding, got %v", subjects(r))
	}
	f := r.Findings[0]
	if f.Found != "ON DELETE SET NULL on NOT NULL column author_id" {
		t.Errorf("found = %q", f.Found)
	}
	wantFix := `-- keep the referencing rows with a NULL reference:
ALTER TABLE "public"."posts"
  ALTER COLUMN "author_id" DROP NOT NULL;
-- or delete them with the referenced row:
-- ALTER TABLE "public"."posts"
--   DROP CONSTRAINT "posts_tenant_id_author_id_fkey",
--   ADD CONSTRAINT "posts_tenant_id_author_id_fkey" FOREIGN KEY ("tenant_id", "author_id") REFERENCES "public"."authors" ("id", "kauthor_id") ON DELETE CASCADE NOT VALID;
-- ALTER TABLE "public"."posts" VALIDATE CONSTRAINT "posts_tenant_id_author_id_fkey";`
	if diff := cmp.Diff(wantFix, f.Fix); diff != "" {
		t.Errorf("fix (-want +got):\n%s", diff)
	}
}

func TestCascadingSelfReference(t *testing.T) {
	runLintCases(t, policy.LintCascadingSelfReference, []lintCase{
		{name: "cascade to itself", want: []string{"warning epics.epics_parent_id_fkey"},
			schema: func() *schemaBuilder { return newSchema().fk("epics", "parent_id", "epics", cascade) }},
		{name: "set null to itself",
			schema: func() *schemaBuilder { return newSchema().fk("epics", "parent_id", "epics", setNull) }},
		{name: "cascade to another table of the same name in another schema",
			schema: func() *schemaBuilder { return newSchema().fk("epics", "parent_id", "archive.epics", cascade) }},
		{name: "cascade to another table",
			schema: func() *schemaBuilder { return newSchema().fk("epics", "project_id", "projects", cascade) }},
	})
}

func TestUnindexedCascade(t *testing.T) {
	runLintCases(t, policy.LintUnindexedCascade, []lintCase{
		{name: "cascade without index", want: []string{"warning posts.posts_user_id_fkey"},
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", cascade) }},
		{name: "set null without index", want: []string{"warning posts.posts_user_id_fkey"},
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", setNull) }},
		{name: "set default without index", want: []string{"warning posts.posts_user_id_fkey"},
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", setDefault) }},
		{name: "cascade with index",
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", cascade, indexed) }},
		{name: "composite index in another order",
			schema: func() *schemaBuilder {
				return newSchema().fk("posts", "tenant_id,user_id", "users", cascade).index("posts", "p", "user_id", "tenant_id", "created_at")
			}},
		{name: "index not leading with the column", want: []string{"warning posts.posts_user_id_fkey"},
			schema: func() *schemaBuilder {
				return newSchema().fk("posts", "user_id", "users", cascade).index("posts", "p", "created_at", "user_id")
			}},
		{name: "no action without index is not this lint's",
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", noAction) }},
	})
}

func TestUnindexedCascadeFixUsesPostgresIndexName(t *testing.T) {
	b := newSchema().fk("posts", "user_id", "users", cascade)
	b.index("posts", "posts_user_id_idx", "created_at") // name taken: PostgreSQL picks _idx1
	r := evaluate(t, b.snap(), only(policy.LintUnindexedCascade, ""))
	want := `CREATE INDEX CONCURRENTLY "posts_user_id_idx1" ON "public"."posts" ("user_id");`
	if len(r.Findings) != 1 || r.Findings[0].Fix != want {
		t.Fatalf("want fix %s, got %+v", want, r.Findings)
	}
}

func TestNotValid(t *testing.T) {
	runLintCases(t, policy.LintNotValid, []lintCase{
		{name: "not valid", want: []string{"warning posts.posts_user_id_fkey"},
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", cascade, notValidated) }},
		{name: "validated",
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", cascade) }},
	})
}

func TestNonconventionalName(t *testing.T) {
	runLintCases(t, policy.LintNonconventionalName, []lintCase{
		{name: "hand-named", want: []string{"warning posts.fk_posts_user"},
			schema: func() *schemaBuilder {
				return newSchema().fk("posts", "user_id", "users", cascade, named("fk_posts_user"))
			}},
		{name: "numbered clash suffix", want: []string{"warning posts.posts_user_id_fkey1"},
			schema: func() *schemaBuilder {
				return newSchema().fk("posts", "user_id", "users", cascade, named("posts_user_id_fkey1"))
			}},
		{name: "conventional",
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", cascade) }},
	})
	s := newSchema().fk("Posts", "userId", "users", cascade, named("fk")).snap()
	r := evaluate(t, s, only(policy.LintNonconventionalName, ""))
	f := r.Findings[0]
	if want := `ALTER TABLE "public"."Posts" RENAME CONSTRAINT "fk" TO "Posts_userId_fkey";`; f.Fix != want {
		t.Errorf("fix %q, want %q", f.Fix, want)
	}
	if f.Expected != `name "Posts_userId_fkey"` {
		t.Errorf("expected %q", f.Expected)
	}
}

func TestOrphanOwnerColumn(t *testing.T) {
	runLintCases(t, policy.LintOrphanOwnerColumn, []lintCase{
		{name: "user_id without a foreign key", want: []string{"warning posts.user_id"},
			schema: func() *schemaBuilder { return newSchema("users").column("posts", "user_id", "bigint", false) }},
		{name: "suffix and camel case", want: []string{"warning comments.author_user_id", "warning notes.userId"},
			schema: func() *schemaBuilder {
				return newSchema("users").column("comments", "author_user_id", "integer", true).column("notes", "userId", "bigint", false)
			}},
		{name: "covered by a foreign key",
			schema: func() *schemaBuilder { return newSchema().fk("posts", "user_id", "users", cascade) }},
		{name: "covered by a composite foreign key to another table",
			schema: func() *schemaBuilder {
				return newSchema("users").fk("posts", "team_id,user_id", "memberships", cascade)
			}},
		{name: "text column beside an integer key",
			schema: func() *schemaBuilder { return newSchema("users").column("identities", "user_id", "text", false) }},
		{name: "the root itself",
			schema: func() *schemaBuilder { return newSchema().column("users", "invited_by_user_id", "bigint", false) }},
		{name: "partitions are checked through their parent", want: []string{"warning events.user_id"},
			schema: func() *schemaBuilder {
				b := newSchema("users").column("events", "user_id", "bigint", false).column("events_2024", "user_id", "bigint", false)
				b.table("events").Partitioned = true
				b.table("events_2024").PartitionOf = &catalog.TableName{Schema: "public", Name: "events"}
				return b
			}},
		{name: "a partitioned table whose partitions all have the key",
			schema: func() *schemaBuilder {
				b := newSchema().column("events", "user_id", "bigint", false).
					fk("events_2024", "user_id", "users", noAction).fk("events_2025", "user_id", "users", noAction)
				b.table("events").Partitioned = true
				for _, p := range []string{"events_2024", "events_2025"} {
					b.table(p).PartitionOf = &catalog.TableName{Schema: "public", Name: "events"}
				}
				return b
			}},
		{name: "a partitioned table with one partition lacking the key", want: []string{"warning events.user_id"},
			schema: func() *schemaBuilder {
				b := newSchema().column("events", "user_id", "bigint", false).column("events_2025", "user_id", "bigint", false).
					fk("events_2024", "user_id", "users", noAction)
				b.table("events").Partitioned = true
				for _, p := range []string{"events_2024", "events_2025"} {
					b.table(p).PartitionOf = &catalog.TableName{Schema: "public", Name: "events"}
				}
				return b
			}},
		{name: "configured columns replace the defaults", want: []string{"warning posts.owner_id"},
			policy: func() *policy.Policy {
				p := only(policy.LintOrphanOwnerColumn, "", "users")
				p.Lints[policy.LintOrphanOwnerColumn] = policy.LintConfig{Severity: policy.Warning, Columns: []string{"owner_id"}}
				return p
			},
			schema: func() *schemaBuilder {
				return newSchema("users").column("posts", "owner_id", "bigint", false).column("posts", "user_id", "bigint", false)
			}},
		{name: "no roots, nothing to own", policy: func() *policy.Policy { return only(policy.LintOrphanOwnerColumn, "") },
			schema: func() *schemaBuilder { return newSchema("users").column("posts", "user_id", "bigint", false) }},
		{name: "each column goes to the root it is named after", want: []string{"warning posts.account_id", "warning posts.user_id"},
			policy: func() *policy.Policy { return only(policy.LintOrphanOwnerColumn, "", "users", "accounts") },
			schema: func() *schemaBuilder {
				b := newSchema("users", "accounts").column("posts", "user_id", "bigint", false).column("posts", "account_id", "uuid", false)
				b.column("accounts", "id", "uuid", true)
				return b
			}},
	})
}

func TestOrphanOwnerColumnNamesPartitionsWithoutKey(t *testing.T) {
	b := newSchema().column("events", "user_id", "bigint", false).column("events_2025", "user_id", "bigint", false).
		fk("events_2024", "user_id", "users", noAction)
	b.table("events").Partitioned = true
	for _, p := range []string{"events_2024", "events_2025"} {
		b.table(p).PartitionOf = &catalog.TableName{Schema: "public", Name: "events"}
	}
	r := evaluate(t, b.snap(), only(policy.LintOrphanOwnerColumn, "", "users"))
	if len(r.Findings) != 1 || !strings.HasSuffix(r.Findings[0].Message, "Some partitions have one, but not public.events_2025.") {
		t.Errorf("findings %+v", r.Findings)
	}
}

func TestOrphanOwnerColumnFix(t *testing.T) {
	s := newSchema("users").column("posts", "user_id", "bigint", false).snap()
	r := evaluate(t, s, only(policy.LintOrphanOwnerColumn, "", "users"))
	f := r.Findings[0]
	want := `ALTER TABLE "public"."posts" ADD CONSTRAINT "posts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE NOT VALID;
-- rows whose owner is already gone make VALIDATE fail; find them with:
-- SELECT c.* FROM "public"."posts" c WHERE c."user_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "public"."users" p WHERE p."id" = c."user_id");
ALTER TABLE "public"."posts" VALIDATE CONSTRAINT "posts_user_id_fkey";
-- and index it, or every delete of a public.users row scans public.posts:
CREATE INDEX CONCURRENTLY "posts_user_id_idx" ON "public"."posts" ("user_id");`
	if diff := cmp.Diff(want, f.Fix); diff != "" {
		t.Errorf("fix (-want +got):\n%s", diff)
	}
	if f.Constraint != "" || f.Found != "no foreign key" || f.Source != nil {
		t.Errorf("unexpected finding %+v", f)
	}
}

func TestOverlappingFKs(t *testing.T) {
	runLintCases(t, policy.LintOverlappingFKs, []lintCase{
		{name: "same column, same table", want: []string{"warning posts.posts_author_fk"},
			schema: func() *schemaBuilder {
				return newSchema().fk("posts", "user_id", "users", cascade).fk("posts", "user_id", "users", noAction, named("posts_author_fk"))
			}},
		{name: "composite in another order", want: []string{"warning posts.z_fk"},
			schema: func() *schemaBuilder {
				return newSchema().fk("posts", "tenant_id,user_id", "users", cascade, named("a_fk")).
					fk("posts", "user_id,tenant_id", "users", cascade, named("z_fk"))
			}},
		{name: "three keys, two findings", want: []string{"warning posts.b_fk", "warning posts.c_fk"},
			schema: func() *schemaBuilder {
				return newSchema().fk("posts", "user_id", "users", cascade, named("a_fk")).
					fk("posts", "user_id", "users", cascade, named("b_fk")).fk("posts", "user_id", "users", cascade, named("c_fk"))
			}},
		{name: "same column to different tables",
			schema: func() *schemaBuilder {
				return newSchema().fk("posts", "user_id", "users", cascade).fk("posts", "user_id", "people", cascade, named("x"))
			}},
		{name: "overlapping but different column sets",
			schema: func() *schemaBuilder {
				return newSchema().fk("posts", "user_id", "users", cascade).fk("posts", "user_id,tenant_id", "users", cascade)
			}},
	})
	s := newSchema().fk("posts", "user_id", "users", cascade).fk("posts", "user_id", "users", noAction, named("posts_author_fk")).snap()
	f := evaluate(t, s, only(policy.LintOverlappingFKs, "")).Findings[0]
	if !strings.Contains(f.Message, "different actions") || !strings.Contains(f.Found, "posts_user_id_fkey (ON DELETE CASCADE), posts_author_fk (ON DELETE NO ACTION)") {
		t.Errorf("message does not say the actions differ: %s / %s", f.Found, f.Message)
	}
	s = newSchema().fk("posts", "user_id", "users", cascade).fk("posts", "user_id", "users", cascade, named("posts_author_fk")).snap()
	f = evaluate(t, s, only(policy.LintOverlappingFKs, "")).Findings[0]
	if !strings.Contains(f.Message, "same actions") || f.Fix != `ALTER TABLE "public"."posts" DROP CONSTRAINT "posts_author_fk";` {
		t.Errorf("identical keys: %s / %s", f.Message, f.Fix)
	}
}

func TestAnalyzersMatchRegistry(t *testing.T) {
	if len(analyzers) != len(policy.Lints) {
		t.Fatalf("%d analyzers, %d lints in policy.Lints", len(analyzers), len(policy.Lints))
	}
	for i, a := range analyzers {
		if a.Info() != policy.Lints[i] {
			t.Errorf("analyzer %d is %+v, registry says %+v", i, a.Info(), policy.Lints[i])
		}
	}
}
