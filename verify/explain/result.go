package explain

import (
	"cmp"
	"fmt"
	"slices"
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
		tr := t.rowsResult()
		n := len(tr.Deleted) + len(tr.Nulled) + len(tr.Defaulted)
		if n == 0 {
			continue
		}
		touched += int64(len(tr.Deleted) + len(t.changes))
		for i := range t.changes {
			if t.rows[i].round >= 0 {
				touched-- // deleted after an update: counted once
			}
		}
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

// rowsResult lists the deleted, nulled and defaulted rows of t, sorted.
// Their keys share one backing array per list.
func (t *tableState) rowsResult() TableRows {
	tr := TableRows{Table: t.name, KeyColumns: t.keyCols}
	deleted := 0
	for i := range t.rows {
		if t.rows[i].round >= 0 {
			deleted++
		}
	}
	var nulled, defaulted []int32
	var nulledAt, defaultedAt []int32
	for i, ch := range t.changes {
		if t.rows[i].round >= 0 {
			continue
		}
		if ch.nulled >= 0 {
			nulled, nulledAt = append(nulled, i), append(nulledAt, ch.nulled)
		}
		if ch.defaulted >= 0 {
			defaulted, defaultedAt = append(defaulted, i), append(defaultedAt, ch.defaulted)
		}
	}
	tr.Deleted = make([]Row, 0, deleted)
	keys := newKeyBuf(t, deleted)
	for i := range t.rows {
		if d := t.rows[i].round; d >= 0 {
			tr.Deleted = append(tr.Deleted, Row{Key: keys.next(int32(i)), Depth: int(d)})
		}
	}
	tr.Nulled = t.rowList(nulled, nulledAt)
	tr.Defaulted = t.rowList(defaulted, defaultedAt)
	sortRows(tr.Deleted)
	sortRows(tr.Nulled)
	sortRows(tr.Defaulted)
	return tr
}

// rowList returns rows idx of t at the given depths.
func (t *tableState) rowList(idx, depth []int32) []Row {
	out := make([]Row, len(idx))
	keys := newKeyBuf(t, len(idx))
	for j, i := range idx {
		out[j] = Row{Key: keys.next(i), Depth: int(depth[j])}
	}
	return out
}

// keyBuf hands out row keys carved from one allocation.
type keyBuf struct {
	t   *tableState
	buf []string
}

func newKeyBuf(t *tableState, rows int) *keyBuf {
	return &keyBuf{t: t, buf: make([]string, 0, rows*len(t.keyIdx))}
}

// next returns the key of row i.
func (b *keyBuf) next(i int32) []string {
	start := len(b.buf)
	r := &b.t.rows[i]
	for _, k := range b.t.keyIdx {
		b.buf = append(b.buf, r.val(k))
	}
	return b.buf[start:len(b.buf):len(b.buf)]
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

// sortRows orders rows by depth, then key. Keys that are single
// integers (the common case, and the one with millions of rows) are
// parsed once rather than compared as text per comparison.
func sortRows(rows []Row) {
	type decorated struct {
		depth int
		key   int64
		row   Row
	}
	dec := make([]decorated, len(rows))
	for i, r := range rows {
		if len(r.Key) != 1 {
			dec = nil
			break
		}
		k, err := strconv.ParseInt(r.Key[0], 10, 64)
		if err != nil {
			dec = nil
			break
		}
		dec[i] = decorated{r.Depth, k, r}
	}
	if dec == nil {
		slices.SortFunc(rows, func(a, b Row) int {
			if a.Depth != b.Depth {
				return cmp.Compare(a.Depth, b.Depth)
			}
			switch {
			case keyLess(a.Key, b.Key):
				return -1
			case keyLess(b.Key, a.Key):
				return 1
			}
			return 0
		})
		return
	}
	slices.SortFunc(dec, func(a, b decorated) int {
		if a.depth != b.depth {
			return cmp.Compare(a.depth, b.depth)
		}
		return cmp.Compare(a.key, b.key)
	})
	for i := range dec {
		rows[i] = dec[i].row
	}
}

// keyLess compares keys value by value, integers numerically, so that
// 9 sorts before 10.
func keyLess(a, b []string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] == b[i] {
			continue
		}
		if less, ok := integerLess(a[i], b[i]); ok {
			return less
		}
		return a[i] < b[i]
	}
	return len(a) < len(b)
}

// integerLess compares two integers as PostgreSQL prints them (no leading
// zeros) without parsing, so any length works; ok is false unless both
// are integers.
func integerLess(a, b string) (less, ok bool) {
	na, da := splitSign(a)
	nb, db := splitSign(b)
	if !isDigits(da) || !isDigits(db) {
		return false, false
	}
	if na != nb {
		return na, true
	}
	magLess := len(da) < len(db) || (len(da) == len(db) && da < db)
	if na {
		return !magLess && da != db, true
	}
	return magLess, true
}

// splitSign splits a leading minus sign off s.
func splitSign(s string) (negative bool, digits string) {
	if strings.HasPrefix(s, "-") {
		return true, s[1:]
	}
	return false, s
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
