package oracle

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// FK is what the inventory oracle knows about one foreign key. Ref is the
// referenced table as ::regclass::text spells it.
type FK struct {
	Key                  string
	Columns, RefColumns  []string
	Ref                  string
	OnDelete, OnUpdate   string
	Deferrable, Deferred bool
	Match                string
	Validated, Indexed   bool
}

// inventoryQuery reads foreign keys through information_schema (the views
// hand-written drift tests use), adding only what those views lack
// (validation, referenced table, index coverage) from pg_catalog, computed
// differently from catalog.Inspect. The copies PostgreSQL makes of a
// partitioned table's foreign key for each partition (conparentid set) are
// dropped; keys declared on a partition itself stay.
const inventoryQuery = `
SELECT tc.constraint_schema, tc.table_name, tc.constraint_name, rc.delete_rule, rc.update_rule,
  tc.is_deferrable = 'YES', tc.initially_deferred = 'YES', rc.match_option,
  ARRAY(SELECT k.column_name::text FROM information_schema.key_column_usage k
        WHERE k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name
          AND k.table_name = tc.table_name ORDER BY k.ordinal_position),
  ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY u(n, o)
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = u.n ORDER BY u.o),
  con.confrelid::regclass::text, con.convalidated,
  EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = con.conrelid AND i.indisvalid AND i.indpred IS NULL
    AND i.indnkeyatts >= cardinality(con.conkey)
    AND (SELECT array_agg(x ORDER BY x) FROM unnest((i.indkey::int2[])[0:cardinality(con.conkey)-1]) x)
      = (SELECT array_agg(y ORDER BY y) FROM unnest(con.conkey) y))
FROM information_schema.table_constraints tc
JOIN information_schema.referential_constraints rc
  ON rc.constraint_schema = tc.constraint_schema AND rc.constraint_name = tc.constraint_name
JOIN pg_namespace n ON n.nspname = tc.constraint_schema
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = tc.table_name
JOIN pg_constraint con ON con.conrelid = c.oid AND con.conname = tc.constraint_name
WHERE tc.constraint_type = 'FOREIGN KEY' AND con.conparentid = 0`

// Inventory returns every foreign key by "schema.table.name".
// It resets search_path first (pg_dump output empties it), because Ref is
// spelled relative to the default search_path.
func Inventory(ctx context.Context, conn *pgx.Conn) (map[string]FK, error) {
	if _, err := conn.Exec(ctx, "RESET search_path"); err != nil {
		return nil, err
	}
	rows, err := conn.Query(ctx, inventoryQuery)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]FK{}
	for rows.Next() {
		var o FK
		var schema, table, name, match string
		if err := rows.Scan(&schema, &table, &name, &o.OnDelete, &o.OnUpdate, &o.Deferrable, &o.Deferred,
			&match, &o.Columns, &o.RefColumns, &o.Ref, &o.Validated, &o.Indexed); err != nil {
			return nil, err
		}
		o.Key = schema + "." + table + "." + name
		o.OnDelete, o.OnUpdate = strings.ToLower(o.OnDelete), strings.ToLower(o.OnUpdate)
		o.Match = map[string]string{"NONE": "simple", "FULL": "full", "PARTIAL": "partial"}[match]
		out[o.Key] = o
	}
	return out, rows.Err()
}

// FromSnapshot converts a snapshot to the oracle's shape for comparison.
func FromSnapshot(s *catalog.Snapshot) map[string]FK {
	out := map[string]FK{}
	for _, fk := range s.ForeignKeys {
		o := FK{
			Key: fk.Schema + "." + fk.Table + "." + fk.Name, Columns: fk.Columns, RefColumns: fk.RefColumns,
			Ref:      regclassText(fk.RefSchema, fk.RefTable),
			OnDelete: string(fk.OnDelete), OnUpdate: string(fk.OnUpdate),
			Deferrable: fk.Deferrable, Deferred: fk.InitiallyDeferred, Match: fk.Match,
			Validated: fk.Validated, Indexed: fk.Indexed,
		}
		out[o.Key] = o
	}
	return out
}

// regclassText spells a table as ::regclass::text does with the default
// search_path ("$user", public): public tables bare, others qualified,
// each part quoted only when needed.
func regclassText(schema, table string) string {
	if schema == "public" {
		return ident.Display(table)
	}
	return ident.Display(schema) + "." + ident.Display(table)
}
