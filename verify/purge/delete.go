package purge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/ident"
)

// deleteBatch deletes the rows of t with the given keys that are still in
// the graph and that no row outside the batch references, directly or
// through rows of the batch that reference them. It returns how many it
// deleted and the keys of the rows it left because some row still
// references them (worth another pass once that row is gone); rows gone
// or out of the graph are dropped.
//
// It first tries the optimistic delete (see optimisticDelete), which is
// what the schedule makes almost always succeed, and falls back to the
// locking one when that rolls back.
func (r *runner) deleteBatch(ctx context.Context, t *tableInfo, keys [][]string) (int, [][]string, error) {
	if r.counters {
		n, err := r.optimisticDelete(ctx, t, keys)
		if !errors.Is(err, errFallback) {
			return n, nil, err
		}
		r.sum.Fallbacks++
	}
	return r.lockingDelete(ctx, t, keys)
}

// lockingDelete is deleteBatch's careful path: lock the rows, check which
// are still in the graph, find the references into them, delete the rest.
func (r *runner) lockingDelete(ctx context.Context, t *tableInfo, keys [][]string) (int, [][]string, error) {
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
		blocked, err := referenced(ctx, tx, t, members)
		if err != nil {
			return nil, err
		}
		var free [][]string
		for _, k := range members {
			if blocked[keyString(k)] {
				left = append(left, k)
			} else {
				free = append(free, k)
			}
		}
		if len(free) == 0 {
			return out, nil
		}
		rows, err := tx.Query(ctx, deleteSQL(t), t.keyArgs(free)...)
		if err != nil {
			return nil, fmt.Errorf("deleting rows of %s: %w", t.name, err)
		}
		batchNo := r.archiveBatch()
		for rows.Next() {
			raw := rows.RawValues()
			key := make([]string, len(t.keyCols))
			for i := range key {
				key[i] = string(raw[i])
			}
			deleted++
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
		if deleted != len(free) {
			return nil, fmt.Errorf("deleting rows of %s: %d of %d locked rows deleted", t.name, deleted, len(free))
		}
		out.skipped -= deleted
		out.counts = []opCount{{op: OpDelete, table: t.name, n: deleted}}
		return out, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return deleted, left, nil
}

// referenced returns the keys of the rows among members (locked rows of t)
// that must not be deleted now: rows referenced through any foreign key
// PostgreSQL enforces by a row outside members, and rows referenced by
// such a row of members (deleting them would cascade into it or fail).
// Rows of members that reference only each other (a subtree of a
// self-referencing table) are deleted together, in one statement. It runs
// after the rows are locked, so no new reference can appear until COMMIT.
func referenced(ctx context.Context, tx pgx.Tx, t *tableInfo, members [][]string) (map[string]bool, error) {
	blocked := map[string]bool{}
	if len(t.refs) == 0 {
		return blocked, nil
	}
	q := referencedSQL(t)
	rows, err := tx.Query(ctx, q, t.keyArgs(members)...)
	if err != nil {
		return nil, fmt.Errorf("finding references to rows of %s: %w", t.name, err)
	}
	defer rows.Close()
	// parents maps a member to the members it references.
	parents := map[string][]string{}
	n := len(t.keyCols)
	for rows.Next() {
		raw := rows.RawValues()
		key := make([]string, n)
		for i := range key {
			key[i] = string(raw[1+i])
		}
		if string(raw[0]) == "o" {
			blocked[keyString(key)] = true
			continue
		}
		child := make([]string, n)
		for i := range child {
			child[i] = string(raw[1+n+i])
		}
		c := keyString(child)
		parents[c] = append(parents[c], keyString(key))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("finding references to rows of %s: %w", t.name, err)
	}
	// A member that a blocked member references cannot go either: its
	// DELETE would cascade into the blocked one (or fail).
	var queue []string
	for k := range blocked {
		queue = append(queue, k)
	}
	for len(queue) > 0 {
		c := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, p := range parents[c] {
			if !blocked[p] {
				blocked[p] = true
				queue = append(queue, p)
			}
		}
	}
	return blocked, nil
}

// referencedSQL finds, for the rows of t keyed by $1.., those referenced
// from outside that key set (kind o, the row's key) and, per
// self-referencing foreign key, the references between rows of the set
// (kind i, the referenced row's key, then the referencing row's).
func referencedSQL(t *tableInfo) string {
	n := len(t.keyCols)
	nulls := strings.TrimSuffix(strings.Repeat("NULL::text, ", n), ", ")
	var outside []string
	var inside []string
	for _, fk := range t.refs {
		conds := make([]string, len(fk.Columns))
		for i := range fk.Columns {
			conds[i] = "c." + ident.Quote(fk.Columns[i]) + " = t." + ident.Quote(fk.RefColumns[i])
		}
		on := strings.Join(conds, " AND ")
		if fk.TableName() != t.name {
			outside = append(outside, fmt.Sprintf("EXISTS (SELECT FROM %s AS c WHERE %s)", fk.TableName().Quoted(), on))
			continue
		}
		on += " AND " + notSameRow(t)
		outside = append(outside, fmt.Sprintf("EXISTS (SELECT FROM %s AS c WHERE %s AND NOT %s)", t.quoted, on, t.keyFilter("c", 1)))
		inside = append(inside, fmt.Sprintf("SELECT 'i'::text, %s, %s FROM %s AS t JOIN %s AS c ON %s WHERE %s AND %s",
			t.keyText("t"), t.keyText("c"), t.quoted, t.quoted, on, t.keyFilter("t", 1), t.keyFilter("c", 1)))
	}
	parts := []string{fmt.Sprintf("SELECT 'o'::text, %s, %s FROM %s AS t WHERE %s AND (%s)",
		t.keyText("t"), nulls, t.quoted, t.keyFilter("t", 1), strings.Join(outside, " OR "))}
	return strings.Join(append(parts, inside...), " UNION ALL ")
}

// deleteSQL deletes the rows of t keyed by $1.., returning each deleted
// row's key and image.
func deleteSQL(t *tableInfo) string {
	return fmt.Sprintf("DELETE FROM %s AS t WHERE %s RETURNING %s, to_jsonb(t.*)::text", t.quoted, t.keyFilter("t", 1), t.keyText("t"))
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
