package verify

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
)

// insertTriggersQuery lists user (non-internal) triggers that fire on
// INSERT (tgtype bit 4), with the table they are on, the root of its
// partition tree (an INSERT into a partitioned table fires its
// partitions' triggers), their enabled state, and whether their function
// is built into PostgreSQL (tsvector_update_trigger and the like, which
// touch only the new row).
const insertTriggersQuery = `
SELECT n.nspname::text, c.relname::text, coalesce(rn.nspname, n.nspname)::text, coalesce(rc.relname, c.relname)::text,
  t.tgname::text, t.tgenabled::text, p.pronamespace = 'pg_catalog'::regnamespace
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
LEFT JOIN pg_class rc ON rc.oid = pg_partition_root(c.oid)
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE NOT t.tgisinternal AND t.tgtype & 4 <> 0
ORDER BY 1, 2, 5`

// insertTriggers maps each table to the INSERT triggers that would fire on
// a canary row in mode: in origin mode those enabled as origin or always,
// in replica mode those enabled as replica or always. Triggers running a
// built-in function are left out.
func insertTriggers(ctx context.Context, tx pgx.Tx, mode Mode) (map[catalog.TableName][]string, error) {
	rows, err := tx.Query(ctx, insertTriggersQuery)
	if err != nil {
		return nil, fmt.Errorf("listing INSERT triggers: %w", err)
	}
	defer rows.Close()
	out := map[catalog.TableName][]string{}
	for rows.Next() {
		var own, root catalog.TableName
		var name, enabled string
		var builtin bool
		if err := rows.Scan(&own.Schema, &own.Name, &root.Schema, &root.Name, &name, &enabled, &builtin); err != nil {
			return nil, fmt.Errorf("listing INSERT triggers: %w", err)
		}
		fires := enabled == "A" || (mode == ModeReplica && enabled == "R") || (mode != ModeReplica && enabled == "O")
		if !fires || builtin {
			continue
		}
		out[own] = append(out[own], name)
		if root != own {
			out[root] = append(out[root], name)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing INSERT triggers: %w", err)
	}
	return out, nil
}
