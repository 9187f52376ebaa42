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
// equal one of the keys passed as parallel text arrays $1..$n, each row
// with the entry of the int4 array $n+1 at its key's position (the index
// of the row the key came from). The keys are cast to types (the
// referenced columns' types, as PostgreSQL's own trigger query types its
// parameters) and compared with the columns by PostgreSQL's equality, so
// an index on them serves the lookup.
func lookupSQL(t *tableState, cols, types []string) string {
	n := len(cols)
	lhs := make([]string, n)
	rhs := make([]string, n)
	params := make([]string, n+1)
	names := make([]string, n+1)
	for i, col := range cols {
		lhs[i] = "c." + ident.Quote(col)
		names[i] = "v" + strconv.Itoa(i+1)
		rhs[i] = "u." + names[i] + "::" + types[i]
		params[i] = "$" + strconv.Itoa(i+1) + "::text[]"
	}
	names[n] = "i"
	params[n] = "$" + strconv.Itoa(n+1) + "::int4[]"
	return "SELECT " + t.selectList() + ", u.i::text FROM unnest(" + strings.Join(params, ", ") + ") AS u(" +
		strings.Join(names, ", ") + ") JOIN " + t.only + t.name.Quoted() + " AS c ON (" +
		strings.Join(lhs, ", ") + ") = (" + strings.Join(rhs, ", ") + ")"
}

// recursiveSQL returns the query reading, from the rows whose ctids are
// passed in $1, every row of t that the table's cascading self-references
// reach, in one statement however deep the tree. Each row comes with the
// identity of the row it references and the position in t.self of the
// foreign key it does so through (NULL for the starting rows), once per
// such pair. UNION (not UNION ALL) drops pairs already found, which ends
// cycles.
func (t *tableState) recursiveSQL() string {
	var cols, nulls, parent []string
	for i := range t.exprs {
		cols = append(cols, "x"+strconv.Itoa(i))
	}
	for i, k := range t.keyIdx {
		cols = append(cols, "p"+strconv.Itoa(i))
		nulls = append(nulls, "NULL::text")
		parent = append(parent, "r.x"+strconv.Itoa(k))
	}
	cols = append(cols, "en")
	nulls = append(nulls, "NULL::text")
	from := " FROM " + t.only + t.name.Quoted() + " AS c"
	var b strings.Builder
	b.WriteString("WITH RECURSIVE r(" + strings.Join(cols, ", ") + ") AS (SELECT " + t.selectList() + ", " +
		strings.Join(nulls, ", ") + from + " WHERE c.ctid = ANY($1::text[]::tid[]) UNION SELECT s.* FROM r CROSS JOIN LATERAL (")
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
		b.WriteString("SELECT " + t.selectList() + ", " + strings.Join(parent, ", ") + ", '" + strconv.Itoa(i) + "'" +
			from + " WHERE (" + strings.Join(lhs, ", ") + ") = (" + strings.Join(rhs, ", ") + ")")
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
