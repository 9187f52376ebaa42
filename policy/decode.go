package policy

import (
	"fmt"
	"strconv"

	yaml "go.yaml.in/yaml/v4"
)

// decoder walks the YAML node tree of one policy file, turning every
// mismatch with the expected shape into a *ParseError at the offending
// node. Working on nodes rather than decoding into structs is what lets
// every message carry a position and say what was expected.
type decoder struct {
	file string
}

// pos returns the position of n (1:1 when the parser gave none).
func (d *decoder) pos(n *yaml.Node) Position {
	p := Position{File: d.file, Line: 1, Column: 1}
	if n != nil && n.Line > 0 {
		p.Line = n.Line
		if n.Column > 0 {
			p.Column = n.Column
		}
	}
	return p
}

// errorf returns a *ParseError at n.
func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) *ParseError {
	return &ParseError{Pos: d.pos(n), Path: path, Msg: fmt.Sprintf(format, args...)}
}

// field is one key of a mapping with its (alias-resolved) value.
type field struct {
	key   string
	keyN  *yaml.Node
	value *yaml.Node
}

// maxAliasHops bounds alias chains, which YAML does not let form a loop
// but a hostile file should not get to test.
const maxAliasHops = 16

// deref follows aliases to the node they stand for.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < maxAliasHops; i++ {
		n = n.Alias
	}
	return n
}

// mapping checks that n is a mapping whose keys are distinct strings among
// allowed, and returns its fields in file order. Unknown keys are errors
// with a did-you-mean, never silently ignored: a typo in a policy must not
// turn a check off.
func (d *decoder) mapping(n *yaml.Node, path string, allowed []string) ([]field, error) {
	return d.mappingOf(n, path, func(key string, keyN *yaml.Node) error {
		for _, a := range allowed {
			if key == a {
				return nil
			}
		}
		return d.errorf(keyN, path, "unknown key %q (want %s%s)", key, orList(allowed), didYouMean(key, allowed))
	})
}

// mappingOf is mapping with a caller-supplied key check (lints takes any
// lint name as a key).
func (d *decoder) mappingOf(n *yaml.Node, path string, check func(string, *yaml.Node) error) ([]field, error) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return nil, d.errorf(n, path, "want a mapping, found %s", describe(n))
	}
	seen := map[string]*yaml.Node{}
	var fields []field
	for i := 0; i+1 < len(n.Content); i += 2 {
		keyN := deref(n.Content[i])
		switch {
		case keyN.Kind == yaml.ScalarNode && keyN.ShortTag() == "!!merge":
			return nil, d.errorf(keyN, path, "merge keys (<<) are not supported; write the keys out")
		case keyN.Kind != yaml.ScalarNode:
			return nil, d.errorf(keyN, path, "want a key name, found %s", describe(keyN))
		}
		key := keyN.Value
		if first, ok := seen[key]; ok {
			return nil, d.errorf(keyN, path, "duplicate key %q (first at line %d)", key, d.pos(first).Line)
		}
		seen[key] = keyN
		if err := check(key, keyN); err != nil {
			return nil, err
		}
		fields = append(fields, field{key: key, keyN: keyN, value: deref(n.Content[i+1])})
	}
	return fields, nil
}

// str reads a string scalar. Other scalars are refused rather than turned
// into text, so that `on_delete: null` or `name: true` is reported.
func (d *decoder) str(n *yaml.Node, path string) (string, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		hint := ""
		if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
			hint = " (quote it if you mean the text)"
		}
		return "", d.errorf(n, path, "want a string, found %s%s", describe(n), hint)
	}
	return n.Value, nil
}

// boolean reads true or false.
func (d *decoder) boolean(n *yaml.Node, path string) (bool, error) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		// YAML 1.2 booleans: true, True, TRUE and the same for false.
		if b, err := strconv.ParseBool(n.Value); err == nil {
			return b, nil
		}
	}
	return false, d.errorf(n, path, "want true or false, found %s", describe(n))
}

// list returns the items of a sequence. With scalarOK, a single scalar
// stands for a one-item list (on_delete: cascade). A null value is an empty
// list only when nullOK.
func (d *decoder) list(n *yaml.Node, path, what string, scalarOK, nullOK bool) ([]*yaml.Node, error) {
	n = deref(n)
	switch {
	case n.Kind == yaml.SequenceNode:
		items := make([]*yaml.Node, len(n.Content))
		for i, c := range n.Content {
			items[i] = deref(c)
		}
		return items, nil
	case isNull(n) && nullOK:
		return nil, nil
	case n.Kind == yaml.ScalarNode && scalarOK && !isNull(n):
		return []*yaml.Node{n}, nil
	}
	return nil, d.errorf(n, path, "want %s, found %s", what, describe(n))
}

// isNull reports whether n is an explicit or implicit null (`key:` with
// nothing after it).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// index returns path[i].
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// join returns path.key.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe says what a node is, for "want X, found Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing (null)"
		case "!!str":
			return fmt.Sprintf("the string %q", n.Value)
		case "!!bool":
			return "the boolean " + n.Value
		case "!!int":
			return "the integer " + n.Value
		case "!!float":
			return "the number " + n.Value
		default:
			return fmt.Sprintf("a value tagged %s", n.ShortTag())
		}
	}
	return "an unexpected node"
}
