package explain

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// handCase is one hand-written schema and root row. Every case is also
// checked against the real DELETE (compareWithNative); the expectations
// here pin what the case is about, so a case cannot silently degrade into
// "both found nothing".
type handCase struct {
	name string
	sql  string
	root Root
	// blockers lists the expected blockers as "table.constraint:key".
	blockers []string
	// deleted, nulled, defaulted count rows per table name (schema public).
	deleted, nulled, defaulted map[string]int
}

var handCases = []handCase{
	{
		name: "cascade chain with SET NULL on the side",
		sql: `
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE comments (id bigint PRIMARY KEY, post_id bigint NOT NULL REFERENCES posts ON DELETE CASCADE,
  editor_id bigint REFERENCES users ON DELETE SET NULL);
INSERT INTO users VALUES (1), (2);
INSERT INTO posts VALUES (10, 1), (11, 1), (12, 2);
INSERT INTO comments VALUES (100, 10, 2), (101, 11, NULL), (102, 12, 1), (103, 12, 2);`,
		root:    Root{Table: tn("users"), Key: map[string]string{"id": "1"}},
		deleted: map[string]int{"users": 1, "posts": 2, "comments": 2},
		nulled:  map[string]int{"comments": 1},
	},
	{
		name: "SET NULL with a column list keeps the tenant",
		sql: `
CREATE TABLE folders (tenant_id int, id int, PRIMARY KEY (tenant_id, id));
CREATE TABLE files (id int PRIMARY KEY, tenant_id int NOT NULL, folder_id int,
  FOREIGN KEY (tenant_id, folder_id) REFERENCES folders ON DELETE SET NULL (folder_id));
INSERT INTO folders VALUES (1, 1), (1, 2), (2, 1);
INSERT INTO files VALUES (1, 1, 1), (2, 1, 1), (3, 1, 2), (4, 2, 1);`,
		root:   Root{Table: tn("folders"), Key: map[string]string{"tenant_id": "1", "id": "1"}},
		nulled: map[string]int{"files": 2}, deleted: map[string]int{"folders": 1},
	},
	{
		name: "SET NULL into a NOT NULL column blocks",
		sql: `
CREATE TABLE folders (tenant_id int, id int, PRIMARY KEY (tenant_id, id));
CREATE TABLE files (id int PRIMARY KEY, tenant_id int NOT NULL, folder_id int,
  CONSTRAINT files_folder FOREIGN KEY (tenant_id, folder_id) REFERENCES folders ON DELETE SET NULL);
INSERT INTO folders VALUES (1, 1);
INSERT INTO files VALUES (1, 1, 1);`,
		root:     Root{Table: tn("folders"), Key: map[string]string{"tenant_id": "1", "id": "1"}},
		blockers: []string{"files.files_folder:1"},
	},
	{
		name: "SET DEFAULT to an existing row",
		sql: `
CREATE TABLE teams (id int PRIMARY KEY);
CREATE TABLE members (id int PRIMARY KEY, team_id int DEFAULT 0 REFERENCES teams ON DELETE SET DEFAULT);
INSERT INTO teams VALUES (0), (1), (2);
INSERT INTO members VALUES (1, 1), (2, 1), (3, 2);`,
		root:      Root{Table: tn("teams"), Key: map[string]string{"id": "1"}},
		deleted:   map[string]int{"teams": 1},
		defaulted: map[string]int{"members": 2},
	},
	{
		name: "SET DEFAULT to a missing row blocks",
		sql: `
CREATE TABLE teams (id int PRIMARY KEY);
CREATE TABLE members (id int PRIMARY KEY, team_id int DEFAULT 0 CONSTRAINT members_team REFERENCES teams ON DELETE SET DEFAULT);
INSERT INTO teams VALUES (1);
INSERT INTO members VALUES (1, 1);`,
		root:     Root{Table: tn("teams"), Key: map[string]string{"id": "1"}},
		blockers: []string{"members.members_team:1"},
	},
	{
		name: "SET DEFAULT to the deleted row itself blocks",
		sql: `
CREATE TABLE teams (id int PRIMARY KEY);
CREATE TABLE members (id int PRIMARY KEY, team_id int DEFAULT 1 CONSTRAINT members_team REFERENCES teams ON DELETE SET DEFAULT);
INSERT INTO teams VALUES (1);
INSERT INTO members VALUES (1, 1);`,
		root:     Root{Table: tn("teams"), Key: map[string]string{"id": "1"}},
		blockers: []string{"members.members_team:1"},
	},
	{
		name: "SET DEFAULT to a row the same DELETE removes later blocks",
		sql: `
CREATE TABLE orgs (id int PRIMARY KEY);
CREATE TABLE teams (id int PRIMARY KEY, org_id int NOT NULL REFERENCES orgs ON DELETE CASCADE);
CREATE TABLE members (id int PRIMARY KEY, org_id int REFERENCES orgs ON DELETE CASCADE,
  team_id int DEFAULT 0 CONSTRAINT members_team REFERENCES teams ON DELETE SET DEFAULT);
INSERT INTO orgs VALUES (1), (2);
INSERT INTO teams VALUES (0, 1), (5, 1);
INSERT INTO members VALUES (1, 2, 5);`,
		root:     Root{Table: tn("orgs"), Key: map[string]string{"id": "1"}},
		blockers: []string{"members.members_team:1"},
	},
	{
		name: "NO ACTION blocker names the row",
		sql: `
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE docs (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE);
CREATE TABLE shares (id bigint PRIMARY KEY, doc_id bigint CONSTRAINT shares_doc REFERENCES docs, owner_id bigint REFERENCES users ON DELETE CASCADE);
INSERT INTO users VALUES (1), (2);
INSERT INTO docs VALUES (10, 1), (11, 2);
INSERT INTO shares VALUES (100, 10, 1), (101, 10, 2), (102, 11, 1), (103, 10, 2);`,
		root:     Root{Table: tn("users"), Key: map[string]string{"id": "1"}},
		blockers: []string{"shares.shares_doc:101", "shares.shares_doc:103"},
	},
	{
		name: "RESTRICT blocks even a row deleted in the same round",
		sql: `
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE docs (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE);
CREATE TABLE pins (id bigint PRIMARY KEY, doc_id bigint CONSTRAINT pins_doc REFERENCES docs ON DELETE RESTRICT,
  user_id bigint REFERENCES users ON DELETE CASCADE);
INSERT INTO users VALUES (1);
INSERT INTO docs VALUES (10, 1);
INSERT INTO pins VALUES (100, 10, 1);`,
		// pins rows go in round 1 with docs; the RESTRICT check of docs
		// runs in round 2, after them: no blocker.
		root:    Root{Table: tn("users"), Key: map[string]string{"id": "1"}},
		deleted: map[string]int{"users": 1, "docs": 1, "pins": 1},
	},
	{
		name: "conditional blocker checked after the cascades",
		sql: `
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE docs (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE);
CREATE TABLE comments (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE,
  doc_id bigint CONSTRAINT comments_doc REFERENCES docs);
INSERT INTO users VALUES (1), (2);
INSERT INTO docs VALUES (10, 1);
INSERT INTO comments VALUES (100, 1, 10), (101, 2, 10);`,
		root:     Root{Table: tn("users"), Key: map[string]string{"id": "1"}},
		blockers: []string{"comments.comments_doc:101"},
	},
	{
		name: "conditional blocker checked before the cascades",
		sql: `
CREATE TABLE a (id int PRIMARY KEY);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a ON DELETE CASCADE);
CREATE TABLE c (id int PRIMARY KEY, b_id int REFERENCES b ON DELETE CASCADE);
CREATE TABLE d (id int PRIMARY KEY, c_id int REFERENCES c ON DELETE CASCADE, b_id int CONSTRAINT d_b REFERENCES b);
INSERT INTO a VALUES (1);
INSERT INTO b VALUES (1, 1);
INSERT INTO c VALUES (1, 1);
INSERT INTO d VALUES (1, 1, 1);`,
		root:     Root{Table: tn("a"), Key: map[string]string{"id": "1"}},
		blockers: []string{"d.d_b:1"},
	},
	{
		name: "deferred NO ACTION waits for the cascades",
		sql: `
CREATE TABLE a (id int PRIMARY KEY);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a ON DELETE CASCADE);
CREATE TABLE c (id int PRIMARY KEY, b_id int REFERENCES b ON DELETE CASCADE);
CREATE TABLE d (id int PRIMARY KEY, c_id int REFERENCES c ON DELETE CASCADE,
  b_id int CONSTRAINT d_b REFERENCES b DEFERRABLE INITIALLY DEFERRED);
INSERT INTO a VALUES (1), (2);
INSERT INTO b VALUES (1, 1), (2, 2);
INSERT INTO c VALUES (1, 1), (2, 2);
INSERT INTO d VALUES (1, 1, 1), (2, 2, 1);`,
		root:     Root{Table: tn("a"), Key: map[string]string{"id": "1"}},
		blockers: []string{"d.d_b:2"},
	},
	{
		name: "same round: the check fires first",
		sql: `
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p ON DELETE CASCADE);
CREATE TABLE g (id int PRIMARY KEY, a int CONSTRAINT g_a REFERENCES c, b int REFERENCES c ON DELETE CASCADE);
INSERT INTO p VALUES (1);
INSERT INTO c VALUES (1, 1), (2, 1);
INSERT INTO g VALUES (1, 1, 2);`,
		root:     Root{Table: tn("p"), Key: map[string]string{"id": "1"}},
		blockers: []string{"g.g_a:1"},
	},
	{
		name: "same round: the cascade fires first",
		sql: `
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p ON DELETE CASCADE);
CREATE TABLE g (id int PRIMARY KEY, a int CONSTRAINT g_a REFERENCES c, b int REFERENCES c ON DELETE CASCADE);
INSERT INTO p VALUES (1);
INSERT INTO c VALUES (2, 1), (1, 1);
INSERT INTO g VALUES (1, 1, 2);`,
		root:    Root{Table: tn("p"), Key: map[string]string{"id": "1"}},
		deleted: map[string]int{"p": 1, "c": 2, "g": 1},
	},
	{
		name: "same row: trigger order decides",
		sql: `
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p ON DELETE CASCADE);
CREATE TABLE g (id int PRIMARY KEY, b int REFERENCES c ON DELETE CASCADE);
ALTER TABLE g ADD COLUMN a int CONSTRAINT g_a REFERENCES c;
INSERT INTO p VALUES (1);
INSERT INTO c VALUES (1, 1);
INSERT INTO g VALUES (1, 1, 1);`,
		root:    Root{Table: tn("p"), Key: map[string]string{"id": "1"}},
		deleted: map[string]int{"p": 1, "c": 1, "g": 1},
	},
	{
		name: "a second SET NULL of a row re-checks its other foreign keys",
		sql: `
CREATE TABLE r (id int PRIMARY KEY);
CREATE TABLE x (id int PRIMARY KEY, a int REFERENCES r ON DELETE SET NULL, b int REFERENCES r ON DELETE SET NULL, q int);
CREATE TABLE q (id int PRIMARY KEY, r_id int REFERENCES r ON DELETE CASCADE);
ALTER TABLE x ADD CONSTRAINT x_q FOREIGN KEY (q) REFERENCES q ON DELETE CASCADE;
INSERT INTO r VALUES (1);
INSERT INTO q VALUES (1, 1);
INSERT INTO x VALUES (1, 1, 1, 1);`,
		// Round 1 nulls x.a, then x.b (the second update queues a check of
		// x_q), then deletes q 1; round 2 runs that check before q 1's
		// cascade reaches x 1.
		root:     Root{Table: tn("r"), Key: map[string]string{"id": "1"}},
		blockers: []string{"x.x_q:1"},
	},
	{
		name: "a second SET NULL after the cascade is queued",
		sql: `
CREATE TABLE r (id int PRIMARY KEY);
CREATE TABLE q (id int PRIMARY KEY, r_id int REFERENCES r ON DELETE CASCADE);
CREATE TABLE x (id int PRIMARY KEY, a int REFERENCES r ON DELETE SET NULL, b int REFERENCES r ON DELETE SET NULL,
  q int CONSTRAINT x_q REFERENCES q ON DELETE CASCADE);
INSERT INTO r VALUES (1);
INSERT INTO q VALUES (1, 1);
INSERT INTO x VALUES (1, 1, 1, 1), (2, 1, 1, NULL);`,
		root:    Root{Table: tn("r"), Key: map[string]string{"id": "1"}},
		deleted: map[string]int{"r": 1, "q": 1, "x": 1},
		nulled:  map[string]int{"x": 1},
	},
	{
		name: "the re-check of an INITIALLY DEFERRED key waits for COMMIT",
		sql: `
CREATE TABLE r (id int PRIMARY KEY);
CREATE TABLE x (id int PRIMARY KEY, a int REFERENCES r ON DELETE SET NULL, b int REFERENCES r ON DELETE SET NULL, q int);
CREATE TABLE q (id int PRIMARY KEY, r_id int REFERENCES r ON DELETE CASCADE);
ALTER TABLE x ADD CONSTRAINT x_q FOREIGN KEY (q) REFERENCES q ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
INSERT INTO r VALUES (1);
INSERT INTO q VALUES (1, 1);
INSERT INTO x VALUES (1, 1, 1, 1);`,
		// As above, but the check of x_q runs at COMMIT, after q 1's
		// cascade deleted x 1.
		root:    Root{Table: tn("r"), Key: map[string]string{"id": "1"}},
		deleted: map[string]int{"r": 1, "q": 1, "x": 1},
	},
	{
		name: "three-table cycle of cascades",
		sql: `
CREATE TABLE a (id int PRIMARY KEY, c_id int);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a ON DELETE CASCADE);
CREATE TABLE c (id int PRIMARY KEY, b_id int REFERENCES b ON DELETE CASCADE);
ALTER TABLE a ADD FOREIGN KEY (c_id) REFERENCES c ON DELETE CASCADE;
INSERT INTO a SELECT g, NULL FROM generate_series(1, 30) g;
INSERT INTO b SELECT g, g FROM generate_series(1, 30) g;
INSERT INTO c SELECT g, g FROM generate_series(1, 30) g;
UPDATE a SET c_id = id - 1 WHERE id > 1 AND id <= 20;`,
		// a1 → b1 → c1 → a2 → ... → a20 → b20 → c20.
		root:    Root{Table: tn("a"), Key: map[string]string{"id": "1"}},
		deleted: map[string]int{"a": 20, "b": 20, "c": 20},
	},
	{
		name: "composite keys through a cascade and a blocker",
		sql: `
CREATE TABLE tenants (id int PRIMARY KEY);
CREATE TABLE projects (tenant_id int REFERENCES tenants ON DELETE CASCADE, id int, PRIMARY KEY (tenant_id, id));
CREATE TABLE tasks (tenant_id int, id int, project_id int, PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects ON DELETE CASCADE);
CREATE TABLE links (id int PRIMARY KEY, tenant_id int, task_id int,
  CONSTRAINT links_task FOREIGN KEY (tenant_id, task_id) REFERENCES tasks);
INSERT INTO tenants VALUES (1), (2);
INSERT INTO projects VALUES (1, 1), (1, 2), (2, 1);
INSERT INTO tasks VALUES (1, 1, 1), (1, 2, 2), (2, 1, 1), (2, 2, 1);
INSERT INTO links VALUES (1, 2, 2), (2, 1, 2), (3, NULL, 2);`,
		root:     Root{Table: tn("tenants"), Key: map[string]string{"id": "1"}},
		blockers: []string{"links.links_task:2"},
	},
	{
		name: "weird identifiers",
		sql: `
CREATE SCHEMA "My Schema";
CREATE TABLE "My Schema"."Order" ("select" text PRIMARY KEY);
CREATE TABLE "My Schema"."line ""items""" (id int PRIMARY KEY, "Order Ref" text REFERENCES "My Schema"."Order" ON DELETE CASCADE);
CREATE TABLE "naïve" ("ID" int PRIMARY KEY, "from" int REFERENCES "My Schema"."line ""items""" ON DELETE SET NULL);
INSERT INTO "My Schema"."Order" VALUES ('a''b'), ('c');
INSERT INTO "My Schema"."line ""items""" VALUES (1, 'a''b'), (2, 'a''b'), (3, 'c');
INSERT INTO "naïve" VALUES (1, 1), (2, 3);`,
		root:    Root{Table: tnq("My Schema", "Order"), Where: `"select" = 'a''b'`},
		deleted: map[string]int{`"My Schema"."Order"`: 1, `"My Schema"."line ""items"""`: 2},
		nulled:  map[string]int{`"naïve"`: 1},
	},
	{
		name: "tables without a primary key",
		sql: `
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE events (user_id int REFERENCES users ON DELETE CASCADE, note text);
CREATE TABLE logs (user_id int REFERENCES users, note text);
INSERT INTO users VALUES (1), (2);
INSERT INTO events VALUES (1, 'a'), (1, 'b'), (2, 'c');
INSERT INTO logs VALUES (2, 'x');`,
		root:    Root{Table: tn("users"), Key: map[string]string{"id": "1"}},
		deleted: map[string]int{"users": 1, "events": 2},
	},
	{
		name: "root table without a primary key, by WHERE",
		sql: `
CREATE TABLE users (id int UNIQUE, name text);
CREATE TABLE events (user_id int CONSTRAINT events_user REFERENCES users (id), note text);
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO events VALUES (1, 'a'), (2, 'c');`,
		root:     Root{Table: tn("users"), Where: "name = 'ann'"},
		blockers: []string{"events.events_user:(0,1)"},
	},
	{
		name: "self-reference with a row cycle and NO ACTION buddies",
		sql: `
CREATE TABLE nodes (id int PRIMARY KEY, parent_id int REFERENCES nodes ON DELETE CASCADE,
  buddy_id int CONSTRAINT nodes_buddy REFERENCES nodes);
INSERT INTO nodes VALUES (1, NULL, NULL), (2, 1, NULL), (3, 2, NULL), (4, 3, 2), (5, NULL, 5), (6, 3, 3);
UPDATE nodes SET parent_id = 4 WHERE id = 1;`,
		// 2 → 3 → {4, 6}, 4 → 1 → 2: one cycle. Row 2's buddy check runs
		// in round 1, before the cascade reaches 4 (round 2); row 3's runs
		// in round 2 after its own cascade trigger (created first) removed
		// 6.
		root:     Root{Table: tn("nodes"), Key: map[string]string{"id": "2"}},
		blockers: []string{"nodes.nodes_buddy:4"},
	},
	{
		name: "SET NULL through overlapping columns clears a deferred reference",
		sql: `
CREATE TABLE r (id int PRIMARY KEY);
CREATE TABLE b (id int PRIMARY KEY, r_id int REFERENCES r ON DELETE CASCADE);
CREATE TABLE c (x int, y int, r_id int REFERENCES r ON DELETE CASCADE, PRIMARY KEY (x, y));
CREATE TABLE t (id int PRIMARY KEY, x int, y int,
  CONSTRAINT t_b FOREIGN KEY (x) REFERENCES b DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT t_c FOREIGN KEY (x, y) REFERENCES c ON DELETE SET NULL);
INSERT INTO r VALUES (1);
INSERT INTO b VALUES (1, 1), (2, NULL);
INSERT INTO c VALUES (1, 1, 1), (2, 1, NULL);
INSERT INTO t VALUES (1, 1, 1), (2, 2, 1);`,
		// t 1 references b 1 (deleted) until SET NULL of t_c clears x.
		root:    Root{Table: tn("r"), Key: map[string]string{"id": "1"}},
		deleted: map[string]int{"r": 1, "b": 1, "c": 1},
		nulled:  map[string]int{"t": 1},
	},
	{
		name: "partitioned referenced table",
		sql: `
CREATE TABLE orgs (id int PRIMARY KEY) PARTITION BY HASH (id);
CREATE TABLE orgs_0 PARTITION OF orgs FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE orgs_1 PARTITION OF orgs FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE members (id int PRIMARY KEY, org_id int REFERENCES orgs ON DELETE CASCADE,
  invited_by int REFERENCES members ON DELETE SET NULL);
CREATE TABLE notes (id int PRIMARY KEY, org_id int CONSTRAINT notes_org REFERENCES orgs);
INSERT INTO orgs SELECT g FROM generate_series(1, 4) g;
INSERT INTO members SELECT g, 1 + g % 4, NULLIF(g - 1, 0) FROM generate_series(1, 20) g;
INSERT INTO notes VALUES (1, 2);`,
		root:    Root{Table: tn("orgs"), Key: map[string]string{"id": "1"}},
		deleted: map[string]int{"orgs": 1, "members": 5},
		nulled:  map[string]int{"members": 4},
	},
	{
		name: "inheritance: foreign keys reach only the parent's own rows",
		sql: `
CREATE TABLE items (id int PRIMARY KEY, owner int);
CREATE TABLE special_items (extra text) INHERITS (items);
CREATE TABLE tags (id int PRIMARY KEY, item_id int REFERENCES items ON DELETE CASCADE);
INSERT INTO items VALUES (1, 1), (2, 1);
INSERT INTO special_items VALUES (1, 1, 'x');
INSERT INTO tags VALUES (1, 1), (2, 2);`,
		root:    Root{Table: tn("items"), Where: "id = 2"},
		deleted: map[string]int{"items": 1, "tags": 1},
	},
	{
		name: "keys equal in PostgreSQL but printed differently",
		sql: `
CREATE TABLE prices (amount numeric PRIMARY KEY);
CREATE TABLE offers (id int PRIMARY KEY, amount numeric REFERENCES prices ON DELETE CASCADE);
CREATE TABLE quotes (id int PRIMARY KEY, amount numeric CONSTRAINT quotes_amount REFERENCES prices);
INSERT INTO prices VALUES (1.00), (2);
INSERT INTO offers VALUES (1, 1.0), (2, 1), (3, 2.000);
INSERT INTO quotes VALUES (1, 1.000);`,
		root:     Root{Table: tn("prices"), Where: "amount = 1"},
		blockers: []string{"quotes.quotes_amount:1"},
	},
	{
		name: "partitioned child",
		sql: `
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE events (id int, user_id int REFERENCES users ON DELETE CASCADE, PRIMARY KEY (id, user_id)) PARTITION BY HASH (user_id);
CREATE TABLE events_0 PARTITION OF events FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE events_1 PARTITION OF events FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO users VALUES (1), (2), (3);
INSERT INTO events SELECT g, 1 + g % 3 FROM generate_series(1, 30) g;`,
		root:    Root{Table: tn("users"), Key: map[string]string{"id": "1"}},
		deleted: map[string]int{"users": 1, "events": 10},
	},
}

func TestHandCases(t *testing.T) {
	for _, tc := range handCases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.sql)
			r, err := f.explain(t, tc.root)
			if err != nil {
				t.Fatal(err)
			}
			compareWithNative(t, r, f.native(t, tc.root))
			// One key per query must give the same answer as one batch.
			one, err := Explain(context.Background(), f.conn, f.snap, mustGraph(t, f, tc.root), tc.root, Options{BatchSize: 1})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(r.Tables, one.Tables); d != "" {
				t.Errorf("BatchSize 1 changes the rows (-default +one):\n%s", d)
			}
			if d := cmp.Diff(r.Blockers, one.Blockers); d != "" {
				t.Errorf("BatchSize 1 changes the blockers (-default +one):\n%s", d)
			}
			var got []string
			for _, b := range r.Blockers {
				got = append(got, b.Table.Name+"."+b.Constraint+":"+strings.Join(b.Key, ","))
				if b.Reason == "" {
					t.Errorf("blocker %v has no reason", b)
				}
			}
			if !slices.Equal(got, tc.blockers) {
				t.Errorf("blockers = %q, want %q", got, tc.blockers)
			}
			checkCounts(t, r, "deleted", tc.deleted, func(tr TableRows) int { return len(tr.Deleted) })
			checkCounts(t, r, "nulled", tc.nulled, func(tr TableRows) int { return len(tr.Nulled) })
			checkCounts(t, r, "defaulted", tc.defaulted, func(tr TableRows) int { return len(tr.Defaulted) })
		})
	}
}

// checkCounts compares per-table counts when the case gives them.
func checkCounts(t *testing.T, r *Result, what string, want map[string]int, n func(TableRows) int) {
	t.Helper()
	if want == nil {
		return
	}
	got := map[string]int{}
	for _, tr := range r.Tables {
		name := tr.Table.String()
		if tr.Table.Schema == "public" {
			name = strings.TrimPrefix(name, "public.")
		}
		if c := n(tr); c > 0 {
			got[name] = c
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s %s = %d, want %d (all: %v)", what, k, got[k], v, got)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s %s = %d, want none", what, k, v)
		}
	}
}

func TestRootSelectionErrors(t *testing.T) {
	f := newFixture(t, `
CREATE TABLE users (id int PRIMARY KEY, name text);
CREATE TABLE bare (x int);
INSERT INTO users VALUES (1, 'ann'), (2, 'bob'), (3, 'bob');`)
	cases := []struct {
		name string
		root Root
		want error
	}{
		{"where matches none", Root{Table: tn("users"), Where: "name = 'cy'"}, ErrNoRootRow},
		{"where matches two", Root{Table: tn("users"), Where: "name = 'bob'"}, ErrManyRootRows},
		{"key matches none", Root{Table: tn("users"), Key: map[string]string{"id": "9"}}, ErrNoRootRow},
		{"key not of the type", Root{Table: tn("users"), Key: map[string]string{"id": "x"}}, ErrBadRoot},
		{"key misses a column", Root{Table: tn("users"), Key: map[string]string{"name": "ann"}}, ErrBadRoot},
		{"key and where", Root{Table: tn("users"), Key: map[string]string{"id": "1"}, Where: "true"}, ErrBadRoot},
		{"neither", Root{Table: tn("users")}, ErrBadRoot},
		{"bad where", Root{Table: tn("users"), Where: "nosuch = 1"}, ErrBadRoot},
		{"key without primary key", Root{Table: tn("bare"), Key: map[string]string{"x": "1"}}, ErrBadRoot},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.explain(t, tc.root)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var re *RootError
			if !errors.As(err, &re) || re.Table != tc.root.Table {
				t.Fatalf("err = %#v, want a *RootError naming %s", err, tc.root.Table)
			}
			if !strings.Contains(err.Error(), tc.root.Table.Name) {
				t.Errorf("message %q does not name the table", err)
			}
		})
	}
}

func TestCost(t *testing.T) {
	f := newFixture(t, `
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE INDEX ON posts (user_id);
CREATE TABLE likes (id int PRIMARY KEY, post_id int REFERENCES posts ON DELETE CASCADE,
  user_id int REFERENCES users ON DELETE SET NULL);
CREATE INDEX ON likes (user_id);
CREATE TABLE audit (id int PRIMARY KEY, post_id int REFERENCES posts ON DELETE SET NULL);
INSERT INTO users VALUES (1), (2);
INSERT INTO posts VALUES (1, 1), (2, 1), (3, 2);
INSERT INTO likes VALUES (1, 1, 2), (2, 3, 1), (3, 3, 2);
INSERT INTO audit VALUES (1, 2), (2, 3);`)
	root := Root{Table: tn("users"), Key: map[string]string{"id": "1"}}
	r, err := f.explain(t, root)
	if err != nil {
		t.Fatal(err)
	}
	compareWithNative(t, r, f.native(t, root))
	// Deleted: user 1, posts 1 and 2, like 1; nulled: like 2, audit 1.
	if r.Cost.RowsTouched != 6 {
		t.Errorf("RowsTouched = %d, want 6", r.Cost.RowsTouched)
	}
	// users has 2 foreign keys into it, posts 2, likes none: 1*2 + 2*2.
	if r.Cost.Lookups != 6 {
		t.Errorf("Lookups = %d, want 6", r.Cost.Lookups)
	}
	if got := r.Cost.UnindexedTables; len(got) != 2 || got[0] != tn("audit") || got[1] != tn("likes") {
		t.Errorf("UnindexedTables = %v, want [audit likes] (likes.post_id has no index)", got)
	}
	if r.Cost.Queries < 3 {
		t.Errorf("Queries = %d", r.Cost.Queries)
	}
	g := mustGraph(t, f, root)
	_, err = Explain(context.Background(), f.conn, f.snap, g, root, Options{MaxRows: 3})
	if !errors.Is(err, ErrTooManyRows) {
		t.Errorf("MaxRows 3: err = %v, want ErrTooManyRows", err)
	}
}
