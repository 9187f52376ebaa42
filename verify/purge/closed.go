package purge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/verify/explain"
)

// maxClosedCollections bounds how often the closed batch collects again
// after locking newly found rows before it gives up (and is retried).
const maxClosedCollections = 10

// errTooBig makes a closed batch roll back: more rows are left than it
// was allowed to take.
var errTooBig = errors.New("too many rows left for the closed batch")

// closed runs the final batch: it locks the root row, collects what is
// left of its graph inside the transaction, locks those rows and collects
// again until nothing new appears, then deletes every row left in one
// statement. PostgreSQL's own actions then null and default exactly the
// rows collected (all locked and archived), and rows that reference each
// other in a cycle go together, which no children-first order can do.
// With limit > 0, a batch that finds more rows left than limit rolls back
// and reports false: rows were added meanwhile and another round should
// take them in batches.
func (r *runner) closed(ctx context.Context, limit int64) (bool, error) {
	t := r.m.tables[r.root.Table]
	_, err := r.batch(ctx, t, OpDelete, true, func(ctx context.Context, tx pgx.Tx) (*outcome, error) {
		locked := map[catalog.TableName]map[string][]byte{}
		lock := func(tr *tableInfo, keys [][]string) (int, error) {
			set := locked[tr.name]
			if set == nil {
				set = map[string][]byte{}
				locked[tr.name] = set
			}
			var want [][]string
			for _, k := range keys {
				if _, ok := set[keyString(k)]; !ok {
					want = append(want, k)
				}
			}
			if len(want) == 0 {
				return 0, nil
			}
			rows, err := lockRows(ctx, tx, tr, want, true, nil)
			if err != nil {
				return 0, err
			}
			for _, lr := range rows {
				set[keyString(lr.key)] = lr.image
			}
			return len(want), nil
		}
		rootRows, err := lockRows(ctx, tx, t, [][]string{r.sum.RootKey}, true, nil)
		if err != nil {
			return nil, err
		}
		if len(rootRows) == 0 {
			return nil, fmt.Errorf("%w: %s", ErrRootNotFound, t.name)
		}
		locked[t.name] = map[string][]byte{keyString(rootRows[0].key): rootRows[0].image}
		var res *explain.Result
		for i := 0; ; i++ {
			if i == maxClosedCollections {
				return nil, fmt.Errorf("the graph of %s kept growing while the last batch locked it", t.name)
			}
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
					n, err := lock(ti, rowKeys(rows))
					if err != nil {
						return nil, err
					}
					added += n
				}
			}
			if limit > 0 && resultRows(res) > limit {
				return nil, errTooBig
			}
			// Nothing can attach to locked rows: once a collection finds
			// only rows already locked (the root row alone, typically),
			// it is final.
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
				if r.archive == nil {
					continue
				}
				for _, row := range set.rows {
					line := ArchiveLine{Table: tr.Table, Op: set.op, Key: keyMap(ti.keyCols, row.Key), Row: locked[tr.Table][keyString(row.Key)], Batch: batchNo}
					if err := r.archive.add(line); err != nil {
						return nil, err
					}
				}
			}
		}
		if err := r.deleteAll(ctx, tx, res); err != nil {
			return nil, err
		}
		return out, nil
	})
	if errors.Is(err, errTooBig) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	r.sum.Done = true
	return true, nil
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
		name := fmt.Sprintf("d%d", len(ctes))
		ctes = append(ctes, fmt.Sprintf("%s AS (DELETE FROM %s AS t WHERE %s RETURNING 1)", name, ti.quoted, ti.keyFilter("t", len(args)+1)))
		counts = append(counts, "(SELECT count(*) FROM "+name+")")
		args = append(args, ti.keyArgs(rowKeys(tr.Deleted))...)
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

// rowKeys lists the keys of rows.
func rowKeys(rows []explain.Row) [][]string {
	keys := make([][]string, len(rows))
	for i, row := range rows {
		keys[i] = row.Key
	}
	return keys
}
