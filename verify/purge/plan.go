package purge

import (
	"context"
	"time"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/verify/explain"
)

// BatchPlan is what a purge would do, as of one collection: the --dry-run
// and confirmation answer. Batches are sized while the purge runs, from
// what earlier batches took, so the plan counts rows rather than listing
// batches.
type BatchPlan struct {
	Root           catalog.TableName
	RootKeyColumns []string
	RootKey        []string
	// Blockers are the rows that make the purge refuse.
	Blockers []explain.Blocker
	// Tables lists what the purge would change per table, sorted by
	// (schema, table); empty when there are blockers.
	Tables []TableCount
	// Rows counts the rows the purge would change (deleted, nulled and
	// defaulted, the root row included).
	Rows int64
	// Batch and MaxBatchTime are the limits each batch keeps to.
	Batch        int
	MaxBatchTime time.Duration
}

// Plan collects the root row's graph with explain (one read-only
// transaction) and says what a purge would change, changing nothing.
func Plan(ctx context.Context, conn Conn, snap *catalog.Snapshot, root explain.Root, opts Options) (*BatchPlan, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	m, err := newModel(snap, root.Table, opts.Through)
	if err != nil {
		return nil, err
	}
	res, err := collect(ctx, conn, m, root)
	if err != nil {
		return nil, err
	}
	p := &BatchPlan{Root: res.Root, RootKeyColumns: res.RootKeyColumns, RootKey: res.RootKey, Blockers: res.Blockers,
		Batch: opts.Batch, MaxBatchTime: opts.MaxBatchTime}
	if res.Blocked() {
		return p, nil
	}
	for _, tr := range res.Tables {
		tc := TableCount{Table: tr.Table, Deleted: int64(len(tr.Deleted)), Nulled: int64(len(tr.Nulled)), Defaulted: int64(len(onlyDefaulted(tr)))}
		if tc.Deleted+tc.Nulled+tc.Defaulted == 0 {
			continue
		}
		p.Tables = append(p.Tables, tc)
		p.Rows += tc.Deleted + tc.Nulled + tc.Defaulted
	}
	return p, nil
}

// onlyDefaulted returns the defaulted rows of tr that are not also
// nulled: a row both SET NULL and SET DEFAULT foreign keys reach counts
// once, as nulled.
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
