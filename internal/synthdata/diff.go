package synthdata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// diffTable compares one table before and after the DELETE. Rows are
// matched by primary key. A table without one is keyed by ctid, which an
// UPDATE changes: rows whose ctid survives are unchanged, and the rest are
// paired by their columns other than those act writes (a changed row
// keeps those), leaving the unpaired ones deleted.
func diffTable(before, after *tableImage, act *actionColumns) (TableEffect, error) {
	e := TableEffect{Table: before.info.name, KeyColumns: before.info.keyColumns()}
	if act == nil {
		act = &actionColumns{}
	}
	afterByKey := make(map[string]Image, len(after.rows))
	for _, r := range after.rows {
		afterByKey[strings.Join(r.Key, "\x00")] = r
	}
	var goneBefore []Image
	for _, b := range before.rows {
		k := strings.Join(b.Key, "\x00")
		a, ok := afterByKey[k]
		if !ok {
			goneBefore = append(goneBefore, b)
			continue
		}
		delete(afterByKey, k)
		if a.JSON != b.JSON {
			c, err := changed(b, a, act)
			if err != nil {
				return e, err
			}
			e.Changed = append(e.Changed, c)
		}
	}
	newAfter := make([]Image, 0, len(afterByKey))
	for _, r := range afterByKey {
		newAfter = append(newAfter, r)
	}
	slices.SortFunc(newAfter, func(a, b Image) int { return compareKeys(a.Key, b.Key) })
	if len(before.info.key) > 0 {
		e.Deleted, e.Inserted = goneBefore, newAfter
		return e, nil
	}
	return pairByContent(e, goneBefore, newAfter, act)
}

// pairByContent matches rows of a table without primary key whose ctid
// changed: an after row whose columns, those the referential actions
// write excepted, equal a before row's is that row, changed.
func pairByContent(e TableEffect, gone, fresh []Image, act *actionColumns) (TableEffect, error) {
	projected := make([]string, len(fresh))
	for i, r := range fresh {
		p, err := projectRow(r.JSON, act)
		if err != nil {
			return e, err
		}
		projected[i] = p
	}
	used := make([]bool, len(fresh))
	for _, b := range gone {
		p, err := projectRow(b.JSON, act)
		if err != nil {
			return e, err
		}
		j := slices.IndexFunc(projected, func(s string) bool { return s == p })
		for j >= 0 && used[j] {
			k := slices.IndexFunc(projected[j+1:], func(s string) bool { return s == p })
			if k < 0 {
				j = -1
			} else {
				j += 1 + k
			}
		}
		if j < 0 {
			e.Deleted = append(e.Deleted, b)
			continue
		}
		used[j] = true
		c, err := changed(b, fresh[j], act)
		if err != nil {
			return e, err
		}
		e.Changed = append(e.Changed, c)
	}
	for j, r := range fresh {
		if !used[j] {
			e.Inserted = append(e.Inserted, r)
		}
	}
	return e, nil
}

// projectRow returns a row's JSON without the columns act writes.
func projectRow(js string, act *actionColumns) (string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		return "", fmt.Errorf("decoding row %s: %w", js, err)
	}
	for c := range m {
		if act.setNull[c] || act.setDefault[c] {
			delete(m, c)
		}
	}
	out, err := json.Marshal(m)
	return string(out), err
}

// changed describes how row b became a.
func changed(b, a Image, act *actionColumns) (ChangedRow, error) {
	c := ChangedRow{Key: b.Key, Before: b.JSON, After: a.JSON}
	var mb, ma map[string]json.RawMessage
	if err := json.Unmarshal([]byte(b.JSON), &mb); err != nil {
		return c, fmt.Errorf("decoding row %s: %w", b.JSON, err)
	}
	if err := json.Unmarshal([]byte(a.JSON), &ma); err != nil {
		return c, fmt.Errorf("decoding row %s: %w", a.JSON, err)
	}
	cols := make([]string, 0, len(mb))
	for col := range mb {
		cols = append(cols, col)
	}
	slices.Sort(cols)
	for _, col := range cols {
		if bytes.Equal(mb[col], ma[col]) {
			continue
		}
		c.Columns = append(c.Columns, ColumnChange{Column: col, Before: mb[col], After: ma[col]})
		c.Nulled = c.Nulled || act.setNull[col]
		c.Defaulted = c.Defaulted || act.setDefault[col]
	}
	return c, nil
}
