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
// in the referenced columns' types. A column without a default gets NULL.
// Defaults are evaluated once per foreign key: a volatile default (one
// calling random()) is assumed to give every row the same value.
func (c *collector) evalDefaults(ctx context.Context, e *edgeState) error {
	exprs := make([]string, len(e.setPos))
	for i, p := range e.setPos {
		col := e.to.cat.Column(e.fk.Columns[p])
		if col == nil || col.Default == "" {
			exprs[i] = "NULL::text"
			continue
		}
		exprs[i] = "((" + col.Default + ")::" + col.Type + ")::" + e.refTypes[p] + "::text"
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
	e.defaultsRead = true
	return nil
}

// defaultKey returns the key row k of e.to references once SET DEFAULT
// reset the action's columns, and false when it has a NULL.
func (e *edgeState) defaultKey(k int32) (string, bool) {
	r := &e.to.rows[k]
	parts := make([]string, len(e.fkIdx))
	for i, x := range e.fkIdx {
		parts[i] = r.val(x)
	}
	for i, p := range e.setPos {
		parts[p] = e.defaults[i]
	}
	for _, v := range parts {
		if v == nullText {
			return "", false
		}
	}
	return strings.Join(parts, keySep), true
}

// readDefaultParents reads the rows of e.from the defaulted keys reference.
func (c *collector) readDefaultParents(ctx context.Context, e *edgeState) error {
	e.defParent = map[string]int32{}
	seen := map[string]bool{}
	var arrays [][]string = make([][]string, len(e.fkIdx))
	for _, k := range e.kids {
		key, ok := e.defaultKey(k)
		if !ok || seen[key] {
			continue
		}
		seen[key] = true
		for i, v := range strings.Split(key, keySep) {
			arrays[i] = append(arrays[i], v)
		}
	}
	if len(arrays[0]) == 0 {
		return nil
	}
	sql := lookupSQL(e.from, e.fk.RefColumns, e.refTypes)
	size := c.opts.batch()
	for start := 0; start < len(arrays[0]); start += size {
		end := min(start+size, len(arrays[0]))
		args := make([]any, len(arrays))
		for i := range arrays {
			args[i] = arrays[i][start:end]
		}
		err := c.readRows(ctx, e.from, sql, args, func(p int32) {
			if key, ok := joinKey(&e.from.rows[p], e.refIdx); ok {
				e.defParent[key] = p
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}
