package main

import (
	"fmt"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// parseKey reads a --key value against the root table's primary key: a
// bare value for a one-column key (--key 42), or col=value pairs naming
// every key column (--key tenant_id=1,id=2). A value holding a comma or
// starting with a quote is double-quoted, with "" for a quote inside
// (--key 'name="a,b"'). Column names match as written or as PostgreSQL
// folds them (ID finds id).
func parseKey(t *catalog.Table, s string) (map[string]string, error) {
	table := ident.DisplayQualified(t.Schema, t.Name)
	if len(t.PrimaryKey) == 0 {
		return nil, fmt.Errorf("--key: table %s has no primary key: select the row with --where instead", table)
	}
	pairs, perr := splitPairs(s)
	if perr == nil {
		if key, err := matchPairs(t.PrimaryKey, pairs, table); err == nil {
			return key, nil
		} else if len(t.PrimaryKey) > 1 {
			return nil, err
		}
	}
	if len(t.PrimaryKey) > 1 {
		if perr != nil {
			return nil, fmt.Errorf("--key: %v; table %s has the primary key (%s): write --key %s", perr, table, strings.Join(t.PrimaryKey, ", "), keyExample(t.PrimaryKey))
		}
		return nil, fmt.Errorf("--key: table %s has the primary key (%s): write --key %s", table, strings.Join(t.PrimaryKey, ", "), keyExample(t.PrimaryKey))
	}
	if s == "" {
		return nil, fmt.Errorf("--key: empty value: give the %s of the row to delete, e.g. --key 42", t.PrimaryKey[0])
	}
	return map[string]string{t.PrimaryKey[0]: s}, nil
}

// keyExample writes a --key value for the columns: a=1,b=2.
func keyExample(cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%s=%d", c, i+1)
	}
	return strings.Join(parts, ",")
}

type pair struct{ col, value string }

// splitPairs splits a=1,b="x,y" into pairs; it fails when a part has no
// '=' or a quoted value is not closed.
func splitPairs(s string) ([]pair, error) {
	var out []pair
	for rest := s; ; {
		eq := strings.IndexByte(rest, '=')
		if eq < 0 {
			return nil, fmt.Errorf("%q is not column=value", rest)
		}
		p := pair{col: strings.TrimSpace(rest[:eq])}
		rest = rest[eq+1:]
		if strings.HasPrefix(rest, `"`) {
			var b strings.Builder
			i := 1
			for ; ; i++ {
				if i >= len(rest) {
					return nil, fmt.Errorf("unterminated quoted value for %s", p.col)
				}
				if rest[i] == '"' {
					if i+1 < len(rest) && rest[i+1] == '"' {
						b.WriteByte('"')
						i++
						continue
					}
					break
				}
				b.WriteByte(rest[i])
			}
			p.value = b.String()
			rest = rest[i+1:]
			if rest != "" && rest[0] != ',' {
				return nil, fmt.Errorf("unexpected %q after the quoted value of %s", rest, p.col)
			}
		} else {
			end := strings.IndexByte(rest, ',')
			if end < 0 {
				end = len(rest)
			}
			p.value, rest = rest[:end], rest[end:]
		}
		out = append(out, p)
		if rest == "" {
			return out, nil
		}
		rest = rest[1:] // the comma
	}
}

// matchPairs maps pairs onto the key columns: every key column exactly
// once, nothing else.
func matchPairs(pk []string, pairs []pair, table string) (map[string]string, error) {
	key := map[string]string{}
	for _, p := range pairs {
		col, ok := findColumn(pk, p.col)
		if !ok {
			return nil, fmt.Errorf("--key: %q is not a primary-key column of %s (want %s)", p.col, table, strings.Join(pk, ", "))
		}
		if _, dup := key[col]; dup {
			return nil, fmt.Errorf("--key: column %s given twice", col)
		}
		key[col] = p.value
	}
	for _, c := range pk {
		if _, ok := key[c]; !ok {
			return nil, fmt.Errorf("--key: missing %s: table %s has the primary key (%s), write --key %s", c, table, strings.Join(pk, ", "), keyExample(pk))
		}
	}
	return key, nil
}

// findColumn finds name among cols as written, double-quoted, or folded
// to lower case as PostgreSQL folds unquoted names.
func findColumn(cols []string, name string) (string, bool) {
	if parts, err := ident.Split(name); err == nil && len(parts) == 1 {
		for _, c := range cols {
			if c == parts[0].Text {
				return c, true
			}
		}
		if !parts[0].Quoted {
			for _, c := range cols {
				if c == strings.ToLower(parts[0].Text) {
					return c, true
				}
			}
		}
	}
	return "", false
}
