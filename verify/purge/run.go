package purge

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/verify/explain"
)

// runner is the state of one Run.
type runner struct {
	conn    Conn
	opts    Options
	m       *model
	archive *archive
	thr     throttle
	sum     *Summary
	lim     limits
	root    explain.Root
	rootT   *tableInfo
	// counters is true when the server keeps per-transaction statistics
	// counters (track_counts), which count what a batch's cascade changed.
	counters bool
	// rels are the relation OIDs of the graph's tables and partitions, and
	// relTable the table each belongs to.
	rels     []uint32
	relTable []*tableInfo
	// active holds, per table, the keys of the rows being expanded: a row
	// met again below itself (a cycle of rows) is left to its own
	// expansion.
	active map[*tableInfo]map[string]int
	// doomed holds the rows the blocker check found deleted, per table.
	doomed map[*tableInfo]map[string]bool
	// depth is the number of expansions in progress.
	depth int
	done  int64
	total int64
	// closures is set when every delete batch first locks its closure
	// (lockClosure): with an archive, and in a graph with SET NULL / SET
	// DEFAULT into NOT NULL columns.
	closures bool
	// mu guards what the batches of a parallel purge share: the summary,
	// done, the throttle and the tables' estimates. Expansions and their
	// bookkeeping never run beside other batches and need no lock.
	mu sync.Mutex
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
	if err := checkConcurrent(conn, opts.Workers); err != nil {
		return sum, err
	}
	m, err := newModel(snap, root.Table, opts.Through)
	if err != nil {
		return sum, err
	}
	a, err := openArchive(opts)
	if err != nil {
		return sum, err
	}
	r := &runner{conn: conn, opts: opts, m: m, archive: a, root: root, sum: sum,
		thr: throttle{clock: opts.clock, rate: opts.MaxRate}, active: map[*tableInfo]map[string]int{},
		lim: limits{rows: opts.Batch, time: opts.targetTime()}}
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

// run finds the root row, checks for blockers when the schema allows
// any, and deletes the graph from the root row down.
func (r *runner) run(ctx context.Context) error {
	key, err := r.prepare(ctx)
	if err != nil {
		return err
	}
	r.sum.Workers = r.opts.Workers
	r.closures = r.archive != nil
	for _, b := range r.m.g.Blockers {
		if len(b.NotNullColumns) > 0 {
			// A batch's SET NULL may reach a row into a NOT NULL column
			// that the purge deletes anyway (through another key): the
			// batch must delete it first, which takes its closure; and
			// whether a batch succeeds may depend on the rows before it.
			r.closures = true
			r.sum.Workers = 1
		}
	}
	if len(r.m.g.Blockers) > 0 || r.archive != nil {
		if err := r.checkBlockers(ctx); err != nil {
			return err
		}
	}
	if err := r.process(ctx, r.rootT, sel{keys: [][]string{key}}); err != nil {
		return err
	}
	gone, err := r.rootGone(ctx, key)
	if err != nil {
		return err
	}
	if !gone {
		return fmt.Errorf("purge of %s ended with the root row still there: rows keep being added to its graph; run it again", r.root.Table)
	}
	r.sum.Done = true
	return nil
}

// checkBlockers collects the graph with explain (one read-only
// transaction) and refuses with *BlockedError when a row outside it would
// make the delete fail. Only schemas whose graph has blocking foreign keys
// (NO ACTION / RESTRICT not listed in Through, SET NULL on NOT NULL
// columns) need it: in any other graph no row can block. With an archive
// it always runs. When batches lock their closure (r.closures) it
// remembers the rows the DELETE deletes: a row both deleted and nulled is
// then deleted without being nulled first, so a NOT NULL column is never
// nulled and the archive holds the row once, as deleted.
func (r *runner) checkBlockers(ctx context.Context) error {
	start := r.opts.clock.Now()
	defer func() { r.sum.Checking += r.opts.clock.Now().Sub(start) }()
	res, err := collect(ctx, r.conn, r.m, r.root)
	if err != nil {
		return err
	}
	if res.Blocked() {
		return &BlockedError{Blockers: res.Blockers}
	}
	if r.closures {
		r.doomed = map[*tableInfo]map[string]bool{}
		for _, tr := range res.Tables {
			t := r.m.tables[tr.Table]
			if t == nil || len(tr.Deleted) == 0 {
				continue
			}
			set := make(map[string]bool, len(tr.Deleted))
			for _, row := range tr.Deleted {
				set[keyString(row.Key)] = true
			}
			r.doomed[t] = set
		}
	}
	return nil
}

// collect runs explain.Collect in a read-only REPEATABLE READ transaction.
func collect(ctx context.Context, conn Conn, m *model, root explain.Root) (*explain.Result, error) {
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("beginning collection: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	res, err := explain.Collect(ctx, tx, m.plan, m.g, root, explain.Options{})
	if errors.Is(err, explain.ErrNoRootRow) {
		return nil, fmt.Errorf("%w: %w", ErrRootNotFound, err)
	}
	if err != nil {
		return nil, fmt.Errorf("collecting the graph of %s: %w", root.Table, err)
	}
	return res, nil
}

// finish records a committed batch and reports it.
func (r *runner) finish(st BatchStats, out *outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sum.Batches++
	r.sum.Retries += st.Retries
	for _, c := range out.counts {
		r.sum.count(c.table, c.op, c.n)
		st.Rows += c.n
	}
	st.Skipped = out.skipped
	r.sum.Skipped += int64(out.skipped)
	r.done += int64(st.Rows)
	r.thr.add(st.Rows)
	if st.Duration > r.sum.LongestBatch {
		r.sum.LongestBatch = st.Duration
	}
	st.Seq, st.Done = r.sum.Batches, r.done
	if r.opts.OnBatch != nil {
		r.opts.OnBatch(st)
	}
}

// batch runs one batch: waits for the rate limit, runs fn with retries
// under the statement timeout (none when timeout is 0), and records the
// result. A closed batch runs without limits.
func (r *runner) batch(ctx context.Context, t *tableInfo, op Op, timeout time.Duration, fn batchFunc) (*outcome, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	delay, limited := r.thr.delay()
	r.mu.Unlock()
	if limited {
		if err := r.opts.clock.Sleep(ctx, delay); err != nil {
			return nil, err
		}
	}
	out, retries, d, err := r.inTx(ctx, timeout, fn)
	if err != nil {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.sum.Retries += retries
		if errors.Is(err, errTooBig) || errors.Is(err, errThrough) {
			return nil, err
		}
		return nil, fmt.Errorf("batch %d (%s %s): %w", r.sum.Batches+1, op, t.name, err)
	}
	out.duration = d
	if out.changed == 0 && out.addressed == 0 {
		return out, nil // a batch that found nothing is not counted
	}
	r.finish(BatchStats{Table: t.name, Op: op, Closed: timeout == 0, Duration: d, Retries: retries}, out)
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

// timeout is the statement timeout of a limited batch of rows that est
// describes: the whole MaxBatchTime once a batch of them has committed,
// the target time (a third) before, so that a first try at a row whose
// subtree is huge wastes little; 0 when batches have no time limit.
func (r *runner) timeout(est *estimate) time.Duration {
	switch {
	case r.opts.MaxBatchTime < 0:
		return 0
	case est.samples == 0:
		return r.lim.time
	}
	return r.opts.MaxBatchTime
}

// checkConcurrent refuses a single connection for more than one worker:
// a *pgx.Conn runs one statement at a time.
func checkConcurrent(conn Conn, workers int) error {
	if workers <= 1 {
		return nil
	}
	switch conn.(type) {
	case *pgx.Conn, *pgxpool.Conn:
		return fmt.Errorf("%w: Workers is %d but the connection is a single %T; pass a *pgxpool.Pool", ErrInvalidOptions, workers, conn)
	}
	return nil
}
