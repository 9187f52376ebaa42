package explain

import (
	"strconv"
	"strings"

	"github.com/ondelete/ondelete/ident"
)

// selectList returns the table's expressions as a select list.
func (t *tableState) selectList() string {
	return strings.Join(t.exprs, ", ")
}

// lookupSQL returns the query reading the rows of t whose columns cols
// equal one of the keys passed as parallel text arrays $1..$n. The keys are
// cast to types (the referenced columns' types, as PostgreSQL's own
// trigger query types its parameters) and compared with the columns, so an
// index on them serves the lookup.
func lookupSQL(t *tableState, cols, types []string) string {
	n := len(cols)
	lhs := make([]string, n)
	casts := make([]string, n)
	params := make([]string, n)
	names := make([]string, n)
	for i, col := range cols {
		lhs[i] = "c." + ident.Quote(col)
		names[i] = "v" + strconv.Itoa(i+1)
		casts[i] = "u." + names[i] + "::" + types[i]
		params[i] = "$" + strconv.Itoa(i+1) + "::text[]"
	}
	return "SELECT " + t.selectList() + " FROM " + t.only + t.name.Quoted() + " AS c WHERE (" +
		strings.Join(lhs, ", ") + ") IN (SELECT " + strings.Join(casts, ", ") + " FROM unnest(" +
		strings.Join(params, ", ") + ") AS u(" + strings.Join(names, ", ") + "))"
}

// recursiveSQL returns the query reading, from the rows whose ctids are
// passed in $1, every row of t that the table's cascading self-references
// reach, in one statement however deep the tree. UNION (not UNION ALL)
// drops rows already found, which ends cycles.
func (t *tableState) recursiveSQL() string {
	var b strings.Builder
	cols := make([]string, len(t.exprs))
	for i := range t.exprs {
		cols[i] = "x" + strconv.Itoa(i)
	}
	from := " FROM " + t.only + t.name.Quoted() + " AS c"
	b.WriteString("WITH RECURSIVE r(" + strings.Join(cols, ", ") + ") AS (SELECT " + t.selectList() + from +
		" WHERE c.ctid = ANY($1::text[]::tid[]) UNION SELECT s.* FROM r CROSS JOIN LATERAL (")
	for i, e := range t.self {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		lhs := make([]string, len(e.fk.Columns))
		rhs := make([]string, len(e.fk.Columns))
		for j, col := range e.fk.Columns {
			lhs[j] = "c." + ident.Quote(col)
			rhs[j] = "r.x" + strconv.Itoa(e.refIdx[j]) + "::" + e.refTypes[j]
		}
		b.WriteString("SELECT " + t.selectList() + from + " WHERE (" + strings.Join(lhs, ", ") + ") = (" + strings.Join(rhs, ", ") + ")")
	}
	b.WriteString(") AS s) SELECT * FROM r")
	return b.String()
}

// rootKeySQL returns the query reading the root row by primary key, the
// values passed as text in $1..$n and cast to the key columns' types.
func (t *tableState) rootKeySQL(types []string) string {
	conds := make([]string, len(t.cat.PrimaryKey))
	for i, col := range t.cat.PrimaryKey {
		conds[i] = "c." + ident.Quote(col) + " = $" + strconv.Itoa(i+1) + "::text::" + types[i]
	}
	return "SELECT " + t.selectList() + " FROM " + t.only + t.name.Quoted() + " AS c WHERE " + strings.Join(conds, " AND ")
}

// rootWhereSQL returns the query reading at most two rows matching the
// caller's WHERE clause: enough to tell one from several.
func (t *tableState) rootWhereSQL(where string) string {
	return "SELECT " + t.selectList() + " FROM " + t.only + t.name.Quoted() + " AS c WHERE (" + where + "\n) LIMIT 2"
}
