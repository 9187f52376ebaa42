package purge

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// setRows applies e's SET NULL / SET DEFAULT to the rows s of its child
// table, in batches sized like deletes: the rows that keep existing when
// their parent goes are changed before it, each batch a short transaction
// of its own. With an archive each batch locks its rows and archives
// their images first.
func (r *runner) setRows(ctx context.Context, e *childEdge, s sel) error {
	op := OpNull
	if e.action == catalog.SetDefault {
		op = OpDefault
	}
	keys := s.keys
	if set := r.doomed[e.child]; len(set) > 0 {
		// Rows the purge deletes anyway are left to their delete.
		var kept [][]string
		for _, k := range keys {
			if !set[keyString(k)] {
				kept = append(kept, k)
			}
		}
		keys = kept
	}
	for len(keys) > 0 {
		n := e.est.size(r.lim, len(keys))
		chunk := s.sub(keys[:n])
		timeout := r.timeout(&e.est)
		out, err := r.setBatch(ctx, e, op, chunk, timeout)
		switch {
		case err == nil:
			if timeout > 0 {
				e.est.learn(n, out.changed, out.duration)
			}
			keys = keys[n:]
		case errors.Is(err, errTooBig) && n > 1:
			e.est.tooBig(n, r.lim)
		case errors.Is(err, errTooBig):
			// One row's UPDATE over the time limit: the table must be
			// huge or busy; run it without the limit.
			e.est.samples = 1
			e.est.last = 0
			if _, err := r.setBatch(ctx, e, op, chunk, 0); err != nil {
				return err
			}
			keys = keys[1:]
		default:
			return err
		}
	}
	return nil
}

// setBatch runs one batch applying e's action to the rows s, locking and
// archiving them first when there is an archive; timeout 0 runs it without
// limits.
func (r *runner) setBatch(ctx context.Context, e *childEdge, op Op, s sel, timeout time.Duration) (*outcome, error) {
	return r.batch(ctx, e.child, op, timeout, func(ctx context.Context, tx pgx.Tx) (*outcome, error) {
		cond, args := s.filter(e.child, "t", 1)
		if r.archive != nil {
			rows, err := lockImages(ctx, tx, e.child, "", cond, args)
			if err != nil {
				return nil, err
			}
			batchNo := r.archiveBatch()
			for _, row := range rows {
				if err := r.archive.add(ArchiveLine{Table: e.child.name, Op: op, Key: keyMap(e.child.keyCols, row.key), Row: row.image, Batch: batchNo}); err != nil {
					return nil, err
				}
			}
		}
		tag, err := tx.Exec(ctx, e.updateSQL(cond), args...)
		if err != nil {
			return nil, fmt.Errorf("setting %s on rows of %s: %w", op, e.child.name, err)
		}
		m := int(tag.RowsAffected())
		return &outcome{counts: []opCount{{op: op, table: e.child.name, n: m}}, addressed: m, changed: m, skipped: len(s.keys) - m}, nil
	})
}

// updateSQL sets e's columns to NULL or to their defaults on the rows of
// its child table (alias t) matching cond.
func (e *childEdge) updateSQL(cond string) string {
	val := "NULL"
	if e.action == catalog.SetDefault {
		val = "DEFAULT"
	}
	sets := make([]string, len(e.cols))
	for i, c := range e.cols {
		sets[i] = ident.Quote(c) + " = " + val
	}
	return fmt.Sprintf("UPDATE %s AS t SET %s WHERE %s", e.child.quoted, strings.Join(sets, ", "), cond)
}
