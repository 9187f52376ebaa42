package bench

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
)

// DriftQuery is an information_schema query of the kind hand-written
// foreign-key drift tests run: list every foreign key with its table,
// columns, referenced table and columns and its delete rule, then compare
// with what the test expects. It is the baseline ondelete's inspect plus
// graph is measured against.
type DriftQuery struct {
	// Name identifies the query in benchmark names and reports.
	Name string
	// About says where the query comes from, for the report.
	About string
	// SQL returns one row per foreign-key column (or column pair), with
	// the columns ReadDrift expects: schema, table, constraint, column,
	// referenced schema, referenced table, referenced column, delete rule.
	SQL string
}

// DriftQueries are the two shapes such tests take, both measured because
// neither is obviously the one every project uses.
//
// "classic" is the query most often copied from answers to "how do I list
// all foreign keys in PostgreSQL": table_constraints joined with
// key_column_usage, constraint_column_usage and referential_constraints by
// constraint name. constraint_column_usage has no position, so a two-column
// key comes back as four rows (every referencing column with every
// referenced one); drift tests that use it tolerate that or dedupe.
//
// "positional" is the careful variant: referential_constraints joined with
// key_column_usage twice, pairing each referencing column with the
// referenced one through position_in_unique_constraint, so every column
// pair comes back once and in order.
var DriftQueries = []DriftQuery{
	{
		Name:  "classic",
		About: "table_constraints ⋈ key_column_usage ⋈ constraint_column_usage ⋈ referential_constraints",
		SQL: `
SELECT tc.table_schema, tc.table_name, tc.constraint_name, kcu.column_name,
       ccu.table_schema AS foreign_table_schema, ccu.table_name AS foreign_table_name,
       ccu.column_name AS foreign_column_name, rc.delete_rule
FROM information_schema.table_constraints AS tc
JOIN information_schema.key_column_usage AS kcu
  ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema
JOIN information_schema.constraint_column_usage AS ccu
  ON ccu.constraint_name = tc.constraint_name AND ccu.constraint_schema = tc.constraint_schema
JOIN information_schema.referential_constraints AS rc
  ON rc.constraint_name = tc.constraint_name AND rc.constraint_schema = tc.constraint_schema
WHERE tc.constraint_type = 'FOREIGN KEY'`,
	},
	{
		Name:  "positional",
		About: "referential_constraints ⋈ key_column_usage ⋈ key_column_usage (by position_in_unique_constraint)",
		SQL: `
SELECT kcu.table_schema, kcu.table_name, rc.constraint_name, kcu.column_name,
       ref.table_schema, ref.table_name, ref.column_name, rc.delete_rule
FROM information_schema.referential_constraints AS rc
JOIN information_schema.key_column_usage AS kcu
  ON kcu.constraint_schema = rc.constraint_schema AND kcu.constraint_name = rc.constraint_name
JOIN information_schema.key_column_usage AS ref
  ON ref.constraint_schema = rc.unique_constraint_schema AND ref.constraint_name = rc.unique_constraint_name
 AND ref.ordinal_position = kcu.position_in_unique_constraint
ORDER BY kcu.table_schema, kcu.table_name, rc.constraint_name, kcu.ordinal_position`,
	},
}

// DriftFK is one foreign key as a drift query describes it. Columns and
// RefColumns are the distinct column names in the order the rows first
// named them.
type DriftFK struct {
	Schema, Table, Name string
	Columns             []string
	RefSchema, RefTable string
	RefColumns          []string
	// DeleteRule is information_schema's spelling: CASCADE, SET NULL,
	// SET DEFAULT, RESTRICT or NO ACTION.
	DeleteRule string
}

// DriftResult is what a drift query returned.
type DriftResult struct {
	// Rows is the number of rows fetched.
	Rows int
	// ForeignKeys are the distinct foreign keys, sorted by schema, table
	// and name.
	ForeignKeys []DriftFK
}

// ReadDrift runs q on conn and fetches every row, grouping them per
// foreign key the way a drift test does before comparing.
func ReadDrift(ctx context.Context, conn *pgx.Conn, q DriftQuery) (*DriftResult, error) {
	rows, err := conn.Query(ctx, q.SQL)
	if err != nil {
		return nil, fmt.Errorf("running drift query %s: %w", q.Name, err)
	}
	defer rows.Close()
	res := &DriftResult{}
	byKey := map[[3]string]*DriftFK{}
	var order [][3]string
	for rows.Next() {
		var r struct{ schema, table, name, col, refSchema, refTable, refCol, rule string }
		if err := rows.Scan(&r.schema, &r.table, &r.name, &r.col, &r.refSchema, &r.refTable, &r.refCol, &r.rule); err != nil {
			return nil, fmt.Errorf("reading drift query %s: %w", q.Name, err)
		}
		res.Rows++
		key := [3]string{r.schema, r.table, r.name}
		fk := byKey[key]
		if fk == nil {
			fk = &DriftFK{Schema: r.schema, Table: r.table, Name: r.name, RefSchema: r.refSchema, RefTable: r.refTable, DeleteRule: r.rule}
			byKey[key] = fk
			order = append(order, key)
		}
		fk.Columns = appendNew(fk.Columns, r.col)
		fk.RefColumns = appendNew(fk.RefColumns, r.refCol)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading drift query %s: %w", q.Name, err)
	}
	res.ForeignKeys = make([]DriftFK, 0, len(order))
	for _, k := range order {
		res.ForeignKeys = append(res.ForeignKeys, *byKey[k])
	}
	sort.Slice(res.ForeignKeys, func(i, j int) bool {
		a, b := &res.ForeignKeys[i], &res.ForeignKeys[j]
		if a.Schema != b.Schema {
			return a.Schema < b.Schema
		}
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		return a.Name < b.Name
	})
	return res, nil
}

// appendNew appends s to list unless it is already there.
func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
