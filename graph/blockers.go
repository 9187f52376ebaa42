package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// blockers returns every edge that can make the DELETE fail, classified,
// and marks those edges with Blocks.
func (w *walk) blockers() []Blocker {
	out := []Blocker{}
	for i := range w.edges {
		e, fk := &w.edges[i], w.b.fks[w.efk[i]]
		var notNull []string
		switch e.Action {
		case catalog.NoAction, catalog.Restrict:
		case catalog.SetNull, catalog.SetDefault:
			if notNull = w.notNullTargets(i, fk); len(notNull) == 0 {
				continue
			}
		default:
			continue
		}
		e.Blocks = true
		b := Blocker{
			Schema: e.To.Schema, Table: e.To.Name, Constraint: e.Name,
			RefSchema: e.From.Schema, RefTable: e.From.Name,
			Kind: Definite, Action: e.Action, NotNullColumns: notNull,
			Deferred: e.Action == catalog.NoAction && fk.Deferrable && fk.InitiallyDeferred,
			Path:     w.shortestPathThrough(i),
		}
		if w.deleted(w.to[i]) {
			b.Kind = Conditional
			b.Timing = w.timing(i, b.Deferred)
			b.OrderDependent = b.Timing == TimingSameRound
		}
		b.Reason = w.reason(i, &b)
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Key(), out[j].Key()
		if a.Schema != b.Schema {
			return a.Schema < b.Schema
		}
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		return a.Name < b.Name
	})
	return out
}

// notNullTargets returns the columns a SET NULL / SET DEFAULT edge would
// set to NULL although they are NOT NULL. SET DEFAULT writes NULL only when
// the column has neither a default nor an identity; a column with a default
// is fine as far as the schema tells (the default must still reference an
// existing row, which only data can show).
func (w *walk) notNullTargets(ei int, fk *catalog.ForeignKey) []string {
	e := &w.edges[ei]
	t := w.b.tables[w.to[ei]]
	if t == nil {
		if e.Action == catalog.SetNull && fk.NotNull {
			return append([]string{}, e.Columns...)
		}
		return nil
	}
	var cols []string
	for _, name := range e.Columns {
		c := t.Column(name)
		if c == nil || !c.NotNull {
			continue
		}
		if e.Action == catalog.SetDefault && (c.Default != "" || c.Identity != "") {
			continue
		}
		cols = append(cols, name)
	}
	return cols
}

// timing classifies a conditional blocker on edge ei: the check (or SET
// NULL) for a row of the referenced table deleted at depth n runs in trigger round n+1; the
// referencing rows the DELETE removes are deleted in round m, the depth of
// the referencing table. Depths are shortest cascade chains, so the timing describes rows
// reached along those chains.
func (w *walk) timing(ei int, deferred bool) Timing {
	if deferred {
		return TimingAtCommit
	}
	n, m := w.depth[w.from[ei]], w.depth[w.to[ei]]
	switch {
	case m <= n:
		return TimingAfterCascades
	case m == n+1:
		return TimingSameRound
	default:
		return TimingBeforeCascades
	}
}

// reason explains the blocker in one sentence.
func (w *walk) reason(ei int, b *Blocker) string {
	e := &w.edges[ei]
	child, parent := e.To.String(), e.From.String()
	what := "a row of " + child + " referencing a deleted row of " + parent
	var fails string
	switch {
	case len(b.NotNullColumns) > 0:
		fails = fmt.Sprintf("%s would write NULL into NOT NULL %s of %s",
			e.Action.SQL(), plural("column", b.NotNullColumns), child)
	case b.Deferred:
		fails = e.Action.SQL() + " (DEFERRABLE INITIALLY DEFERRED) fails at COMMIT"
	default:
		fails = e.Action.SQL() + " fails"
	}
	if b.Kind == Definite {
		return fmt.Sprintf("%s while %s exists; %s is not deleted by this DELETE, so every such row blocks", fails, what, child)
	}
	n, m := w.depth[w.from[ei]], w.depth[w.to[ei]]
	switch b.Timing {
	case TimingAtCommit:
		return fmt.Sprintf("%s while %s still exists; cascades are done by then, so only rows this DELETE does not remove block", fails, what)
	case TimingAfterCascades:
		return fmt.Sprintf("%s while %s exists when checked in trigger round %d; %s rows are deleted in round %d, so only rows this DELETE does not remove block",
			fails, what, n+1, child, m)
	case TimingSameRound:
		return fmt.Sprintf("%s while %s exists when checked in trigger round %d; %s rows are deleted in that same round, so rows this DELETE would remove block or not depending on trigger order (constraint creation order), and rows it does not remove always block",
			fails, what, n+1, child)
	default:
		return fmt.Sprintf("%s while %s exists when checked in trigger round %d; %s rows are deleted only in round %d, so every referencing row blocks, even one this DELETE would remove",
			fails, what, n+1, child, m)
	}
}

// plural spells "column a" or "columns a, b" with names in display form.
func plural(noun string, names []string) string {
	d := make([]string, len(names))
	for i, n := range names {
		d[i] = ident.Display(n)
	}
	if len(d) == 1 {
		return noun + " " + d[0]
	}
	return noun + "s " + strings.Join(d, ", ")
}
