package check

import (
	"context"
	"strings"
	"testing"

	"github.com/ondelete/ondelete/catalog"
)

func TestRebuildKeepsEveryOtherProperty(t *testing.T) {
	fk := &catalog.ForeignKey{
		Schema: "app", Table: "Line Items", Name: "li_order", Columns: []string{"tenant_id", "order_id"},
		RefSchema: "app", RefTable: "orders", RefColumns: []string{"tenant_id", "id"},
		OnDelete: catalog.SetNull, OnUpdate: catalog.Cascade, OnDeleteColumns: []string{"order_id"},
		Match: "full", Deferrable: true, InitiallyDeferred: true, Validated: false,
	}
	r := redefineOf(fk)
	r.onDelete = catalog.SetDefault
	got := rebuildSQL(fk, nil, r)
	want := `ALTER TABLE "app"."Line Items"
  DROP CONSTRAINT "li_order",
  ADD CONSTRAINT "li_order" FOREIGN KEY ("tenant_id", "order_id") REFERENCES "app"."orders" ("tenant_id", "id") MATCH FULL ON DELETE SET DEFAULT ("order_id") ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED NOT VALID;`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	r.onDelete = catalog.Cascade
	if got := rebuildSQL(fk, nil, r); strings.Contains(got, `("order_id") ON UPDATE`) {
		t.Errorf("a column list kept for CASCADE:\n%s", got)
	}
}

func TestRebuildOnPartitionedTable(t *testing.T) {
	fk := &catalog.ForeignKey{Schema: "public", Table: "events", Name: "events_user_id_fkey", Columns: []string{"user_id"},
		RefSchema: "public", RefTable: "users", RefColumns: []string{"id"}, OnDelete: catalog.NoAction, Validated: true}
	tbl := &catalog.Table{Schema: "public", Name: "events", Partitioned: true, Columns: []catalog.Column{{Name: "user_id", Type: "bigint"}}}
	r := redefineOf(fk)
	r.onDelete = catalog.Cascade
	want := partitionedKeyNote + `
ALTER TABLE "public"."events"
  DROP CONSTRAINT "events_user_id_fkey",
  ADD CONSTRAINT "events_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE;`
	if got := rebuildSQL(fk, tbl, r); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestIndexNamesMatchPostgres lets PostgreSQL name indexes (long names,
// multibyte characters, clashes) and compares with indexName.
func TestIndexNamesMatchPostgres(t *testing.T) {
	conn := connect(t)
	long := strings.Repeat("t", 40) + "_tablé"
	col1, col2 := strings.Repeat("c", 30)+"_ü", "second_column_with_a_long_name"
	execScript(t, conn, "names.sql", `
CREATE TABLE "`+long+`" ("`+col1+`" int, "`+col2+`" int, x int);
CREATE TABLE plain (user_id int, x int);
CREATE INDEX plain_user_id_idx ON plain (x);`)
	cases := []struct {
		table catalog.TableName
		cols  []string
	}{
		{catalog.TableName{Schema: "public", Name: long}, []string{col1, col2}},
		{catalog.TableName{Schema: "public", Name: long}, []string{"x"}},
		{catalog.TableName{Schema: "public", Name: "plain"}, []string{"user_id"}},
	}
	for _, c := range cases {
		want := (&relationNames{snap: inspect(t, conn)}).indexName(c.table, c.cols)
		var quoted []string
		for _, col := range c.cols {
			quoted = append(quoted, `"`+col+`"`)
		}
		execScript(t, conn, "index.sql", "CREATE INDEX ON "+c.table.Quoted()+" ("+strings.Join(quoted, ", ")+")")
		var got string
		err := conn.QueryRow(context.Background(), `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = $1::regclass ORDER BY c.oid DESC LIMIT 1`, c.table.Quoted()).Scan(&got)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s (%v): PostgreSQL chose %q, indexName %q", c.table, c.cols, got, want)
		}
	}
}
