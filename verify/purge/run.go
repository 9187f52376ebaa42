package purge

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/verify/explain"
)

// maxRounds bounds the collection rounds of one run. Every round but the
// last changes at least one row, so only an application adding rows to
// the graph as fast as purge removes them gets near it.
const maxRounds = 1000

// runner is the state of one Run (or Plan).
type runner struct {
	conn    Conn
	opts    Options
	m       *model
	archive *archive
	thr     throttle
	sum     *Summary
	// root selects the root row; after the first collection, by its key.
	root explain.Root
	// deleted holds, per table, the keys of the rows the latest
	// collection found deleted: a row stays in the graph while it
	// references one of them.
	deleted map[catalog.TableName]map[string]struct{}
	// counters is true when the server keeps per-transaction statistics
	// counters (track_counts), which optimistic deletes rely on.
	counters bool
	round    int
	done     int64
	total    int64
}

// Run purges the root row's graph: see the package documentation for how.
// It returns a Summary even on error, saying what was done: a purge that
// fails or is cancelled midway may be run again with the same arguments to
// finish the job. Before changing anything it refuses with *BlockedError
// when rows outside the graph block the delete; it fails with
// ErrRootNotFound when the root row does not exist (or a previous purge of
// it completed).
func Run(ctx context.Context, conn Conn, snap *catalog.Snapshot, root explain.Root, opts Options) (*Summary, error) {
	sum := &Summary{Root: root.Table}
	if err := opts.Validate(); err != nil {
		return sum, err
	}
	opts = opts.withDefaults()
	m, err := newModel(snap, root.Table, opts.Through)
	if err != nil {
		return sum, err
	}
	a, err := openArchive(opts)
	if err != nil {
		return sum, err
	}
	r := &runner{conn: conn, opts: opts, m: m, archive: a, root: root, sum: sum,
		thr: throttle{clock: opts.clock, rate: opts.MaxRate}}
	if a != nil {
		sum.Resumed = a.resumed
	}
	start := opts.clock.Now()
	err = r.run(ctx)
	sum.Elapsed = opts.clock.Now().Sub(start)
	if a != nil {
		sum.ArchivedLines, sum.ArchiveDuplicates = a.lines, a.dups
		if cerr := a.close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing archive: %w", cerr)
		}
	}
	return sum, err
}

// run is the loop of rounds.
func (r *runner) run(ctx context.Context) error {
	for r.round = 1; r.round <= maxRounds; r.round++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.sum.Rounds = r.round
		rd, err := r.collect(ctx)
		if err != nil {
			return err
		}
		res := rd.res
		if res.Blocked() {
			return &BlockedError{Blockers: res.Blockers}
		}
		left := resultRows(res)
		r.total = r.done + left
		if left <= int64(r.opts.Batch) {
			if done, err := r.closed(ctx, 0); done || err != nil {
				return err
			}
			continue
		}
		changed, leftover, err := r.runRound(ctx, rd)
		if err != nil {
			return err
		}
		if changed == 0 {
			// Every row left is referenced by another row left: cycles
			// of rows, which only one statement can delete.
			_, err := r.closed(ctx, 0)
			return err
		}
		if leftover == 0 {
			// Only the root row and the rows in cycles should be left:
			// finish without collecting again, unless rows were added
			// meanwhile.
			if done, err := r.closed(ctx, int64(rd.stuck+1+r.opts.Batch)); done || err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("purge of %s did not finish in %d rounds: rows keep being added to its graph", r.root.Table, maxRounds)
}

// round is one collection: the rows of the root row's graph and the
// order to delete them in.
type round struct {
	res   *explain.Result
	items []item
	// stuck counts rows in or above cycles of references, left to the
	// closed batch.
	stuck int
}

// collect runs explain.Collect in a read-only REPEATABLE READ transaction,
// schedules the deleted rows in the same snapshot and, the first time,
// pins the root row by its key.
func (r *runner) collect(ctx context.Context) (*round, error) {
	start := r.opts.clock.Now()
	defer func() { r.sum.Collecting += r.opts.clock.Now().Sub(start) }()
	tx, err := r.conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("beginning collection: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if r.round <= 1 {
		if err := tx.QueryRow(ctx, "SELECT current_setting('track_counts')::bool").Scan(&r.counters); err != nil {
			return nil, fmt.Errorf("reading track_counts: %w", err)
		}
	}
	res, err := explain.Collect(ctx, tx, r.m.plan, r.m.g, r.root, explain.Options{})
	if errors.Is(err, explain.ErrNoRootRow) {
		return nil, fmt.Errorf("%w: %w", ErrRootNotFound, err)
	}
	if err != nil {
		return nil, fmt.Errorf("collecting the graph of %s: %w", r.root.Table, err)
	}
	if r.sum.RootKey == nil {
		r.sum.RootKeyColumns, r.sum.RootKey = res.RootKeyColumns, res.RootKey
		r.root = keyedRoot(res)
	}
	r.deleted = map[catalog.TableName]map[string]struct{}{}
	for _, t := range res.Tables {
		set := make(map[string]struct{}, len(t.Deleted))
		for _, row := range t.Deleted {
			set[keyString(row.Key)] = struct{}{}
		}
		r.deleted[t.Table] = set
	}
	rd := &round{res: res}
	if !res.Blocked() {
		if rd.items, rd.stuck, err = r.schedule(ctx, tx, res); err != nil {
			return nil, err
		}
	}
	return rd, nil
}

// keyedRoot selects the collected root row by its key, so that later
// rounds find the same row whatever the original WHERE clause matches by
// then.
func keyedRoot(res *explain.Result) explain.Root {
	if len(res.RootKeyColumns) == 1 && res.RootKeyColumns[0] == "ctid" {
		return explain.Root{Table: res.Root, Where: "ctid = " + ident.Literal(res.RootKey[0]) + "::tid"}
	}
	key := make(map[string]string, len(res.RootKey))
	for i, c := range res.RootKeyColumns {
		key[c] = res.RootKey[i]
	}
	return explain.Root{Table: res.Root, Key: key}
}

// runRound runs the update and delete batches of one collection, then
// passes over the rows a batch had to leave (still referenced) while the
// passes make progress. It returns the number of rows changed and of rows
// the last pass left.
func (r *runner) runRound(ctx context.Context, rd *round) (changed int64, leftover int, err error) {
	var retry []item
	for _, b := range r.planRound(rd) {
		t := r.m.tables[b.Table]
		if b.Op != OpDelete {
			n, err := r.updateBatch(ctx, t, b.Op, b.Keys)
			if err != nil {
				return changed, 0, err
			}
			changed += int64(n)
			continue
		}
		n, left, err := r.deleteBatch(ctx, t, b.Keys)
		if err != nil {
			return changed, 0, err
		}
		changed += int64(n)
		retry = append(retry, leftItems(t, b, left)...)
	}
	for len(retry) > 0 {
		var pass int64
		var next []item
		for _, b := range r.deleteBatches(retry) {
			t := r.m.tables[b.Table]
			n, left, err := r.deleteBatch(ctx, t, b.Keys)
			if err != nil {
				return changed, 0, err
			}
			pass += int64(n)
			next = append(next, leftItems(t, b, left)...)
		}
		changed += pass
		retry = next
		if pass == 0 {
			break
		}
	}
	return changed, len(retry), nil
}

// leftItems turns the keys a delete batch left back into items, in the
// batch's order.
func leftItems(t *tableInfo, b PlannedBatch, left [][]string) []item {
	at := make(map[string]int32, len(b.Keys))
	for i, k := range b.Keys {
		at[keyString(k)] = b.seqs[i]
	}
	out := make([]item, len(left))
	for i, k := range left {
		out[i] = item{table: t, level: b.Level, depth: b.Depth, seq: at[keyString(k)], key: k}
	}
	return out
}

// finish records a committed batch and reports it.
func (r *runner) finish(st BatchStats, out *outcome) {
	r.sum.Batches++
	r.sum.Retries += st.Retries
	for _, c := range out.counts {
		r.sum.count(c.table, c.op, c.n)
		st.Rows += c.n
	}
	st.Skipped = out.skipped
	r.sum.Skipped += int64(out.skipped)
	r.done += int64(st.Rows)
	r.total = max(r.total, r.done)
	r.thr.add(st.Rows)
	if st.Duration > r.sum.LongestBatch {
		r.sum.LongestBatch = st.Duration
	}
	st.Seq, st.Round, st.Done, st.Total = r.sum.Batches, r.round, r.done, r.total
	if r.opts.OnBatch != nil {
		r.opts.OnBatch(st)
	}
}

// batch runs one batch: waits for the rate limit, runs fn with retries,
// and records the result.
func (r *runner) batch(ctx context.Context, t *tableInfo, op Op, closed bool, fn batchFunc) (*outcome, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := r.thr.wait(ctx); err != nil {
		return nil, err
	}
	out, retries, d, err := r.inTx(ctx, fn)
	if err != nil {
		r.sum.Retries += retries
		return nil, fmt.Errorf("batch %d (%s %s): %w", r.sum.Batches+1, op, t.name, err)
	}
	r.finish(BatchStats{Table: t.name, Op: op, Closed: closed, Duration: d, Retries: retries}, out)
	return out, nil
}

// archiveBatch is the batch number archive lines carry: it continues the
// numbering of the archive file a resumed run appends to.
func (r *runner) archiveBatch() int {
	n := r.sum.Batches + 1
	if r.archive != nil {
		n += r.archive.lastBatch
	}
	return n
}
