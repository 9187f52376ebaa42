package policy

import (
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/ondelete/ondelete/catalog"
)

var exceptionKeys = []string{"constraint", "rule", "reason"}

// exceptions reads the exceptions list. Every key is required: an
// exception without a reason is a finding swept under the rug, and one
// naming no existing rule or lint would silently exempt nothing.
func (d *decoder) exceptions(n *yaml.Node, rules []Rule) ([]Exception, error) {
	items, err := d.list(n, "exceptions", "a list of exceptions", false, true)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(rules)+len(Lints))
	for _, r := range rules {
		names = append(names, r.Name)
	}
	names = append(names, lintNames()...)
	type seenKey struct {
		key  catalog.ConstraintKey
		rule string
	}
	seen := map[seenKey]Position{}
	var out []Exception
	for i, item := range items {
		path := index("exceptions", i)
		e, err := d.exception(item, path, names)
		if err != nil {
			return nil, err
		}
		k := seenKey{e.Key, e.Rule}
		if first, ok := seen[k]; ok {
			return nil, d.errorf(item, path, "duplicate exception for %s and %s (first at line %d)", e.Key, e.Rule, first.Line)
		}
		seen[k] = e.Pos
		out = append(out, e)
	}
	return out, nil
}

// exception reads one exception; names are the rule and lint names it may
// refer to.
func (d *decoder) exception(n *yaml.Node, path string, names []string) (Exception, error) {
	fields, err := d.mapping(n, path, exceptionKeys)
	if err != nil {
		return Exception{}, err
	}
	e := Exception{Pos: d.pos(n)}
	have := map[string]bool{}
	for _, f := range fields {
		fpath := join(path, f.key)
		have[f.key] = true
		s, err := d.str(f.value, fpath)
		if err != nil {
			return e, err
		}
		switch f.key {
		case "constraint":
			folded, typed, err := d.constraintRef(f.value, fpath, s, "public.audit_log.audit_log_user_id_fkey", `public."User"."User_teamId_fkey"`)
			if err != nil {
				return e, err
			}
			e.Constraint, e.Key, e.typed = s, folded, typed
		case "rule":
			if !contains(names, s) {
				return e, d.errorf(f.value, fpath, "no rule or lint named %q%s", s, didYouMean(s, names))
			}
			e.Rule = s
		case "reason":
			if strings.TrimSpace(s) == "" {
				return e, d.errorf(f.value, fpath, "empty reason (say why this constraint may break the rule)")
			}
			e.Reason = s
		}
	}
	for _, k := range exceptionKeys {
		if !have[k] {
			return e, d.errorf(n, path, "missing %s (%s)", k, exceptionKeyHelp[k])
		}
	}
	return e, nil
}

// exceptionKeyHelp says what each required key holds, for "missing" errors.
var exceptionKeyHelp = map[string]string{
	"constraint": "want schema.table.constraint",
	"rule":       "want the name of a rule or built-in lint",
	"reason":     "an exception must say why; reviewers read it",
}

// Exempt returns the exception that exempts the constraint key from the
// rule or lint named ruleOrLint, if any. An exception's unquoted parts
// match the name as PostgreSQL folds it or as written (see
// ParseConstraintRef), like table names elsewhere in the policy.
func (p *Policy) Exempt(ruleOrLint string, key catalog.ConstraintKey) (Exception, bool) {
	for _, e := range p.Exceptions {
		if e.Rule != ruleOrLint {
			continue
		}
		folded, typed, ok := e.keys()
		if ok && (key == folded || key == typed) {
			return e, true
		}
	}
	return Exception{}, false
}

// keys returns the constraint an exception names, folded and as typed;
// for an Exception built in code rather than parsed, it reads Constraint.
func (e *Exception) keys() (folded, typed catalog.ConstraintKey, ok bool) {
	if e.Key != (catalog.ConstraintKey{}) {
		if e.typed == (catalog.ConstraintKey{}) {
			return e.Key, e.Key, true
		}
		return e.Key, e.typed, true
	}
	parts, err := constraintParts(e.Constraint)
	if err != nil {
		return folded, typed, false
	}
	return foldedKey(parts), typedKey(parts), true
}

// constraintRef reads a schema.table.constraint value, returning it as
// PostgreSQL folds it and as typed; a malformed one is an error at n that
// shows the examples.
func (d *decoder) constraintRef(n *yaml.Node, path, s string, examples ...string) (folded, typed catalog.ConstraintKey, err error) {
	parts, perr := constraintParts(s)
	if perr != nil {
		return folded, typed, d.errorf(n, path, "invalid constraint %q: %s; e.g. %s", s,
			perr.(*ConstraintRefError).Reason, strings.Join(examples, " or "))
	}
	return foldedKey(parts), typedKey(parts), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
