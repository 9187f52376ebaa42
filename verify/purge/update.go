package purge

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// updateBatch applies the SET NULL / SET DEFAULT actions due on the rows
// of t with the given keys: for each row, exactly the foreign keys that
// still point at a row the collection found deleted, as PostgreSQL would
// once those rows are deleted. Doing it before the deletes means the
// deletes never fire an action purge has not archived. It returns the
// number of rows changed.
func (r *runner) updateBatch(ctx context.Context, t *tableInfo, op Op, keys [][]string) (int, error) {
	out, err := r.batch(ctx, t, op, false, func(ctx context.Context, tx pgx.Tx) (*outcome, error) {
		locked, err := lockRows(ctx, tx, t, keys, true, t.setIn)
		if err != nil {
			return nil, err
		}
		// Group rows by the set of foreign keys due on them: one UPDATE
		// per group (almost always one group).
		groups := map[string][][]string{}
		var order []string
		batchNo := r.archiveBatch()
		changed := 0
		for _, lr := range locked {
			var due []byte
			for i, e := range t.setIn {
				if r.pointsIntoGraph(e.parent.name, lr.parents[i]) {
					due = append(due, '1')
				} else {
					due = append(due, '0')
				}
			}
			sig := string(due)
			if !strings.Contains(sig, "1") {
				continue
			}
			if _, ok := groups[sig]; !ok {
				order = append(order, sig)
			}
			groups[sig] = append(groups[sig], lr.key)
			changed++
			if r.archive != nil {
				line := ArchiveLine{Table: t.name, Op: op, Key: keyMap(t.keyCols, lr.key), Row: lr.image, Batch: batchNo}
				if err := r.archive.add(line); err != nil {
					return nil, err
				}
			}
		}
		sort.Strings(order)
		for _, sig := range order {
			tag, err := tx.Exec(ctx, updateSQL(t, sig), t.keyArgs(groups[sig])...)
			if err != nil {
				return nil, fmt.Errorf("setting %s on rows of %s: %w", op, t.name, err)
			}
			if int(tag.RowsAffected()) != len(groups[sig]) {
				return nil, fmt.Errorf("setting %s on rows of %s: %d of %d locked rows updated", op, t.name, tag.RowsAffected(), len(groups[sig]))
			}
		}
		return &outcome{counts: []opCount{{op: op, table: t.name, n: changed}}, skipped: len(keys) - changed}, nil
	})
	if err != nil {
		return 0, err
	}
	return out.counts[0].n, nil
}

// updateSQL sets the columns of the foreign keys of t.setIn marked '1' in
// sig to NULL or to their defaults, on the rows keyed by $1...
func updateSQL(t *tableInfo, sig string) string {
	var sets []string
	seen := map[string]bool{}
	for i, e := range t.setIn {
		if sig[i] != '1' {
			continue
		}
		val := "NULL"
		if e.action == catalog.SetDefault {
			val = "DEFAULT"
		}
		for _, c := range e.cols {
			if !seen[c] {
				seen[c] = true
				sets = append(sets, ident.Quote(c)+" = "+val)
			}
		}
	}
	return fmt.Sprintf("UPDATE %s AS t SET %s WHERE %s", t.quoted, strings.Join(sets, ", "), t.keyFilter("t", 1))
}
