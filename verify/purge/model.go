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
	// refs are every foreign key PostgreSQL enforces into this table: a
	// row is deleted only when none of them finds a referencing row.
	refs []*catalog.ForeignKey
	// referencing lists the other tables of refs, quoted: where an
	// optimistic delete looks for changes it did not expect.
	referencing []string
	// ownRels and otherRels are the relation OIDs of the table and of the
	// referencing tables, partitions included, resolved on first use.
	ownRels, otherRels []uint32
	// cascadeIn are the graph's cascading edges out of this table into
	// deleted tables: a row is still in the graph while one of them
	// points at a collected row. setIn are its SET NULL / SET DEFAULT
	// edges.
	cascadeIn []edgeRef
	setIn     []edgeRef
}

// edgeRef is one foreign key of a table into a deleted table.
type edgeRef struct {
	fk     *catalog.ForeignKey
	parent *tableInfo
	action catalog.Action
	// cols are the referencing columns the action sets (SET NULL /
	// SET DEFAULT); all referencing columns for a cascade.
	cols []string
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
	for _, e := range g.Edges {
		fk := fks[catalog.ConstraintKey{Schema: e.To.Schema, Table: e.To.Name, Name: e.Name}]
		if fk == nil {
			return nil, fmt.Errorf("graph edge %s has no foreign key in the snapshot", e.Constraint)
		}
		child, parent := m.tables[e.To], m.tables[e.From]
		if child == nil {
			continue // a blocking edge: explain reports its rows
		}
		ref := edgeRef{fk: fk, parent: parent, action: e.Action, cols: e.Columns}
		switch e.Action {
		case catalog.Cascade:
			child.cascadeIn = append(child.cascadeIn, ref)
		case catalog.SetNull, catalog.SetDefault:
			child.setIn = append(child.setIn, ref)
		}
	}
	for i := range snap.ForeignKeys {
		fk := &snap.ForeignKeys[i]
		if t := m.tables[fk.RefTableName()]; t != nil {
			t.refs = append(t.refs, fk)
			if c := fk.TableName(); c != t.name && !slices.Contains(t.referencing, c.Quoted()) {
				t.referencing = append(t.referencing, c.Quoted())
			}
		}
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
// primary-key lookup, = ANY for one scalar column, an IN over unnest for
// composite or array keys.
func (t *tableInfo) keyFilter(alias string, first int) string {
	if len(t.keyCols) == 1 && !strings.HasSuffix(t.keyTypes[0], "]") {
		return fmt.Sprintf("%s = ANY($%d::text[]::%s[])", t.col(alias, t.keyCols[0]), first, t.keyTypes[0])
	}
	cols := make([]string, len(t.keyCols))
	casts := make([]string, len(t.keyCols))
	params := make([]string, len(t.keyCols))
	names := make([]string, len(t.keyCols))
	for i, c := range t.keyCols {
		cols[i] = t.col(alias, c)
		names[i] = "k" + strconv.Itoa(i+1)
		casts[i] = "k." + names[i] + "::" + t.keyTypes[i]
		params[i] = fmt.Sprintf("$%d::text[]", first+i)
	}
	return fmt.Sprintf("(%s) IN (SELECT %s FROM unnest(%s) AS k(%s))",
		strings.Join(cols, ", "), strings.Join(casts, ", "), strings.Join(params, ", "), strings.Join(names, ", "))
}

// keyArgs transposes keys (one []string per row) into one text array per
// key column, the parameters keyFilter expects.
func (t *tableInfo) keyArgs(keys [][]string) []any {
	cols := make([][]string, len(t.keyCols))
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

// joinParent is a LEFT JOIN of e's parent table as alias pa onto the
// child alias ca through e's foreign key.
func joinParent(e edgeRef, ca, pa string) string {
	conds := make([]string, len(e.fk.Columns))
	for i := range e.fk.Columns {
		conds[i] = pa + "." + ident.Quote(e.fk.RefColumns[i]) + " = " + ca + "." + ident.Quote(e.fk.Columns[i])
	}
	return fmt.Sprintf(" LEFT JOIN %s AS %s ON %s", e.parent.quoted, pa, strings.Join(conds, " AND "))
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
