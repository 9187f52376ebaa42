package policy

import (
	"github.com/ondelete/ondelete/ident"
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// roots reads the roots list: table names in SQL identifier syntax, one or
// two parts, no patterns (a root is one table).
func (d *decoder) roots(n *yaml.Node) ([]Root, error) {
	items, err := d.list(n, "roots", "a list of table names", true, true)
	if err != nil {
		return nil, err
	}
	var roots []Root
	seen := map[string]Root{}
	for i, item := range items {
		path := index("roots", i)
		s, err := d.str(item, path)
		if err != nil {
			return nil, err
		}
		parts, err := ident.Split(s)
		if err != nil {
			return nil, d.errorf(item, path, "invalid table name %q: %v", s, err)
		}
		if len(parts) > 2 {
			return nil, d.errorf(item, path, "invalid table name %q: want table or schema.table, found %d parts (quote parts that contain dots)", s, len(parts))
		}
		for _, p := range parts {
			if !p.Quoted && strings.ContainsAny(p.Text, "*?[") {
				return nil, d.errorf(item, path, "%q is a pattern; a root is one table (name it, or quote it if the name really contains %s)", s, "*, ? or [")
			}
		}
		key := rootKey(parts)
		if first, ok := seen[key]; ok {
			return nil, d.errorf(item, path, "duplicate root %q (first at line %d)", s, first.Pos.Line)
		}
		r := Root{Name: s, Pos: d.pos(item)}
		seen[key] = r
		roots = append(roots, r)
	}
	return roots, nil
}

// rootKey identifies a root as PostgreSQL reads it, to catch duplicates
// spelled differently (users, USERS, "users").
func rootKey(parts []namePart) string {
	k := ""
	for _, p := range parts {
		k += "\x00" + p.Folded()
	}
	return k
}
