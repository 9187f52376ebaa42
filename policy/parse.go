package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	yaml "go.yaml.in/yaml/v4"
)

// topKeys are the keys of a policy file, in the order they are documented.
var topKeys = []string{"version", "roots", "rules", "exceptions", "lints", "purge"}

// Load reads and validates the policy file at path. A file that cannot be
// read gives the os error wrapped (errors.Is(err, os.ErrNotExist) works);
// a malformed one gives a *ParseError.
func Load(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading policy: %w", err)
	}
	return Parse(data, path)
}

// Parse validates a policy file's contents; file names it in positions.
// The first problem found is returned as a *ParseError saying where it is
// and what was expected. On success every built-in lint has an entry in
// Policy.Lints, defaults filled in. Parse needs no database: names of
// tables and constraints are checked against one by Resolve.
func Parse(data []byte, file string) (*Policy, error) {
	d := &decoder{file: file}
	top, err := d.document(data)
	if err != nil {
		return nil, err
	}
	fields, err := d.mapping(top, "", topKeys)
	if err != nil {
		return nil, err
	}
	byKey := map[string]field{}
	for _, f := range fields {
		byKey[f.key] = f
	}
	p := &Policy{File: file}
	// The version decides what everything else means, so it is read first.
	v, ok := byKey["version"]
	if !ok {
		return nil, d.errorf(top, "", "missing version (want version: %d)", Version)
	}
	if p.Version, err = d.version(v.value); err != nil {
		return nil, err
	}
	if f, ok := byKey["roots"]; ok {
		if p.Roots, err = d.roots(f.value); err != nil {
			return nil, err
		}
	}
	if f, ok := byKey["rules"]; ok {
		if p.Rules, err = d.rules(f.value); err != nil {
			return nil, err
		}
	}
	if f, ok := byKey["exceptions"]; ok {
		if p.Exceptions, err = d.exceptions(f.value, p.Rules); err != nil {
			return nil, err
		}
	}
	var lintsNode *yaml.Node
	if f, ok := byKey["lints"]; ok {
		lintsNode = f.value
	}
	if p.Lints, err = d.lints(lintsNode, p.Roots); err != nil {
		return nil, err
	}
	if f, ok := byKey["purge"]; ok {
		if p.Purge, err = d.purge(f.value); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// document parses data as exactly one YAML document and returns its root
// node. YAML syntax errors become *ParseErrors at the parser's position.
func (d *decoder) document(data []byte) (*yaml.Node, error) {
	l, err := yaml.NewLoader(bytes.NewReader(data))
	if err != nil {
		return nil, d.yamlError(err)
	}
	var doc yaml.Node
	switch err := l.Load(&doc); {
	case errors.Is(err, io.EOF):
		return nil, d.errorf(nil, "", "policy file is empty (want at least version: %d)", Version)
	case err != nil:
		return nil, d.yamlError(err)
	}
	var next yaml.Node
	switch err := l.Load(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, d.yamlError(err)
	default:
		return nil, d.errorf(&next, "", "a second YAML document (---) starts here; a policy file holds one")
	}
	top := &doc
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil, d.errorf(&doc, "", "policy file is empty (want at least version: %d)", Version)
		}
		top = deref(doc.Content[0])
	}
	if isNull(top) {
		return nil, d.errorf(top, "", "policy file is empty (want at least version: %d)", Version)
	}
	if top.Kind != yaml.MappingNode {
		return nil, d.errorf(top, "", "want a mapping with keys %s, found %s", orList(topKeys), describe(top))
	}
	return top, nil
}

// yamlError turns an error from the YAML parser into a *ParseError,
// keeping the parser's position and its words.
func (d *decoder) yamlError(err error) error {
	var le *yaml.LoadError
	if !errors.As(err, &le) {
		return &ParseError{Pos: d.pos(nil), Msg: "invalid YAML: " + err.Error()}
	}
	p := d.pos(nil)
	if le.Mark.Line > 0 {
		p.Line = le.Mark.Line
		if le.Mark.Column > 0 {
			p.Column = le.Mark.Column
		}
	}
	msg := "invalid YAML: " + le.Message
	if le.ContextMsg != "" {
		msg += " (" + le.ContextMsg + ")"
	}
	return &ParseError{Pos: p, Msg: msg}
}

// version reads the version key, which must be the integer 1.
func (d *decoder) version(n *yaml.Node) (int, error) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		return 0, d.errorf(n, "version", "want the integer %d, found %s", Version, describe(n))
	}
	if v, err := strconv.ParseInt(n.Value, 0, 64); err != nil || v != Version {
		return 0, d.errorf(n, "version", "unsupported version %s (this ondelete reads version %d)", n.Value, Version)
	}
	return Version, nil
}
