package graph

import (
	"sort"
	"strings"
	"unicode"

	"github.com/ondelete/ondelete/catalog"
)

// ResolveTable finds the table a user means by name, written in SQL
// identifier syntax: users, public.users, "User", public."User",
// "my schema"."x.y". Unquoted parts are lowercased as PostgreSQL does
// (ASCII letters only); because people type table names the way they see
// them, an unquoted part that matches nothing lowercased may also match
// its exact spelling (User finds "User"). An unqualified name is looked up
// in every schema, preferring public when several match.
//
// Errors are typed: *InvalidTableNameError for bad syntax,
// *AmbiguousTableError (with the candidates) when several non-public
// schemas match, *TableNotFoundError (with close names) when nothing does.
func ResolveTable(s *catalog.Snapshot, name string) (catalog.TableName, error) {
	parts, err := parseName(name)
	if err != nil {
		return catalog.TableName{}, err
	}
	if len(parts) == 2 {
		for _, schema := range parts[0].spellings() {
			for _, table := range parts[1].spellings() {
				t := catalog.TableName{Schema: schema, Name: table}
				if s.Table(t) != nil {
					return t, nil
				}
			}
		}
		return catalog.TableName{}, &TableNotFoundError{Name: name, Suggestions: suggest(s, parts[0].text, parts[1].text)}
	}
	for _, table := range parts[0].spellings() {
		var matches []catalog.TableName
		for i := range s.Tables {
			if s.Tables[i].Name == table {
				matches = append(matches, s.Tables[i].TableName())
			}
		}
		switch len(matches) {
		case 0:
			continue
		case 1:
			return matches[0], nil
		}
		sortNames(matches)
		for _, m := range matches {
			if m.Schema == "public" {
				return m, nil
			}
		}
		return catalog.TableName{}, &AmbiguousTableError{Name: name, Candidates: matches}
	}
	return catalog.TableName{}, &TableNotFoundError{Name: name, Suggestions: suggest(s, "", parts[0].text)}
}

// namePart is one dot-separated part of a qualified name.
type namePart struct {
	text   string
	quoted bool
}

// spellings returns the names a part may mean, in order of preference: a
// quoted part means exactly itself; an unquoted one means its lowercased
// form, then its exact spelling.
func (p namePart) spellings() []string {
	if p.quoted {
		return []string{p.text}
	}
	lower := lowerASCII(p.text)
	if lower == p.text {
		return []string{lower}
	}
	return []string{lower, p.text}
}

// parseName splits a possibly qualified, possibly quoted name into one or
// two parts. Blanks around parts and dots are ignored.
func parseName(name string) ([]namePart, error) {
	bad := func(reason string) ([]namePart, error) {
		return nil, &InvalidTableNameError{Name: name, Reason: reason}
	}
	var parts []namePart
	i := 0
	for {
		for i < len(name) && isBlank(name[i]) {
			i++
		}
		if i == len(name) {
			if len(parts) == 0 {
				return bad("empty name")
			}
			return bad("name ends with a dot")
		}
		var p namePart
		if name[i] == '"' {
			p.quoted = true
			var b strings.Builder
			i++
			for {
				j := strings.IndexByte(name[i:], '"')
				if j < 0 {
					return bad("unterminated quoted identifier")
				}
				b.WriteString(name[i : i+j])
				i += j + 1
				if i < len(name) && name[i] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			p.text = b.String()
			if p.text == "" {
				return bad("zero-length quoted identifier")
			}
		} else {
			start := i
			for i < len(name) && name[i] != '.' && name[i] != '"' && !isBlank(name[i]) {
				i++
			}
			if i == start {
				return bad("empty part before a dot")
			}
			if i < len(name) && name[i] == '"' {
				return bad("quote inside an unquoted identifier")
			}
			p.text = name[start:i]
		}
		parts = append(parts, p)
		for i < len(name) && isBlank(name[i]) {
			i++
		}
		if i == len(name) {
			break
		}
		if name[i] != '.' {
			return bad("expected a dot between name parts")
		}
		i++
	}
	if len(parts) > 2 {
		return bad("expected table or schema.table")
	}
	return parts, nil
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

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

// maxSuggestions bounds the "did you mean" list.
const maxSuggestions = 3

// suggest returns up to maxSuggestions tables whose names are close to the
// one typed (case-insensitive edit distance, or containing it), best first.
func suggest(s *catalog.Snapshot, schema, name string) []catalog.TableName {
	type scored struct {
		t     catalog.TableName
		score int
	}
	want := strings.ToLower(name)
	limit := max(2, len([]rune(want))/3)
	var cands []scored
	for i := range s.Tables {
		t := s.Tables[i].TableName()
		have := strings.ToLower(t.Name)
		d := distance(want, have)
		if d > limit && !(len(want) >= 3 && strings.Contains(have, want)) {
			continue
		}
		if schema != "" {
			d += distance(strings.ToLower(schema), strings.ToLower(t.Schema))
		}
		cands = append(cands, scored{t, d})
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score < cands[j].score
		}
		return cands[i].t.Less(cands[j].t)
	})
	out := []catalog.TableName{}
	for i := 0; i < len(cands) && i < maxSuggestions; i++ {
		out = append(out, cands[i].t)
	}
	return out
}

// distance is the Levenshtein distance between a and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if unicode.ToLower(ra[i-1]) == unicode.ToLower(rb[j-1]) {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
