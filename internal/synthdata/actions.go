package synthdata

import (
	"context"
	"fmt"

	"github.com/ondelete/ondelete/catalog"
)

// actionColumns says, for one table, which columns ON DELETE SET NULL and
// SET DEFAULT foreign keys write.
type actionColumns struct {
	setNull, setDefault map[string]bool
}

// actionColumnsQuery lists the columns each SET NULL / SET DEFAULT foreign
// key writes: its SET NULL (...) column list when it has one (PostgreSQL
// 15+; read through to_jsonb so the query also runs on older servers),
// else all its referencing columns.
const actionColumnsQuery = `
SELECT n.nspname, c.relname, con.confdeltype::text,
       ARRAY(SELECT a.attname FROM pg_attribute a
             WHERE a.attrelid = con.conrelid
               AND a.attnum IN (SELECT jsonb_array_elements_text(
                     CASE WHEN jsonb_typeof(to_jsonb(con) -> 'confdelsetcols') = 'array'
                           AND jsonb_array_length(to_jsonb(con) -> 'confdelsetcols') > 0
                          THEN to_jsonb(con) -> 'confdelsetcols'
                          ELSE to_jsonb(con.conkey) END)::int2)
             ORDER BY a.attnum)
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND con.confdeltype IN ('n', 'd')`

// readActionColumns reads actionColumnsQuery per table.
func readActionColumns(ctx context.Context, q Querier) (map[catalog.TableName]*actionColumns, error) {
	rows, err := q.Query(ctx, actionColumnsQuery)
	if err != nil {
		return nil, fmt.Errorf("reading SET NULL and SET DEFAULT columns: %w", err)
	}
	defer rows.Close()
	out := map[catalog.TableName]*actionColumns{}
	for rows.Next() {
		var t catalog.TableName
		var code string
		var cols []string
		if err := rows.Scan(&t.Schema, &t.Name, &code, &cols); err != nil {
			return nil, fmt.Errorf("reading SET NULL and SET DEFAULT columns: %w", err)
		}
		a := out[t]
		if a == nil {
			a = &actionColumns{setNull: map[string]bool{}, setDefault: map[string]bool{}}
			out[t] = a
		}
		target := a.setNull
		if code == "d" {
			target = a.setDefault
		}
		for _, c := range cols {
			target[c] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading SET NULL and SET DEFAULT columns: %w", err)
	}
	return out, nil
}
