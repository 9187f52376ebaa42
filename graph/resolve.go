package graph

import (
	"github.com/ondelete/ondelete/ident"
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
		for _, schema := range parts[0].Spellings() {
			for _, table := range parts[1].Spellings() {
				t := catalog.TableName{Schema: schema, Name: table}
				if s.Table(t) != nil {
					return t, nil
				}
			}
		}
		return catalog.TableName{}, &TableNotFoundError{Name: name, Suggestions: suggest(s, parts[0].Text, parts[1].Text)}
	}
	for _, table := range parts[0].Spellings() {
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
	return catalog.TableName{}, &TableNotFoundError{Name: name, Suggestions: suggest(s, "", parts[0].Text)}
}

// parseName splits a possibly qualified, possibly quoted name into one or
// two parts.
func parseName(name string) ([]ident.Part, error) {
	parts, err := ident.Split(name)
	if err != nil {
		return nil, &InvalidTableNameError{Name: name, Reason: err.Error()}
	}
	if len(parts) > 2 {
		return nil, &InvalidTableNameError{Name: name, Reason: "expected table or schema.table"}
	}
	return parts, nil
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
