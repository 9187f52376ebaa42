package purge

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/verify/explain"
)

// maxClosedCollections bounds how often the closed batch collects again
// after locking newly found rows.
const maxClosedCollections = 10

// closed is the last resort when the root row's own DELETE is refused
// because rows left reference it through NO ACTION keys while PostgreSQL
// deletes them only in the same statement (rows in a cycle of such keys):
// one transaction locks the root row, collects what is left of its graph
// with explain, locks and archives those rows, collects again until
// nothing new appears, and deletes them all in one statement (one
// data-modifying CTE per table).
func (r *runner) closed(ctx context.Context) error {
	t := r.rootT
	_, err := r.batch(ctx, t, OpDelete, 0, func(ctx context.Context, tx pgx.Tx) (*outcome, error) {
		images := map[*tableInfo]map[string][]byte{}
		lock := func(ti *tableInfo, rows []explain.Row) (int, error) {
			set := images[ti]
			if set == nil {
				set = map[string][]byte{}
				images[ti] = set
			}
			var want [][]string
			for _, row := range rows {
				if _, ok := set[keyString(row.Key)]; !ok {
					want = append(want, row.Key)
				}
			}
			if len(want) == 0 {
				return 0, nil
			}
			locked, err := lockImages(ctx, tx, ti, "", ti.keyFilter("t", 1), ti.keyArgs(want))
			if err != nil {
				return 0, err
			}
			for _, lr := range locked {
				set[keyString(lr.key)] = lr.image
			}
			return len(want), nil
		}
		if n, err := lock(t, []explain.Row{{Key: r.sum.RootKey}}); err != nil || n == 0 {
			return nil, err
		}
		var res *explain.Result
		for i := 0; ; i++ {
			if i == maxClosedCollections {
				return nil, fmt.Errorf("the graph of %s kept growing while the last batch locked it", t.name)
			}
			var err error
			res, err = explain.Collect(ctx, tx, r.m.plan, r.m.g, r.root, explain.Options{})
			if err != nil {
				return nil, fmt.Errorf("collecting the graph of %s: %w", t.name, err)
			}
			if res.Blocked() {
				return nil, &BlockedError{Blockers: res.Blockers}
			}
			added := 0
			for _, tr := range res.Tables {
				ti := r.m.tables[tr.Table]
				for _, rows := range [][]explain.Row{tr.Deleted, tr.Nulled, tr.Defaulted} {
					n, err := lock(ti, rows)
					if err != nil {
						return nil, err
					}
					added += n
				}
			}
			// Nothing can attach to locked rows: once a collection finds
			// only rows already locked, it is final.
			if added == 0 {
				break
			}
		}
		out := &outcome{}
		batchNo := r.archiveBatch()
		for _, tr := range res.Tables {
			ti := r.m.tables[tr.Table]
			for _, set := range []struct {
				op   Op
				rows []explain.Row
			}{{OpNull, tr.Nulled}, {OpDefault, onlyDefaulted(tr)}, {OpDelete, tr.Deleted}} {
				if len(set.rows) == 0 {
					continue
				}
				out.counts = append(out.counts, opCount{op: set.op, table: tr.Table, n: len(set.rows)})
				out.changed += len(set.rows)
				if r.archive == nil {
					continue
				}
				for _, row := range set.rows {
					line := ArchiveLine{Table: tr.Table, Op: set.op, Key: keyMap(ti.keyCols, row.Key), Row: images[ti][keyString(row.Key)], Batch: batchNo}
					if err := r.archive.add(line); err != nil {
						return nil, err
					}
				}
			}
		}
		out.addressed = out.changed
		return out, r.deleteAll(ctx, tx, res)
	})
	return err
}

// deleteAll deletes every row res lists as deleted in one statement, one
// data-modifying CTE per table, and checks that each was there.
func (r *runner) deleteAll(ctx context.Context, tx pgx.Tx, res *explain.Result) error {
	var ctes, counts []string
	var args []any
	var want []int64
	for _, tr := range res.Tables {
		if len(tr.Deleted) == 0 {
			continue
		}
		ti := r.m.tables[tr.Table]
		keys := make([][]string, len(tr.Deleted))
		for i, row := range tr.Deleted {
			keys[i] = row.Key
		}
		name := fmt.Sprintf("d%d", len(ctes))
		ctes = append(ctes, fmt.Sprintf("%s AS (DELETE FROM %s AS t WHERE %s RETURNING 1)", name, ti.quoted, ti.keyFilter("t", len(args)+1)))
		counts = append(counts, "(SELECT count(*) FROM "+name+")")
		args = append(args, ti.keyArgs(keys)...)
		want = append(want, int64(len(tr.Deleted)))
	}
	q := "WITH " + strings.Join(ctes, ", ") + " SELECT ARRAY[" + strings.Join(counts, ", ") + "]::bigint[]"
	var got []int64
	if err := tx.QueryRow(ctx, q, args...).Scan(&got); err != nil {
		return fmt.Errorf("deleting the rows left of %s: %w", res.Root, err)
	}
	for i := range want {
		if got[i] != want[i] {
			return fmt.Errorf("deleting the rows left of %s: %d rows deleted where %d were locked", res.Root, got[i], want[i])
		}
	}
	return nil
}
