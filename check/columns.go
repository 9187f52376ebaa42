package check

import (
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/ondelete/ondelete/catalog"
)

// columnPattern is one column-name glob of orphan-owner-column, read the
// way package policy reads column patterns: a double-quoted pattern
// matches the name exactly as written; an unquoted one matches as written
// or lowercased, as PostgreSQL folds identifiers (userId then matches the
// Prisma column "userId" and the folded column userid).
type columnPattern struct {
	text   string
	quoted bool
	// lower is text lowercased, for unquoted patterns with capitals;
	// empty otherwise.
	lower string
}

// parseColumnPattern reads one pattern; policy.Parse has already checked
// its syntax, so a malformed hand-built pattern simply matches nothing.
func parseColumnPattern(s string) columnPattern {
	t := strings.TrimSpace(s)
	if len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' {
		return columnPattern{text: strings.ReplaceAll(t[1:len(t)-1], `""`, `"`), quoted: true}
	}
	p := columnPattern{text: t}
	if l := lowerASCII(t); l != t {
		p.lower = l
	}
	return p
}

// matches reports whether the column name matches the pattern.
func (p columnPattern) matches(name string) bool {
	if ok, _ := path.Match(p.text, name); ok {
		return true
	}
	if p.lower == "" {
		return false
	}
	ok, _ := path.Match(p.lower, name)
	return ok
}

// lowerASCII lowercases ASCII letters only, as PostgreSQL's
// downcase_identifier does in UTF-8 databases.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// columnPatterns parses a list of patterns.
func columnPatterns(list []string) []columnPattern {
	out := make([]columnPattern, len(list))
	for i, s := range list {
		out[i] = parseColumnPattern(s)
	}
	return out
}

// anyMatches reports whether some pattern matches name.
func anyMatches(ps []columnPattern, name string) bool {
	for _, p := range ps {
		if p.matches(name) {
			return true
		}
	}
	return false
}

// typeFamily groups column types that can reference each other without a
// cast, as PostgreSQL's btree operator families allow for foreign keys:
// the integer widths, and the character types. Any other type is its own
// family, compared by its exact spelling (varchar lengths aside).
func typeFamily(typ string) string {
	switch {
	case typ == "smallint" || typ == "integer" || typ == "bigint":
		return "integer"
	case typ == "text" || typ == "character" || strings.HasPrefix(typ, "character varying") || strings.HasPrefix(typ, "character("):
		return "text"
	case strings.HasPrefix(typ, "numeric"):
		return "numeric"
	}
	return typ
}

// indexLeadsWith reports whether a valid, non-partial index of t has
// exactly cols as its leading columns, in any order: the rule
// catalog.ForeignKey.Indexed follows.
func indexLeadsWith(t *catalog.Table, cols []string) bool {
	for i := range t.Indexes {
		if indexLeads(&t.Indexes[i], cols) {
			return true
		}
	}
	return false
}

// indexLeads reports whether ix can serve lookups by cols.
func indexLeads(ix *catalog.Index, cols []string) bool {
	if !ix.Valid || ix.Partial || len(ix.Columns) < len(cols) {
		return false
	}
	want := slices.Clone(cols)
	sort.Strings(want)
	lead := slices.Clone(ix.Columns[:len(cols)])
	sort.Strings(lead)
	return slices.Equal(lead, want)
}
