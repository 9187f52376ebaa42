package purge

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/synthdata"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
	"github.com/ondelete/ondelete/verify/explain"
)

// testDB is a fresh database holding a hand-written schema and rows.
type testDB struct {
	t    *testing.T
	dsn  string
	conn *pgx.Conn
}

// newTestDB creates a database and runs script in it (several statements
// at once, over the simple protocol).
func newTestDB(t *testing.T, script string) *testDB {
	t.Helper()
	dsn := pgtest.NewDB(t)
	d := &testDB{t: t, dsn: dsn, conn: synthdata.Connect(t, dsn)}
	d.exec(script)
	return d
}

// exec runs a script, failing the test on error.
func (d *testDB) exec(script string) {
	d.t.Helper()
	if _, err := d.conn.PgConn().Exec(context.Background(), script).ReadAll(); err != nil {
		d.t.Fatalf("running %q: %v", script, err)
	}
}

// snapshot inspects the schema.
func (d *testDB) snapshot() *catalog.Snapshot {
	d.t.Helper()
	s, err := catalog.Inspect(context.Background(), d.conn, catalog.Options{})
	if err != nil {
		d.t.Fatal(err)
	}
	return s
}

// contents reads every table.
func (d *testDB) contents() synthdata.Snapshot {
	d.t.Helper()
	s, err := synthdata.Contents(context.Background(), d.conn)
	if err != nil {
		d.t.Fatal(err)
	}
	return s
}

// native asks PostgreSQL what deleting the root does (rolled back).
func (d *testDB) native(root explain.Root) *synthdata.Outcome {
	d.t.Helper()
	out, err := synthdata.NativeDelete(context.Background(), d.conn, root.Table, root.Key)
	if err != nil {
		d.t.Fatal(err)
	}
	return out
}

// tbl names a table of the public schema.
func tbl(name string) catalog.TableName { return catalog.TableName{Schema: "public", Name: name} }

// rootKey selects the row of public.table whose column "id" is id.
func rootKey(table, id string) explain.Root {
	return explain.Root{Table: tbl(table), Key: map[string]string{"id": id}}
}

// archivePath is a fresh archive file name in the test's directory.
func archivePath(t *testing.T) string { return filepath.Join(t.TempDir(), "archive.jsonl") }

// readArchive reads an archive file's lines.
func readArchive(t *testing.T, path string) []ArchiveLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []ArchiveLine
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var l ArchiveLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("archive line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// sameJSON reports whether two JSON texts hold the same value.
func sameJSON(a, b string) bool {
	var x, y any
	da, db := json.NewDecoder(strings.NewReader(a)), json.NewDecoder(strings.NewReader(b))
	da.UseNumber()
	db.UseNumber()
	if da.Decode(&x) != nil || db.Decode(&y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// checkArchive fails unless lines hold exactly the rows the native
// DELETE deleted or changed, each once, with its image before.
func checkArchive(t *testing.T, lines []ArchiveLine, want *synthdata.Outcome) {
	t.Helper()
	type entry struct {
		op  string
		row string
	}
	expect := map[string]entry{}
	keyOf := func(table catalog.TableName, cols, vals []string) string {
		pairs := make([]string, len(cols))
		for i := range cols {
			pairs[i] = keyString([]string{cols[i], vals[i]})
		}
		sort.Strings(pairs)
		return table.String() + " " + strings.Join(pairs, ",")
	}
	for _, e := range want.Tables {
		for _, img := range e.Deleted {
			expect[keyOf(e.Table, e.KeyColumns, img.Key)] = entry{"delete", img.JSON}
		}
		for _, ch := range e.Changed {
			op := "null"
			if !ch.Nulled {
				op = "default"
			}
			expect[keyOf(e.Table, e.KeyColumns, ch.Key)] = entry{op, ch.Before}
		}
	}
	got := map[string]int{}
	for _, l := range lines {
		var cols, vals []string
		for c, v := range l.Key {
			cols, vals = append(cols, c), append(vals, v)
		}
		k := keyOf(l.Table, cols, vals)
		got[k]++
		e, ok := expect[k]
		switch {
		case !ok:
			t.Errorf("archive holds %s %s, which the native DELETE leaves alone", l.Op, k)
		case got[k] > 1:
			t.Errorf("archive holds %s %d times", k, got[k])
		case string(l.Op) != e.op && !(e.op == "null" && l.Op == OpDefault):
			t.Errorf("archive holds %s as %s, want %s", k, l.Op, e.op)
		case !sameJSON(string(l.Row), e.row):
			t.Errorf("archive holds %s as %s, want %s", k, l.Row, e.row)
		}
	}
	for k := range expect {
		if got[k] == 0 {
			t.Errorf("archive misses %s", k)
		}
	}
}

// purgeMatchesNative runs the native DELETE of root (rolled back), then
// purges root with opts and fails unless the database ends as the native
// DELETE left it and the archive (if opts names a file) holds exactly the
// rows it deleted or changed.
func purgeMatchesNative(t *testing.T, d *testDB, root explain.Root, opts Options) *Summary {
	t.Helper()
	want := d.native(root)
	if want.Blocked() {
		t.Fatalf("the native DELETE fails: %v", want.Failure)
	}
	sum, err := Run(context.Background(), d.conn, d.snapshot(), root, opts)
	if err != nil {
		t.Fatalf("purge: %v", err)
	}
	if got := d.contents(); !reflect.DeepEqual(got, want.After) {
		t.Fatalf("purge leaves the tables unlike the native DELETE:\n%s", got.Diff(want.After))
	}
	if opts.ArchivePath != "" {
		checkArchive(t, readArchive(t, opts.ArchivePath), want)
	}
	if !sum.Done {
		t.Errorf("summary says not done: %+v", sum)
	}
	if int(sum.Deleted) != want.DeletedRows() {
		t.Errorf("summary counts %d deleted rows, native DELETE deleted %d", sum.Deleted, want.DeletedRows())
	}
	return sum
}
