// Package ident quotes and formats PostgreSQL identifiers. It is the one
// place in ondelete where identifiers are quoted, so that every generated
// statement, report and error message spells names the same way and no
// user-controlled name can ever break out of its quotes.
package ident

import "strings"

// Quote returns name as a PostgreSQL quoted identifier. It always quotes,
// because generated SQL must be correct for every name PostgreSQL accepts
// (mixed case, reserved words, spaces, embedded quotes, non-ASCII).
func Quote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// QuoteQualified returns "schema"."name", or just "name" when schema is empty.
func QuoteQualified(schema, name string) string {
	if schema == "" {
		return Quote(name)
	}
	return Quote(schema) + "." + Quote(name)
}

// QuoteList quotes each name and joins them with ", ", the form used in
// column lists of constraints and indexes.
func QuoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = Quote(n)
	}
	return strings.Join(q, ", ")
}

// Display returns name as a person would type it in SQL: bare when that
// spelling means the same name, quoted otherwise. Reports use it so that the
// common case stays readable while odd names remain unambiguous.
func Display(name string) string {
	if needsQuotes(name) {
		return Quote(name)
	}
	return name
}

// DisplayQualified returns schema.name in Display form; schema is omitted
// when empty.
func DisplayQualified(schema, name string) string {
	if schema == "" {
		return Display(name)
	}
	return Display(schema) + "." + Display(name)
}

// needsQuotes reports whether name must be quoted to keep its spelling:
// anything but a lowercase ASCII identifier that is not a reserved keyword.
func needsQuotes(name string) bool {
	if name == "" {
		return true
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r == '_':
		case (r >= '0' && r <= '9') || r == '$':
			if i == 0 {
				return true
			}
		default:
			return true
		}
	}
	return reserved[name]
}

// reserved holds PostgreSQL's reserved keywords (those that cannot be used
// as a bare column or table name); quoting them keeps Display output valid SQL.
var reserved = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation column concurrently constraint create cross current_catalog current_date current_role current_schema current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze from full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references returning right select session_user similar some symmetric system_user table tablesample then to trailing true union unique user using variadic verbose when where window with`) {
		m[w] = true
	}
	return m
}()

// Literal returns s as a standard SQL string literal ('it''s'), for names
// compared as values in catalog queries. It assumes
// standard_conforming_strings is on, the default since PostgreSQL 9.1
// and the only mode CockroachDB has; NUL cannot occur in a name.
func Literal(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
