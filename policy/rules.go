package policy

import (
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

var (
	ruleKeys   = []string{"name", "match", "expect"}
	matchKeys  = []string{"references", "table", "columns", "schema"}
	expectKeys = []string{"on_delete", "on_update", "validated", "indexed", "name"}
)

// NameConventional is the one value of expect.name: the constraint must
// carry the name PostgreSQL would have given it.
const NameConventional = "conventional"

// rules reads the rules list. Names are unique and distinct from the
// built-in lint names, because findings and exceptions refer to both by
// name alone.
func (d *decoder) rules(n *yaml.Node) ([]Rule, error) {
	items, err := d.list(n, "rules", "a list of rules", false, true)
	if err != nil {
		return nil, err
	}
	var rules []Rule
	seen := map[string]Position{}
	for i, item := range items {
		r, err := d.rule(item, index("rules", i))
		if err != nil {
			return nil, err
		}
		if first, ok := seen[r.Name]; ok {
			return nil, d.errorf(r.nameNode, join(index("rules", i), "name"), "duplicate rule name %q (first at line %d)", r.Name, first.Line)
		}
		seen[r.Name] = r.Pos
		rules = append(rules, r.Rule)
	}
	return rules, nil
}

// parsedRule is a Rule with the node of its name, for duplicate errors.
type parsedRule struct {
	Rule
	nameNode *yaml.Node
}

// rule reads one rule.
func (d *decoder) rule(n *yaml.Node, path string) (parsedRule, error) {
	fields, err := d.mapping(n, path, ruleKeys)
	if err != nil {
		return parsedRule{}, err
	}
	r := parsedRule{Rule: Rule{Pos: d.pos(n)}}
	var haveMatch, haveExpect bool
	for _, f := range fields {
		fpath := join(path, f.key)
		switch f.key {
		case "name":
			if r.Name, err = d.str(f.value, fpath); err != nil {
				return r, err
			}
			if strings.TrimSpace(r.Name) == "" {
				return r, d.errorf(f.value, fpath, "empty rule name (findings and exceptions refer to the rule by it)")
			}
			if _, ok := LintByName(r.Name); ok {
				return r, d.errorf(f.value, fpath, "rule name %q is a built-in lint's name; pick another so findings and exceptions stay unambiguous", r.Name)
			}
			r.nameNode = f.value
		case "match":
			haveMatch = true
			if r.Match, err = d.match(f.value, fpath); err != nil {
				return r, err
			}
		case "expect":
			haveExpect = true
			if r.Expect, err = d.expect(f.value, fpath); err != nil {
				return r, err
			}
		}
	}
	switch {
	case r.nameNode == nil:
		return r, d.errorf(n, path, "missing name (each rule needs a unique name; findings carry it)")
	case !haveMatch:
		return r, d.errorf(n, path, "missing match (want a mapping with any of %s)", orList(matchKeys))
	case !haveExpect:
		return r, d.errorf(n, path, "missing expect (want a mapping with any of %s)", orList(expectKeys))
	}
	return r, nil
}

// match reads a rule's match mapping; every pattern is checked here so
// that MatchesFK never meets a malformed one.
func (d *decoder) match(n *yaml.Node, path string) (Match, error) {
	var m Match
	if isNull(n) {
		return m, d.errorf(n, path, "empty match selects nothing (want any of %s; table: \"*\" selects every foreign key)", orList(matchKeys))
	}
	fields, err := d.mapping(n, path, matchKeys)
	if err != nil {
		return m, err
	}
	for _, f := range fields {
		fpath := join(path, f.key)
		switch f.key {
		case "references", "table":
			s, err := d.str(f.value, fpath)
			if err != nil {
				return m, err
			}
			if _, err := qualifiedPattern(s); err != nil {
				return m, d.errorf(f.value, fpath, "invalid table pattern %q: %v", s, err)
			}
			if f.key == "references" {
				m.References = s
			} else {
				m.Table = s
			}
		case "schema":
			s, err := d.str(f.value, fpath)
			if err != nil {
				return m, err
			}
			if _, err := singlePattern(s); err != nil {
				return m, d.errorf(f.value, fpath, "invalid schema pattern %q: %v", s, err)
			}
			m.Schema = s
		case "columns":
			items, err := d.list(f.value, fpath, "a list of column names or patterns", true, false)
			if err != nil {
				return m, err
			}
			if len(items) == 0 {
				return m, d.errorf(f.value, fpath, "empty list (want the foreign key's columns in order, e.g. [user_id])")
			}
			for i, item := range items {
				ipath := index(fpath, i)
				s, err := d.str(item, ipath)
				if err != nil {
					return m, err
				}
				if _, err := singlePattern(s); err != nil {
					return m, d.errorf(item, ipath, "invalid column pattern %q: %v", s, err)
				}
				m.Columns = append(m.Columns, s)
			}
		}
	}
	if m.IsEmpty() {
		return m, d.errorf(n, path, "empty match selects nothing (want any of %s; table: \"*\" selects every foreign key)", orList(matchKeys))
	}
	m.compiled = m.compile()
	return m, nil
}

// expect reads a rule's expect mapping.
func (d *decoder) expect(n *yaml.Node, path string) (Expect, error) {
	var e Expect
	empty := func() error {
		return d.errorf(n, path, "empty expect checks nothing (want any of %s)", orList(expectKeys))
	}
	if isNull(n) {
		return e, empty()
	}
	fields, err := d.mapping(n, path, expectKeys)
	if err != nil {
		return e, err
	}
	if len(fields) == 0 {
		return e, empty()
	}
	for _, f := range fields {
		fpath := join(path, f.key)
		switch f.key {
		case "on_delete":
			if e.OnDelete, err = d.actions(f.value, fpath); err != nil {
				return e, err
			}
		case "on_update":
			if e.OnUpdate, err = d.actions(f.value, fpath); err != nil {
				return e, err
			}
		case "validated", "indexed":
			b, err := d.boolean(f.value, fpath)
			if err != nil {
				return e, err
			}
			if f.key == "validated" {
				e.Validated = &b
			} else {
				e.Indexed = &b
			}
		case "name":
			s, err := d.str(f.value, fpath)
			if err != nil {
				return e, err
			}
			if strings.ToLower(strings.TrimSpace(s)) != NameConventional {
				return e, d.errorf(f.value, fpath, "unknown name expectation %q (want %s%s)", s, NameConventional, didYouMean(s, []string{NameConventional}))
			}
			e.Name = NameConventional
		}
	}
	return e, nil
}
