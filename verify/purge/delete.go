package purge

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/ident"
)

// deleteBatch deletes the rows of t with the given keys that are still in
// the graph and that no row references any more. It returns how many it
// deleted and the keys of the rows it left because some row still
// references them (worth another pass once that row is gone); rows gone
// or out of the graph are dropped.
func (r *runner) deleteBatch(ctx context.Context, t *tableInfo, keys [][]string) (int, [][]string, error) {
	var left [][]string
	deleted := 0
	_, err := r.batch(ctx, t, OpDelete, false, func(ctx context.Context, tx pgx.Tx) (*outcome, error) {
		left, deleted = nil, 0
		locked, err := lockRows(ctx, tx, t, keys, false, t.cascadeIn)
		if err != nil {
			return nil, err
		}
		var members [][]string
		for _, lr := range locked {
			for i, e := range t.cascadeIn {
				if r.pointsIntoGraph(e.parent.name, lr.parents[i]) {
					members = append(members, lr.key)
					break
				}
			}
		}
		out := &outcome{skipped: len(keys)}
		if len(members) == 0 {
			return out, nil
		}
		rows, err := tx.Query(ctx, r.deleteSQL(t), t.keyArgs(members)...)
		if err != nil {
			return nil, fmt.Errorf("deleting rows of %s: %w", t.name, err)
		}
		gone := map[string]struct{}{}
		batchNo := r.archiveBatch()
		for rows.Next() {
			raw := rows.RawValues()
			key := make([]string, len(t.keyCols))
			for i := range key {
				key[i] = string(raw[i])
			}
			gone[keyString(key)] = struct{}{}
			if r.archive != nil {
				line := ArchiveLine{Table: t.name, Op: OpDelete, Key: keyMap(t.keyCols, key), Row: []byte(string(raw[len(key)])), Batch: batchNo}
				if err := r.archive.add(line); err != nil {
					rows.Close()
					return nil, err
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("deleting rows of %s: %w", t.name, err)
		}
		for _, k := range members {
			if _, ok := gone[keyString(k)]; !ok {
				left = append(left, k)
			}
		}
		deleted = len(gone)
		out.skipped -= deleted
		out.counts = []opCount{{op: OpDelete, table: t.name, n: deleted}}
		return out, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return deleted, left, nil
}

// deleteSQL deletes the rows of t keyed by $1.. that no row references
// through any foreign key PostgreSQL enforces (a row referencing itself
// does not count), returning each deleted row's key and image. The guard
// keeps PostgreSQL's own ON DELETE actions from ever firing on a row the
// purge has not archived: rows still referenced wait for another pass.
func (r *runner) deleteSQL(t *tableInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "DELETE FROM %s AS t WHERE %s", t.quoted, t.keyFilter("t", 1))
	for _, fk := range t.refs {
		conds := make([]string, len(fk.Columns))
		for i := range fk.Columns {
			conds[i] = "c." + ident.Quote(fk.Columns[i]) + " = t." + ident.Quote(fk.RefColumns[i])
		}
		if fk.TableName() == t.name {
			conds = append(conds, notSameRow(t))
		}
		fmt.Fprintf(&b, " AND NOT EXISTS (SELECT FROM %s AS c WHERE %s)", fk.TableName().Quoted(), strings.Join(conds, " AND "))
	}
	fmt.Fprintf(&b, " RETURNING %s, to_jsonb(t)::text", t.keyText("t"))
	return b.String()
}

// notSameRow is a condition that c and t (two aliases of table t) are
// different rows.
func notSameRow(t *tableInfo) string {
	if t.ctid {
		return "c.ctid <> t.ctid"
	}
	eq := make([]string, len(t.keyCols))
	for i, c := range t.keyCols {
		eq[i] = "c." + ident.Quote(c) + " = t." + ident.Quote(c)
	}
	return "NOT (" + strings.Join(eq, " AND ") + ")"
}
