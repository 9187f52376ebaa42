package graph

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ondelete/ondelete/catalog"
)

const (
	cascade    = catalog.Cascade
	setNull    = catalog.SetNull
	setDefault = catalog.SetDefault
	noAction   = catalog.NoAction
	restrict   = catalog.Restrict
)

func TestBuildCases(t *testing.T) {
	cases := []struct {
		name     string
		schema   *schemaBuilder
		root     string
		outcomes map[string]Outcome
		blockers []string
		flags    []string
	}{
		{
			name: "cascade chain",
			schema: newSchema().
				fk("documents", "owner_id", "users", cascade, notNull).
				fk("pages", "document_id", "documents", cascade).
				fk("blocks", "page_id", "pages", cascade).
				fk("users", "team_id", "teams", cascade), // points away from the root: irrelevant
			root:     "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.documents": OutcomeDeleted, "public.pages": OutcomeDeleted, "public.blocks": OutcomeDeleted},
			blockers: []string{},
			flags:    []string{},
		},
		{
			name: "set null and set default",
			schema: newSchema().
				fk("sessions", "user_id", "users", setNull).
				fk("posts", "author_id", "users", setDefault, withDefault("0"), notNull).
				fk("drafts", "author_id", "users", setDefault).
				fk("notes", "author_id", "users", setDefault, notNull),
			root: "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.sessions": OutcomeNulled,
				"public.posts": OutcomeDefaulted, "public.drafts": OutcomeDefaulted, "public.notes": OutcomeDefaulted},
			blockers: []string{"notes.notes_author_id_fkey definite"},
			flags:    []string{"set-default-not-null:public.notes.notes_author_id_fkey"},
		},
		{
			name: "set null on not null column",
			schema: newSchema().
				fk("memberships", "user_id", "users", setNull, notNull),
			root:     "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.memberships": OutcomeNulled},
			blockers: []string{"memberships.memberships_user_id_fkey definite"},
			flags:    []string{"set-null-not-null:public.memberships.memberships_user_id_fkey"},
		},
		{
			name: "set null column list spares the not null column",
			schema: func() *schemaBuilder {
				b := newSchema().fk("posts", "tenant_id,author_id", "users", setNull, onDeleteCols("author_id"))
				b.table("posts").Column("tenant_id").NotNull = true
				return b.fk("comments", "tenant_id,author_id", "users", setNull, onDeleteCols("author_id"), notNull)
			}(),
			root:     "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.posts": OutcomeNulled, "public.comments": OutcomeNulled},
			blockers: []string{"comments.comments_tenant_id_author_id_fkey definite"},
			flags:    []string{"set-null-not-null:public.comments.comments_tenant_id_author_id_fkey"},
		},
		{
			name: "two-hop definite blocker",
			schema: newSchema().
				fk("documents", "owner_id", "users", cascade).
				fk("audit_log", "document_id", "documents", noAction),
			root:     "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.documents": OutcomeDeleted, "public.audit_log": OutcomeBlocked},
			blockers: []string{"audit_log.audit_log_document_id_fkey definite"},
			flags:    []string{},
		},
		{
			name: "restrict definite blocker",
			schema: newSchema().
				fk("invoices", "customer_id", "users", restrict),
			root:     "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.invoices": OutcomeBlocked},
			blockers: []string{"invoices.invoices_customer_id_fkey definite"},
			flags:    []string{},
		},
		{
			name: "conditional blocker: table cascaded and NO ACTION into another deleted table",
			schema: newSchema().
				fk("documents", "owner_id", "users", cascade).
				fk("comments", "author_id", "users", cascade).
				fk("comments", "document_id", "documents", noAction),
			root:     "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.documents": OutcomeDeleted, "public.comments": OutcomeDeleted},
			blockers: []string{"comments.comments_document_id_fkey conditional after-cascades"},
			flags:    []string{"mixed-actions:public.comments.comments_author_id_fkey|public.comments.comments_document_id_fkey"},
		},
		{
			name: "conditional RESTRICT blocker behaves like NO ACTION",
			schema: newSchema().
				fk("documents", "owner_id", "users", cascade).
				fk("comments", "author_id", "users", cascade).
				fk("comments", "document_id", "documents", restrict),
			root:     "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.documents": OutcomeDeleted, "public.comments": OutcomeDeleted},
			blockers: []string{"comments.comments_document_id_fkey conditional after-cascades"},
			flags:    []string{"mixed-actions:public.comments.comments_author_id_fkey|public.comments.comments_document_id_fkey"},
		},
		{
			name: "conditional blocker checked in the round its rows are deleted",
			schema: newSchema().
				fk("documents", "owner_id", "users", cascade).
				fk("folders", "owner_id", "users", cascade).
				fk("comments", "folder_id", "folders", cascade).
				fk("comments", "document_id", "documents", noAction),
			root: "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.documents": OutcomeDeleted,
				"public.folders": OutcomeDeleted, "public.comments": OutcomeDeleted},
			blockers: []string{"comments.comments_document_id_fkey conditional same-round"},
			flags: []string{
				"mixed-actions:public.comments.comments_document_id_fkey|public.comments.comments_folder_id_fkey",
				"order-dependent:public.comments.comments_document_id_fkey",
			},
		},
		{
			name: "conditional blocker checked before its rows are deleted",
			schema: newSchema().
				fk("documents", "owner_id", "users", cascade).
				fk("folders", "owner_id", "users", cascade).
				fk("threads", "folder_id", "folders", cascade).
				fk("comments", "thread_id", "threads", cascade).
				fk("comments", "document_id", "documents", noAction),
			root: "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.documents": OutcomeDeleted,
				"public.folders": OutcomeDeleted, "public.threads": OutcomeDeleted, "public.comments": OutcomeDeleted},
			blockers: []string{"comments.comments_document_id_fkey conditional before-cascades"},
			flags:    []string{"mixed-actions:public.comments.comments_document_id_fkey|public.comments.comments_thread_id_fkey"},
		},
		{
			name: "deferred conditional blocker waits for commit",
			schema: newSchema().
				fk("documents", "owner_id", "users", cascade).
				fk("folders", "owner_id", "users", cascade).
				fk("threads", "folder_id", "folders", cascade).
				fk("comments", "thread_id", "threads", cascade).
				fk("comments", "document_id", "documents", noAction, deferred),
			root: "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.documents": OutcomeDeleted,
				"public.folders": OutcomeDeleted, "public.threads": OutcomeDeleted, "public.comments": OutcomeDeleted},
			blockers: []string{"comments.comments_document_id_fkey conditional at-commit"},
			flags:    []string{"mixed-actions:public.comments.comments_document_id_fkey|public.comments.comments_thread_id_fkey"},
		},
		{
			name: "set null into not null on a table deleted first is conditional",
			schema: newSchema().
				fk("documents", "owner_id", "users", cascade).
				fk("comments", "author_id", "users", cascade).
				fk("comments", "document_id", "documents", setNull, notNull),
			root:     "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.documents": OutcomeDeleted, "public.comments": OutcomeDeleted},
			blockers: []string{"comments.comments_document_id_fkey conditional after-cascades"},
			flags: []string{
				"mixed-actions:public.comments.comments_author_id_fkey|public.comments.comments_document_id_fkey",
				"set-null-not-null:public.comments.comments_document_id_fkey",
			},
		},
		{
			name: "cascading self-reference",
			schema: newSchema().
				fk("epics", "project_id", "projects", cascade).
				fk("epics", "parent_id", "epics", cascade),
			root:     "projects",
			outcomes: map[string]Outcome{"public.projects": OutcomeRoot, "public.epics": OutcomeDeleted},
			blockers: []string{},
			flags:    []string{"cascade-self-reference:public.epics.epics_parent_id_fkey"},
		},
		{
			name: "no action self-reference on the root",
			schema: newSchema().
				fk("epics", "parent_id", "epics", noAction),
			root:     "epics",
			outcomes: map[string]Outcome{"public.epics": OutcomeRoot},
			blockers: []string{"epics.epics_parent_id_fkey conditional after-cascades"},
			flags:    []string{},
		},
		{
			name: "no action self-reference on a cascaded table",
			schema: newSchema().
				fk("epics", "project_id", "projects", cascade).
				fk("epics", "parent_id", "epics", noAction),
			root:     "projects",
			outcomes: map[string]Outcome{"public.projects": OutcomeRoot, "public.epics": OutcomeDeleted},
			blockers: []string{"epics.epics_parent_id_fkey conditional after-cascades"},
			flags:    []string{"mixed-actions:public.epics.epics_parent_id_fkey|public.epics.epics_project_id_fkey"},
		},
		{
			name: "cascade cycle",
			schema: newSchema().
				fk("b", "a_id", "a", cascade).
				fk("c", "b_id", "b", cascade).
				fk("a", "c_id", "c", cascade),
			root:     "b",
			outcomes: map[string]Outcome{"public.a": OutcomeDeleted, "public.b": OutcomeRoot, "public.c": OutcomeDeleted},
			blockers: []string{},
			flags:    []string{"cascade-cycle:public.a.a_c_id_fkey|public.b.b_a_id_fkey|public.c.c_b_id_fkey"},
		},
		{
			name: "foreign-key cycle through a blocker",
			schema: newSchema().
				fk("orders", "user_id", "users", cascade).
				fk("users", "last_order_id", "orders", noAction),
			root:     "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.orders": OutcomeDeleted},
			blockers: []string{"users.users_last_order_id_fkey conditional after-cascades"},
			flags: []string{
				"foreign-key-cycle:public.orders.orders_user_id_fkey|public.users.users_last_order_id_fkey",
			},
		},
		{
			name: "several paths with different actions",
			schema: newSchema().
				fk("documents", "owner_id", "users", cascade).
				fk("comments", "document_id", "documents", cascade).
				fk("comments", "author_id", "users", setNull),
			root:     "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.documents": OutcomeDeleted, "public.comments": OutcomeDeleted},
			blockers: []string{},
			flags:    []string{"mixed-actions:public.comments.comments_author_id_fkey|public.comments.comments_document_id_fkey"},
		},
		{
			name: "nulled and defaulted: the stronger outcome wins",
			schema: newSchema().
				fk("tasks", "assignee_id", "users", setNull).
				fk("tasks", "reviewer_id", "users", setDefault, withDefault("1")),
			root:     "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.tasks": OutcomeNulled},
			blockers: []string{},
			flags:    []string{"mixed-actions:public.tasks.tasks_assignee_id_fkey|public.tasks.tasks_reviewer_id_fkey"},
		},
		{
			name: "partitioned tables need nothing special",
			schema: func() *schemaBuilder {
				b := newSchema().
					fk("events", "user_id", "users", cascade).
					fk("event_tags", "event_id", "events", cascade).
					fk("reports", "event_id", "events", noAction)
				b.table("events").Partitioned = true
				return b
			}(),
			root: "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot, "public.events": OutcomeDeleted,
				"public.event_tags": OutcomeDeleted, "public.reports": OutcomeBlocked},
			blockers: []string{"reports.reports_event_id_fkey definite"},
			flags:    []string{},
		},
		{
			name:     "no foreign keys",
			schema:   newSchema("users", "other"),
			root:     "users",
			outcomes: map[string]Outcome{"public.users": OutcomeRoot},
			blockers: []string{},
			flags:    []string{},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := c.schema.build(t, c.root)
			if diff := cmp.Diff(c.outcomes, outcomes(g)); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.blockers, blockerSummary(g)); diff != "" {
				t.Errorf("blockers (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.flags, flagSummary(g)); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
			checkInvariants(t, g)
		})
	}
}

// checkInvariants asserts what must hold for every graph: sorted tables,
// edges into deleted tables only, blockers backed by edges, JSON lists
// never null.
func checkInvariants(t *testing.T, g *Graph) {
	t.Helper()
	deleted := map[catalog.TableName]bool{}
	for i, tb := range g.Tables {
		if i > 0 && !g.Tables[i-1].TableName.Less(tb.TableName) {
			t.Errorf("tables not sorted at %s", tb.TableName)
		}
		if tb.Outcome == OutcomeRoot || tb.Outcome == OutcomeDeleted {
			deleted[tb.TableName] = true
		}
		if len(tb.Paths) > g.MaxPaths {
			t.Errorf("%s has %d paths, limit %d", tb.TableName, len(tb.Paths), g.MaxPaths)
		}
	}
	blocks := map[string]bool{}
	for _, e := range g.Edges {
		if !deleted[e.From] {
			t.Errorf("edge %s leaves %s, which is not deleted", e.Constraint, e.From)
		}
		blocks[e.Constraint] = e.Blocks
	}
	for _, b := range g.Blockers {
		if !blocks[b.Key().String()] {
			t.Errorf("blocker %s has no blocking edge", b.Key())
		}
		if (b.Kind == Conditional) != deleted[b.TableName()] {
			t.Errorf("blocker %s kind %s, but table deleted=%v", b.Key(), b.Kind, deleted[b.TableName()])
		}
		if b.Reason == "" || len(b.Path) == 0 {
			t.Errorf("blocker %s lacks reason or path", b.Key())
		}
	}
	raw, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"tables", "edges", "blockers", "cycles", "flags"} {
		if _, ok := doc[k].([]any); !ok {
			t.Errorf("JSON %q is %v, want a list", k, doc[k])
		}
	}
}

func TestBuildRootNotFound(t *testing.T) {
	s := newSchema("users").snap()
	_, err := Build(s, tn("user"))
	var nf *TableNotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("err = %v, want *TableNotFoundError", err)
	}
	if diff := cmp.Diff([]catalog.TableName{tn("users")}, nf.Suggestions); diff != "" {
		t.Errorf("suggestions (-want +got):\n%s", diff)
	}
}

func TestNewBuilderRejectsNegativeMaxPaths(t *testing.T) {
	_, err := NewBuilder(newSchema("users").snap(), Options{MaxPaths: -1})
	if !errors.Is(err, ErrInvalidOptions) {
		t.Fatalf("err = %v, want ErrInvalidOptions", err)
	}
}

// TestBuildIgnoresSnapshotOrder: producers are asked to sort snapshots,
// but the graph must not depend on it.
func TestBuildIgnoresSnapshotOrder(t *testing.T) {
	s := syntheticSnapshot(300, 700)
	want, err := Build(s, s.Tables[0].TableName())
	if err != nil {
		t.Fatal(err)
	}
	shuffled := *s
	shuffled.Tables = append([]catalog.Table(nil), s.Tables...)
	shuffled.ForeignKeys = append([]catalog.ForeignKey(nil), s.ForeignKeys...)
	r := rand.New(rand.NewPCG(3, 4))
	r.Shuffle(len(shuffled.Tables), func(i, j int) { shuffled.Tables[i], shuffled.Tables[j] = shuffled.Tables[j], shuffled.Tables[i] })
	r.Shuffle(len(shuffled.ForeignKeys), func(i, j int) {
		shuffled.ForeignKeys[i], shuffled.ForeignKeys[j] = shuffled.ForeignKeys[j], shuffled.ForeignKeys[i]
	})
	got, err := Build(&shuffled, want.Root)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("graph depends on snapshot order (-sorted +shuffled):\n%s", diff)
	}
}

// TestBuildToleratesUnlistedTables: a foreign key may point at a table the
// snapshot does not list (e.g. a partition filtered out); it is still a
// table in the graph.
func TestBuildToleratesUnlistedTables(t *testing.T) {
	b := newSchema().fk("orders", "user_id", "users", cascade).fk("lines", "order_id", "orders", setNull, notNull)
	s := b.snap()
	s.Tables = s.Tables[1:] // drop public.lines
	g, err := Build(s, tn("users"))
	if err != nil {
		t.Fatal(err)
	}
	// Without its table the NOT NULL column is known only from fk.NotNull.
	if diff := cmp.Diff([]string{"lines.lines_order_id_fkey definite"}, blockerSummary(g)); diff != "" {
		t.Errorf("blockers (-want +got):\n%s", diff)
	}
	if _, err := Build(s, tn("lines")); err == nil {
		t.Error("an unlisted table cannot be a root")
	}
}
