package explain

import (
	"strings"

	"github.com/ondelete/ondelete/catalog"
)

// event is one entry of the simulated trigger queue: a deleted row of
// c.tables[table], whose ON DELETE triggers fire together in trigger-name
// order, or (check >= 0) the foreign-key check c.checks[check] PostgreSQL
// queued for a row SET NULL / SET DEFAULT updated. It is kept small: a
// million-row DELETE queues a million events.
type event struct {
	table, row, check int32
}

// pendingCheck is a queued check of foreign key e for a row of e.to,
// which must still reference key.
type pendingCheck struct {
	e   *edgeState
	key string
	// viaDefault is true for the check of a key SET DEFAULT wrote, whose
	// referenced row may never have existed.
	viaDefault bool
}

// deferredCheck is a DEFERRABLE INITIALLY DEFERRED NO ACTION check left
// for COMMIT: deleted row p of e.from.
type deferredCheck struct {
	e *edgeState
	p int32
}

// blockKey identifies a blocker: one row through one foreign key.
type blockKey struct {
	e   *edgeState
	row int32
}

// blockKind says why a row blocks.
type blockKind int

const (
	blockReferences     blockKind = iota // NO ACTION / RESTRICT check finds it
	blockNotNull                         // SET NULL / SET DEFAULT writes NULL into NOT NULL
	blockDefaultMissing                  // SET DEFAULT references a missing row
	blockDefaultDeleted                  // SET DEFAULT references a deleted row
	blockRecheck                         // re-check after a second update finds the row gone
)

// rawBlocker is a blocker as the simulation finds it; reasons are written
// once the simulation knows the row's fate.
type rawBlocker struct {
	kind  blockKind
	e     *edgeState
	row   int32 // in e.to
	p     int32 // the deleted row of e.from it references (-1: unknown)
	round int32 // trigger round of the failing check
}

// simulate replays what PostgreSQL does after the root row is deleted.
// PostgreSQL queues one AFTER ROW trigger event per deleted row and
// foreign key into its table, in row order then trigger-name order, and
// fires the queue in rounds: the cascades, SET NULLs and checks a round
// runs queue the next round's events at the end. That makes the queue
// first-in first-out overall, which is what this replays, row by row, so
// a check and a cascade that meet in the same round see each other in
// PostgreSQL's order.
func (c *collector) simulate(root *tableState, r int32) {
	c.queue = append(c.queue[:0], event{table: root.idx, row: r, check: -1})
	for head := 0; head < len(c.queue); head++ {
		ev := c.queue[head]
		if ev.check >= 0 {
			c.check(c.checks[ev.check], ev.row)
			continue
		}
		for _, e := range c.tables[ev.table].out {
			c.fire(e, ev.row)
		}
	}
	c.queue, c.checks = nil, nil
	for _, d := range c.deferred {
		key, ok := joinKey(&d.e.from.rows[d.p], d.e.refIdx)
		if !ok {
			continue
		}
		c.eachReferencing(d.e, d.p, key, func(k int32) {
			c.block(blockReferences, d.e, k, d.p, -1)
		})
	}
}

// fire runs the trigger of foreign key e for deleted row p of e.from.
func (c *collector) fire(e *edgeState, p int32) {
	c.lookups++
	e.fired = true
	key, ok := joinKey(&e.from.rows[p], e.refIdx)
	if !ok {
		return // PostgreSQL skips the trigger for a key with a NULL
	}
	round := e.from.rows[p].round + 1
	switch e.g.Action {
	case catalog.Cascade:
		c.eachReferencing(e, p, key, func(k int32) {
			e.to.rows[k].round = round
			c.queue = append(c.queue, event{table: e.to.idx, row: k, check: -1})
		})
	case catalog.SetNull, catalog.SetDefault:
		c.eachReferencing(e, p, key, func(k int32) { c.set(e, p, k, key, round) })
	default:
		if e.deferred {
			c.deferred = append(c.deferred, deferredCheck{e: e, p: p})
			return
		}
		c.eachReferencing(e, p, key, func(k int32) { c.block(blockReferences, e, k, p, round) })
	}
}

// eachReferencing calls fn, in PostgreSQL's order, for each row of e.to
// that is not deleted and references key (the key of row p of e.from)
// now.
func (c *collector) eachReferencing(e *edgeState, p int32, key string, fn func(k int32)) {
	visit := func(k int32) {
		if e.to.rows[k].round < 0 && e.currentKey(k) == key {
			fn(k)
		}
	}
	for _, k := range e.children(p) {
		visit(k)
	}
	for _, k := range e.dyn[key] {
		visit(k)
	}
}

// currentKey returns the key row k of e.to references through e now
// (after any SET NULL / SET DEFAULT), "" when it has a NULL.
func (e *edgeState) currentKey(k int32) string {
	ch := e.to.changes[k]
	if ch == nil {
		key, _ := joinKey(&e.to.rows[k], e.fkIdx)
		return key
	}
	parts := make([]string, len(e.fkIdx))
	for i, x := range e.fkIdx {
		v, ok := ch.cols[e.fk.Columns[i]]
		if !ok {
			v = e.to.rows[k].val(x)
		}
		if v == nullText {
			return ""
		}
		parts[i] = v
	}
	return strings.Join(parts, keySep)
}

// set applies SET NULL / SET DEFAULT of e to row k of e.to, which
// references deleted row p (key key), in the given round.
//
// The UPDATE queues the check of every foreign key whose columns it
// changed to a non-NULL key (SET DEFAULT's), and, when this DELETE
// already updated the row once (or the transaction wrote it before), of
// every foreign key of the row: its current version was then written by
// this transaction, and PostgreSQL checks such a row whatever changed
// (RI_FKey_fk_upd_check_required). A check finding its referenced row
// already deleted fails the DELETE.
func (c *collector) set(e *edgeState, p, k int32, key string, round int32) {
	t := e.to
	ch := t.changes[k]
	again := ch != nil || t.own(k)
	if ch == nil {
		ch = &rowChange{cols: map[string]string{}, nulled: -1, defaulted: -1}
		t.changes[k] = ch
	}
	if len(e.notNull) > 0 {
		c.block(blockNotNull, e, k, p, round)
	}
	if e.g.Action == catalog.SetNull {
		for _, i := range e.setPos {
			ch.cols[e.fk.Columns[i]] = nullText
		}
		if ch.nulled < 0 {
			ch.nulled = round
		}
	} else {
		for j, i := range e.setPos {
			ch.cols[e.fk.Columns[i]] = e.defaults[j]
		}
		if ch.defaulted < 0 {
			ch.defaulted = round
		}
		switch nk := e.currentKey(k); {
		case nk == "":
			// A NULL in the key: it references nothing, nothing to check.
		case nk == key:
			// The default is the deleted key itself: PostgreSQL re-runs
			// the NO ACTION check right after the update, which finds
			// this row.
			c.block(blockDefaultDeleted, e, k, p, round)
		default:
			// The row now references that key, should its row be
			// deleted too.
			if e.dyn == nil {
				e.dyn = map[string][]int32{}
			}
			e.dyn[nk] = append(e.dyn[nk], k)
			c.queueCheck(e, k, nk, true)
		}
	}
	if !again {
		return
	}
	for _, o := range t.in {
		if o == e && o.g.Action == catalog.SetDefault {
			continue // queued above
		}
		if ok := o.currentKey(k); ok != "" {
			c.queueCheck(o, k, ok, false)
		}
	}
}

// queueCheck queues the check of foreign key e for row k of e.to.
func (c *collector) queueCheck(e *edgeState, k int32, key string, viaDefault bool) {
	c.checks = append(c.checks, pendingCheck{e: e, key: key, viaDefault: viaDefault})
	c.queue = append(c.queue, event{table: e.to.idx, row: k, check: int32(len(c.checks) - 1)})
}

// check runs a foreign-key check PostgreSQL queued for an updated row:
// the referenced row must exist and not be deleted by now. A row deleted
// or given another key since is skipped, as PostgreSQL does. A key that
// no deletable row holds exists unless SET DEFAULT wrote it (the data is
// consistent otherwise).
func (c *collector) check(pc pendingCheck, k int32) {
	e := pc.e
	if e.to.rows[k].round >= 0 || e.currentKey(k) != pc.key {
		return
	}
	kind := blockRecheck
	p, ok := e.parentOf(pc.key)
	if pc.viaDefault {
		kind = blockDefaultDeleted
		if p, ok = e.defParent[pc.key]; !ok {
			c.block(blockDefaultMissing, e, k, -1, -1)
			return
		}
	}
	if ok && e.from.rows[p].round >= 0 {
		c.block(kind, e, k, p, -1)
	}
}

// block records a blocker, once per row and foreign key.
func (c *collector) block(kind blockKind, e *edgeState, k, p, round int32) {
	bk := blockKey{e: e, row: k}
	if c.blocked[bk] {
		return
	}
	c.blocked[bk] = true
	c.blockers = append(c.blockers, &rawBlocker{kind: kind, e: e, row: k, p: p, round: round})
}
