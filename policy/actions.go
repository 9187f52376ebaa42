package policy

import (
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/ondelete/ondelete/catalog"
)

// actionNames are the referential actions as the file spells them.
var actionNames = []string{
	string(catalog.Cascade), string(catalog.SetNull), string(catalog.SetDefault),
	string(catalog.Restrict), string(catalog.NoAction),
}

// actions reads one action or a list of them, normalised and without
// repeats.
func (d *decoder) actions(n *yaml.Node, path string) ([]catalog.Action, error) {
	items, err := d.list(n, path, "an action or a list of actions", true, false)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, d.errorf(n, path, "empty list (want one or more of %s)", orList(actionNames))
	}
	var out []catalog.Action
	for i, item := range items {
		ipath := path
		if n.Kind == yaml.SequenceNode {
			ipath = index(path, i)
		}
		s, err := d.str(item, ipath)
		if err != nil {
			return nil, err
		}
		a, ok := ParseAction(s)
		if !ok {
			return nil, d.errorf(item, ipath, "unknown action %q (want %s%s)", s, orList(actionNames), didYouMean(NormalizeAction(s), actionNames))
		}
		if !containsAction(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// NormalizeAction spells an action the way catalog does: lower case, words
// separated by one space (SET_NULL, "Set  Null" and set-null all become
// "set null").
func NormalizeAction(s string) string {
	s = strings.NewReplacer("_", " ", "-", " ").Replace(strings.ToLower(s))
	return strings.Join(strings.Fields(s), " ")
}

// ParseAction reads a referential action in any of the spellings
// NormalizeAction accepts.
func ParseAction(s string) (catalog.Action, bool) {
	n := NormalizeAction(s)
	for _, a := range actionNames {
		if n == a {
			return catalog.Action(a), true
		}
	}
	return "", false
}

func containsAction(list []catalog.Action, a catalog.Action) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}
