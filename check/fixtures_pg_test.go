package check

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ondelete/ondelete/policy"
)

// pgCase is a schema, created on a real PostgreSQL and read back with
// catalog.Inspect, on which one lint must fire (want) or stay silent.
type pgCase struct {
	name  string
	lint  string
	roots []string
	ddl   string
	want  []string
}

var pgCases = []pgCase{
	{name: "blocked two hops away", lint: policy.LintBlockedRootDelete, roots: []string{"users"},
		ddl: `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE audit_log (id bigint PRIMARY KEY, session_id bigint NOT NULL REFERENCES sessions);`,
		want: []string{"error audit_log.audit_log_session_id_fkey"}},
	{name: "blocked conditionally", lint: policy.LintBlockedRootDelete, roots: []string{"users"},
		ddl: `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE documents (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE);
CREATE TABLE comments (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE,
  document_id bigint REFERENCES documents ON DELETE RESTRICT);`,
		want: []string{"warning comments.comments_document_id_fkey"}},
	{name: "not blocked", lint: policy.LintBlockedRootDelete, roots: []string{"users"},
		ddl: `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE);
CREATE TABLE audit_log (id bigint PRIMARY KEY, session_id bigint REFERENCES sessions ON DELETE SET NULL);
CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers);`},

	{name: "set null on not null", lint: policy.LintSetNullNotNull,
		ddl: `CREATE TABLE authors (id int PRIMARY KEY);
CREATE TABLE books (id int PRIMARY KEY, author_id int NOT NULL REFERENCES authors ON DELETE SET NULL);
CREATE TABLE reviews (id int PRIMARY KEY, author_id int NOT NULL REFERENCES authors ON DELETE SET DEFAULT);`,
		want: []string{"error books.books_author_id_fkey", "error reviews.reviews_author_id_fkey"}},
	{name: "set null column list on the nullable column", lint: policy.LintSetNullNotNull,
		ddl: `CREATE TABLE authors (tenant_id int NOT NULL, id int NOT NULL UNIQUE, PRIMARY KEY (tenant_id, id));
CREATE TABLE books (id int PRIMARY KEY, tenant_id int NOT NULL, author_id int,
  FOREIGN KEY (tenant_id, author_id) REFERENCES authors ON DELETE SET NULL (author_id));
CREATE TABLE reviews (id int PRIMARY KEY, author_id int NOT NULL DEFAULT 0 REFERENCES authors (id) ON DELETE SET DEFAULT);
CREATE TABLE notes (id int PRIMARY KEY, author_id int REFERENCES authors (id) ON DELETE SET NULL);`},

	{name: "cascading tree", lint: policy.LintCascadingSelfReference,
		ddl:  `CREATE TABLE epics (id int PRIMARY KEY, parent_id int REFERENCES epics ON DELETE CASCADE);`,
		want: []string{"warning epics.epics_parent_id_fkey"}},
	{name: "tree keeping its children", lint: policy.LintCascadingSelfReference,
		ddl: `CREATE TABLE epics (id int PRIMARY KEY, parent_id int REFERENCES epics ON DELETE SET NULL);
CREATE TABLE tasks (id int PRIMARY KEY, epic_id int REFERENCES epics ON DELETE CASCADE);`},

	{name: "unindexed cascades", lint: policy.LintUnindexedCascade,
		ddl: `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE, created_at timestamptz);
CREATE INDEX posts_created_user ON posts (created_at, user_id);
CREATE TABLE likes (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE SET NULL);
CREATE INDEX likes_user_partial ON likes (user_id) WHERE user_id IS NOT NULL;
CREATE TABLE "Odd Table" ("userId" bigint REFERENCES users ON DELETE CASCADE);`,
		want: []string{`warning Odd Table.Odd Table_userId_fkey`, "warning likes.likes_user_id_fkey", "warning posts.posts_user_id_fkey"}},
	{name: "indexed cascades", lint: policy.LintUnindexedCascade,
		ddl: `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE, created_at timestamptz);
CREATE INDEX ON posts (user_id, created_at);
CREATE TABLE memberships (team_id bigint, user_id bigint REFERENCES users ON DELETE CASCADE, PRIMARY KEY (user_id, team_id));
CREATE TABLE blocks (id bigint PRIMARY KEY, user_id bigint REFERENCES users);`},

	{name: "left not valid", lint: policy.LintNotValid,
		ddl: `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint);
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users NOT VALID;`,
		want: []string{"warning posts.posts_user_id_fkey"}},
	{name: "validated", lint: policy.LintNotValid,
		ddl: `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint);
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users NOT VALID;
ALTER TABLE posts VALIDATE CONSTRAINT posts_user_id_fkey;`},

	{name: "hand-named", lint: policy.LintNonconventionalName,
		ddl: `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint CONSTRAINT fk_posts_users REFERENCES users);
CREATE TABLE "Post Items" ("userId" bigint CONSTRAINT "Fk" REFERENCES users);`,
		want: []string{"warning Post Items.Fk", "warning posts.fk_posts_users"}},
	{name: "named by PostgreSQL", lint: policy.LintNonconventionalName,
		ddl: `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users);
CREATE TABLE "Post Items" ("userId" bigint REFERENCES users);
CREATE TABLE a_table_name_long_enough_to_be_truncated_by_postgres_itself (a_column_name_long_enough_to_be_truncated_as_well bigint REFERENCES users);`},

	{name: "owner columns without a key", lint: policy.LintOrphanOwnerColumn, roots: []string{"users"},
		ddl: `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint);
CREATE TABLE notes (id bigint PRIMARY KEY, "authorUserId" integer NOT NULL);
CREATE TABLE events (user_id bigint, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');`,
		want: []string{"warning events.user_id", "warning notes.authorUserId", "warning posts.user_id"}},
	{name: "owner columns with keys or of another type", lint: policy.LintOrphanOwnerColumn, roots: []string{"users"},
		ddl: `CREATE TABLE users (id bigint PRIMARY KEY, invited_by_user_id bigint);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users);
CREATE TABLE identities (id bigint PRIMARY KEY, user_id text);
CREATE TABLE memberships (team_id bigint, user_id bigint, UNIQUE (team_id, user_id));
CREATE TABLE roles (team_id bigint, user_id bigint, FOREIGN KEY (team_id, user_id) REFERENCES memberships (team_id, user_id));
CREATE TABLE events (user_id bigint, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE events_2024 ADD FOREIGN KEY (user_id) REFERENCES users;`,
		want: []string{"warning memberships.user_id"}},

	{name: "overlapping keys", lint: policy.LintOverlappingFKs,
		ddl: `CREATE TABLE users (id bigint PRIMARY KEY, tenant_id bigint, UNIQUE (tenant_id, id));
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE, tenant_id bigint);
ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (user_id) REFERENCES users;
ALTER TABLE posts ADD CONSTRAINT posts_tenant_user_a FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id);
ALTER TABLE posts ADD CONSTRAINT posts_tenant_user_b FOREIGN KEY (user_id, tenant_id) REFERENCES users (id, tenant_id);`,
		want: []string{"warning posts.posts_author_fk", "warning posts.posts_tenant_user_b"}},
	{name: "distinct keys", lint: policy.LintOverlappingFKs,
		ddl: `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE people (id bigint PRIMARY KEY);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users, editor_id bigint REFERENCES users);
ALTER TABLE posts ADD CONSTRAINT posts_user_person FOREIGN KEY (user_id) REFERENCES people;`},
}

// TestLintsOnPostgres creates each case's schema, checks what the lint
// reports, then applies every finding's fix as written and checks that the
// finding is gone: the fixes are real, runnable SQL.
func TestLintsOnPostgres(t *testing.T) {
	for _, c := range pgCases {
		t.Run(c.lint+"/"+c.name, func(t *testing.T) {
			conn := connect(t)
			execScript(t, conn, "fixture.sql", c.ddl)
			p := only(c.lint, "", c.roots...)
			r := evaluate(t, inspect(t, conn), p)
			want := c.want
			if want == nil {
				want = []string{}
			}
			if diff := cmp.Diff(want, subjects(r)); diff != "" {
				t.Fatalf("findings (-want +got):\n%s", diff)
			}
			for _, f := range r.Findings {
				execScript(t, conn, "fix.sql", f.Fix)
			}
			after := evaluate(t, inspect(t, conn), p)
			if len(after.Findings) != 0 {
				t.Errorf("after the fixes: %v", subjects(after))
			}
		})
	}
}
