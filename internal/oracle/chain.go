package oracle

import (
	"context"
	"errors"
	"fmt"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/rowgen"
)

// chain inserts the root row and one row per constraint of path, each
// pinned to its parent row; extra pins the last row's other columns. It
// returns every inserted row, root first.
func (x *experimenter) chain(ctx context.Context, path []string, extra map[string]*string) ([]*rowgen.Row, error) {
	root, err := x.gen.Insert(ctx, x.g.Root, nil)
	if err != nil {
		return nil, err
	}
	return x.extend(ctx, []*rowgen.Row{root}, path, extra)
}

// extend continues a chain from its last row along path.
func (x *experimenter) extend(ctx context.Context, rows []*rowgen.Row, path []string, extra map[string]*string) ([]*rowgen.Row, error) {
	for i, c := range path {
		fk := x.fks[c]
		if fk == nil {
			return nil, fmt.Errorf("path names unknown constraint %s", c)
		}
		pins, err := pin(fk, rows[len(rows)-1])
		if err != nil {
			return nil, err
		}
		if i == len(path)-1 {
			for k, v := range extra {
				if old, ok := pins[k]; ok && !eq(old, v) {
					return nil, fmt.Errorf("%w: column %s is needed by two foreign keys with different values", errConflict, k)
				}
				pins[k] = v
			}
		}
		row, err := x.gen.Insert(ctx, fk.TableName(), pins)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

var errConflict = errors.New("cannot link")

// pin maps fk's referencing columns to the parent row's referenced values.
func pin(fk *catalog.ForeignKey, parent *rowgen.Row) (map[string]*string, error) {
	if parent.Table != fk.RefTableName() {
		return nil, fmt.Errorf("path broken: %s does not reference %s", fk.Key(), parent.Table)
	}
	pins := map[string]*string{}
	for i, c := range fk.Columns {
		v := parent.Values[fk.RefColumns[i]]
		if old, ok := pins[c]; ok && !eq(old, v) {
			return nil, fmt.Errorf("%w: column %s repeated", errConflict, c)
		}
		pins[c] = v
	}
	return pins, nil
}

func eq(a, b *string) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

// alsoCascaded reports whether another ON DELETE CASCADE foreign key of
// the chain's last row references one of the chain's (deleted) rows.
func (x *experimenter) alsoCascaded(rows []*rowgen.Row, except *catalog.ForeignKey) bool {
	row := rows[len(rows)-1]
	for i := range x.snap.ForeignKeys {
		fk := &x.snap.ForeignKeys[i]
		if fk.TableName() != row.Table || fk.Key() == except.Key() || fk.OnDelete != catalog.Cascade {
			continue
		}
		for _, parent := range rows[:len(rows)-1] {
			if parent.Table != fk.RefTableName() {
				continue
			}
			match := true
			for j, c := range fk.Columns {
				v := row.Values[c]
				if v == nil || !eq(v, parent.Values[fk.RefColumns[j]]) {
					match = false
				}
			}
			if match {
				return true
			}
		}
	}
	return false
}

// parentsFor gives row's other foreign keys real parent rows. PostgreSQL
// re-checks every foreign key of a row updated by SET NULL / SET DEFAULT
// when the row was inserted by the same transaction (as every experiment
// row is), so dangling references left by replica-mode inserts would make
// the update fail where production rows would not.
func (x *experimenter) parentsFor(ctx context.Context, row *rowgen.Row, except *catalog.ForeignKey) error {
	for i := range x.snap.ForeignKeys {
		fk := &x.snap.ForeignKeys[i]
		if fk.TableName() != row.Table || fk.Key() == except.Key() {
			continue
		}
		pins := map[string]*string{}
		complete := true
		for j, c := range fk.Columns {
			v := row.Values[c]
			if v == nil {
				complete = false
				break
			}
			pins[fk.RefColumns[j]] = v
		}
		if !complete {
			continue // MATCH SIMPLE: a NULL column means no reference
		}
		where, args := textEquals(fk.RefColumns, pins)
		var exists bool
		q := "SELECT EXISTS (SELECT 1 FROM " + fk.RefTableName().Quoted() + " WHERE " + where + ")"
		if err := x.tx.QueryRow(ctx, q, args...).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			if _, err := x.gen.Insert(ctx, fk.RefTableName(), pins); err != nil {
				return err
			}
		}
	}
	return nil
}
