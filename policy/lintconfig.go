package policy

import (
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

var severityNames = []string{string(Off), string(Warning), string(Error)}

// lints reads the lints mapping (n may be nil when the file has none) and
// returns the configuration of every built-in lint: what the file says,
// else the lint's default. roots feed the default column patterns of
// orphan-owner-column.
func (d *decoder) lints(n *yaml.Node, roots []Root) (map[string]LintConfig, error) {
	out := make(map[string]LintConfig, len(Lints))
	for _, l := range Lints {
		out[l.Name] = LintConfig{Severity: l.Default}
	}
	out[LintOrphanOwnerColumn] = LintConfig{Severity: out[LintOrphanOwnerColumn].Severity, Columns: ownerColumnsOfRoots(roots)}
	if n == nil || isNull(n) {
		return out, nil
	}
	fields, err := d.mappingOf(n, "lints", func(key string, keyN *yaml.Node) error {
		if _, ok := LintByName(key); !ok {
			return d.errorf(keyN, "lints", "unknown lint %q (want one of %s%s)", key, strings.Join(lintNames(), ", "), didYouMean(key, lintNames()))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		cfg, err := d.lintConfig(f, out[f.key])
		if err != nil {
			return nil, err
		}
		out[f.key] = cfg
	}
	return out, nil
}

// lintConfig reads one lint's setting: a severity, or a mapping with a
// severity and the lint's options. def is the default it starts from.
func (d *decoder) lintConfig(f field, def LintConfig) (LintConfig, error) {
	path := join("lints", f.key)
	cfg := def
	cfg.Pos = d.pos(f.keyN)
	if f.value.Kind != yaml.MappingNode {
		if f.value.Kind != yaml.ScalarNode || isNull(f.value) {
			return cfg, d.errorf(f.value, path, "want %s, or a mapping with severity%s, found %s",
				orList(severityNames), optionsHint(f.key), describe(f.value))
		}
		sev, err := d.severity(f.value, path)
		cfg.Severity = sev
		return cfg, err
	}
	keys := []string{"severity"}
	if f.key == LintOrphanOwnerColumn {
		keys = append(keys, "columns")
	}
	fields, err := d.mappingOf(f.value, path, func(key string, keyN *yaml.Node) error {
		if contains(keys, key) {
			return nil
		}
		if key == "columns" {
			return d.errorf(keyN, path, "columns applies only to %s (want severity)", LintOrphanOwnerColumn)
		}
		return d.errorf(keyN, path, "unknown key %q (want %s%s)", key, orList(keys), didYouMean(key, keys))
	})
	if err != nil {
		return cfg, err
	}
	for _, o := range fields {
		opath := join(path, o.key)
		switch o.key {
		case "severity":
			if cfg.Severity, err = d.severity(o.value, opath); err != nil {
				return cfg, err
			}
		case "columns":
			if cfg.Columns, err = d.columnGlobs(o.value, opath); err != nil {
				return cfg, err
			}
		}
	}
	return cfg, nil
}

// optionsHint names the options a lint takes, for type errors.
func optionsHint(lint string) string {
	if lint == LintOrphanOwnerColumn {
		return " and columns"
	}
	return ""
}

// severity reads off, warning or error (any case).
func (d *decoder) severity(n *yaml.Node, path string) (Severity, error) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		hint := ""
		if n.ShortTag() == "!!bool" {
			hint = " (write off to disable a lint)"
		}
		return "", d.errorf(n, path, "want %s, found %s%s", orList(severityNames), describe(n), hint)
	}
	s := strings.ToLower(strings.TrimSpace(n.Value))
	for _, name := range severityNames {
		if s == name {
			return Severity(name), nil
		}
	}
	return "", d.errorf(n, path, "unknown severity %q (want %s%s)", n.Value, orList(severityNames), didYouMean(n.Value, severityNames))
}

// columnGlobs reads orphan-owner-column's column patterns.
func (d *decoder) columnGlobs(n *yaml.Node, path string) ([]string, error) {
	items, err := d.list(n, path, "a list of column name patterns", true, false)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, d.errorf(n, path, "empty list (omit columns for the default derived from roots, or set the lint off)")
	}
	out := make([]string, 0, len(items))
	for i, item := range items {
		ipath := index(path, i)
		if n.Kind != yaml.SequenceNode {
			ipath = path
		}
		s, err := d.str(item, ipath)
		if err != nil {
			return nil, err
		}
		if _, err := singlePattern(s); err != nil {
			return nil, d.errorf(item, ipath, "invalid column pattern %q: %v", s, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// Lint returns the configuration of the built-in lint name: the policy's,
// or the lint's default when the policy (for instance one built in code)
// has none. An unknown name is off.
func (p *Policy) Lint(name string) LintConfig {
	if c, ok := p.Lints[name]; ok {
		return c
	}
	info, ok := LintByName(name)
	if !ok {
		return LintConfig{Severity: Off}
	}
	c := LintConfig{Severity: info.Default}
	if name == LintOrphanOwnerColumn {
		c.Columns = ownerColumnsOfRoots(p.Roots)
	}
	return c
}
