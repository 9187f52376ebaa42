package explain

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// fixture is a fresh database holding one test's schema and rows.
type fixture struct {
	conn *pgx.Conn
	snap *catalog.Snapshot
}

// newFixture creates a database, runs sql in it and inspects it.
func newFixture(t testing.TB, sql string) *fixture {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	if _, err := conn.Exec(ctx, sql, pgx.QueryExecModeSimpleProtocol); err != nil {
		t.Fatalf("setting up: %v", err)
	}
	snap, err := catalog.Inspect(ctx, conn, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{conn: conn, snap: snap}
}

// mustGraph builds the graph of root.Table.
func mustGraph(t testing.TB, f *fixture, root Root) *graph.Graph {
	t.Helper()
	g, err := graph.Build(f.snap, root.Table)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// explain builds the graph of root.Table and explains deleting root.
func (f *fixture) explain(t testing.TB, root Root) (*Result, error) {
	t.Helper()
	g, err := graph.Build(f.snap, root.Table)
	if err != nil {
		t.Fatal(err)
	}
	return Explain(context.Background(), f.conn, f.snap, g, root, Options{})
}

// nativeResult is what a real DELETE did: per table (display name), the
// keys (joined with ",") of deleted and of changed rows, or its error.
type nativeResult struct {
	deleted map[string][]string
	changed map[string][]string
	err     *pgconn.PgError
}

// native runs the real DELETE of the row root selects, then SET
// CONSTRAINTS ALL IMMEDIATE, in a transaction it rolls back, and diffs
// every table of the snapshot by key (primary key, else ctid). It is the
// oracle: written against PostgreSQL's behaviour, not explain's model.
func (f *fixture) native(t testing.TB, root Root) nativeResult {
	t.Helper()
	ctx := context.Background()
	tx, err := f.conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	before := f.contents(t, tx)
	where := root.Where
	if len(root.Key) > 0 {
		var conds []string
		for col, v := range root.Key {
			conds = append(conds, ident.Quote(col)+" = "+ident.Literal(v))
		}
		where = strings.Join(conds, " AND ")
	}
	res := nativeResult{deleted: map[string][]string{}, changed: map[string][]string{}}
	if _, err := tx.Exec(ctx, "SAVEPOINT d"); err != nil {
		t.Fatal(err)
	}
	_, err = tx.Exec(ctx, "DELETE FROM "+root.Table.Quoted()+" WHERE "+where)
	if err == nil {
		_, err = tx.Exec(ctx, "SET CONSTRAINTS ALL IMMEDIATE")
	}
	if err != nil {
		if !errors.As(err, &res.err) {
			t.Fatal(err)
		}
		return res
	}
	after := f.contents(t, tx)
	for table, rows := range before {
		for key, img := range rows {
			a, ok := after[table][key]
			switch {
			case !ok:
				res.deleted[table] = append(res.deleted[table], key)
			case a != img:
				res.changed[table] = append(res.changed[table], key)
			}
		}
		sort.Strings(res.deleted[table])
		sort.Strings(res.changed[table])
	}
	return res
}

// contents reads every table as key → to_jsonb(row).
func (f *fixture) contents(t testing.TB, tx pgx.Tx) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, tb := range f.snap.Tables {
		if tb.PartitionOf != nil {
			continue
		}
		key := "c.ctid::text"
		if len(tb.PrimaryKey) > 0 {
			parts := make([]string, len(tb.PrimaryKey))
			for i, col := range tb.PrimaryKey {
				parts[i] = "c." + ident.Quote(col) + "::text"
			}
			key = "concat_ws(',', " + strings.Join(parts, ", ") + ")"
		}
		rows, err := tx.Query(context.Background(), "SELECT "+key+", to_jsonb(c)::text FROM "+tb.TableName().Quoted()+" c")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				t.Fatal(err)
			}
			m[k] = v
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		out[tb.TableName().String()] = m
	}
	return out
}

// explained returns the explain result in the oracle's terms.
func explained(r *Result) (deleted, changed map[string][]string) {
	deleted, changed = map[string][]string{}, map[string][]string{}
	for _, tr := range r.Tables {
		name := tr.Table.String()
		for _, row := range tr.Deleted {
			deleted[name] = append(deleted[name], strings.Join(row.Key, ","))
		}
		seen := map[string]bool{}
		for _, row := range slices.Concat(tr.Nulled, tr.Defaulted) {
			k := strings.Join(row.Key, ",")
			if !seen[k] {
				seen[k] = true
				changed[name] = append(changed[name], k)
			}
		}
		sort.Strings(deleted[name])
		sort.Strings(changed[name])
	}
	return deleted, changed
}

// compareWithNative fails t unless explain's answer matches what the real
// DELETE does: the same rows deleted and changed when it succeeds, a
// blocker naming the violated constraint (or, for a NOT NULL violation,
// the table) when it fails.
func compareWithNative(t testing.TB, r *Result, n nativeResult) {
	t.Helper()
	if n.err != nil {
		if !r.Blocked() {
			t.Fatalf("the DELETE fails (%s: %s), explain reports no blocker", n.err.Code, n.err.Message)
		}
		for _, b := range r.Blockers {
			if n.err.ConstraintName != "" && b.Constraint == n.err.ConstraintName && b.Table.Name == n.err.TableName {
				return
			}
			if n.err.Code == "23502" && b.Table.Name == n.err.TableName && slices.Contains(b.NotNullColumns, n.err.ColumnName) {
				return
			}
		}
		t.Fatalf("the DELETE fails on %s.%s (%s: %s); explain's blockers do not name it: %+v",
			n.err.TableName, n.err.ConstraintName, n.err.Code, n.err.Message, r.Blockers)
	}
	if r.Blocked() {
		t.Fatalf("the DELETE succeeds, explain reports blockers: %+v", r.Blockers)
	}
	deleted, changed := explained(r)
	if !equalSets(deleted, n.deleted) {
		t.Errorf("deleted rows:\nexplain %v\nnative  %v", deleted, n.deleted)
	}
	if !equalSets(changed, n.changed) {
		t.Errorf("changed rows:\nexplain %v\nnative  %v", changed, n.changed)
	}
}

// equalSets compares per-table key lists, ignoring empty entries.
func equalSets(a, b map[string][]string) bool {
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	for k, v := range b {
		if !slices.Equal(v, a[k]) {
			return false
		}
	}
	return true
}

// tn names a table of schema public.
func tn(name string) catalog.TableName { return catalog.TableName{Schema: "public", Name: name} }

// tnq names a table of any schema.
func tnq(schema, name string) catalog.TableName { return catalog.TableName{Schema: schema, Name: name} }
