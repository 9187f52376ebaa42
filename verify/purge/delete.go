package purge

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// deleteRows runs one batch deleting the rows s of t, and with them
// whatever PostgreSQL's ON DELETE actions delete, null or default under
// them. The transaction's statistics counters, read before and after the
// DELETE in the same round trip, say how many rows of each table changed.
// With timeout > 0 the batch is limited: it rolls back with errTooBig
// when it changes more than Options.Batch rows or runs into the statement
// timeout, and with errThrough when a row references it through a key the
// purge deletes through. With an archive, the rows under s are first
// locked and archived (see lockClosure), and the counters must agree.
func (r *runner) deleteRows(ctx context.Context, t *tableInfo, s sel, timeout time.Duration) (int, error) {
	out, err := r.batch(ctx, t, OpDelete, timeout, func(ctx context.Context, tx pgx.Tx) (*outcome, error) {
		var want *closure
		if r.closures {
			c, err := r.lockClosure(ctx, tx, t, s)
			if err != nil {
				return nil, err
			}
			if timeout > 0 && c.rows > r.opts.Batch {
				return nil, errTooBig
			}
			want = c
		}
		cond, args := s.filter(t, "t", 1)
		b := &pgx.Batch{}
		if r.counters {
			b.Queue(countersSQL, r.rels)
		}
		b.Queue(want.preCTE(&args)+fmt.Sprintf("DELETE FROM %s AS t WHERE %s", t.quoted, cond), args...)
		if r.counters {
			b.Queue(countersSQL, r.rels)
		}
		res := tx.SendBatch(ctx, b)
		defer res.Close()
		var before, after counts
		if r.counters {
			if err := res.QueryRow().Scan(&before.del, &before.upd); err != nil {
				return nil, fmt.Errorf("reading the transaction's counters: %w", err)
			}
		}
		tag, err := res.Exec()
		if err != nil {
			return nil, r.refused(ctx, fmt.Errorf("deleting rows of %s: %w", t.name, err))
		}
		out := &outcome{addressed: int(tag.RowsAffected()), skipped: len(s.keys) - int(tag.RowsAffected())}
		if !r.counters {
			out.changed = out.addressed
			out.counts = []opCount{{op: OpDelete, table: t.name, n: out.addressed}}
			return out, nil
		}
		if err := res.QueryRow().Scan(&after.del, &after.upd); err != nil {
			return nil, fmt.Errorf("reading the transaction's counters: %w", err)
		}
		perTable := r.delta(before, after)
		for _, tc := range perTable {
			out.changed += tc.del + tc.upd
			if tc.del > 0 {
				out.counts = append(out.counts, opCount{op: OpDelete, table: tc.t.name, n: tc.del})
			}
			if tc.upd > 0 {
				out.counts = append(out.counts, opCount{op: tc.t.updateOp(), table: tc.t.name, n: tc.upd})
			}
		}
		if timeout > 0 && out.changed > r.opts.Batch {
			return nil, errTooBig
		}
		if want != nil {
			if err := want.check(perTable); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
	if err != nil {
		return 0, err
	}
	if timeout > 0 {
		r.mu.Lock()
		t.est.learn(len(s.keys), out.changed, out.duration)
		r.mu.Unlock()
	}
	return out.addressed, nil
}

// refused turns a foreign-key refusal into errThrough when the key is one
// the purge deletes through, and into *BlockedError listing the blocking
// rows otherwise (a row that blocks appeared after the check).
func (r *runner) refused(ctx context.Context, err error) error {
	err = classify(ctx, err)
	var v *violation
	if !errors.As(err, &v) {
		return err
	}
	for _, t := range r.m.tables {
		for _, e := range t.children {
			if e.through && e.fk.Key() == v.key {
				return fmt.Errorf("%w: %w", errThrough, err)
			}
		}
	}
	res, cerr := collect(context.WithoutCancel(ctx), r.conn, r.m, r.root)
	if cerr == nil && res.Blocked() {
		return &BlockedError{Blockers: res.Blockers}
	}
	return err
}

// counts are the counters countersSQL reads, per relation of r.rels.
type counts struct{ del, upd []int64 }

// countersSQL reads the current transaction's counters of rows deleted
// and updated in each relation of $1. PostgreSQL's counters for the
// current transaction may still hold counts of the session's earlier
// transactions not yet flushed, so a batch reads them before and after
// its DELETE and takes the difference.
const countersSQL = `SELECT
  array(SELECT pg_stat_get_xact_tuples_deleted(r) FROM unnest($1::oid[]) WITH ORDINALITY AS u(r, i) ORDER BY i),
  array(SELECT pg_stat_get_xact_tuples_updated(r) FROM unnest($1::oid[]) WITH ORDINALITY AS u(r, i) ORDER BY i)`

// tableCount is what one batch changed in one table.
type tableCount struct {
	t        *tableInfo
	del, upd int
}

// delta sums the change of the counters per table, in r.rels order of
// first appearance.
func (r *runner) delta(before, after counts) []tableCount {
	var out []tableCount
	at := map[*tableInfo]int{}
	for i, t := range r.relTable {
		if i >= len(after.del) || i >= len(before.del) {
			break
		}
		d, u := int(after.del[i]-before.del[i]), int(after.upd[i]-before.upd[i])
		if d == 0 && u == 0 {
			continue
		}
		j, ok := at[t]
		if !ok {
			j = len(out)
			at[t] = j
			out = append(out, tableCount{t: t})
		}
		out[j].del += d
		out[j].upd += u
	}
	return out
}

// updateOp is how rows of t that a batch updated count: nulled, unless
// every edge that changes rows of t is SET DEFAULT.
func (t *tableInfo) updateOp() Op {
	if t.defaultsOnly {
		return OpDefault
	}
	return OpNull
}
