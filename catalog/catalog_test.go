package catalog_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/internal/oracle"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// connectWith returns a connection to a fresh database with the DDL applied.
func connectWith(t *testing.T, ddl string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	if ddl != "" {
		if _, err := conn.Exec(ctx, ddl); err != nil {
			t.Fatalf("applying fixture: %v", err)
		}
	}
	return conn
}

func TestInspectMatchesInformationSchema(t *testing.T) {
	ddl, err := os.ReadFile("testdata/mixed.sql")
	if err != nil {
		t.Fatal(err)
	}
	conn := connectWith(t, string(ddl))
	snap, err := catalog.Inspect(context.Background(), conn, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := oracle.Inventory(context.Background(), conn)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 15 {
		t.Fatalf("oracle found only %d foreign keys: fixture not applied?", len(want))
	}
	if diff := cmp.Diff(want, oracle.FromSnapshot(snap)); diff != "" {
		t.Errorf("Inspect differs from information_schema (-want +got):\n%s", diff)
	}
}

func TestInspectDetails(t *testing.T) {
	ddl, err := os.ReadFile("testdata/mixed.sql")
	if err != nil {
		t.Fatal(err)
	}
	conn := connectWith(t, string(ddl))
	ctx := context.Background()
	snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fk := func(schema, table, name string) catalog.ForeignKey {
		t.Helper()
		for _, f := range snap.ForeignKeys {
			if f.Schema == schema && f.Table == table && f.Name == name {
				return f
			}
		}
		t.Fatalf("no foreign key %s.%s.%s", schema, table, name)
		return catalog.ForeignKey{}
	}
	// SET NULL (col) lists: compare with pg_get_constraintdef's own text.
	audit := fk("app", "audit", "audit_tenant_id_actor_fkey")
	if !slices.Equal(audit.OnDeleteColumns, []string{"actor"}) || !strings.Contains(audit.Definition, `ON DELETE SET NULL ("actor")`) {
		t.Errorf("SET NULL column list: %v, definition %q", audit.OnDeleteColumns, audit.Definition)
	}
	// NOT NULL: derived from pg_attribute in the test.
	for _, f := range snap.ForeignKeys {
		var notNull bool
		err := conn.QueryRow(ctx, `SELECT bool_and(a.attnotnull) FROM pg_attribute a
			WHERE a.attrelid = $1::regclass AND a.attname = ANY($2)`,
			ident.QuoteQualified(f.Schema, f.Table), f.Columns).Scan(&notNull)
		if err != nil {
			t.Fatal(err)
		}
		if notNull != f.NotNull {
			t.Errorf("%s: NotNull = %v, catalog says %v", f.Key(), f.NotNull, notNull)
		}
	}
	// Partitioned tables: one entry per constraint on the parent, none per
	// partition, whichever side is partitioned.
	var clones int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conparentid <> 0`).Scan(&clones); err != nil {
		t.Fatal(err)
	}
	if clones == 0 {
		t.Fatal("fixture should make PostgreSQL clone partitioned foreign keys")
	}
	for _, f := range snap.ForeignKeys {
		if strings.HasPrefix(f.Table, "events_") || strings.HasPrefix(f.RefTable, "events_") {
			t.Errorf("partition clone listed: %s", f.Key())
		}
	}
	fk("app", "events", "events_user_id_fkey")
	fk("app", "event_notes", "event_notes_event_id_event_at_fkey")
	// Partitions are listed, with their parent.
	for _, tb := range snap.Tables {
		if strings.HasPrefix(tb.Name, "events_") && (tb.PartitionOf == nil || tb.PartitionOf.Name != "events") {
			t.Errorf("partition %s: PartitionOf = %v", tb.Name, tb.PartitionOf)
		}
	}
	if ev := snap.Table(catalog.TableName{Schema: "app", Name: "events"}); ev == nil || !ev.Partitioned {
		t.Errorf("events should be a partitioned table: %+v", ev)
	}
	// Columns: identity, generated, default as PostgreSQL reports them.
	posts := snap.Table(catalog.TableName{Schema: "app", Name: "posts"})
	if posts == nil {
		t.Fatal("no app.posts")
	}
	if c := posts.Column("id"); c == nil || c.Identity != "always" {
		t.Errorf("posts.id identity: %+v", c)
	}
	if c := posts.Column("slug"); c == nil || !c.Generated {
		t.Errorf("posts.slug generated: %+v", c)
	}
	if c := posts.Column("title"); c == nil || c.Default != "'untitled'::text" || !c.NotNull {
		t.Errorf("posts.title: %+v", c)
	}
	if !slices.Equal(posts.PrimaryKey, []string{"id"}) {
		t.Errorf("posts primary key %v", posts.PrimaryKey)
	}
}

func TestInspectSchemaFilter(t *testing.T) {
	ddl, err := os.ReadFile("testdata/mixed.sql")
	if err != nil {
		t.Fatal(err)
	}
	conn := connectWith(t, string(ddl))
	snap, err := catalog.Inspect(context.Background(), conn, catalog.Options{Schemas: []string{"Weird Schema"}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range snap.ForeignKeys {
		names = append(names, f.Table+"."+f.Name)
	}
	sort.Strings(names)
	want := []string{
		`cross.cross_owner_fkey`,
		`Ünïcode "quoted" table.Ünïcode "quoted" table_UserRef_fkey`,
		`Ünïcode "quoted" table.Ünïcode "quoted" table_order_fkey`,
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("schema filter (-want +got):\n%s", diff)
	}
	if len(snap.Tables) != 3 {
		t.Errorf("tables in Weird Schema: %d, want 3", len(snap.Tables))
	}
	// The referenced table lies outside the filter: its columns are still
	// named, and the definition spells it.
	for _, f := range snap.ForeignKeys {
		if f.Table == "cross" && (!slices.Equal(f.RefColumns, []string{"id"}) || !slices.Equal(f.Columns, []string{"owner"}) ||
			f.Definition != `FOREIGN KEY ("owner") REFERENCES "app"."users" ("id") ON DELETE CASCADE`) {
			t.Errorf("cross-schema key: %+v", f)
		}
	}
}

// TestDefaultFKNameMatchesPostgres lets PostgreSQL name constraints and
// checks DefaultFKName predicts each name, including 63-byte truncation
// and multibyte characters at the cut.
func TestDefaultFKNameMatchesPostgres(t *testing.T) {
	conn := connectWith(t, "")
	ctx := context.Background()
	long := strings.Repeat("x", 63)
	cases := []struct {
		table string
		cols  []string
	}{
		{"child", []string{"a"}},
		{"Child Table", []string{"Parent ID"}},
		{long, []string{"a"}},
		{"short", []string{long}},
		{strings.Repeat("t", 40), []string{strings.Repeat("c", 40)}},
		{strings.Repeat("é", 31), []string{"a"}},
		{"t", []string{strings.Repeat("ü", 31)}},
		{strings.Repeat("é", 20) + "x", []string{strings.Repeat("ü", 20), "b", "c"}},
		{"multi", []string{strings.Repeat("p", 30), strings.Repeat("q", 30), strings.Repeat("r", 30)}},
	}
	for i, c := range cases {
		// A parent per case with a unique key as wide as the foreign key.
		parent := fmt.Sprintf("parent_%d", i)
		var defs, keys []string
		for j := range c.cols {
			defs = append(defs, fmt.Sprintf("k%d int", j))
			keys = append(keys, fmt.Sprintf("k%d", j))
		}
		ddl := fmt.Sprintf("CREATE TABLE %s (%s, UNIQUE (%s))", parent, strings.Join(defs, ", "), strings.Join(keys, ", "))
		if _, err := conn.Exec(ctx, ddl); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		var cols []string
		for _, col := range c.cols {
			cols = append(cols, ident.Quote(col)+" int")
		}
		ddl = fmt.Sprintf("CREATE TABLE %[1]s (%[2]s); ALTER TABLE %[1]s ADD FOREIGN KEY (%[3]s) REFERENCES %[4]s (%[5]s)",
			ident.Quote(c.table), strings.Join(cols, ", "), ident.QuoteList(c.cols), parent, strings.Join(keys, ", "))
		if _, err := conn.Exec(ctx, ddl); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		var got string
		if err := conn.QueryRow(ctx, `SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = $1::regclass`,
			ident.Quote(c.table)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := catalog.DefaultFKName(c.table, c.cols); want != got {
			t.Errorf("case %d: DefaultFKName = %q, PostgreSQL chose %q", i, want, got)
		}
	}
}
