package rowgen

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// Row is an inserted row: every column's value as text (nil for NULL), and
// the row's ctid at insertion.
type Row struct {
	Table  catalog.TableName
	Values map[string]*string
}

// Gen inserts rows within one transaction.
type Gen struct {
	tx      pgx.Tx
	snap    *catalog.Snapshot
	replica bool
	counter int64
	types   map[string]typeInfo
	checks  map[catalog.TableName][]checkDef
}

// Options tune a generator.
type Options struct {
	// Replica makes every Insert switch the transaction to
	// session_replication_role = replica first (superuser only), so
	// foreign keys need no parent rows and user triggers stay quiet. When
	// false, rows are inserted in whatever mode the caller set.
	Replica bool
	// Counter is where the counter that makes synthetic values unique
	// starts (default 1000). Callers that may run concurrently on one
	// database start it at different places, so their rows do not wait
	// on each other's uncommitted unique keys.
	Counter int64
}

// typeInfo is what rowgen needs about a column type to invent a value.
type typeInfo struct {
	category string // pg_type.typcategory of the base type
	enum     []string
	base     string // base type name for domains, else the type itself
	// domainChecks are the CHECK constraints of a domain and of the
	// domains it is based on (written on VALUE).
	domainChecks []checkDef
}

// New returns a generator working in tx.
func New(tx pgx.Tx, snap *catalog.Snapshot, opts Options) *Gen {
	if opts.Counter == 0 {
		opts.Counter = 1000
	}
	return &Gen{tx: tx, snap: snap, replica: opts.Replica, counter: opts.Counter,
		types: map[string]typeInfo{}, checks: map[catalog.TableName][]checkDef{}}
}

// maxAttempts bounds the retries with other candidate values.
const maxAttempts = 12

// Insert adds one row to table. pinned maps column names to text values
// (nil for NULL) that must be used as given; other NOT NULL columns without
// a default get synthetic values; nullable columns stay NULL unless pinned.
// Columns filled by a sequence (identity, or a nextval default) always get
// an explicit value instead, because nextval is not rolled back with the
// transaction: a synthetic row must leave no trace. When a constraint
// rejects a row, the columns it mentions move on to their next candidate;
// when every attempt fails, the error is an *UnsatisfiableError.
func (g *Gen) Insert(ctx context.Context, table catalog.TableName, pinned map[string]*string) (*Row, error) {
	t := g.snap.Table(table)
	if t == nil {
		return nil, fmt.Errorf("table %s is not in the snapshot", table)
	}
	for _, c := range t.Columns {
		if _, ok := pinned[c.Name]; ok && c.Generated {
			return nil, &GeneratedColumnError{Table: table, Column: c.Name}
		}
	}
	if g.replica {
		if _, err := g.tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
			return nil, fmt.Errorf("entering replica mode: %w", err)
		}
	}
	turn := map[string]int{} // per column: which candidate to use
	var lastErr *pgconn.PgError
	for attempt := 0; attempt < maxAttempts; attempt++ {
		var cols, exprs []string
		var args []any
		overriding := false
		for _, c := range t.Columns {
			if v, ok := pinned[c.Name]; ok {
				cols = append(cols, ident.Quote(c.Name))
				args = append(args, v)
				exprs = append(exprs, fmt.Sprintf("$%d::text::%s", len(args), c.Type))
				overriding = overriding || c.Identity == "always"
				continue
			}
			seq := Sequenced(c)
			if c.Generated || (!seq && (c.Default != "" || !c.NotNull)) {
				continue
			}
			expr, err := g.candidate(ctx, t, c, seq, turn[c.Name])
			if err != nil {
				return nil, err
			}
			cols = append(cols, ident.Quote(c.Name))
			exprs = append(exprs, expr)
			overriding = overriding || c.Identity == "always"
		}
		row, err := g.try(ctx, t, cols, exprs, args, overriding)
		if err == nil {
			return row, nil
		}
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || !retryable(pgErr.Code) {
			return nil, fmt.Errorf("inserting into %s: %w", table, err)
		}
		lastErr = pgErr
		g.advance(ctx, t, pgErr, turn)
	}
	return nil, &UnsatisfiableError{Table: table, Attempts: maxAttempts, Last: lastErr}
}

// Sequenced reports whether a column is filled by a sequence when no value
// is given: an identity column, or a default that calls nextval.
func Sequenced(c catalog.Column) bool {
	return c.Identity != "" || strings.Contains(strings.ToLower(c.Default), "nextval(")
}

// advance moves the columns an error names (or every column, when it names
// none) to their next candidate.
func (g *Gen) advance(ctx context.Context, t *catalog.Table, pgErr *pgconn.PgError, turn map[string]int) {
	var def string
	if pgErr.ConstraintName != "" {
		for _, d := range g.checkDefs(ctx, t) {
			if d.name == pgErr.ConstraintName {
				def = d.def
			}
		}
	}
	moved := false
	for _, c := range t.Columns {
		if (pgErr.ColumnName != "" && c.Name == pgErr.ColumnName) || (def != "" && mentions(def, c.Name)) ||
			g.domainCheck(c.Type, pgErr.ConstraintName) {
			turn[c.Name]++
			moved = true
		}
	}
	if !moved {
		for _, c := range t.Columns {
			turn[c.Name]++
		}
	}
}

// domainCheck reports whether constraint is a CHECK of domain type typ
// (types already looked up only: a failing column has been).
func (g *Gen) domainCheck(typ, constraint string) bool {
	if constraint == "" {
		return false
	}
	for _, d := range g.types[typ].domainChecks {
		if d.name == constraint {
			return true
		}
	}
	return false
}

// mentions reports whether a constraint definition mentions a column,
// bare or quoted.
func mentions(def, column string) bool {
	return strings.Contains(def, ident.Quote(column)) || regexp.MustCompile(`\b`+regexp.QuoteMeta(column)+`\b`).MatchString(def)
}

// retryable SQLSTATEs: bad candidate values (check, not-null, unique,
// invalid text, out of range, string too long, exclusion).
func retryable(code string) bool {
	switch code {
	case "23514", "23502", "23505", "22P02", "22003", "22001", "23P01", "22007", "22008", "22023", "42804":
		return true
	}
	return false
}

// try runs one INSERT inside a savepoint, so a failed attempt leaves the
// transaction usable.
func (g *Gen) try(ctx context.Context, t *catalog.Table, cols, exprs []string, args []any, overriding bool) (*Row, error) {
	sp, err := g.tx.Begin(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(t.Columns))
	outs := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
		outs[i] = ident.Quote(c.Name) + "::text"
	}
	sql := "INSERT INTO " + t.TableName().Quoted()
	if len(cols) == 0 {
		sql += " DEFAULT VALUES"
	} else {
		sql += " (" + strings.Join(cols, ", ") + ")"
		if overriding {
			sql += " OVERRIDING SYSTEM VALUE"
		}
		sql += " VALUES (" + strings.Join(exprs, ", ") + ")"
	}
	sql += " RETURNING " + strings.Join(outs, ", ")
	vals := make([]*string, len(names))
	dest := make([]any, len(names))
	for i := range vals {
		dest[i] = &vals[i]
	}
	if err := sp.QueryRow(ctx, sql, args...).Scan(dest...); err != nil {
		_ = sp.Rollback(ctx)
		return nil, err
	}
	if err := sp.Commit(ctx); err != nil {
		return nil, err
	}
	row := &Row{Table: t.TableName(), Values: map[string]*string{}}
	for i, n := range names {
		row.Values[n] = vals[i]
	}
	return row, nil
}

// candidate returns a SQL expression for column c, varying with attempt:
// for a sequence-filled column (seq) values far from any the sequence
// hands out, then literals found in the table's CHECK constraints, then
// values of the column's type category made unique by a counter.
func (g *Gen) candidate(ctx context.Context, t *catalog.Table, c catalog.Column, seq bool, attempt int) (string, error) {
	ti, err := g.typeOf(ctx, c.Type)
	if err != nil {
		return "", err
	}
	g.counter++
	n := g.counter
	var cands []string
	if seq {
		cands = append(cands, sequenceValues(ti.base, n)...)
	}
	for _, lit := range g.literals(ctx, t, c.Name, ti.domainChecks) {
		if strings.HasPrefix(lit, "^") {
			if ex, ok := exampleFor(lit, n*7919); ok {
				cands = append(cands, quoteLiteral(ex))
			}
		}
		cands = append(cands, quoteLiteral(lit))
	}
	switch {
	case len(ti.enum) > 0:
		for _, l := range ti.enum {
			cands = append(cands, quoteLiteral(l))
		}
	case ti.category == "N":
		cands = append(cands, g.numbers(ctx, t, c.Name, ti.domainChecks)...)
		cands = append(cands, fmt.Sprint(n%30000+1), "1", "0", "100")
	case ti.category == "S":
		cands = append(cands, quoteLiteral(fmt.Sprintf("r%d", n)), quoteLiteral(fmt.Sprintf("r%d@example.com", n)), "'a'", quoteLiteral(fmt.Sprintf("https://example.com/%d", n)))
	case ti.category == "B":
		cands = append(cands, "'false'", "'true'")
	case ti.category == "D":
		cands = append(cands, "(now() + interval '1 day')::text", "now()::text", "'2000-01-01'")
	case ti.category == "T":
		cands = append(cands, "'1 hour'", "'1 day'")
	case ti.category == "A":
		cands = append(cands, "'{}'", "'{1}'")
	case ti.category == "I":
		cands = append(cands, quoteLiteral(fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)))
	case ti.category == "V":
		cands = append(cands, "'1'")
	case ti.category == "R":
		cands = append(cands, "'[1,2)'", "'empty'")
	case ti.base == "uuid":
		cands = append(cands, "gen_random_uuid()::text")
	case ti.base == "json" || ti.base == "jsonb":
		cands = append(cands, "'{}'", "'[]'")
	case ti.base == "bytea":
		cands = append(cands, quoteLiteral(fmt.Sprintf("\\x%08x", n)), quoteLiteral(fmt.Sprintf("\\x%064x", n)))
	default:
		cands = append(cands, quoteLiteral(fmt.Sprint(n)), "'{}'", "''")
	}
	return "(" + cands[attempt%len(cands)] + ")::text::" + c.Type, nil
}

// typeOf looks up a column type's category, enum labels and domain base.
func (g *Gen) typeOf(ctx context.Context, typ string) (typeInfo, error) {
	if ti, ok := g.types[typ]; ok {
		return ti, nil
	}
	var ti typeInfo
	err := g.tx.QueryRow(ctx, `
WITH RECURSIVE d AS (
  SELECT $1::regtype::oid AS oid
  UNION ALL SELECT t.typbasetype FROM pg_type t JOIN d ON t.oid = d.oid WHERE t.typtype = 'd')
SELECT t.typcategory::text, t.typname::text,
  ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
FROM d JOIN pg_type t ON t.oid = d.oid WHERE t.typtype <> 'd'`, typ).Scan(&ti.category, &ti.base, &ti.enum)
	if err != nil {
		return ti, fmt.Errorf("looking up type %s: %w", typ, err)
	}
	rows, err := g.tx.Query(ctx, `
WITH RECURSIVE d AS (
  SELECT $1::regtype::oid AS oid
  UNION ALL SELECT t.typbasetype FROM pg_type t JOIN d ON t.oid = d.oid WHERE t.typtype = 'd')
SELECT c.conname::text, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN d ON c.contypid = d.oid
WHERE c.contype = 'c' ORDER BY c.conname`, typ)
	if err != nil {
		return ti, fmt.Errorf("looking up the checks of type %s: %w", typ, err)
	}
	for rows.Next() {
		var d checkDef
		if err := rows.Scan(&d.name, &d.def); err != nil {
			rows.Close()
			return ti, fmt.Errorf("looking up the checks of type %s: %w", typ, err)
		}
		ti.domainChecks = append(ti.domainChecks, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ti, fmt.Errorf("looking up the checks of type %s: %w", typ, err)
	}
	g.types[typ] = ti
	return ti, nil
}

var stringLiteral = regexp.MustCompile(`'((?:[^']|'')*)'`)

// checkDef is one CHECK constraint of a table.
type checkDef struct{ name, def string }

// checkDefs returns the table's CHECK constraints, and for a partitioned
// table its partitions' bounds and for a partition its own (named after the
// partition), which reject
// rows the same way (23514).
func (g *Gen) checkDefs(ctx context.Context, t *catalog.Table) []checkDef {
	if defs, ok := g.checks[t.TableName()]; ok {
		return defs
	}
	var defs []checkDef
	rows, err := g.tx.Query(ctx, `
SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'c' AND conrelid = $1::regclass
UNION ALL
SELECT c.relname::text, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = $1::regclass AND c.relpartbound IS NOT NULL
UNION ALL
SELECT c.relname::text, pg_get_expr(c.relpartbound, c.oid) FROM pg_class c
WHERE c.oid = $1::regclass AND c.relispartition`, t.TableName().Quoted())
	if err == nil {
		for rows.Next() {
			var d checkDef
			if rows.Scan(&d.name, &d.def) == nil {
				defs = append(defs, d)
			}
		}
		rows.Close()
	}
	g.checks[t.TableName()] = defs
	return defs
}

// literals returns the string literals of the CHECK constraints (and
// partition bounds) that mention column, and of its type's domain checks:
// for `status IN ('open', 'closed')` they are the only values that pass,
// and for `key ~ '^[A-Z]{2}$'` the pattern to generate from.
func (g *Gen) literals(ctx context.Context, t *catalog.Table, column string, domain []checkDef) []string {
	var lits []string
	for _, d := range append(slices.Clone(domain), g.checkDefs(ctx, t)...) {
		if !mentions(d.def, column) && !mentions(d.def, "VALUE") && !strings.HasPrefix(d.def, "FOR VALUES") {
			continue
		}
		for _, m := range stringLiteral.FindAllStringSubmatch(d.def, -1) {
			lits = append(lits, strings.ReplaceAll(m[1], "''", "'"))
		}
	}
	return lits
}

var numberLiteral = regexp.MustCompile(`(?:^|[^\w.$])(-?\d+(?:\.\d+)?)`)

// numbers returns, for each number in the CHECK constraints that mention
// column (and its type's domain checks), that number and the next one:
// `score BETWEEN 10 AND 20` accepts 10, `stars > 0` accepts 1.
func (g *Gen) numbers(ctx context.Context, t *catalog.Table, column string, domain []checkDef) []string {
	var out []string
	for _, d := range append(slices.Clone(domain), g.checkDefs(ctx, t)...) {
		if strings.HasPrefix(d.def, "FOR VALUES") || (!mentions(d.def, column) && !mentions(d.def, "VALUE")) {
			continue
		}
		def := stringLiteral.ReplaceAllString(d.def, "''")
		for _, m := range numberLiteral.FindAllStringSubmatch(def, -1) {
			if i, err := strconv.ParseInt(m[1], 10, 64); err == nil {
				out = append(out, m[1], strconv.FormatInt(i+1, 10))
			} else if f, err := strconv.ParseFloat(m[1], 64); err == nil {
				out = append(out, m[1], strconv.FormatFloat(f+1, 'f', -1, 64))
			}
		}
	}
	return out
}

// sequenceValues are candidates for a column a sequence would fill: the
// bottom of the integer range first (sequences count up from 1, so no
// existing row is there), then its top for tables whose CHECK wants
// positive keys. They stay within int4 for int4 and int8 alike, because a
// referencing column is often narrower than the key it references.
func sequenceValues(base string, n int64) []string {
	switch base {
	case "int2":
		return []string{fmt.Sprint(-32768 + n%30000), fmt.Sprint(32767 - n%30000)}
	case "int4", "int8", "numeric":
		return []string{fmt.Sprint(-2147483648 + n), fmt.Sprint(2147483647 - n)}
	}
	return nil
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
