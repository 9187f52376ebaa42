package synthdata

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// Querier is what Contents and NativeDelete read through: a *pgx.Conn, a
// pgx.Tx or a pool.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// Snapshot is the whole contents of some tables: per table, every row as
// the text of to_jsonb(row), sorted. jsonb text is canonical (keys sorted,
// one spelling per value), so two databases hold the same rows exactly
// when their Snapshots are equal.
type Snapshot map[catalog.TableName][]string

// Image is one row as a snapshot saw it.
type Image struct {
	// Key is the row's primary-key values as PostgreSQL prints them
	// (::text), in primary-key order, or its ctid for a table without a
	// primary key.
	Key []string
	// JSON is to_jsonb(row)::text.
	JSON string
}

// tableInfo is a table and its primary-key columns (none: keyed by ctid).
type tableInfo struct {
	name catalog.TableName
	key  []string
}

// keyColumns returns the columns of Image.Key for the table.
func (t tableInfo) keyColumns() []string {
	if len(t.key) == 0 {
		return []string{"ctid"}
	}
	return t.key
}

// tableImage is the rows of one table at one moment.
type tableImage struct {
	info tableInfo
	rows []Image
}

// tablesQuery lists ordinary and partitioned tables outside the system
// schemas (partitions are read through their parent) with their primary
// keys.
const tablesQuery = `
SELECT n.nspname, c.relname,
       COALESCE((SELECT array_agg(a.attname ORDER BY k.ord)
                 FROM pg_index i
                 CROSS JOIN unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
                 WHERE i.indrelid = c.oid AND i.indisprimary), '{}')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
ORDER BY 1, 2`

// listTables returns the tables named, or every user table when none are.
func listTables(ctx context.Context, q Querier, only []catalog.TableName) ([]tableInfo, error) {
	rows, err := q.Query(ctx, tablesQuery)
	if err != nil {
		return nil, fmt.Errorf("listing tables: %w", err)
	}
	var all []tableInfo
	for rows.Next() {
		var t tableInfo
		if err := rows.Scan(&t.name.Schema, &t.name.Name, &t.key); err != nil {
			return nil, fmt.Errorf("listing tables: %w", err)
		}
		all = append(all, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing tables: %w", err)
	}
	if len(only) == 0 {
		return all, nil
	}
	out := make([]tableInfo, 0, len(only))
	for _, name := range only {
		i := slices.IndexFunc(all, func(t tableInfo) bool { return t.name == name })
		if i < 0 {
			return nil, fmt.Errorf("listing tables: no table %s", name)
		}
		out = append(out, all[i])
	}
	return out, nil
}

// rowAlias names the row in snapshot queries; unlikely as a column name,
// since a column of that name would shadow the whole-row reference.
const rowAlias = `"synthdata row"`

// readImages reads every row of every table in one batch (one round trip).
func readImages(ctx context.Context, q Querier, tables []tableInfo) (map[catalog.TableName]*tableImage, error) {
	b := &pgx.Batch{}
	for _, t := range tables {
		keys := make([]string, 0, len(t.key))
		for _, c := range t.keyColumns() {
			if len(t.key) == 0 {
				keys = append(keys, rowAlias+".ctid::text")
			} else {
				keys = append(keys, rowAlias+"."+ident.Quote(c)+"::text")
			}
		}
		b.Queue("SELECT ARRAY[" + strings.Join(keys, ", ") + "], to_jsonb(" + rowAlias + ")::text FROM " +
			t.name.Quoted() + " AS " + rowAlias)
	}
	res := q.SendBatch(ctx, b)
	out := make(map[catalog.TableName]*tableImage, len(tables))
	for _, t := range tables {
		img := &tableImage{info: t}
		rows, err := res.Query()
		if err != nil {
			res.Close()
			return nil, fmt.Errorf("reading rows of %s: %w", t.name, err)
		}
		for rows.Next() {
			var r Image
			if err := rows.Scan(&r.Key, &r.JSON); err != nil {
				rows.Close()
				res.Close()
				return nil, fmt.Errorf("reading rows of %s: %w", t.name, err)
			}
			img.rows = append(img.rows, r)
		}
		if err := rows.Err(); err != nil {
			res.Close()
			return nil, fmt.Errorf("reading rows of %s: %w", t.name, err)
		}
		slices.SortFunc(img.rows, func(a, b Image) int { return compareKeys(a.Key, b.Key) })
		out[t.name] = img
	}
	if err := res.Close(); err != nil {
		return nil, fmt.Errorf("reading rows: %w", err)
	}
	return out, nil
}

// compareKeys orders keys element by element, as text.
func compareKeys(a, b []string) int { return slices.Compare(a, b) }

// SortKeys sorts keys the way every key list in this package is sorted
// (element by element, as text), so a test can sort the keys of the code
// under test the same way before comparing.
func SortKeys(keys [][]string) { slices.SortFunc(keys, compareKeys) }

// Contents reads every row of the named tables, or of every user table
// when none are named, into a Snapshot. Read both sides through a
// transaction or a quiet database: it runs one query per table.
func Contents(ctx context.Context, q Querier, tables ...catalog.TableName) (Snapshot, error) {
	infos, err := listTables(ctx, q, tables)
	if err != nil {
		return nil, err
	}
	imgs, err := readImages(ctx, q, infos)
	if err != nil {
		return nil, err
	}
	return snapshotOf(imgs), nil
}

// snapshotOf turns images into a Snapshot.
func snapshotOf(imgs map[catalog.TableName]*tableImage) Snapshot {
	s := make(Snapshot, len(imgs))
	for name, img := range imgs {
		rows := make([]string, len(img.rows))
		for i, r := range img.rows {
			rows[i] = r.JSON
		}
		slices.Sort(rows)
		s[name] = rows
	}
	return s
}

// maxDiffLines bounds Diff's output.
const maxDiffLines = 20

// Diff describes how s differs from other (rows only in s are marked "-",
// rows only in other "+"), at most a screenful; "" when they are equal.
func (s Snapshot) Diff(other Snapshot) string {
	names := make([]catalog.TableName, 0, len(s)+len(other))
	for n := range s {
		names = append(names, n)
	}
	for n := range other {
		if _, ok := s[n]; !ok {
			names = append(names, n)
		}
	}
	slices.SortFunc(names, func(a, b catalog.TableName) int {
		return strings.Compare(a.Schema+"\x00"+a.Name, b.Schema+"\x00"+b.Name)
	})
	var lines []string
	more := 0
	add := func(l string) {
		if len(lines) < maxDiffLines {
			lines = append(lines, l)
		} else {
			more++
		}
	}
	for _, n := range names {
		a, inA := s[n]
		b, inB := other[n]
		switch {
		case !inA:
			add(fmt.Sprintf("+ table %s (%d rows)", n, len(b)))
			continue
		case !inB:
			add(fmt.Sprintf("- table %s (%d rows)", n, len(a)))
			continue
		}
		i, j := 0, 0
		for i < len(a) || j < len(b) {
			switch {
			case j == len(b) || (i < len(a) && a[i] < b[j]):
				add(fmt.Sprintf("- %s %s", n, a[i]))
				i++
			case i == len(a) || b[j] < a[i]:
				add(fmt.Sprintf("+ %s %s", n, b[j]))
				j++
			default:
				i++
				j++
			}
		}
	}
	if more > 0 {
		lines = append(lines, fmt.Sprintf("... and %d more differences", more))
	}
	return strings.Join(lines, "\n")
}
