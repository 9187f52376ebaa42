package verify

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
)

// TestFailsWhenPostgresDisagrees: a trigger that keeps cascaded rows makes
// their checks FAIL, with the observed "kept" and a hint.
func TestFailsWhenPostgresDisagrees(t *testing.T) {
	_, conn, snap := applySQL(t, edgeCases+`
CREATE FUNCTION keep_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER keep_posts BEFORE DELETE ON posts FOR EACH ROW EXECUTE FUNCTION keep_row();`)
	rep := verify(t, conn, snap, build(t, snap, "accounts"), Options{})
	r := find(t, rep, CheckEdge, "public.posts", "posts_account_id_fkey")
	if r.Status != StatusFail || r.Observed != "kept" || !strings.Contains(r.Reason, "BEFORE DELETE trigger") {
		t.Errorf("posts: %+v", r)
	}
	if !rep.Failed() || rep.Summary.Fail < 2 {
		t.Errorf("summary %+v: posts and what hangs off them must fail", rep.Summary)
	}
	if r := find(t, rep, CheckEdge, "public.events", "events_account_id_fkey"); r.Status != StatusPass {
		t.Errorf("events does not go through posts, yet: %+v", r)
	}
}

// TestFailsWhenTheGraphIsWrong feeds Run graphs with one fact changed and
// expects exactly the affected check to FAIL.
func TestFailsWhenTheGraphIsWrong(t *testing.T) {
	_, conn, snap := applySQL(t, edgeCases)
	edge := func(g *graph.Graph, name string) *graph.Edge {
		for i := range g.Edges {
			if g.Edges[i].Name == name {
				return &g.Edges[i]
			}
		}
		t.Fatalf("no edge %s", name)
		return nil
	}
	blocker := func(g *graph.Graph, name string) *graph.Blocker {
		for i := range g.Blockers {
			if g.Blockers[i].Constraint == name {
				return &g.Blockers[i]
			}
		}
		t.Fatalf("no blocker %s", name)
		return nil
	}
	for _, tc := range []struct {
		name       string
		tamper     func(g *graph.Graph)
		kind       CheckKind
		table, con string
		expected   string
	}{
		{"action", func(g *graph.Graph) { edge(g, "comments_editor_id_fkey").Action = catalog.Cascade },
			CheckEdge, "public.comments", "comments_editor_id_fkey", "deleted"},
		{"missing edge", func(g *graph.Graph) {
			g.Edges = slices.DeleteFunc(g.Edges, func(e graph.Edge) bool { return e.Name == "badges_account_id_fkey" })
		}, CheckEdge, "public.badges", "badges_account_id_fkey", "kept (not in the graph)"},
		{"timing", func(g *graph.Graph) { blocker(g, "likes_account_id_fkey").Timing = graph.TimingAfterCascades },
			CheckConditional, "public.likes", "likes_account_id_fkey", "deleted"},
		{"not null", func(g *graph.Graph) { blocker(g, "badges_account_id_fkey").NotNullColumns = nil },
			CheckEdge, "public.badges", "badges_account_id_fkey", "nulled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := build(t, snap, "accounts")
			tc.tamper(g)
			rep := verify(t, conn, snap, g, Options{})
			r := find(t, rep, tc.kind, tc.table, tc.con)
			if r.Status != StatusFail || r.Expected != tc.expected || !strings.Contains(r.Reason, "the graph says") {
				t.Errorf("%+v", r)
			}
			if rep.Summary.Fail != 1 {
				t.Errorf("%d checks failed, want 1", rep.Summary.Fail)
			}
		})
	}
}

// TestPolicyExpect: a rule the schema contradicts FAILs the check it
// covers, naming the rule, although PostgreSQL agrees with the graph; a
// rule the schema satisfies changes nothing.
func TestPolicyExpect(t *testing.T) {
	_, conn, snap := applySQL(t, edgeCases)
	g := build(t, snap, "accounts")
	expect := func(fk *catalog.ForeignKey) ([]catalog.Action, string, bool) {
		switch fk.Name {
		case "posts_account_id_fkey":
			return []catalog.Action{catalog.Restrict, catalog.NoAction}, "keep-posts", true
		case "comments_editor_id_fkey":
			return []catalog.Action{catalog.SetNull, catalog.Cascade}, "editors-go", true
		case "likes_account_id_fkey":
			return []catalog.Action{catalog.Restrict}, "likes-block", true
		}
		return nil, "", false
	}
	rep := verify(t, conn, snap, g, Options{Expect: expect})
	r := find(t, rep, CheckEdge, "public.posts", "posts_account_id_fkey")
	if r.Status != StatusFail || !strings.Contains(r.Reason, `policy rule "keep-posts" allows ON DELETE RESTRICT or NO ACTION`) {
		t.Errorf("posts: %+v", r)
	}
	for _, c := range []string{"comments_editor_id_fkey", "likes_account_id_fkey"} {
		table := "public." + strings.SplitN(c, "_", 2)[0]
		if r := find(t, rep, CheckEdge, table, c); r.Status != StatusPass {
			t.Errorf("%s satisfies its rule, yet: %+v", c, r)
		}
	}
	if rep.Summary.Fail != 1 {
		t.Errorf("%d checks failed, want 1", rep.Summary.Fail)
	}
}

// TestLockTimeout: while another session holds audits locked, every check
// whose DELETE reaches it (through a deleted post) is skipped with a reason
// once lock_timeout expires; the others pass; the run neither hangs nor
// fails.
func TestLockTimeout(t *testing.T) {
	dsn, conn, snap := applySQL(t, edgeCases)
	ctx := context.Background()
	holder := connect(t, dsn)
	tx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "LOCK TABLE audits IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rep := verify(t, conn, snap, build(t, snap, "accounts"), Options{LockTimeout: 100 * time.Millisecond})
	assertClean(t, rep)
	for _, r := range rep.Tables {
		// (The conditional likes check fails on likes_account_id_fkey
		// before the cascade reaches the post, so it passes.)
		touches := r.Check == CheckEdge && slices.Contains(r.Path, "public.posts.posts_account_id_fkey")
		if touches != (r.Status == StatusSkipped) {
			t.Errorf("%s %s: %s: %s", r.TableName(), r.Constraint, r.Status, r.Reason)
		}
		if touches && !strings.Contains(r.Reason, "55P03") {
			t.Errorf("%s: reason %q does not name the lock timeout", r.Constraint, r.Reason)
		}
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s", d)
	}
}

// TestReportJSON pins the JSON contract's field names.
func TestReportJSON(t *testing.T) {
	rep := &Report{Version: Version, Root: catalog.TableName{Schema: "public", Name: "users"}, Mode: ModeReplica, Warnings: []string{}}
	rep.add(TableResult{Schema: "public", Table: "users", Check: CheckRoot, Expected: "deleted", Observed: "deleted", Status: StatusPass})
	rep.add(TableResult{Schema: "public", Table: "t", Check: CheckEdge, Constraint: "t_fkey", Path: []string{"public.t.t_fkey"},
		Expected: "deleted", Status: StatusSkipped, Reason: "why"})
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"version":1,"root":{"schema":"public","table":"users"},"mode":"replica","tables":[` +
		`{"schema":"public","table":"users","check":"root","expected":"deleted","observed":"deleted","status":"pass","reason":""},` +
		`{"schema":"public","table":"t","check":"edge","constraint":"t_fkey","path":["public.t.t_fkey"],"expected":"deleted","observed":"","status":"skipped","reason":"why"}],` +
		`"summary":{"pass":1,"fail":0,"skipped":1},"warnings":[]}`
	if string(data) != want {
		t.Errorf("got  %s\nwant %s", data, want)
	}
	if rep.Failed() {
		t.Error("Failed() with no failure")
	}
}

// TestRefusesAnOpenTransaction: Run must own the transaction it rolls
// back, so it refuses a connection inside one (and leaves it alone).
func TestRefusesAnOpenTransaction(t *testing.T) {
	_, conn, snap := applySQL(t, edgeCases)
	g := build(t, snap, "accounts")
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, conn, snap, g, Options{}); !errors.Is(err, ErrInTransaction) {
		t.Errorf("got %v, want ErrInTransaction", err)
	}
	if s := conn.PgConn().TxStatus(); s != 'T' {
		t.Errorf("the caller's transaction is gone (status %c)", s)
	}
	if _, err := conn.Exec(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, conn, snap, g, Options{LockTimeout: -1}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("negative LockTimeout: got %v", err)
	}
}
