package verify

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/rowgen"
)

// parents says which foreign keys of a new row get real parent rows.
type parents int

const (
	// noParents: none (replica mode leaves them dangling).
	noParents parents = iota
	// ownParents: the row's own foreign keys, with parents that need none
	// (replica mode, for a row that SET NULL / SET DEFAULT will update:
	// PostgreSQL re-checks every foreign key of a row it updates when the
	// row was inserted by the same transaction).
	ownParents
	// allParents: the row's and, recursively, its parents' (parents mode,
	// where every foreign key is checked on insert).
	allParents
)

// maxParentDepth bounds the chain of parent rows one canary row may need.
const maxParentDepth = 6

// parentsFor is what a new row needs in this run's mode; updated is true
// for a row a SET NULL / SET DEFAULT action will update.
func (r *runner) parentsFor(updated bool) parents {
	switch {
	case r.mode == ModeParents:
		return allParents
	case updated:
		return ownParents
	}
	return noParents
}

// insert adds a canary row of table t with the pinned column values,
// after giving it the parent rows p asks for.
func (r *runner) insert(ctx context.Context, t catalog.TableName, pins map[string]*string, p parents, depth int) (*rowgen.Row, error) {
	if trig := r.triggers[t]; len(trig) > 0 && !r.opts.AllowInsertTriggers {
		return nil, &triggerError{table: t, triggers: trig, mode: r.mode}
	}
	if p != noParents {
		pins = maps.Clone(pins)
		if pins == nil {
			pins = map[string]*string{}
		}
		if err := r.giveParents(ctx, t, pins, p, depth); err != nil {
			return nil, err
		}
	}
	return r.gen.Insert(ctx, t, pins)
}

// giveParents makes sure every foreign key of a new row of t that will
// hold a value references an existing row: pinned keys get a parent row
// with those values unless one exists, unpinned NOT NULL (or defaulted)
// keys get a new parent row and are pinned to it. Keys left NULL need
// nothing (MATCH SIMPLE).
func (r *runner) giveParents(ctx context.Context, t catalog.TableName, pins map[string]*string, p parents, depth int) error {
	tb := r.snap.Table(t)
	if tb == nil {
		return fmt.Errorf("table %s is not in the snapshot", t)
	}
	for _, fk := range r.fksOf[t] {
		have := map[string]*string{} // referenced column → value
		var unpinned []int
		null := false
		for i, c := range fk.Columns {
			if v, ok := pins[c]; ok {
				if v == nil {
					null = true
					break
				}
				have[fk.RefColumns[i]] = v
				continue
			}
			col := tb.Column(c)
			if col == nil || col.Generated || (!col.NotNull && col.Default == "" && col.Identity == "") {
				null = true // left NULL (or computed): no reference to satisfy
				break
			}
			unpinned = append(unpinned, i)
		}
		if null {
			continue
		}
		if len(unpinned) == 0 {
			ok, err := r.exists(ctx, fk.RefTableName(), have)
			if err != nil {
				return err
			}
			if ok {
				continue
			}
		}
		if depth >= maxParentDepth {
			return fmt.Errorf("%s needs a chain of more than %d parent rows (through %s)", t, maxParentDepth, fk.Name)
		}
		next := noParents
		if p == allParents {
			next = allParents
		}
		parent, err := r.insert(ctx, fk.RefTableName(), have, next, depth+1)
		if err != nil {
			return fmt.Errorf("giving %s a parent row for %s: %w", t, fk.Name, err)
		}
		for _, i := range unpinned {
			pins[fk.Columns[i]] = parent.Values[fk.RefColumns[i]]
		}
	}
	return nil
}

// exists reports whether table t has a row with the given column values.
func (r *runner) exists(ctx context.Context, t catalog.TableName, values map[string]*string) (bool, error) {
	cols := make([]string, 0, len(values))
	for c := range values {
		cols = append(cols, c)
	}
	where, args := r.match(t, cols, values, true)
	var ok bool
	q := "SELECT EXISTS (SELECT 1 FROM " + t.Quoted() + " WHERE " + where + ")"
	if err := r.tx.QueryRow(ctx, q, args...).Scan(&ok); err != nil {
		return false, fmt.Errorf("looking for a parent row in %s: %w", t, err)
	}
	return ok, nil
}

// triggerError says a canary row cannot be inserted because user triggers
// would run on it.
type triggerError struct {
	table    catalog.TableName
	triggers []string
	mode     Mode
}

// Error names the triggers and why they cannot be kept quiet.
func (e *triggerError) Error() string {
	why := "session_replication_role = replica was refused, so they cannot be suppressed"
	if e.mode == ModeReplica {
		why = "they are enabled for replica mode too"
	}
	return fmt.Sprintf("INSERT trigger %s of %s would run on a canary row (%s); what a trigger does to sequences or outside the database is not rolled back",
		strings.Join(e.triggers, ", "), e.table, why)
}
