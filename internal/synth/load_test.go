package synth_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/synth"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// load applies s to a fresh database in batches and returns a connection.
func load(t testing.TB, s synth.Schema, batchSize int) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	for i, batch := range s.Batches(batchSize) {
		if _, err := conn.Exec(ctx, batch); err != nil {
			t.Fatalf("applying batch %d: %v", i, err)
		}
	}
	return conn
}

// fkRow is one foreign key as pg_constraint describes it.
type fkRow struct {
	Schema, Table, Name string
	Columns             []string
	RefSchema, RefTable string
	RefColumns          []string
	OnDelete            catalog.Action
	NotNull, Indexed    bool
}

// foreignKeysQuery reads every foreign key with its columns by name. An FK
// counts as indexed when some index has exactly its columns as keys, which
// is what the generator creates.
const foreignKeysQuery = `
SELECT n.nspname, c.relname, con.conname,
       (SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num),
       rn.nspname, rc.relname,
       (SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
          JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num),
       con.confdeltype::text,
       (SELECT bool_and(a.attnotnull) FROM pg_attribute a
          WHERE a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey)),
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = con.conrelid
          AND (SELECT array_agg(x ORDER BY x) FROM unnest(i.indkey::int2[]) x)
            = (SELECT array_agg(x ORDER BY x) FROM unnest(con.conkey) x))
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class rc ON rc.oid = con.confrelid
JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.contype = 'f'`

var actionCodes = map[string]catalog.Action{
	"a": catalog.NoAction, "r": catalog.Restrict, "c": catalog.Cascade,
	"n": catalog.SetNull, "d": catalog.SetDefault,
}

func readForeignKeys(t *testing.T, conn *pgx.Conn) []fkRow {
	t.Helper()
	rows, err := conn.Query(context.Background(), foreignKeysQuery)
	if err != nil {
		t.Fatalf("querying pg_constraint: %v", err)
	}
	var out []fkRow
	for rows.Next() {
		var r fkRow
		var code string
		if err := rows.Scan(&r.Schema, &r.Table, &r.Name, &r.Columns, &r.RefSchema, &r.RefTable, &r.RefColumns, &code, &r.NotNull, &r.Indexed); err != nil {
			t.Fatalf("scanning pg_constraint: %v", err)
		}
		r.OnDelete = actionCodes[code]
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("reading pg_constraint: %v", err)
	}
	sortFKs(out)
	return out
}

func sortFKs(fks []fkRow) {
	sort.Slice(fks, func(i, j int) bool {
		a, b := fks[i], fks[j]
		if a.Schema != b.Schema {
			return a.Schema < b.Schema
		}
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		return a.Name < b.Name
	})
}

// TestLoadedSchemaMatchesModel applies a generated schema and checks that
// PostgreSQL holds exactly what the model says: per-action counts, every
// constraint with its columns, action, nullability and index, and every
// column with the type spelling format_type() uses.
func TestLoadedSchemaMatchesModel(t *testing.T) {
	opts := synth.DefaultOptions(42, 200, 400)
	opts.WeirdNameRate = 0.1
	s := synth.Generate(opts)
	conn := load(t, s, 50)
	ctx := context.Background()
	sum := s.Summary()

	got := map[catalog.Action]int{}
	rows, err := conn.Query(ctx, `SELECT confdeltype::text, count(*) FROM pg_constraint WHERE contype = 'f' GROUP BY 1`)
	if err != nil {
		t.Fatalf("counting constraints: %v", err)
	}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			t.Fatalf("scanning counts: %v", err)
		}
		got[actionCodes[code]] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("counting constraints: %v", err)
	}
	for a, n := range sum.ByAction {
		if got[a] != n {
			t.Errorf("ON DELETE %s: pg_constraint has %d, summary says %d", a.SQL(), got[a], n)
		}
	}

	want := make([]fkRow, 0, len(s.ForeignKeys))
	for _, fk := range s.ForeignKeys {
		want = append(want, fkRow{fk.Schema, fk.Table, fk.Name, fk.Columns, fk.RefSchema, fk.RefTable, fk.RefColumns, fk.OnDelete, fk.NotNull, fk.Indexed})
	}
	sortFKs(want)
	if diff := cmp.Diff(want, readForeignKeys(t, conn)); diff != "" {
		t.Errorf("foreign keys differ from the model (-model +database):\n%s", diff)
	}

	var tables int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND n.nspname = ANY ($1)`, s.Schemas).Scan(&tables); err != nil {
		t.Fatalf("counting tables: %v", err)
	}
	if tables != sum.Tables {
		t.Errorf("database has %d tables, summary says %d", tables, sum.Tables)
	}

	type col struct {
		Table   catalog.TableName
		Name    string
		Type    string
		NotNull bool
	}
	var wantCols []col
	for _, tb := range s.Tables {
		for _, c := range tb.Columns {
			wantCols = append(wantCols, col{tb.TableName(), c.Name, c.Type, c.NotNull})
		}
	}
	rows, err = conn.Query(ctx, `SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND n.nspname = ANY ($1) AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY n.nspname, c.relname, a.attnum`, s.Schemas)
	if err != nil {
		t.Fatalf("reading columns: %v", err)
	}
	var gotCols []col
	for rows.Next() {
		var c col
		if err := rows.Scan(&c.Table.Schema, &c.Table.Name, &c.Name, &c.Type, &c.NotNull); err != nil {
			t.Fatalf("scanning columns: %v", err)
		}
		gotCols = append(gotCols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("reading columns: %v", err)
	}
	sort.SliceStable(wantCols, func(i, j int) bool {
		a, b := wantCols[i].Table, wantCols[j].Table
		if a.Schema != b.Schema {
			return a.Schema < b.Schema
		}
		return a.Name < b.Name
	})
	if diff := cmp.Diff(wantCols, gotCols); diff != "" {
		t.Errorf("columns differ from the model (-model +database):\n%s", diff)
	}
}

// BenchmarkLoad measures loading a schema of the size ondelete's own
// benchmarks use: go test ./internal/synth -run '^$' -bench Load -benchtime 1x.
func BenchmarkLoad(b *testing.B) {
	s := synth.Generate(synth.DefaultOptions(7, 5000, 10000))
	for b.Loop() {
		start := time.Now()
		load(b, s, synth.DefaultBatchSize)
		b.ReportMetric(time.Since(start).Seconds(), "s/load")
	}
}
