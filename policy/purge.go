package policy

import (
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/ondelete/ondelete/catalog"
)

// Purge is the purge section: how `ondelete purge` may go beyond what a
// plain DELETE does.
type Purge struct {
	// Through lists NO ACTION / RESTRICT foreign keys whose referencing
	// rows purge deletes (children first) instead of refusing to start.
	// A blocker is usually a bug to fix in the schema; this is for the
	// rows a team has decided belong to the user after all but cannot
	// yet cascade (an audit table shared with a legacy service).
	Through []PurgeThrough
	Pos     Position
}

// PurgeThrough is one constraint purge may delete through, with the reason
// a reviewer reads.
type PurgeThrough struct {
	// Constraint is schema.table.constraint as written.
	Constraint string
	// Key is Constraint as PostgreSQL reads it (see ParseConstraintRef).
	Key    catalog.ConstraintKey
	Reason string
	Pos    Position

	// typed is Constraint with unquoted parts as written.
	typed catalog.ConstraintKey
}

var (
	purgeKeys        = []string{"through"}
	purgeThroughKeys = []string{"constraint", "reason"}
)

// purge reads the purge section.
func (d *decoder) purge(n *yaml.Node) (Purge, error) {
	p := Purge{Pos: d.pos(n)}
	if isNull(deref(n)) {
		return p, nil
	}
	fields, err := d.mapping(n, "purge", purgeKeys)
	if err != nil {
		return p, err
	}
	for _, f := range fields {
		items, err := d.list(f.value, "purge.through", "a list of {constraint, reason}", false, true)
		if err != nil {
			return p, err
		}
		seen := map[catalog.ConstraintKey]int{}
		for i, item := range items {
			path := index("purge.through", i)
			t, err := d.purgeThrough(item, path)
			if err != nil {
				return p, err
			}
			if first, ok := seen[t.Key]; ok {
				return p, d.errorf(item, path, "duplicate entry for %s (first at line %d)", t.Key, first)
			}
			seen[t.Key] = t.Pos.Line
			p.Through = append(p.Through, t)
		}
	}
	return p, nil
}

// purgeThrough reads one entry of purge.through; both keys are required.
func (d *decoder) purgeThrough(n *yaml.Node, path string) (PurgeThrough, error) {
	fields, err := d.mapping(n, path, purgeThroughKeys)
	if err != nil {
		return PurgeThrough{}, err
	}
	t := PurgeThrough{Pos: d.pos(n)}
	have := map[string]bool{}
	for _, f := range fields {
		fpath := join(path, f.key)
		have[f.key] = true
		s, err := d.str(f.value, fpath)
		if err != nil {
			return t, err
		}
		switch f.key {
		case "constraint":
			folded, typed, err := d.constraintRef(f.value, fpath, s, "public.audit_log.audit_log_user_id_fkey")
			if err != nil {
				return t, err
			}
			t.Constraint, t.Key, t.typed = s, folded, typed
		case "reason":
			if strings.TrimSpace(s) == "" {
				return t, d.errorf(f.value, fpath, "empty reason (say why purge may delete these rows)")
			}
			t.Reason = s
		}
	}
	for _, k := range purgeThroughKeys {
		if !have[k] {
			help := "want schema.table.constraint"
			if k == "reason" {
				help = "say why purge may delete the rows this constraint protects"
			}
			return t, d.errorf(n, path, "missing %s (%s)", k, help)
		}
	}
	return t, nil
}

// PurgeThroughKeys returns the constraints of purge.through that exist in
// s (matched as PostgreSQL folds the name or as written), for
// purge.Options.Through. Entries naming no constraint are reported by
// Resolve as warnings.
func (p *Policy) PurgeThroughKeys(s *catalog.Snapshot) []catalog.ConstraintKey {
	var out []catalog.ConstraintKey
	for _, t := range p.Purge.Through {
		if fk := findFK(s, t.Key, t.typed); fk != nil {
			out = append(out, fk.Key())
		}
	}
	return out
}

// findFK returns the foreign key named by either spelling, or nil.
func findFK(s *catalog.Snapshot, keys ...catalog.ConstraintKey) *catalog.ForeignKey {
	for _, k := range keys {
		if k == (catalog.ConstraintKey{}) {
			continue
		}
		for i := range s.ForeignKeys {
			if s.ForeignKeys[i].Key() == k {
				return &s.ForeignKeys[i]
			}
		}
	}
	return nil
}
