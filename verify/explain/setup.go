package explain

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/ident"
)

// queryer is what the collector reads through; pgx.Tx satisfies it.
type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// newCollector indexes the graph's tables and edges against the snapshot.
// It reads nothing yet; see readCatalog.
func newCollector(q queryer, snap *catalog.Snapshot, g *graph.Graph, opts Options) (*collector, error) {
	c := &collector{q: q, opts: opts, byName: map[catalog.TableName]*tableState{}, blocked: map[blockKey]bool{}}
	fks := make(map[catalog.ConstraintKey]*catalog.ForeignKey, len(snap.ForeignKeys))
	for i := range snap.ForeignKeys {
		fks[snap.ForeignKeys[i].Key()] = &snap.ForeignKeys[i]
	}
	table := func(name catalog.TableName) (*tableState, error) {
		if t := c.byName[name]; t != nil {
			return t, nil
		}
		ct := snap.Table(name)
		if ct == nil {
			return nil, fmt.Errorf("table %s of the graph is not in the snapshot", name)
		}
		t := newTableState(ct)
		c.byName[name] = t
		c.tables = append(c.tables, t)
		return t, nil
	}
	if _, err := table(g.Root); err != nil {
		return nil, err
	}
	for i := range g.Edges {
		e := &g.Edges[i]
		fk := fks[catalog.ConstraintKey{Schema: e.To.Schema, Table: e.To.Name, Name: e.Name}]
		if fk == nil {
			return nil, fmt.Errorf("foreign key %s of the graph is not in the snapshot", e.Constraint)
		}
		from, err := table(e.From)
		if err != nil {
			return nil, err
		}
		to, err := table(e.To)
		if err != nil {
			return nil, err
		}
		es := &edgeState{g: e, fk: fk, from: from, to: to,
			deferred:      fk.OnDelete == catalog.NoAction && fk.Deferrable && fk.InitiallyDeferred,
			checkDeferred: fk.Deferrable && fk.InitiallyDeferred}
		for _, col := range fk.RefColumns {
			es.refIdx = append(es.refIdx, from.expr(col))
		}
		for i, col := range fk.Columns {
			if containsString(e.Columns, col) {
				es.setPos = append(es.setPos, i)
			}
		}
		es.recursive = e.Action == catalog.Cascade && from == to && from.cat.PartitionOf == nil && !from.cat.Partitioned
		c.edges = append(c.edges, es)
		from.out = append(from.out, es)
		to.in = append(to.in, es)
		if es.recursive {
			from.self = append(from.self, es)
		}
	}
	sort.Slice(c.tables, func(i, j int) bool { return c.tables[i].name.Less(c.tables[j].name) })
	for i, t := range c.tables {
		t.idx = int32(i)
	}
	return c, nil
}

// newTableState prepares a table's identity expressions.
func newTableState(ct *catalog.Table) *tableState {
	t := &tableState{name: ct.TableName(), cat: ct, only: "ONLY ", exprOf: map[string]int{},
		byKey: map[string]int32{}, changes: map[int32]*rowChange{}}
	if ct.Partitioned {
		t.only = ""
	}
	t.exprs = append(t.exprs, "c.ctid::text")
	t.exprOf[t.exprs[0]] = 0
	switch {
	case len(ct.PrimaryKey) > 0:
		t.keyCols = append(t.keyCols, ct.PrimaryKey...)
		for _, col := range ct.PrimaryKey {
			t.keyIdx = append(t.keyIdx, t.expr(col))
		}
	case ct.Partitioned:
		t.keyCols = []string{"tableoid", "ctid"}
		t.keyIdx = []int{t.addExpr("c.tableoid::text"), 0}
	default:
		t.keyCols = []string{"ctid"}
		t.keyIdx = []int{0}
	}
	return t
}

// expr registers column col as read per row (as text) and returns its
// index.
func (t *tableState) expr(col string) int {
	return t.addExpr("c." + ident.Quote(col) + "::text")
}

// addExpr registers one expression and returns its index.
func (t *tableState) addExpr(e string) int {
	if i, ok := t.exprOf[e]; ok {
		return i
	}
	t.exprs = append(t.exprs, e)
	t.exprOf[e] = len(t.exprs) - 1
	return len(t.exprs) - 1
}

// catalogQuery returns, for each foreign key named by the three arrays
// (table schema, table, constraint), its position in them, the name of
// its ON DELETE trigger on the referenced table, and the referenced
// columns' types without modifiers (casts with a modifier would truncate).
const catalogQuery = `
SELECT k.i, COALESCE(tg.tgname, ''),
       ARRAY(SELECT format_type(a.atttypid, NULL)
             FROM unnest(con.confkey) WITH ORDINALITY AS x(att, o)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = x.att
             ORDER BY x.o)
FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS k(s, t, n, i)
JOIN pg_namespace ns ON ns.nspname = k.s
JOIN pg_class cl ON cl.relnamespace = ns.oid AND cl.relname = k.t
JOIN pg_constraint con ON con.conrelid = cl.oid AND con.conname = k.n AND con.contype = 'f'
LEFT JOIN LATERAL (
  SELECT t.tgname FROM pg_trigger t
  WHERE t.tgconstraint = con.oid AND t.tgrelid = con.confrelid AND (t.tgtype & 8) <> 0
  ORDER BY t.tgname LIMIT 1) tg ON true`

// columnTypesQuery returns a table's columns with their types without
// modifiers.
const columnTypesQuery = `
SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a
WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`

// ownXactQuery returns the transaction's id if it has one, that is, if
// it has written. Rows written in a subtransaction (after a SAVEPOINT)
// carry another id and are not recognised.
const ownXactQuery = `SELECT xid(pg_current_xact_id_if_assigned())::text`

// readCatalog reads what the snapshot does not hold: trigger names (the
// firing order), referenced column types, the root table's column types
// and whether the transaction has written. It then registers the
// expressions read per row and orders every table's edges by trigger
// name. It returns the root's column types.
func (c *collector) readCatalog(ctx context.Context, root catalog.TableName) (map[string]string, error) {
	var ss, ts, ns []string
	for _, e := range c.edges {
		ss, ts, ns = append(ss, e.fk.Schema), append(ts, e.fk.Table), append(ns, e.fk.Name)
	}
	b := &pgx.Batch{}
	b.Queue(catalogQuery, ss, ts, ns)
	b.Queue(columnTypesQuery, root.Quoted())
	b.Queue(ownXactQuery)
	c.queries += 3
	res := c.q.SendBatch(ctx, b)
	defer res.Close()
	rows, err := res.Query()
	if err != nil {
		return nil, fmt.Errorf("reading foreign-key triggers: %w", err)
	}
	for rows.Next() {
		var i int
		var tg string
		var types []string
		if err := rows.Scan(&i, &tg, &types); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading foreign-key triggers: %w", err)
		}
		e := c.edges[i-1]
		e.trigger, e.refTypes = tg, types
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading foreign-key triggers: %w", err)
	}
	rootTypes := map[string]string{}
	rows, err = res.Query()
	if err != nil {
		return nil, fmt.Errorf("reading column types of %s: %w", root, err)
	}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading column types of %s: %w", root, err)
		}
		rootTypes[name] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading column types of %s: %w", root, err)
	}
	var xid *string
	if err := res.QueryRow().Scan(&xid); err != nil {
		return nil, fmt.Errorf("reading the transaction id: %w", err)
	}
	if xid != nil {
		// The transaction has written: rows it wrote behave differently
		// when SET NULL / SET DEFAULT updates them (see set), so read
		// whether each row's version is its own.
		for _, t := range c.tables {
			t.ownIdx = t.addExpr("(c.xmin = " + ident.Literal(*xid) + "::xid)::text")
		}
	}
	for _, e := range c.edges {
		if len(e.refTypes) != len(e.fk.Columns) {
			return nil, fmt.Errorf("foreign key %s is not in the database", e.g.Constraint)
		}
		if e.g.Action == catalog.SetDefault {
			for _, col := range e.fk.Columns {
				e.fkIdx = append(e.fkIdx, e.to.expr(col))
			}
		}
		if e.g.Action == catalog.SetNull {
			for _, p := range e.setPos {
				if col := e.to.cat.Column(e.fk.Columns[p]); col != nil && col.NotNull {
					e.notNull = append(e.notNull, col.Name)
				}
			}
		}
	}
	for _, t := range c.tables {
		// PostgreSQL fires a row's triggers in name order; a trigger we
		// could not find (a partition's clone) sorts by constraint name
		// after the others.
		sort.SliceStable(t.out, func(i, j int) bool {
			a, b := t.out[i], t.out[j]
			if (a.trigger == "") != (b.trigger == "") {
				return a.trigger != ""
			}
			if a.trigger != b.trigger {
				return a.trigger < b.trigger
			}
			return a.g.Constraint < b.g.Constraint
		})
	}
	return rootTypes, nil
}

// containsString reports whether list holds s.
func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
