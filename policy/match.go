package policy

import (
	"errors"
	"fmt"
	"github.com/ondelete/ondelete/ident"
	"path"

	"github.com/ondelete/ondelete/catalog"
)

// matcher is a Match with its patterns split and checked once, so that
// matching every foreign key of a large schema does no parsing.
type matcher struct {
	references []namePart // nil, [table] or [schema, table]
	table      []namePart
	schema     *namePart
	columns    []namePart
	// err is set for a hand-built Match with a malformed pattern; such a
	// Match selects nothing.
	err error
}

// compile splits and validates every pattern of m.
func (m Match) compile() *matcher {
	if m.compiled != nil {
		return m.compiled
	}
	c := &matcher{}
	var err error
	if m.References != "" {
		if c.references, err = qualifiedPattern(m.References); err != nil {
			c.err = fmt.Errorf("references: %w", err)
		}
	}
	if m.Table != "" && c.err == nil {
		if c.table, err = qualifiedPattern(m.Table); err != nil {
			c.err = fmt.Errorf("table: %w", err)
		}
	}
	if m.Schema != "" && c.err == nil {
		p, err := singlePattern(m.Schema)
		if err != nil {
			c.err = fmt.Errorf("schema: %w", err)
		}
		c.schema = &p
	}
	for i, col := range m.Columns {
		if c.err != nil {
			break
		}
		p, err := singlePattern(col)
		if err != nil {
			c.err = fmt.Errorf("columns[%d]: %w", i, err)
		}
		c.columns = append(c.columns, p)
	}
	return c
}

// IsEmpty reports whether m constrains nothing. An empty Match selects no
// foreign key: Parse refuses one, so that a typo cannot turn a rule into
// one that silently checks everything (write table: "*" for that).
func (m Match) IsEmpty() bool {
	return m.References == "" && m.Table == "" && m.Schema == "" && len(m.Columns) == 0
}

// MatchesFK reports whether fk is selected: every non-empty field of m
// must match. References and Table match the referenced and referencing
// table, as schema.table or as a bare table name in any schema; Schema
// matches the referencing table's schema; Columns match when the foreign
// key has as many columns as patterns and each matches, in order. Each
// part is a glob (path.Match syntax: *, ?, [...], \ to escape); an
// unquoted part matches the name as PostgreSQL folds it (lower case) or as
// written, a double-quoted part only as written.
func (m Match) MatchesFK(fk *catalog.ForeignKey) bool {
	if m.IsEmpty() {
		return false
	}
	c := m.compile()
	if c.err != nil {
		return false
	}
	if c.references != nil && !matchQualified(c.references, fk.RefSchema, fk.RefTable) {
		return false
	}
	if c.table != nil && !matchQualified(c.table, fk.Schema, fk.Table) {
		return false
	}
	if c.schema != nil && !partMatches(*c.schema, fk.Schema) {
		return false
	}
	if len(c.columns) > 0 {
		if len(c.columns) != len(fk.Columns) {
			return false
		}
		for i, p := range c.columns {
			if !partMatches(p, fk.Columns[i]) {
				return false
			}
		}
	}
	return true
}

// matchQualified matches [table] or [schema, table] patterns.
func matchQualified(parts []namePart, schema, table string) bool {
	if len(parts) == 2 {
		return partMatches(parts[0], schema) && partMatches(parts[1], table)
	}
	return partMatches(parts[0], table)
}

// partMatches reports whether the glob p matches name: as written, or, for an
// unquoted part, lowercased as PostgreSQL folds identifiers.
func partMatches(p namePart, name string) bool {
	if ok, _ := path.Match(p.Text, name); ok {
		return true
	}
	if p.Quoted {
		return false
	}
	if lower := ident.FoldASCII(p.Text); lower != p.Text {
		ok, _ := path.Match(lower, name)
		return ok
	}
	return false
}

// qualifiedPattern reads a table or schema.table pattern.
func qualifiedPattern(s string) ([]namePart, error) {
	parts, err := ident.Split(s)
	if err != nil {
		return nil, err
	}
	if len(parts) > 2 {
		return nil, fmt.Errorf("want table or schema.table, found %d parts (quote parts that contain dots)", len(parts))
	}
	for _, p := range parts {
		if err := checkGlob(p.Text); err != nil {
			return nil, err
		}
	}
	return parts, nil
}

// singlePattern reads a schema or column pattern.
func singlePattern(s string) (namePart, error) {
	p, err := singlePart(s)
	if err != nil {
		return namePart{}, err
	}
	return p, checkGlob(p.Text)
}

// errBadGlob is the message for a malformed pattern.
var errBadGlob = errors.New("malformed pattern (want *, ?, [class] or \\ escapes; close every [ )")

// checkGlob reports whether pattern is valid path.Match syntax. path.Match
// checks the whole pattern even when the name does not match.
func checkGlob(pattern string) error {
	if _, err := path.Match(pattern, ""); err != nil {
		return errBadGlob
	}
	return nil
}

// ColumnPattern is one column-name glob as the policy writes them
// (match.columns, orphan-owner-column's columns), ready to match: a
// double-quoted pattern matches the name exactly as written, an unquoted
// one as written or lowercased, the way PostgreSQL folds identifiers. It
// lets the check engine match columns exactly as Match.MatchesFK does.
type ColumnPattern struct {
	part namePart
}

// ParseColumnPattern reads a column pattern, checking its glob syntax.
func ParseColumnPattern(s string) (ColumnPattern, error) {
	p, err := singlePattern(s)
	if err != nil {
		return ColumnPattern{}, fmt.Errorf("invalid column pattern %q: %w", s, err)
	}
	return ColumnPattern{part: p}, nil
}

// Matches reports whether the column name matches the pattern.
func (c ColumnPattern) Matches(name string) bool { return partMatches(c.part, name) }
