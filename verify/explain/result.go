package explain

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ondelete/ondelete/catalog"
)

// result turns the simulation's state into the Result.
func (c *collector) result(root *tableState, r int32) *Result {
	res := &Result{
		Version:        Version,
		Root:           root.name,
		RootKeyColumns: root.keyCols,
		RootKey:        root.key(r),
		Tables:         []TableRows{},
		Blockers:       []Blocker{},
	}
	touched := int64(0)
	for _, t := range c.tables {
		tr := TableRows{Table: t.name, KeyColumns: t.keyCols, Deleted: []Row{}, Nulled: []Row{}, Defaulted: []Row{}}
		for i := range t.rows {
			if d := t.rows[i].round; d >= 0 {
				tr.Deleted = append(tr.Deleted, Row{Key: t.key(int32(i)), Depth: int(d)})
			}
		}
		for i, ch := range t.changes {
			if t.rows[i].round >= 0 {
				continue
			}
			if ch.nulled >= 0 {
				tr.Nulled = append(tr.Nulled, Row{Key: t.key(i), Depth: int(ch.nulled)})
			}
			if ch.defaulted >= 0 {
				tr.Defaulted = append(tr.Defaulted, Row{Key: t.key(i), Depth: int(ch.defaulted)})
			}
			touched++
		}
		if len(tr.Deleted)+len(tr.Nulled)+len(tr.Defaulted) == 0 {
			continue
		}
		touched += int64(len(tr.Deleted))
		sortRows(tr.Deleted)
		sortRows(tr.Nulled)
		sortRows(tr.Defaulted)
		res.Tables = append(res.Tables, tr)
	}
	for _, b := range c.blockers {
		res.Blockers = append(res.Blockers, c.blocker(b))
	}
	sort.Slice(res.Blockers, func(i, j int) bool {
		a, b := &res.Blockers[i], &res.Blockers[j]
		if a.Table != b.Table {
			return a.Table.Less(b.Table)
		}
		if a.Constraint != b.Constraint {
			return a.Constraint < b.Constraint
		}
		return keyLess(a.Key, b.Key)
	})
	res.Cost = Cost{RowsTouched: touched, Lookups: c.lookups, Queries: c.queries, UnindexedTables: []catalog.TableName{}}
	seen := map[catalog.TableName]bool{}
	for _, e := range c.edges {
		if e.fired && !e.fk.Indexed && !seen[e.to.name] {
			seen[e.to.name] = true
			res.Cost.UnindexedTables = append(res.Cost.UnindexedTables, e.to.name)
		}
	}
	sort.Slice(res.Cost.UnindexedTables, func(i, j int) bool {
		return res.Cost.UnindexedTables[i].Less(res.Cost.UnindexedTables[j])
	})
	return res
}

// blocker describes one raw blocker.
func (c *collector) blocker(b *rawBlocker) Blocker {
	e := b.e
	out := Blocker{
		Table: e.to.name, Constraint: e.fk.Name, KeyColumns: e.to.keyCols, Key: e.to.key(b.row),
		Action: e.g.Action, RefTable: e.from.name, Deferred: e.deferred && b.kind == blockReferences,
	}
	if b.p >= 0 {
		out.RefKey = e.from.key(b.p)
	}
	ref := e.from.name.String()
	if b.p >= 0 {
		ref += " (" + strings.Join(out.RefKey, ", ") + ")"
	}
	fate := "which this DELETE does not delete"
	if d := e.to.rows[b.row].round; d >= 0 {
		fate = fmt.Sprintf("which this DELETE deletes only in trigger round %d", d)
		if b.round >= 0 && d == b.round {
			fate = fmt.Sprintf("which this DELETE deletes in trigger round %d, after the check in the same round", d)
		}
	}
	switch b.kind {
	case blockReferences:
		when := "when checked"
		if b.round >= 0 {
			when = fmt.Sprintf("when checked in trigger round %d", b.round)
		}
		if out.Deferred {
			when = "at COMMIT"
			fate = "which is still there then"
		}
		out.Reason = fmt.Sprintf("%s: references deleted %s %s, %s", e.g.Action.SQL(), ref, when, fate)
	case blockNotNull:
		out.NotNullColumns = e.notNull
		out.Reason = fmt.Sprintf("%s would write NULL into NOT NULL %s (the row references deleted %s)",
			e.g.Action.SQL(), plural("column", e.notNull), ref)
	case blockDefaultMissing:
		out.Reason = fmt.Sprintf("SET DEFAULT would make it reference a row of %s that does not exist (it references deleted %s)",
			e.from.name, ref)
	case blockRecheck:
		out.Reason = fmt.Sprintf("%s: references deleted %s when PostgreSQL re-checks it after a second SET NULL / SET DEFAULT update of the row in this DELETE, %s",
			e.g.Action.SQL(), ref, fate)
	case blockDefaultDeleted:
		out.Reason = fmt.Sprintf("SET DEFAULT would make it reference a row of %s that this DELETE deletes", e.from.name)
		if b.p >= 0 {
			out.Reason = fmt.Sprintf("SET DEFAULT would make it reference deleted %s", ref)
		}
	}
	return out
}

// plural spells "column a" or "columns a, b".
func plural(noun string, names []string) string {
	if len(names) == 1 {
		return noun + " " + displayList(names)
	}
	return noun + "s " + displayList(names)
}

// sortRows orders rows by depth, then key.
func sortRows(rows []Row) {
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Depth != rows[j].Depth {
			return rows[i].Depth < rows[j].Depth
		}
		return keyLess(rows[i].Key, rows[j].Key)
	})
}

// keyLess compares keys value by value, integers numerically, so that
// 9 sorts before 10.
func keyLess(a, b []string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] == b[i] {
			continue
		}
		x, errX := strconv.ParseInt(a[i], 10, 64)
		y, errY := strconv.ParseInt(b[i], 10, 64)
		if errX == nil && errY == nil {
			return x < y
		}
		return a[i] < b[i]
	}
	return len(a) < len(b)
}
