package explain

import (
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

// pendingCheck is a queued check of foreign key e for row k of e.to,
// which must still reference row p of e.from (-1: a key no row holds).
type pendingCheck struct {
	e    *edgeState
	k, p int32
	// viaDefault is true for the check of a key SET DEFAULT wrote.
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
// PostgreSQL's order. Deferred checks run at the end, as at COMMIT.
func (c *collector) simulate(root *tableState, r int32) {
	c.queue = append(c.queue[:0], event{table: root.idx, row: r, check: -1})
	for head := 0; head < len(c.queue); head++ {
		ev := c.queue[head]
		if ev.check >= 0 {
			c.check(c.checks[ev.check])
			continue
		}
		for _, e := range c.tables[ev.table].out {
			c.fire(e, ev.row)
		}
	}
	for _, d := range c.deferred {
		c.eachReferencing(d.e, d.p, func(k int32) {
			c.block(blockReferences, d.e, k, d.p, -1)
		})
	}
	for _, pc := range c.atCommit {
		c.check(pc)
	}
	c.queue, c.checks, c.atCommit = nil, nil, nil
}

// fire runs the trigger of foreign key e for deleted row p of e.from.
func (c *collector) fire(e *edgeState, p int32) {
	c.lookups++
	e.fired = true
	if e.from.rows[p].hasNull(e.refIdx) {
		return // PostgreSQL skips the trigger for a key with a NULL
	}
	round := e.from.rows[p].round + 1
	switch e.g.Action {
	case catalog.Cascade:
		c.eachReferencing(e, p, func(k int32) {
			e.to.rows[k].round = round
			c.queue = append(c.queue, event{table: e.to.idx, row: k, check: -1})
		})
	case catalog.SetNull, catalog.SetDefault:
		c.eachReferencing(e, p, func(k int32) { c.set(e, p, k, round) })
	default:
		if e.deferred {
			c.deferred = append(c.deferred, deferredCheck{e: e, p: p})
			return
		}
		c.eachReferencing(e, p, func(k int32) { c.block(blockReferences, e, k, p, round) })
	}
}

// eachReferencing calls fn, in PostgreSQL's order, for each row of e.to
// that is not deleted and references row p of e.from now.
func (c *collector) eachReferencing(e *edgeState, p int32, fn func(k int32)) {
	for _, k := range e.children(p) {
		if e.to.rows[k].round >= 0 {
			continue
		}
		if cur, changed := e.current(k); !changed || cur == p {
			fn(k)
		}
	}
	for _, k := range e.dyn[p] {
		if e.to.rows[k].round >= 0 {
			continue
		}
		if cur, changed := e.current(k); changed && cur == p {
			fn(k)
		}
	}
}

// current tells what row k of e.to references through e after the SET
// NULL / SET DEFAULT updates so far: changed is false when none touched
// e's columns (the row references what it did when read); otherwise p is
// the referenced row, -1 for none (a NULL, a key no row holds, or columns
// another foreign key's SET DEFAULT wrote, which are not followed).
func (e *edgeState) current(k int32) (p int32, changed bool) {
	ch := e.to.changes[k]
	if ch == nil {
		return -1, false
	}
	touched, own := false, false
	for _, col := range e.fk.Columns {
		cc, ok := ch.cols[col]
		if !ok {
			continue
		}
		touched = true
		if cc.null || cc.by != e {
			return -1, true
		}
		own = true
	}
	if !touched {
		return -1, false
	}
	if p, ok := e.defParent[k]; own && ok {
		return p, true
	}
	return -1, true
}

// set applies SET NULL / SET DEFAULT of e to row k of e.to, which
// references deleted row p, in the given round.
//
// The UPDATE queues the check of every foreign key whose columns it
// changed to a non-NULL key (SET DEFAULT's), and, when this DELETE
// already updated the row once (or the transaction wrote it before), of
// every foreign key of the row: its current version was then written by
// this transaction, and PostgreSQL checks such a row whatever changed
// (RI_FKey_fk_upd_check_required). A check finding its referenced row
// already deleted fails the DELETE.
func (c *collector) set(e *edgeState, p, k int32, round int32) {
	t := e.to
	ch := t.changes[k]
	again := ch != nil || t.own(k)
	if ch == nil {
		ch = &rowChange{cols: map[string]colChange{}, nulled: -1, defaulted: -1}
		t.changes[k] = ch
	}
	if len(e.notNull) > 0 {
		c.block(blockNotNull, e, k, p, round)
	}
	if e.g.Action == catalog.SetNull {
		for _, i := range e.setPos {
			ch.cols[e.fk.Columns[i]] = colChange{null: true}
		}
		if ch.nulled < 0 {
			ch.nulled = round
		}
	} else {
		for j, i := range e.setPos {
			ch.cols[e.fk.Columns[i]] = colChange{null: e.defaults[j] == nullText, by: e}
		}
		if ch.defaulted < 0 {
			ch.defaulted = round
		}
		d, ok := e.defParent[k]
		switch {
		case !ok:
			// A NULL in the key: it references nothing, nothing to check.
		case d == p:
			// The default is the deleted key itself: PostgreSQL re-runs
			// the NO ACTION check right after the update, which finds
			// this row.
			c.block(blockDefaultDeleted, e, k, p, round)
		default:
			if d >= 0 {
				// The row now references d, should it be deleted too.
				if e.dyn == nil {
					e.dyn = map[int32][]int32{}
				}
				e.dyn[d] = append(e.dyn[d], k)
			}
			c.queueCheck(pendingCheck{e: e, k: k, p: d, viaDefault: true})
		}
	}
	if !again {
		return
	}
	for _, o := range t.in {
		if o == e && o.g.Action == catalog.SetDefault {
			continue // queued above
		}
		cur, changed := o.current(k)
		if !changed {
			var ok bool
			if cur, ok = o.parentOf(k); !ok {
				continue // references no deletable row: the check passes
			}
		}
		if cur >= 0 {
			c.queueCheck(pendingCheck{e: o, k: k, p: cur})
		}
	}
}

// queueCheck queues a check of an updated row: in the trigger queue, or
// for COMMIT when the foreign key is INITIALLY DEFERRED.
func (c *collector) queueCheck(pc pendingCheck) {
	if pc.e.checkDeferred {
		c.atCommit = append(c.atCommit, pc)
		return
	}
	c.checks = append(c.checks, pc)
	c.queue = append(c.queue, event{table: pc.e.to.idx, row: pc.k, check: int32(len(c.checks) - 1)})
}

// check runs a foreign-key check PostgreSQL queued for an updated row:
// the referenced row must exist and not be deleted by now. A row deleted
// or updated to another key since is skipped, as PostgreSQL does.
func (c *collector) check(pc pendingCheck) {
	e, k := pc.e, pc.k
	if e.to.rows[k].round >= 0 {
		return
	}
	cur, changed := e.current(k)
	if !changed {
		if pc.viaDefault {
			return
		}
		cur, _ = e.parentOf(k)
	}
	if cur != pc.p {
		return
	}
	switch {
	case pc.p < 0 && pc.viaDefault:
		c.block(blockDefaultMissing, e, k, -1, -1)
	case pc.p < 0:
	case e.from.rows[pc.p].round >= 0 && pc.viaDefault:
		c.block(blockDefaultDeleted, e, k, pc.p, -1)
	case e.from.rows[pc.p].round >= 0:
		c.block(blockRecheck, e, k, pc.p, -1)
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
