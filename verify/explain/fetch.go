package explain

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ondelete/ondelete/catalog"
)

// readRows runs one query over t and adds each row it returns to t,
// calling fn with the row's index and the query's columns after t's
// exprs, if any.
func (c *collector) readRows(ctx context.Context, t *tableState, sql string, args []any, fn func(i int32, extra [][]byte) error) error {
	c.queries++
	rows, err := c.q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) < len(t.exprs) {
			return fmt.Errorf("reading %s: got %d columns, want %d", t.name, len(raw), len(t.exprs))
		}
		i, err := c.add(t, raw[:len(t.exprs)])
		if err != nil {
			return err
		}
		if err := fn(i, raw[len(t.exprs):]); err != nil {
			return err
		}
	}
	return rows.Err()
}

// rowIndex parses a row index a lookup query returned.
func rowIndex(b []byte) (int32, error) {
	n, err := strconv.ParseInt(string(b), 10, 32)
	if err != nil {
		return 0, fmt.Errorf("reading a row index: %w", err)
	}
	return int32(n), nil
}

// add records one row read as text values (nil for NULL) and returns its
// index; a row read before is found by identity and not copied again.
// A new row's values are encoded into one string.
func (c *collector) add(t *tableState, raw [][]byte) (int32, error) {
	var id string
	if len(t.keyIdx) == 1 {
		if i, ok := t.byKey[string(raw[t.keyIdx[0]])]; ok {
			return i, nil
		}
	} else {
		parts := make([]string, len(t.keyIdx))
		for j, k := range t.keyIdx {
			parts[j] = string(raw[k])
		}
		id = strings.Join(parts, keySep)
		if i, ok := t.byKey[id]; ok {
			return i, nil
		}
	}
	c.rows++
	if c.opts.MaxRows > 0 && c.rows > c.opts.MaxRows {
		return 0, fmt.Errorf("%w: more than %d rows reached", ErrTooManyRows, c.opts.MaxRows)
	}
	r := row{data: encodeRow(raw), round: -1}
	r.tid = parseTID(r.val(0))
	if len(t.keyIdx) == 1 {
		id = r.val(t.keyIdx[0])
	}
	i := int32(len(t.rows))
	t.rows = append(t.rows, r)
	t.byKey[id] = i
	return i, nil
}

// markDeletable records that a cascade chain reaches row i of t, queuing
// its foreign keys to be followed. It reports whether the row was new to
// that set.
func (t *tableState) markDeletable(i int32) bool {
	if t.rows[i].cand {
		return false
	}
	t.rows[i].cand = true
	t.frontier = append(t.frontier, i)
	return true
}

// expand reads, from the rows in the frontiers, every row a cascade chain
// reaches and every row referencing one of them, until nothing new turns
// up: a fixed point over the graph's edges, one query per edge and batch
// of new rows (one per batch for a table's cascading self-references,
// which a recursive query follows to the end).
func (c *collector) expand(ctx context.Context) error {
	for {
		progressed := false
		for _, t := range c.tables {
			if len(t.frontier) == 0 {
				continue
			}
			progressed = true
			rows := t.frontier
			t.frontier = nil
			if len(t.self) > 0 {
				var err error
				if rows, err = c.recurse(ctx, t, rows); err != nil {
					return err
				}
			}
			for _, e := range t.out {
				if e.recursive {
					continue
				}
				if err := c.follow(ctx, e, rows); err != nil {
					return fmt.Errorf("following %s: %w", e.g.Constraint, err)
				}
			}
		}
		if !progressed {
			return nil
		}
	}
}

// follow reads the rows of e.to referencing any of the given rows of
// e.from, recording each pair; through a cascade they join the deletable
// rows.
func (c *collector) follow(ctx context.Context, e *edgeState, parents []int32) error {
	sql := lookupSQL(e.to, e.fk.Columns, e.refTypes)
	cascade := e.g.Action == catalog.Cascade
	return c.batches(ctx, e.from, parents, e.refIdx, func(args []any) error {
		return c.readRows(ctx, e.to, sql, args, func(k int32, extra [][]byte) error {
			p, err := rowIndex(extra[0])
			if err != nil {
				return err
			}
			e.pairs = append(e.pairs, linkPair{p: p, k: k})
			if cascade {
				e.to.markDeletable(k)
			}
			return nil
		})
	})
}

// recurse reads every row of t that t's cascading self-references reach
// from seeds, recording each pair, marks them deletable and returns seeds
// with the new ones appended (their self-references need no further
// query).
func (c *collector) recurse(ctx context.Context, t *tableState, seeds []int32) ([]int32, error) {
	sql := t.recursiveSQL()
	all := seeds
	type pending struct {
		e  *edgeState
		k  int32
		id string
	}
	var links []pending
	nk := len(t.keyIdx)
	err := c.batches(ctx, t, seeds, []int{0}, func(args []any) error {
		return c.readRows(ctx, t, sql, args[:1], func(k int32, extra [][]byte) error {
			if !t.rows[k].cand {
				t.rows[k].cand = true
				all = append(all, k)
			}
			if extra[nk] == nil {
				return nil // a starting row
			}
			en, err := rowIndex(extra[nk])
			if err != nil || int(en) >= len(t.self) {
				return fmt.Errorf("reading a self-reference: bad edge %q", extra[nk])
			}
			parts := make([]string, nk)
			for j := range parts {
				parts[j] = string(extra[j])
			}
			links = append(links, pending{e: t.self[en], k: k, id: strings.Join(parts, keySep)})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("following the self-references of %s: %w", t.name, err)
	}
	for _, l := range links {
		p, ok := t.byKey[l.id]
		if !ok {
			return nil, fmt.Errorf("following the self-references of %s: a referenced row was not read", t.name)
		}
		l.e.pairs = append(l.e.pairs, linkPair{p: p, k: l.k})
	}
	return all, nil
}

// batches passes the values at idx of the given rows of t, as parallel
// text arrays of at most Options.BatchSize entries followed by an int4
// array of the rows' indexes, to fn; rows with a NULL among the values
// are left out (they reference nothing).
func (c *collector) batches(ctx context.Context, t *tableState, rows []int32, idx []int, fn func(args []any) error) error {
	size := c.opts.batch()
	arrays := make([][]string, len(idx))
	var which []int32
	flush := func() error {
		if len(arrays[0]) == 0 {
			return nil
		}
		args := make([]any, len(arrays), len(arrays)+1)
		for i := range arrays {
			args[i] = arrays[i]
		}
		args = append(args, which)
		if err := fn(args); err != nil {
			return err
		}
		for i := range arrays {
			arrays[i] = nil
		}
		which = nil
		return ctx.Err()
	}
	for _, r := range rows {
		row := &t.rows[r]
		null := false
		for _, k := range idx {
			null = null || row.val(k) == nullText
		}
		if null {
			continue
		}
		for i, k := range idx {
			arrays[i] = append(arrays[i], row.val(k))
		}
		which = append(which, r)
		if len(arrays[0]) >= size {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
