package graph

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ondelete/ondelete/catalog"
)

// table returns the named table of g or fails.
func table(t *testing.T, g *Graph, name string) Table {
	t.Helper()
	for _, tb := range g.Tables {
		if tb.TableName == tn(name) {
			return tb
		}
	}
	t.Fatalf("table %s not in graph", name)
	return Table{}
}

func TestPathsShortestFirstThenLexical(t *testing.T) {
	g := newSchema().
		fk("b", "users_id", "users", cascade).
		fk("a", "users_id", "users", cascade).
		fk("c", "a_id", "a", cascade).
		fk("c", "b_id", "b", cascade).
		fk("d", "c_id", "c", cascade).
		fk("d", "users_id", "users", setNull).
		build(t, "users")
	want := [][]string{
		{"public.d.d_users_id_fkey"},
		{"public.a.a_users_id_fkey", "public.c.c_a_id_fkey", "public.d.d_c_id_fkey"},
		{"public.b.b_users_id_fkey", "public.c.c_b_id_fkey", "public.d.d_c_id_fkey"},
	}
	d := table(t, g, "d")
	if diff := cmp.Diff(want, d.Paths); diff != "" {
		t.Errorf("paths of d (-want +got):\n%s", diff)
	}
	if d.PathsTruncated || d.Depth != 3 {
		t.Errorf("d: truncated=%v depth=%d, want false, 3", d.PathsTruncated, d.Depth)
	}
}

func TestPathsTruncatedAtK(t *testing.T) {
	b := newSchema()
	for i := range 3 {
		x := fmt.Sprintf("x%d", i)
		b.fk(x, "users_id", "users", cascade).fk("y", x+"_id", x, cascade)
	}
	b.fk("z", "y_id", "y", cascade).fk("w", "users_id", "users", cascade)
	g := b.build(t, "users", Options{MaxPaths: 2})
	y := table(t, g, "y")
	want := [][]string{
		{"public.x0.x0_users_id_fkey", "public.y.y_x0_id_fkey"},
		{"public.x1.x1_users_id_fkey", "public.y.y_x1_id_fkey"},
	}
	if diff := cmp.Diff(want, y.Paths); diff != "" {
		t.Errorf("paths of y (-want +got):\n%s", diff)
	}
	if !y.PathsTruncated || !table(t, g, "z").PathsTruncated {
		t.Error("y and z should be truncated")
	}
	if table(t, g, "w").PathsTruncated || table(t, g, "x0").PathsTruncated {
		t.Error("w and x0 have one path each and must not be truncated")
	}
	if diff := cmp.Diff([]string{"paths-truncated:public.y|public.z"}, flagSummary(g)); diff != "" {
		t.Errorf("flags (-want +got):\n%s", diff)
	}
}

func TestPathsTerminalAndCycles(t *testing.T) {
	g := newSchema().
		fk("b", "a_id", "a", cascade).
		fk("a", "b_id", "b", cascade).
		fk("a", "parent_id", "a", setNull).
		build(t, "a")
	if diff := cmp.Diff([][]string{{"public.a.a_parent_id_fkey"}}, table(t, g, "a").Paths); diff != "" {
		t.Errorf("root paths (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]string{{"public.b.b_a_id_fkey"}}, table(t, g, "b").Paths); diff != "" {
		t.Errorf("paths of b (-want +got):\n%s", diff)
	}
	want := []Cycle{
		{Kind: CycleCascade, Tables: []catalog.TableName{tn("a"), tn("b")}, Constraints: []string{"public.a.a_b_id_fkey", "public.b.b_a_id_fkey"}},
		{Kind: CycleForeignKey, Tables: []catalog.TableName{tn("a"), tn("b")}, Constraints: []string{"public.a.a_b_id_fkey", "public.a.a_parent_id_fkey", "public.b.b_a_id_fkey"}},
	}
	if diff := cmp.Diff(want, g.Cycles); diff != "" {
		t.Errorf("cycles (-want +got):\n%s", diff)
	}
}

func TestBlockerDetails(t *testing.T) {
	g := newSchema().
		fk("documents", "owner_id", "users", cascade).
		fk("folders", "owner_id", "users", cascade).
		fk("comments", "folder_id", "folders", cascade).
		fk("comments", "document_id", "documents", restrict).
		fk("audit", "document_id", "documents", noAction, deferred).
		build(t, "users")
	want := []Blocker{
		{
			Schema: "public", Table: "audit", Constraint: "audit_document_id_fkey", RefSchema: "public", RefTable: "documents",
			Kind: Definite, Action: noAction, Deferred: true,
			Reason: "NO ACTION (DEFERRABLE INITIALLY DEFERRED) fails at COMMIT while a row of public.audit referencing a deleted row of public.documents exists; public.audit is not deleted by this DELETE, so every such row blocks",
			Path:   []string{"public.documents.documents_owner_id_fkey", "public.audit.audit_document_id_fkey"},
		},
		{
			Schema: "public", Table: "comments", Constraint: "comments_document_id_fkey", RefSchema: "public", RefTable: "documents",
			Kind: Conditional, Action: restrict, Timing: TimingSameRound, OrderDependent: true,
			Reason: "RESTRICT fails while a row of public.comments referencing a deleted row of public.documents exists when checked in trigger round 2; public.comments rows are deleted in that same round, so rows this DELETE would remove block or not depending on trigger order (constraint creation order), and rows it does not remove always block",
			Path:   []string{"public.documents.documents_owner_id_fkey", "public.comments.comments_document_id_fkey"},
		},
	}
	if diff := cmp.Diff(want, g.Blockers); diff != "" {
		t.Errorf("blockers (-want +got):\n%s", diff)
	}
}
