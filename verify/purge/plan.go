package purge

import (
	"context"
	"fmt"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/verify/explain"
)

// BatchPlan is what a purge would do, as of one collection: the --dry-run
// answer. A real run may need more batches (rows added meanwhile, rows
// skipped because a referencing row was deleted later than planned).
type BatchPlan struct {
	Root           catalog.TableName
	RootKeyColumns []string
	RootKey        []string
	// Blockers are the rows that make the purge refuse; when there are
	// any, Batches is empty.
	Blockers []explain.Blocker
	// Batches in the order they would run: SET NULL / SET DEFAULT updates,
	// then deletes in descending depth, then the closed batch with the
	// root row.
	Batches []PlannedBatch
	// Rows counts the rows the purge would change (deleted, nulled and
	// defaulted, the root row included).
	Rows int64
}

// PlannedBatch is one batch of a plan.
type PlannedBatch struct {
	Seq   int
	Table catalog.TableName
	Op    Op
	// Closed is the final batch: Keys are the root row's; Rows counts every
	// row still left for it (the whole graph when it fits in one batch).
	Closed bool
	// Level is the rank of a delete batch's table in the order tables are
	// deleted in, referencing tables first; tables that reference each
	// other in a cycle share a level, and their rows go by Depth.
	Level int
	// Depth orders the rows within such a cycle of tables: a row comes
	// after the rows referencing it, one depth later when they are of
	// another table; 0 otherwise.
	Depth      int
	KeyColumns []string
	Keys       [][]string
	Rows       int
	// seqs are the rows' places in the topological order, kept so that
	// rows a batch leaves keep their order in later passes.
	seqs []int32
}

// Plan collects the root row's graph and returns the batches a purge
// would run, changing nothing.
func Plan(ctx context.Context, conn Conn, snap *catalog.Snapshot, root explain.Root, opts Options) (*BatchPlan, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	m, err := newModel(snap, root.Table, opts.Through)
	if err != nil {
		return nil, err
	}
	r := &runner{conn: conn, opts: opts, m: m, root: root, sum: &Summary{Root: root.Table}}
	rd, err := r.collect(ctx)
	if err != nil {
		return nil, err
	}
	res := rd.res
	p := &BatchPlan{Root: res.Root, RootKeyColumns: res.RootKeyColumns, RootKey: res.RootKey, Blockers: res.Blockers, Rows: resultRows(res)}
	if res.Blocked() {
		return p, nil
	}
	if p.Rows > int64(opts.Batch) {
		p.Batches = r.planRound(rd)
	}
	p.Batches = append(p.Batches, PlannedBatch{Table: res.Root, Op: OpDelete, Closed: true, KeyColumns: res.RootKeyColumns, Keys: [][]string{res.RootKey}, Rows: 1 + rd.stuck})
	if len(p.Batches) == 1 {
		p.Batches[0].Rows = int(p.Rows)
	}
	for i := range p.Batches {
		p.Batches[i].Seq = i + 1
	}
	return p, nil
}

// onlyDefaulted returns the defaulted rows of tr that are not also
// nulled: a row both SET NULL and SET DEFAULT foreign keys reach is
// changed (and archived) once, as nulled.
func onlyDefaulted(tr explain.TableRows) []explain.Row {
	if len(tr.Nulled) == 0 {
		return tr.Defaulted
	}
	nulled := make(map[string]bool, len(tr.Nulled))
	for _, row := range tr.Nulled {
		nulled[keyString(row.Key)] = true
	}
	var out []explain.Row
	for _, row := range tr.Defaulted {
		if !nulled[keyString(row.Key)] {
			out = append(out, row)
		}
	}
	return out
}

// resultRows counts every row a collection found to change.
func resultRows(res *explain.Result) int64 {
	var n int64
	for _, t := range res.Tables {
		n += int64(len(t.Deleted) + len(t.Nulled) + len(onlyDefaulted(t)))
	}
	return n
}

// item is one row waiting for a delete batch: its table group's rank,
// its level within the group and its place in the group's topological
// order (see schedule).
type item struct {
	table *tableInfo
	level int
	depth int
	seq   int32
	// tord numbers the tables in name order, for sorting.
	tord int
	key  []string
}

// planRound splits one collection into batches: updates per table, then
// deletes in the scheduled order, one table and level per batch, the root
// row left out (the closed batch deletes it).
func (r *runner) planRound(rd *round) []PlannedBatch {
	res := rd.res
	var out []PlannedBatch
	for _, tr := range res.Tables {
		t := r.m.tables[tr.Table]
		for _, set := range []struct {
			op   Op
			rows []explain.Row
		}{{OpNull, tr.Nulled}, {OpDefault, onlyDefaulted(tr)}} {
			for i := 0; i < len(set.rows); i += r.opts.Batch {
				chunk := set.rows[i:min(i+r.opts.Batch, len(set.rows))]
				b := PlannedBatch{Table: tr.Table, Op: set.op, KeyColumns: t.keyCols, Rows: len(chunk)}
				for _, row := range chunk {
					b.Keys = append(b.Keys, row.Key)
				}
				out = append(out, b)
			}
		}
	}
	return append(out, r.deleteBatches(rd.items)...)
}

// deleteBatches cuts scheduled rows, in their order, into batches of one
// table, level and depth.
func (r *runner) deleteBatches(items []item) []PlannedBatch {
	var out []PlannedBatch
	for _, it := range items {
		n := len(out)
		if n == 0 || out[n-1].Table != it.table.name || out[n-1].Level != it.level || out[n-1].Depth != it.depth || out[n-1].Rows == r.opts.Batch {
			out = append(out, PlannedBatch{Table: it.table.name, Op: OpDelete, Level: it.level, Depth: it.depth, KeyColumns: it.table.keyCols})
			n++
		}
		out[n-1].Keys = append(out[n-1].Keys, it.key)
		out[n-1].seqs = append(out[n-1].seqs, it.seq)
		out[n-1].Rows++
	}
	return out
}

// String is a one-line description, for dry-run listings and logs.
func (b PlannedBatch) String() string {
	switch {
	case b.Closed:
		return fmt.Sprintf("#%d closed: delete the %d row(s) left, root %s last", b.Seq, b.Rows, b.Table)
	case b.Op == OpDelete:
		return fmt.Sprintf("#%d delete %d row(s) of %s at level %d", b.Seq, b.Rows, b.Table, b.Level)
	}
	return fmt.Sprintf("#%d set %s on %d row(s) of %s", b.Seq, b.Op, b.Rows, b.Table)
}
