package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// shopDDL is a small schema with data for explain-delete and purge: user 1
// owns posts (cascade) with comments by user 2 (cascade through the post)
// and wrote comments on user 2's post (author set null); user 3 has an
// audit row (NO ACTION), which blocks deleting user 3.
const shopDDL = `
CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE NOT NULL);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE INDEX ON posts (user_id);
CREATE TABLE comments (id bigint PRIMARY KEY,
  post_id bigint NOT NULL REFERENCES posts ON DELETE CASCADE,
  author_id bigint REFERENCES users ON DELETE SET NULL);
CREATE TABLE audit (id bigint PRIMARY KEY, user_id bigint REFERENCES users);
INSERT INTO users VALUES (1, 'one@example.com'), (2, 'two@example.com'), (3, 'three@example.com');
INSERT INTO posts SELECT g, 1 FROM generate_series(1, 5) g;
INSERT INTO posts VALUES (6, 2);
INSERT INTO comments SELECT g, 1 + g % 5, 2 FROM generate_series(1, 10) g;
INSERT INTO comments SELECT 10 + g, 6, 1 FROM generate_series(1, 3) g;
INSERT INTO audit VALUES (1, 3);
`

// shopDB returns the DSN of a fresh database holding shopDDL, and a
// connection to it.
func shopDB(t *testing.T) (string, *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	dsn := pgtest.NewDB(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	if _, err := conn.Exec(ctx, shopDDL); err != nil {
		t.Fatal(err)
	}
	return dsn, conn
}

// counts returns the row count of every shop table and the number of
// comments without an author.
func counts(t *testing.T, conn *pgx.Conn) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, q := range []string{"users", "posts", "comments", "audit", "comments WHERE author_id IS NULL"} {
		var n int
		if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM "+q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[q] = n
	}
	return out
}

func TestExplainDelete(t *testing.T) {
	dsn, conn := shopDB(t)
	before := counts(t, conn)

	code, out, errOut := ondelete(t, "explain-delete", "--dsn", dsn, "--root", "users", "--key", "1", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Version int `json:"version"`
		Root    struct {
			Schema, Table string
			Key           map[string]string
		} `json:"root"`
		Tables []struct {
			Schema, Table              string
			Deleted, Nulled, Defaulted int
		} `json:"tables"`
		Blockers []json.RawMessage `json:"blockers"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Version != 1 || got.Root.Table != "users" || got.Root.Key["id"] != "1" || got.Blockers == nil || len(got.Blockers) != 0 {
		t.Errorf("root or blockers wrong:\n%s", out)
	}
	want := map[string][3]int{"users": {1, 0, 0}, "posts": {5, 0, 0}, "comments": {10, 3, 0}}
	if len(got.Tables) != len(want) {
		t.Errorf("tables: %+v", got.Tables)
	}
	for _, tb := range got.Tables {
		if w := want[tb.Table]; [3]int{tb.Deleted, tb.Nulled, tb.Defaulted} != w {
			t.Errorf("%s: got %d/%d/%d, want %v", tb.Table, tb.Deleted, tb.Nulled, tb.Defaulted, w)
		}
	}

	// Blocked: exit 1, the blocking row's key in text output.
	code, out, errOut = ondelete(t, "explain-delete", "--dsn", dsn, "--root", "users", "--where", "email = 'three@example.com'")
	if code != 1 || !strings.Contains(out, "public.audit (id=1) via audit_user_id_fkey") || errOut != "ondelete: the delete would fail: 1 blocking row\n" {
		t.Errorf("blocked: exit %d\n%s\n%s", code, out, errOut)
	}
	// Bad input: one line, exit 2.
	for _, c := range []struct{ args []string }{
		{[]string{"--root", "users"}},
		{[]string{"--root", "users", "--key", "1", "--where", "true"}},
		{[]string{"--root", "users", "--where", "id > 1"}},
		{[]string{"--root", "users", "--key", "99"}},
		{[]string{"--root", "userz", "--key", "1"}},
	} {
		code, _, errOut := ondelete(t, append([]string{"explain-delete", "--dsn", dsn}, c.args...)...)
		if code != 2 || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, %q", c.args, code, errOut)
		}
	}
	if after := counts(t, conn); !mapsEqual(before, after) {
		t.Errorf("explain-delete changed data: %v → %v", before, after)
	}
}

func TestPurge(t *testing.T) {
	dsn, conn := shopDB(t)
	before := counts(t, conn)

	// Without a terminal and without --yes nothing happens.
	code, _, errOut := ondelete(t, "purge", "--dsn", dsn, "--root", "users", "--key", "1")
	if code != 2 || !strings.Contains(errOut, "pass --yes") {
		t.Errorf("no --yes: exit %d %q", code, errOut)
	}
	// Dry run: the plan, nothing changed.
	code, out, errOut := ondelete(t, "purge", "--dsn", dsn, "--root", "users", "--key", "1", "--dry-run", "--batch", "4")
	if code != 0 || !strings.Contains(out, "dry run: nothing changed") || !strings.Contains(out, "public.comments  10       3") {
		t.Errorf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	// Blocked: refused, blockers listed, nothing changed.
	code, out, errOut = ondelete(t, "purge", "--dsn", dsn, "--root", "users", "--key", "3", "--yes")
	if code != 1 || !strings.Contains(out, "public.audit (id=1)") || !strings.Contains(errOut, "purge refused: 1 row would block") {
		t.Errorf("blocked: exit %d\n%s%s", code, out, errOut)
	}
	if after := counts(t, conn); !mapsEqual(before, after) {
		t.Fatalf("refused purge changed data: %v → %v", before, after)
	}

	// The real thing, with an archive.
	archive := filepath.Join(t.TempDir(), "user-1.jsonl")
	code, out, errOut = ondelete(t, "purge", "--dsn", dsn, "--root", "users", "--key", "1", "--yes", "--batch", "4", "--archive", archive, "--format", "json")
	if code != 0 {
		t.Fatalf("purge: exit %d\n%s%s", code, out, errOut)
	}
	var sum struct {
		Done                       bool
		Deleted, Nulled, Defaulted int
		Batches                    int
		Archive                    struct{ Lines int }
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !sum.Done || sum.Deleted != 16 || sum.Nulled != 3 || sum.Archive.Lines != 19 || sum.Batches < 2 {
		t.Errorf("summary: %+v\n%s", sum, out)
	}
	after := counts(t, conn)
	wantAfter := map[string]int{"users": 2, "posts": 1, "comments": 3, "audit": 1, "comments WHERE author_id IS NULL": 3}
	if !mapsEqual(after, wantAfter) {
		t.Errorf("after purge: %v, want %v", after, wantAfter)
	}
	if n := archiveLines(t, archive); n != 19 {
		t.Errorf("archive has %d lines, want 19", n)
	}
	// Again: the root row is gone.
	code, _, errOut = ondelete(t, "purge", "--dsn", dsn, "--root", "users", "--key", "1", "--yes")
	if code != 2 || !strings.Contains(errOut, "already purged") {
		t.Errorf("second purge: exit %d %q", code, errOut)
	}

	// --through deletes the blocking audit row too.
	code, out, errOut = ondelete(t, "purge", "--dsn", dsn, "--root", "users", "--key", "3", "--yes", "--through", "public.audit.audit_user_id_fkey")
	if code != 0 || !strings.Contains(out, "Purged public.users (id=3)") {
		t.Errorf("through: exit %d\n%s%s", code, out, errOut)
	}
	if n := counts(t, conn)["audit"]; n != 0 {
		t.Errorf("audit rows left: %d", n)
	}
	code, _, errOut = ondelete(t, "purge", "--dsn", dsn, "--root", "users", "--key", "2", "--yes", "--through", "public.audit.nope")
	if code != 2 || !strings.Contains(errOut, "no such foreign key") {
		t.Errorf("bad --through: exit %d %q", code, errOut)
	}

	// Parallel batches on a pool; not with an archive.
	code, _, errOut = ondelete(t, "purge", "--dsn", dsn, "--root", "users", "--key", "2", "--yes", "--workers", "3", "--archive", archive)
	if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "--workers 3 with --archive") {
		t.Errorf("--workers with --archive: exit %d %q", code, errOut)
	}
	code, out, errOut = ondelete(t, "purge", "--dsn", dsn, "--root", "users", "--key", "2", "--yes", "--workers", "3", "--batch", "2")
	if code != 0 || !strings.Contains(out, "Purged public.users (id=2)") || !strings.Contains(out, "Up to 3 batches ran at once.") {
		t.Errorf("--workers 3: exit %d\n%s%s", code, out, errOut)
	}
	if c := counts(t, conn); c["users"] != 0 || c["posts"] != 0 || c["comments"] != 0 {
		t.Errorf("after the parallel purge: %v", c)
	}
}

// TestPurgePolicyThrough: purge.through in the policy file works like
// --through.
func TestPurgePolicyThrough(t *testing.T) {
	dsn, conn := shopDB(t)
	pol := filepath.Join(t.TempDir(), "ondelete.yaml")
	if err := os.WriteFile(pol, []byte("version: 1\npurge:\n  through:\n    - {constraint: public.audit.audit_user_id_fkey, reason: audit copies go with the user}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := ondelete(t, "purge", "--dsn", dsn, "--root", "users", "--key", "3", "--yes", "--policy", pol)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if c := counts(t, conn); c["audit"] != 0 || c["users"] != 2 {
		t.Errorf("after: %v", c)
	}
}

func TestVerifyCommand(t *testing.T) {
	code, out, errOut := ondelete(t, "verify", "--migrations", exampleDir, "--root", "users", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Version int
		Root    struct{ Schema, Table string }
		Tables  []struct {
			Schema, Table, Expected, Observed, Status, Reason string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Version != 1 || rep.Root.Table != "users" || len(rep.Tables) < 30 {
		t.Fatalf("report: %+v", rep)
	}
	for _, tb := range rep.Tables {
		if tb.Status != "pass" && !(tb.Status == "skipped" && tb.Reason != "") {
			t.Errorf("%s.%s: %s (%s)", tb.Schema, tb.Table, tb.Status, tb.Reason)
		}
	}

	// A policy that wants every foreign key to users to cascade fails the
	// tables that are nulled or blocked instead: exit 1.
	pol := filepath.Join(t.TempDir(), "ondelete.yaml")
	if err := os.WriteFile(pol, []byte("version: 1\nrules:\n  - {name: all-cascade, match: {references: users}, expect: {on_delete: cascade}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = ondelete(t, "verify", "--migrations", exampleDir, "--root", "users", "--policy", pol)
	if code != 1 || !strings.Contains(out, "FAIL") || !strings.Contains(out, "all-cascade") || !strings.HasPrefix(errOut, "ondelete: verify failed: ") {
		t.Errorf("policy: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = ondelete(t, "verify", "--migrations", exampleDir, "--root", "users", "--policy", "/nonexistent.yaml")
	if code != 2 || !strings.Contains(errOut, "no policy at /nonexistent.yaml") {
		t.Errorf("missing policy: exit %d %q", code, errOut)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func archiveLines(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("archive line %d: %v", n+1, err)
		}
		n++
	}
	return n
}
