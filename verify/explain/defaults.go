package explain

import (
	"context"
	"fmt"
	"strings"

	"github.com/ondelete/ondelete/catalog"
)

// readDefaults prepares every SET DEFAULT edge that has referencing rows:
// it evaluates the defaults of the columns the action resets, and reads
// the rows the defaulted keys then reference, since SET DEFAULT fails when
// such a row is missing or deleted.
func (c *collector) readDefaults(ctx context.Context) error {
	for _, e := range c.edges {
		if e.g.Action != catalog.SetDefault || len(e.kids) == 0 {
			continue
		}
		if err := c.evalDefaults(ctx, e); err != nil {
			return fmt.Errorf("evaluating the defaults SET DEFAULT of %s writes: %w", e.g.Constraint, err)
		}
		if err := c.readDefaultParents(ctx, e); err != nil {
			return fmt.Errorf("reading the rows the defaults of %s reference: %w", e.g.Constraint, err)
		}
	}
	return nil
}

// evalDefaults evaluates the column defaults SET DEFAULT writes, as text
// in the columns' types. A column without a default gets NULL. Defaults
// are evaluated once per foreign key: a volatile default (one calling
// random()) is assumed to give every row the same value.
func (c *collector) evalDefaults(ctx context.Context, e *edgeState) error {
	exprs := make([]string, len(e.setPos))
	for i, p := range e.setPos {
		col := e.to.cat.Column(e.fk.Columns[p])
		if col == nil || col.Default == "" {
			exprs[i] = "NULL::text"
			continue
		}
		exprs[i] = "((" + col.Default + ")::" + col.Type + ")::text"
	}
	c.queries++
	rows, err := c.q.Query(ctx, "SELECT "+strings.Join(exprs, ", "))
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return fmt.Errorf("no result")
	}
	e.defaults = make([]string, len(e.setPos))
	for i, v := range rows.RawValues() {
		e.defaults[i] = nullText
		if v != nil {
			e.defaults[i] = string(v)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i, p := range e.setPos {
		if col := e.to.cat.Column(e.fk.Columns[p]); col != nil && col.NotNull && e.defaults[i] == nullText {
			e.notNull = append(e.notNull, col.Name)
		}
	}
	return nil
}

// defaultValues returns the values of e's referencing columns of row k
// once SET DEFAULT reset the action's columns, and false when one is NULL
// (the row then references nothing).
func (e *edgeState) defaultValues(k int32) ([]string, bool) {
	r := &e.to.rows[k]
	vals := make([]string, len(e.fkIdx))
	for i, x := range e.fkIdx {
		vals[i] = r.val(x)
	}
	for i, p := range e.setPos {
		vals[p] = e.defaults[i]
	}
	for _, v := range vals {
		if v == nullText {
			return nil, false
		}
	}
	return vals, true
}

// readDefaultParents finds, for every row of e.to referencing a deletable
// row, the row of e.from its defaulted key references (e.defParent), by
// PostgreSQL's equality.
func (c *collector) readDefaultParents(ctx context.Context, e *edgeState) error {
	e.defParent = map[int32]int32{}
	sql := lookupSQL(e.from, e.fk.RefColumns, e.refTypes)
	size := c.opts.batch()
	arrays := make([][]string, len(e.fkIdx))
	var which []int32
	flush := func() error {
		if len(which) == 0 {
			return nil
		}
		args := make([]any, 0, len(arrays)+1)
		for _, a := range arrays {
			args = append(args, a)
		}
		args = append(args, which)
		err := c.readRows(ctx, e.from, sql, args, func(p int32, extra [][]byte) error {
			k, err := rowIndex(extra[0])
			if err != nil {
				return err
			}
			e.defParent[k] = p
			return nil
		})
		for i := range arrays {
			arrays[i] = nil
		}
		which = nil
		return err
	}
	for _, k := range e.kids {
		if _, seen := e.defParent[k]; seen {
			continue
		}
		vals, ok := e.defaultValues(k)
		if !ok {
			continue
		}
		e.defParent[k] = -1 // until the lookup finds the row
		for i, v := range vals {
			arrays[i] = append(arrays[i], v)
		}
		which = append(which, k)
		if len(which) >= size {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
