package purge

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/ident"
)

// model is what a purge knows about the schema: the tables of the graph
// with their keys and the foreign keys that decide, per batch, which rows
// may be deleted or changed.
type model struct {
	// snap is the database's snapshot: its foreign keys are what
	// PostgreSQL enforces, so the delete guard reads them.
	snap *catalog.Snapshot
	// plan is snap with the Through constraints turned into cascades: what
	// the graph and the collection follow.
	plan   *catalog.Snapshot
	g      *graph.Graph
	tables map[catalog.TableName]*tableInfo
}

// tableInfo describes one table of the graph.
type tableInfo struct {
	name   catalog.TableName
	quoted string
	// keyCols and keyTypes are the primary key's columns and their types,
	// or ctid (of type tid) for a table without one.
	keyCols  []string
	keyTypes []string
	ctid     bool
	// children are the graph's edges into this table: the foreign keys
	// whose referencing rows a purge must delete, null or default before
	// it deletes a row of this table by hand.
	children []*childEdge
	// est learns how expensive deleting (and updating) rows of this table
	// is, to size its batches.
	est estimate
	// defaultsOnly is true when every edge that updates rows of this
	// table is SET DEFAULT: updates then count as defaulted.
	defaultsOnly bool
	// expandAll is set once a single row of this table was too big to
	// delete in one batch: its rows are then always expanded.
	expandAll bool
}

// childEdge is one foreign key of the graph, seen from the referenced
// (parent) table.
type childEdge struct {
	fk     *catalog.ForeignKey
	child  *tableInfo
	parent *tableInfo
	// action is what the purge applies: CASCADE for a through key.
	action catalog.Action
	// through is true when PostgreSQL itself would refuse (NO ACTION /
	// RESTRICT) and the policy lets purge delete the referencing rows.
	through bool
	// cols are the referencing columns a SET NULL / SET DEFAULT sets.
	cols []string
	// fkTypes are the types of the referencing columns.
	fkTypes []string
	// est sizes the UPDATE batches of a SET NULL / SET DEFAULT edge.
	est estimate
}

// newModel builds the model of root's graph in snap, with through turned
// into cascades.
func newModel(snap *catalog.Snapshot, root catalog.TableName, through []catalog.ConstraintKey) (*model, error) {
	plan, err := throughSnapshot(snap, through)
	if err != nil {
		return nil, err
	}
	g, err := graph.Build(plan, root)
	if err != nil {
		return nil, fmt.Errorf("building the deletion graph of %s: %w", root, err)
	}
	m := &model{snap: snap, plan: plan, g: g, tables: map[catalog.TableName]*tableInfo{}}
	for _, t := range g.Tables {
		if t.Outcome == graph.OutcomeBlocked {
			continue
		}
		if _, err := m.table(t.TableName); err != nil {
			return nil, err
		}
	}
	fks := map[catalog.ConstraintKey]*catalog.ForeignKey{}
	for i := range plan.ForeignKeys {
		fks[plan.ForeignKeys[i].Key()] = &plan.ForeignKeys[i]
	}
	deleted := map[catalog.TableName]bool{}
	for _, t := range g.Tables {
		deleted[t.TableName] = t.Outcome == graph.OutcomeDeleted || t.Outcome == graph.OutcomeRoot
	}
	real := map[catalog.ConstraintKey]catalog.Action{}
	for i := range snap.ForeignKeys {
		real[snap.ForeignKeys[i].Key()] = snap.ForeignKeys[i].OnDelete
	}
	for _, e := range g.Edges {
		key := catalog.ConstraintKey{Schema: e.To.Schema, Table: e.To.Name, Name: e.Name}
		fk := fks[key]
		if fk == nil {
			return nil, fmt.Errorf("graph edge %s has no foreign key in the snapshot", e.Constraint)
		}
		child, parent := m.tables[e.To], m.tables[e.From]
		if child == nil || parent == nil {
			continue // a blocking edge: the blocker check reports its rows
		}
		action, through := e.Action, e.Action == catalog.Cascade && real[key] != catalog.Cascade
		switch e.Action {
		case catalog.Cascade, catalog.SetNull, catalog.SetDefault:
		case catalog.NoAction, catalog.Restrict:
			// A conditional blocker: the referencing table is deleted
			// through another path. After a clean blocker check every
			// referencing row is deleted by the DELETE too, in the
			// same statement; purge, deleting in many, deletes those
			// rows first, as if through.
			if !deleted[e.To] {
				continue
			}
			action, through = catalog.Cascade, true
		default:
			continue
		}
		ce := &childEdge{fk: fk, child: child, parent: parent, action: action, cols: e.Columns, through: through}
		ct := snap.Table(child.name)
		for _, c := range fk.Columns {
			col := ct.Column(c)
			if col == nil {
				return nil, fmt.Errorf("column %s of %s is not in the snapshot", c, child.name)
			}
			ce.fkTypes = append(ce.fkTypes, col.Type)
		}
		parent.children = append(parent.children, ce)
	}
	for _, t := range m.tables {
		nulls, defaults := 0, 0
		for _, p := range m.tables {
			for _, e := range p.children {
				if e.child == t && e.action == catalog.SetNull {
					nulls++
				} else if e.child == t && e.action == catalog.SetDefault {
					defaults++
				}
			}
		}
		t.defaultsOnly = defaults > 0 && nulls == 0
	}
	// Cascading edges first: expanding a row deletes what goes with it
	// before it nulls or defaults what stays, so that a row both deleted
	// and nulled (reached both ways) is deleted, never nulled first.
	for _, t := range m.tables {
		slices.SortStableFunc(t.children, func(a, b *childEdge) int {
			return boolRank(a.action != catalog.Cascade) - boolRank(b.action != catalog.Cascade)
		})
	}
	return m, nil
}

// table returns (creating on first use) the description of name.
func (m *model) table(name catalog.TableName) (*tableInfo, error) {
	if t := m.tables[name]; t != nil {
		return t, nil
	}
	ct := m.snap.Table(name)
	if ct == nil {
		return nil, fmt.Errorf("table %s is not in the snapshot", name)
	}
	t := &tableInfo{name: name, quoted: name.Quoted()}
	if len(ct.PrimaryKey) == 0 {
		t.keyCols, t.keyTypes, t.ctid = []string{"ctid"}, []string{"tid"}, true
	} else {
		for _, c := range ct.PrimaryKey {
			col := ct.Column(c)
			if col == nil {
				return nil, fmt.Errorf("primary-key column %s of %s is not in the snapshot", c, name)
			}
			t.keyCols = append(t.keyCols, c)
			t.keyTypes = append(t.keyTypes, col.Type)
		}
	}
	m.tables[name] = t
	return t, nil
}

// keyText lists the key columns of alias as text, the form explain reports
// keys in.
func (t *tableInfo) keyText(alias string) string {
	parts := make([]string, len(t.keyCols))
	for i, c := range t.keyCols {
		parts[i] = t.col(alias, c) + "::text"
	}
	return strings.Join(parts, ", ")
}

// keyOrder is the ORDER BY list of the key, so that batches lock rows in
// one order and two purges do not deadlock.
func (t *tableInfo) keyOrder(alias string) string {
	parts := make([]string, len(t.keyCols))
	for i, c := range t.keyCols {
		parts[i] = t.col(alias, c)
	}
	return strings.Join(parts, ", ")
}

// col is alias.column, quoted (ctid is a system column, never quoted).
func (t *tableInfo) col(alias, c string) string {
	if t.ctid {
		return alias + ".ctid"
	}
	return alias + "." + ident.Quote(c)
}

// keyFilter is a condition selecting the rows of alias whose keys are in
// the text arrays bound to parameters $first.. (one per key column): a
// primary-key lookup.
func (t *tableInfo) keyFilter(alias string, first int) string {
	exprs := make([]string, len(t.keyCols))
	for i, c := range t.keyCols {
		exprs[i] = t.col(alias, c)
	}
	return inFilter(exprs, t.keyTypes, first)
}

// inFilter is a condition that the expressions exprs, of the given types,
// equal one of the tuples of the text arrays bound to $first.. (one array
// per expression): = ANY for one scalar, an IN over unnest for several
// columns or for array types.
func inFilter(exprs, types []string, first int) string {
	if len(exprs) == 1 && !strings.HasSuffix(types[0], "]") {
		return fmt.Sprintf("%s = ANY($%d::text[]::%s[])", exprs[0], first, types[0])
	}
	casts := make([]string, len(exprs))
	params := make([]string, len(exprs))
	names := make([]string, len(exprs))
	for i := range exprs {
		names[i] = "k" + strconv.Itoa(i+1)
		casts[i] = "k." + names[i] + "::" + types[i]
		params[i] = fmt.Sprintf("$%d::text[]", first+i)
	}
	return fmt.Sprintf("(%s) IN (SELECT %s FROM unnest(%s) AS k(%s))",
		strings.Join(exprs, ", "), strings.Join(casts, ", "), strings.Join(params, ", "), strings.Join(names, ", "))
}

// keyArgs transposes keys (one []string per row) into one text array per
// key column, the parameters keyFilter expects.
func (t *tableInfo) keyArgs(keys [][]string) []any { return columnArgs(len(t.keyCols), keys) }

// columnArgs transposes tuples of n text values into n text arrays.
func columnArgs(n int, keys [][]string) []any {
	cols := make([][]string, n)
	for i := range cols {
		cols[i] = make([]string, len(keys))
	}
	for r, k := range keys {
		for i := range cols {
			cols[i][r] = k[i]
		}
	}
	args := make([]any, len(cols))
	for i := range cols {
		args[i] = cols[i]
	}
	return args
}

// splitKey is the inverse of keyString for a key of n columns.
func splitKey(s string, n int) []string {
	if n == 1 {
		return []string{s}
	}
	out := make([]string, 0, n)
	for len(out) < n {
		i := strings.IndexByte(s, ':')
		l, _ := strconv.Atoi(s[:i])
		out = append(out, s[i+1:i+1+l])
		s = s[i+1+l:]
	}
	return out
}

// keyString turns a key into a map key; values are length-prefixed so
// that no value can run into the next.
func keyString(vals []string) string {
	if len(vals) == 1 {
		return vals[0]
	}
	var b strings.Builder
	for _, v := range vals {
		b.WriteString(strconv.Itoa(len(v)))
		b.WriteByte(':')
		b.WriteString(v)
	}
	return b.String()
}

// boolRank is 1 for true, 0 for false: a sort key.
func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
