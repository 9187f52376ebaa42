package purge

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ondelete/ondelete/catalog"
)

// blogSchema is a small application: users own posts, posts have
// comments, likes point at posts with SET NULL, and a second user's rows
// must survive. Batches of 2 rows make every table take several batches.
const blogSchema = `
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE, title text);
CREATE INDEX ON posts (user_id);
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL REFERENCES posts ON DELETE CASCADE,
  author_id int REFERENCES users ON DELETE SET NULL, body text);
CREATE TABLE likes (id bigint PRIMARY KEY, post_id int REFERENCES posts ON DELETE SET NULL, user_id int NOT NULL REFERENCES users ON DELETE CASCADE);
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO posts SELECT g, 1 + (g % 2), 'post ' || g FROM generate_series(1, 9) g;
INSERT INTO comments SELECT g, 1 + g % 9, CASE WHEN g % 3 = 0 THEN NULL ELSE 1 + g % 2 END, 'c' || g FROM generate_series(1, 30) g;
INSERT INTO likes SELECT g, 1 + g % 9, 1 + (g / 3) % 2 FROM generate_series(1, 20) g;
`

func TestChain(t *testing.T) {
	d := newTestDB(t, blogSchema)
	var batches []BatchStats
	sum := purgeMatchesNative(t, d, rootKey("users", "2"), Options{Batch: 2, ArchivePath: archivePath(t), OnBatch: func(b BatchStats) { batches = append(batches, b) }})
	if sum.Expanded == 0 {
		t.Errorf("no row was expanded, yet the graph is far bigger than a batch")
	}
	if len(batches) < 10 || sum.Batches != len(batches) {
		t.Errorf("%d batches reported, summary says %d; want many batches of 2", len(batches), sum.Batches)
	}
	for i, b := range batches {
		if b.Rows > 2 && !b.Closed {
			t.Errorf("batch %d changed %d rows, more than the batch size", i+1, b.Rows)
		}
		if b.Seq != i+1 {
			t.Errorf("batch %d has Seq %d", i+1, b.Seq)
		}
	}
	if last := batches[len(batches)-1]; last.Table != tbl("users") || last.Rows != 1 || last.Done != sum.Deleted+sum.Nulled+sum.Defaulted {
		t.Errorf("last batch %+v: want the root row alone, with Done the total", last)
	}
	// A second run finds nothing to do.
	_, err := Run(context.Background(), d.conn, d.snapshot(), rootKey("users", "2"), Options{})
	if !errors.Is(err, ErrRootNotFound) {
		t.Errorf("re-run after completion: %v, want ErrRootNotFound", err)
	}
}

func TestSmallGraphIsOneBatch(t *testing.T) {
	d := newTestDB(t, blogSchema)
	var batches []BatchStats
	purgeMatchesNative(t, d, rootKey("users", "1"), Options{ArchivePath: archivePath(t), OnBatch: func(b BatchStats) { batches = append(batches, b) }})
	if len(batches) != 1 || batches[0].Closed || batches[0].Table != tbl("users") || batches[0].Rows < 10 {
		t.Errorf("batches %+v, want one limited batch deleting the root row and its graph", batches)
	}
}

func TestSetNullAndDefault(t *testing.T) {
	d := newTestDB(t, `
CREATE TABLE owners (id int PRIMARY KEY);
CREATE TABLE teams (id int PRIMARY KEY, tenant int NOT NULL, owner_id int NOT NULL REFERENCES owners ON DELETE CASCADE, UNIQUE (tenant, id));
CREATE TABLE members (id int PRIMARY KEY,
  team_id int REFERENCES teams ON DELETE SET NULL,
  fallback_team int DEFAULT 100 REFERENCES teams ON DELETE SET DEFAULT,
  tenant int NOT NULL DEFAULT 0,
  lead_team int,
  FOREIGN KEY (tenant, lead_team) REFERENCES teams (tenant, id) ON DELETE SET NULL (lead_team));
INSERT INTO owners VALUES (1), (2);
INSERT INTO teams SELECT g, g % 3, 1 FROM generate_series(1, 12) g;
INSERT INTO teams VALUES (100, 1, 2);
INSERT INTO members SELECT g, CASE WHEN g % 4 = 0 THEN NULL ELSE 1 + g % 12 END, 1 + (g * 7) % 12, (1 + g % 12) % 3, 1 + g % 12
  FROM generate_series(1, 40) g;
INSERT INTO members VALUES (41, 100, 100, 1, 100), (42, NULL, NULL, 0, NULL);
`)
	sum := purgeMatchesNative(t, d, rootKey("owners", "1"), Options{Batch: 5, ArchivePath: archivePath(t)})
	if sum.Nulled == 0 || sum.Defaulted != 0 && sum.Nulled == 0 {
		t.Errorf("summary %+v: want nulled rows", sum)
	}
}

func TestSelfReferenceTree(t *testing.T) {
	d := newTestDB(t, `
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE folders (id int PRIMARY KEY, owner_id int NOT NULL REFERENCES users ON DELETE CASCADE,
  parent_id int REFERENCES folders ON DELETE CASCADE, name text);
CREATE INDEX ON folders (parent_id);
CREATE TABLE files (id int PRIMARY KEY, folder_id int NOT NULL REFERENCES folders ON DELETE CASCADE, last_editor int REFERENCES users ON DELETE SET NULL);
INSERT INTO users VALUES (1), (2);
INSERT INTO folders VALUES (1, 1, NULL, 'root'), (2, 2, NULL, 'other root');
INSERT INTO folders SELECT g, CASE WHEN g % 5 = 0 THEN 2 ELSE 1 END, g / 2, 'f' || g FROM generate_series(3, 60) g;
INSERT INTO folders SELECT g, 2, CASE WHEN g = 100 THEN 1 ELSE g - 1 END, 'chain' FROM generate_series(100, 140) g;
INSERT INTO folders VALUES (200, 1, 200, 'loop'), (201, 2, 201, 'other loop');
INSERT INTO files SELECT g, 1 + (g * 13) % 60, 1 + g % 2 FROM generate_series(1, 80) g WHERE 1 + (g * 13) % 60 <> 2;
`)
	purgeMatchesNative(t, d, rootKey("users", "1"), Options{Batch: 4, ArchivePath: archivePath(t)})
}

const cycleSchema = `
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE a (id int PRIMARY KEY, user_id int REFERENCES users ON DELETE CASCADE, b_id int);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a ON DELETE CASCADE);
ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b ON DELETE CASCADE;
CREATE TABLE c (id int PRIMARY KEY, b_id int REFERENCES b ON DELETE CASCADE, a_id int REFERENCES a ON DELETE SET NULL);
INSERT INTO users VALUES (1), (2);
INSERT INTO a SELECT g, CASE WHEN g > 10 THEN 2 ELSE 1 END, NULL FROM generate_series(1, 12) g;
INSERT INTO b SELECT g, g FROM generate_series(1, 12) g;
UPDATE a SET b_id = id;
INSERT INTO c SELECT g, 1 + g % 12, 1 + (g * 5) % 12 FROM generate_series(1, 40) g;
`

func TestCycleOfRows(t *testing.T) {
	for _, batch := range []int{3, 30} {
		d := newTestDB(t, cycleSchema)
		sum := purgeMatchesNative(t, d, rootKey("users", "1"), Options{Batch: batch, ArchivePath: archivePath(t)})
		if batch == 3 && sum.Expanded == 0 {
			t.Errorf("batch 3: nothing expanded")
		}
	}
}

func TestCompositeKeysAndNames(t *testing.T) {
	d := newTestDB(t, `
CREATE TABLE tenants (id int PRIMARY KEY);
CREATE TABLE "Projects" (tenant_id int REFERENCES tenants ON DELETE CASCADE, id int, "Name" text, PRIMARY KEY (tenant_id, id));
CREATE TABLE "task ""list""" (tenant_id int, project_id int, id text, parent_id text, due date,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, project_id) REFERENCES "Projects" ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, parent_id) REFERENCES "task ""list""" ON DELETE CASCADE);
CREATE TABLE notes (tenant_id int, task_id text, body text,
  FOREIGN KEY (tenant_id, task_id) REFERENCES "task ""list""" ON DELETE CASCADE);
INSERT INTO tenants VALUES (1), (2);
INSERT INTO "Projects" SELECT t, p, 'p' || p FROM generate_series(1, 2) t, generate_series(1, 4) p;
INSERT INTO "task ""list""" SELECT t, 1 + g % 4, 'it''s, "' || g || '"', CASE WHEN g > 3 THEN 'it''s, "' || (g / 2) || '"' END, date '2024-01-01' + g
  FROM generate_series(1, 2) t, generate_series(1, 30) g;
INSERT INTO notes SELECT t, 'it''s, "' || (1 + g % 30) || '"', 'note' FROM generate_series(1, 2) t, generate_series(1, 20) g;
INSERT INTO notes SELECT 1, 'it''s, "' || (1 + g % 30) || '"', 'duplicate' FROM generate_series(1, 5) g;
INSERT INTO notes SELECT 1, 'it''s, "' || (1 + g % 30) || '"', 'duplicate' FROM generate_series(1, 5) g;
`)
	purgeMatchesNative(t, d, rootKey("tenants", "1"), Options{Batch: 7, ArchivePath: archivePath(t)})
}

// reportsSchema adds to blogSchema a NO ACTION reference into posts: one
// report on a post of user 2 blocks deleting user 2.
const reportsSchema = blogSchema + `
CREATE TABLE reports (id int PRIMARY KEY, post_id int REFERENCES posts, reason text);
INSERT INTO reports VALUES (1, 2, 'spam'), (2, 3, 'other user');
`

func TestBlockersRefused(t *testing.T) {
	d := newTestDB(t, reportsSchema)
	before := d.contents()
	path := archivePath(t)
	sum, err := Run(context.Background(), d.conn, d.snapshot(), rootKey("users", "2"), Options{Batch: 2, ArchivePath: path})
	var be *BlockedError
	if !errors.As(err, &be) || len(be.Blockers) != 1 || be.Blockers[0].Table != tbl("reports") {
		t.Fatalf("err = %v, want a BlockedError naming the report", err)
	}
	if !strings.Contains(err.Error(), "reports") {
		t.Errorf("error %q does not name the blocking table", err)
	}
	if sum.Batches != 0 {
		t.Errorf("%d batches ran", sum.Batches)
	}
	if got := d.contents(); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Errorf("a refused purge changed the database:\n%s", got.Diff(before))
	}
	if lines := readArchive(t, path); len(lines) != 0 {
		t.Errorf("a refused purge archived %d rows", len(lines))
	}
	p, err := Plan(context.Background(), d.conn, d.snapshot(), rootKey("users", "2"), Options{})
	if err != nil || len(p.Blockers) != 1 || len(p.Tables) != 0 {
		t.Errorf("Plan = %+v, %v; want the blocker and no batches", p, err)
	}
}

func TestThrough(t *testing.T) {
	d := newTestDB(t, reportsSchema)
	cascading := newTestDB(t, strings.Replace(reportsSchema, "REFERENCES posts, reason", "REFERENCES posts ON DELETE CASCADE, reason", 1))
	root := rootKey("users", "2")
	want := cascading.native(root)
	if want.Blocked() {
		t.Fatal(want.Failure)
	}
	path := archivePath(t)
	through := []catalog.ConstraintKey{{Schema: "public", Table: "reports", Name: "reports_post_id_fkey"}}
	if _, err := Run(context.Background(), d.conn, d.snapshot(), root, Options{Batch: 2, ArchivePath: path, Through: through}); err != nil {
		t.Fatal(err)
	}
	if got := d.contents(); fmt.Sprint(got) != fmt.Sprint(want.After) {
		t.Fatalf("purging through reports_post_id_fkey differs from a cascade:\n%s", got.Diff(want.After))
	}
	checkArchive(t, readArchive(t, path), want)

	var te *ThroughError
	_, err := Run(context.Background(), d.conn, d.snapshot(), rootKey("users", "1"), Options{Through: []catalog.ConstraintKey{{Schema: "public", Table: "posts", Name: "posts_user_id_fkey"}}})
	if !errors.As(err, &te) {
		t.Errorf("through a cascading key: %v, want ThroughError", err)
	}
}

func TestPlanChangesNothing(t *testing.T) {
	d := newTestDB(t, blogSchema)
	before := d.contents()
	want := d.native(rootKey("users", "2"))
	p, err := Plan(context.Background(), d.conn, d.snapshot(), rootKey("users", "2"), Options{Batch: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.contents(); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("Plan changed the database:\n%s", got.Diff(before))
	}
	deleted := map[catalog.TableName]int{}
	for _, tc := range p.Tables {
		deleted[tc.Table] = int(tc.Deleted)
	}
	for tn, c := range want.Counts() {
		if deleted[tn] != c.Deleted {
			t.Errorf("plan deletes %d rows of %s, the DELETE %d", deleted[tn], tn, c.Deleted)
		}
	}
	if p.Batch != 2 || p.MaxBatchTime != DefaultMaxBatchTime {
		t.Errorf("plan limits %d rows, %v", p.Batch, p.MaxBatchTime)
	}
	if p.Rows != int64(want.DeletedRows()+len(want.Table(tbl("comments")).Changed)+len(want.Table(tbl("likes")).Changed)) {
		t.Errorf("plan counts %d rows", p.Rows)
	}
}

// fakeClock advances only when slept on.
type fakeClock struct {
	now   int64
	slept []int64
}

func (c *fakeClock) Now() time.Time { return time.Unix(0, c.now) }
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if d > 0 {
		c.now += int64(d)
		c.slept = append(c.slept, int64(d))
	}
	return ctx.Err()
}

func TestMaxRate(t *testing.T) {
	d := newTestDB(t, blogSchema)
	clk := &fakeClock{}
	var last int
	sum := purgeMatchesNative(t, d, rootKey("users", "2"), Options{Batch: 2, MaxRate: 4, clock: clk, OnBatch: func(b BatchStats) { last = b.Rows }})
	var total int64
	for _, s := range clk.slept {
		total += s
	}
	// Every row but the last batch's has to wait its turn at 4 rows/s.
	rows := sum.Deleted + sum.Nulled + sum.Defaulted - int64(last)
	if want := rows * int64(time.Second) / 4; total != want {
		t.Errorf("slept %v for %d rows at 4/s, want %v", time.Duration(total), rows, time.Duration(want))
	}
}

// TestCycleAboveOtherRows has rows in a cycle (a user and the org it is
// at home in, which it owns) reference rows of another table (the org's
// logo): those wait with the cycle for the closed batch, so that no batch
// before it cascades into the cycle.
func TestCycleAboveOtherRows(t *testing.T) {
	d := newTestDB(t, `
CREATE TABLE accounts (id int PRIMARY KEY);
CREATE TABLE users (id int PRIMARY KEY, account_id int REFERENCES accounts ON DELETE CASCADE, home_org int);
CREATE TABLE logos (id int PRIMARY KEY, account_id int REFERENCES accounts ON DELETE CASCADE);
CREATE TABLE orgs (id int PRIMARY KEY, owner_id int REFERENCES users ON DELETE CASCADE, logo_id int REFERENCES logos ON DELETE CASCADE);
ALTER TABLE users ADD FOREIGN KEY (home_org) REFERENCES orgs ON DELETE CASCADE;
CREATE TABLE projects (id int PRIMARY KEY, org_id int REFERENCES orgs ON DELETE CASCADE);
INSERT INTO accounts VALUES (1), (2);
INSERT INTO users SELECT g, 1 + g % 2, NULL FROM generate_series(1, 8) g;
INSERT INTO logos SELECT g, 1 + g % 2 FROM generate_series(1, 8) g;
INSERT INTO orgs SELECT g, g, g FROM generate_series(1, 8) g;
UPDATE users SET home_org = id;
INSERT INTO projects SELECT g, 1 + g % 8 FROM generate_series(1, 30) g;
`)
	purgeMatchesNative(t, d, rootKey("accounts", "1"), Options{Batch: 2, ArchivePath: archivePath(t)})
}

func TestKeyString(t *testing.T) {
	for _, k := range [][]string{{"a"}, {"", ""}, {"1:x", "2"}, {"a,b", "c:d:", ""}} {
		if got := splitKey(keyString(k), len(k)); fmt.Sprint(got) != fmt.Sprint(k) {
			t.Errorf("splitKey(keyString(%q)) = %q", k, got)
		}
	}
	if keyString([]string{"1:a", "b"}) == keyString([]string{"1", "a:b"}) {
		t.Error("two keys share a string")
	}
}

func TestValidate(t *testing.T) {
	for _, o := range []Options{{Batch: -1}, {MaxRate: -1}, {Retries: -1}, {ArchivePath: "x", Archive: &failingSync{}}} {
		if err := o.Validate(); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%+v: %v, want ErrInvalidOptions", o, err)
		}
	}
	if err := (Options{}).Validate(); err != nil {
		t.Errorf("zero options: %v", err)
	}
}
