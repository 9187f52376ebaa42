package catalog

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Conn is what Inspect needs from a connection: *pgx.Conn, pgx.Tx and
// *pgxpool.Pool all satisfy it.
type Conn interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// Options narrows what Inspect reads.
type Options struct {
	// Schemas limits inspection to these schemas (tables and the foreign
	// keys declared on them). Empty means every non-system schema.
	Schemas []string
}

// Inspect reads the database's tables, columns, indexes and foreign keys
// into a Snapshot: one query for the server version, then one batch (a
// single round trip) of one query per kind of object.
func Inspect(ctx context.Context, conn Conn, opts Options) (*Snapshot, error) {
	snap := &Snapshot{}
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&snap.ServerVersion); err != nil {
		return nil, fmt.Errorf("reading server version: %w", err)
	}
	var schemas []string // nil → SQL NULL → all schemas
	if len(opts.Schemas) > 0 {
		schemas = opts.Schemas
	}
	setCols := "NULL::int2[]"
	if snap.ServerVersion >= 150000 {
		setCols = "con.confdelsetcols"
	}
	b := &pgx.Batch{}
	b.Queue(tablesQuery, schemas)
	b.Queue(columnsQuery, schemas)
	b.Queue(indexesQuery, schemas)
	b.Queue(strings.Replace(foreignKeysQuery, "{{SETCOLS}}", setCols, 1), schemas)
	res := conn.SendBatch(ctx, b)
	defer res.Close()

	byOID := map[uint32]*tableBuild{}
	order, err := readTables(res, byOID)
	if err != nil {
		return nil, fmt.Errorf("inspecting tables: %w", err)
	}
	if err := readColumns(res, byOID); err != nil {
		return nil, fmt.Errorf("inspecting columns: %w", err)
	}
	if err := readIndexes(res, byOID); err != nil {
		return nil, fmt.Errorf("inspecting indexes: %w", err)
	}
	raws, err := readForeignKeys(res)
	if err != nil {
		return nil, fmt.Errorf("inspecting foreign keys: %w", err)
	}
	if err := res.Close(); err != nil {
		return nil, fmt.Errorf("inspecting catalog: %w", err)
	}
	names, err := columnNames(ctx, conn, byOID, raws)
	if err != nil {
		return nil, fmt.Errorf("inspecting referenced columns: %w", err)
	}
	fks := make([]ForeignKey, len(raws))
	for i := range raws {
		fks[i] = raws[i].fk
		fks[i].Columns = names.of(raws[i].rel, raws[i].keys)
		fks[i].RefColumns = names.of(raws[i].refRel, raws[i].refKeys)
		if len(raws[i].setKeys) > 0 {
			fks[i].OnDeleteColumns = names.of(raws[i].rel, raws[i].setKeys)
		}
	}

	snap.Tables = make([]Table, 0, len(order))
	byName := make(map[TableName]*tableBuild, len(order))
	for _, oid := range order {
		tb := byOID[oid]
		snap.Tables = append(snap.Tables, tb.Table)
		byName[tb.TableName()] = tb
	}
	for i := range fks {
		fk := &fks[i]
		if tb := byName[fk.TableName()]; tb != nil {
			fk.RowEstimate = tb.RowEstimate
			fk.NotNull = tb.allNotNull(fk.Columns)
			fk.Indexed = tb.covers(fk.Columns)
		}
		if ref := byName[fk.RefTableName()]; ref != nil {
			fk.RefRowEstimate = ref.RowEstimate // summed over partitions
		}
		fk.ConventionalName = fk.Name == DefaultFKName(fk.Table, fk.Columns)
		fk.Definition = fk.Clause(fk.OnDelete, fk.OnUpdate)
		if !fk.Validated {
			fk.Definition += " NOT VALID"
		}
	}
	snap.ForeignKeys = fks
	return snap, nil
}

// tableBuild is a table under construction, with its columns by attnum so
// index keys can be resolved.
type tableBuild struct {
	Table
	byNum map[int16]string
}

func readTables(res pgx.BatchResults, byOID map[uint32]*tableBuild) ([]uint32, error) {
	rows, err := res.Query()
	if err != nil {
		return nil, err
	}
	var order []uint32
	for rows.Next() {
		tb := &tableBuild{byNum: map[int16]string{}}
		var oid uint32
		var parentSchema, parentName *string
		if err := rows.Scan(&oid, &tb.Schema, &tb.Name, &tb.Partitioned, &parentSchema, &parentName, &tb.RowEstimate); err != nil {
			return nil, err
		}
		if parentName != nil {
			tb.PartitionOf = &TableName{Schema: *parentSchema, Name: *parentName}
		}
		byOID[oid] = tb
		order = append(order, oid)
	}
	return order, rows.Err()
}

func readColumns(res pgx.BatchResults, byOID map[uint32]*tableBuild) error {
	rows, err := res.Query()
	if err != nil {
		return err
	}
	for rows.Next() {
		var (
			oid      uint32
			num      int16
			c        Column
			identity string
		)
		if err := rows.Scan(&oid, &num, &c.Name, &c.Type, &c.NotNull, &c.Default, &identity, &c.Generated); err != nil {
			return err
		}
		switch identity {
		case "a":
			c.Identity = "always"
		case "d":
			c.Identity = "by default"
		}
		if tb := byOID[oid]; tb != nil {
			tb.Columns = append(tb.Columns, c)
			tb.byNum[num] = c.Name
		}
	}
	return rows.Err()
}

func readIndexes(res pgx.BatchResults, byOID map[uint32]*tableBuild) error {
	rows, err := res.Query()
	if err != nil {
		return err
	}
	for rows.Next() {
		var (
			oid  uint32
			keys []int16
			ix   Index
		)
		if err := rows.Scan(&oid, &ix.Name, &keys, &ix.Unique, &ix.Primary, &ix.Partial, &ix.Valid); err != nil {
			return err
		}
		tb := byOID[oid]
		if tb == nil {
			continue
		}
		ix.Columns = make([]string, len(keys))
		for i, k := range keys {
			ix.Columns[i] = tb.byNum[k] // 0 (an expression) stays ""
		}
		if ix.Primary {
			tb.PrimaryKey = ix.Columns
		}
		tb.Indexes = append(tb.Indexes, ix)
	}
	return rows.Err()
}

// rawFK is a foreign key as read, its columns still attribute numbers.
type rawFK struct {
	fk                     ForeignKey
	rel, refRel            uint32
	keys, refKeys, setKeys []int16
}

func readForeignKeys(res pgx.BatchResults) ([]rawFK, error) {
	rows, err := res.Query()
	if err != nil {
		return nil, err
	}
	var fks []rawFK
	for rows.Next() {
		var (
			r               rawFK
			del, upd, match string
		)
		fk := &r.fk
		if err := rows.Scan(&fk.Schema, &fk.Table, &fk.Name, &r.rel, &r.keys, &fk.RefSchema, &fk.RefTable,
			&r.refRel, &r.refKeys, &del, &upd, &r.setKeys, &fk.Deferrable, &fk.InitiallyDeferred,
			&fk.Validated, &match, &fk.RefRowEstimate); err != nil {
			return nil, err
		}
		if fk.OnDelete, err = actionFromCode(del); err != nil {
			return nil, err
		}
		if fk.OnUpdate, err = actionFromCode(upd); err != nil {
			return nil, err
		}
		fk.Match = matchFromCode(match)
		fk.RowEstimate = -1
		fks = append(fks, r)
	}
	return fks, rows.Err()
}

// attNames maps a relation's attribute numbers to column names.
type attNames map[uint32]map[int16]string

// of names the attribute numbers of rel, in order.
func (a attNames) of(rel uint32, nums []int16) []string {
	out := make([]string, len(nums))
	for i, n := range nums {
		out[i] = a[rel][n]
	}
	return out
}

// columnNames collects the column names foreign keys need: from the
// tables already read, plus one query for referenced tables outside the
// schema filter.
func columnNames(ctx context.Context, conn Conn, byOID map[uint32]*tableBuild, raws []rawFK) (attNames, error) {
	names := attNames{}
	for oid, tb := range byOID {
		names[oid] = tb.byNum
	}
	var missing []uint32
	seen := map[uint32]bool{}
	for _, r := range raws {
		for _, rel := range []uint32{r.rel, r.refRel} {
			if names[rel] == nil && !seen[rel] {
				seen[rel] = true
				missing = append(missing, rel)
			}
		}
	}
	if len(missing) == 0 {
		return names, nil
	}
	b := &pgx.Batch{}
	b.Queue(attributesQuery, missing)
	res := conn.SendBatch(ctx, b)
	defer res.Close()
	rows, err := res.Query()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			rel  uint32
			num  int16
			name string
		)
		if err := rows.Scan(&rel, &num, &name); err != nil {
			return nil, err
		}
		if names[rel] == nil {
			names[rel] = map[int16]string{}
		}
		names[rel][num] = name
	}
	return names, rows.Err()
}

// actionFromCode maps pg_constraint's one-letter action codes.
func actionFromCode(c string) (Action, error) {
	switch c {
	case "a":
		return NoAction, nil
	case "r":
		return Restrict, nil
	case "c":
		return Cascade, nil
	case "n":
		return SetNull, nil
	case "d":
		return SetDefault, nil
	}
	return "", fmt.Errorf("unknown referential action code %q", c)
}

func matchFromCode(c string) string {
	switch c {
	case "f":
		return "full"
	case "p":
		return "partial"
	}
	return "simple"
}

// allNotNull reports whether every named column is NOT NULL.
func (tb *tableBuild) allNotNull(cols []string) bool {
	for _, name := range cols {
		c := tb.Column(name)
		if c == nil || !c.NotNull {
			return false
		}
	}
	return true
}

// covers reports whether a valid, non-partial index has exactly cols as its
// leading key columns, in any order: such an index lets the referential
// action find child rows without scanning the table.
func (tb *tableBuild) covers(cols []string) bool {
	want := slices.Clone(cols)
	sort.Strings(want)
	for _, ix := range tb.Indexes {
		if !ix.Valid || ix.Partial || len(ix.Columns) < len(cols) {
			continue
		}
		lead := slices.Clone(ix.Columns[:len(cols)])
		sort.Strings(lead)
		if slices.Equal(lead, want) {
			return true
		}
	}
	return false
}

// String describes the foreign key on one line, for messages and logs.
func (fk *ForeignKey) String() string {
	return fmt.Sprintf("%s (%s) → %s (%s) ON DELETE %s", fk.Key(), strings.Join(fk.Columns, ", "),
		fk.RefTableName(), strings.Join(fk.RefColumns, ", "), fk.OnDelete.SQL())
}
