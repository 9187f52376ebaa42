package policy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/ident"
)

// Resolve checks the policy's names against a snapshot. It returns the
// root tables (in file order, each once) and warnings, one line each in
// the file:line:col: path: msg form, for names that select nothing: a root
// naming no table (with the closest names), a rule whose match selects no
// foreign key, an exception naming a constraint that does not exist or one
// its rule never selects. These are warnings rather than errors because a
// policy is shared across environments whose schemas may lag behind. A
// root that matches tables in several schemas is an error (*ParseError):
// guessing would check the wrong table.
func (p *Policy) Resolve(s *catalog.Snapshot) (roots []catalog.TableName, warnings []string, err error) {
	seen := map[catalog.TableName]int{}
	for i, r := range p.Roots {
		path := index("roots", i)
		t, err := graph.ResolveTable(s, r.Name)
		var notFound *graph.TableNotFoundError
		switch {
		case errors.As(err, &notFound):
			warnings = append(warnings, warningf(r.Pos, path, "root ignored: %v", err))
			continue
		case err != nil:
			return nil, nil, &ParseError{Pos: r.Pos, Path: path, Msg: err.Error()}
		}
		if j, ok := seen[t]; ok {
			warnings = append(warnings, warningf(r.Pos, path, "%s is the same table as roots[%d]", t, j))
			continue
		}
		seen[t] = i
		roots = append(roots, t)
	}
	fks := make(map[catalog.ConstraintKey]*catalog.ForeignKey, len(s.ForeignKeys))
	for i := range s.ForeignKeys {
		fks[s.ForeignKeys[i].Key()] = &s.ForeignKeys[i]
	}
	rules := map[string]*Rule{}
	for i := range p.Rules {
		r := &p.Rules[i]
		rules[r.Name] = r
		if !selectsAny(r.Match, s) {
			warnings = append(warnings, warningf(r.Pos, index("rules", i), "rule %q matches no foreign key%s", r.Name, matchHint(r.Match, s)))
		}
	}
	for i := range p.Exceptions {
		e := &p.Exceptions[i]
		path := index("exceptions", i)
		folded, typed, ok := e.keys()
		if !ok {
			warnings = append(warnings, warningf(e.Pos, path, "invalid constraint %q", e.Constraint))
			continue
		}
		fk := fks[folded]
		if fk == nil {
			fk = fks[typed]
		}
		if fk == nil && e.Rule == LintOrphanOwnerColumn {
			// orphan-owner-column findings have no constraint: the
			// exception names schema.table.column instead.
			if hasColumn(s, folded) || hasColumn(s, typed) {
				continue
			}
			warnings = append(warnings, warningf(e.Pos, path, "column %s not found", folded))
			continue
		}
		if fk == nil {
			warnings = append(warnings, warningf(e.Pos, path, "constraint %s not found%s", folded, constraintHint(s, folded, typed)))
			continue
		}
		if r, ok := rules[e.Rule]; ok && !r.Match.MatchesFK(fk) {
			warnings = append(warnings, warningf(e.Pos, path, "exception never applies: rule %q does not match %s", e.Rule, fk.Key()))
		}
	}
	for i, t := range p.Purge.Through {
		if findFK(s, t.Key, t.typed) == nil {
			warnings = append(warnings, warningf(t.Pos, index("purge.through", i), "constraint %s not found%s", t.Key, constraintHint(s, t.Key, t.typed)))
		}
	}
	return roots, warnings, nil
}

// selectsAny reports whether m matches at least one foreign key of s.
func selectsAny(m Match, s *catalog.Snapshot) bool {
	for i := range s.ForeignKeys {
		if m.MatchesFK(&s.ForeignKeys[i]) {
			return true
		}
	}
	return false
}

// matchHint explains an empty match when it names a table (no pattern)
// that does not exist: " (references: table usrs not found; did you mean
// users?)".
func matchHint(m Match, s *catalog.Snapshot) string {
	for _, f := range []struct{ key, value string }{{"references", m.References}, {"table", m.Table}} {
		if f.value == "" || strings.ContainsAny(f.value, "*?[\\") {
			continue
		}
		if _, err := graph.ResolveTable(s, f.value); err != nil {
			var notFound *graph.TableNotFoundError
			if errors.As(err, &notFound) {
				return fmt.Sprintf(" (%s: %v)", f.key, err)
			}
		}
	}
	return ""
}

// constraintHint suggests the closest foreign key of the table an
// exception names, or the closest table when that does not exist.
func constraintHint(s *catalog.Snapshot, keys ...catalog.ConstraintKey) string {
	for _, k := range keys {
		var names []string
		for i := range s.ForeignKeys {
			fk := &s.ForeignKeys[i]
			if fk.Schema == k.Schema && fk.Table == k.Table {
				names = append(names, fk.Name)
			}
		}
		if s.Table(catalog.TableName{Schema: k.Schema, Name: k.Table}) == nil {
			continue
		}
		if c := closest(k.Name, names); c != "" {
			return fmt.Sprintf("; did you mean %s?", catalog.ConstraintKey{Schema: k.Schema, Table: k.Table, Name: c})
		}
		return fmt.Sprintf(" (table %s has %d foreign key%s)", catalog.TableName{Schema: k.Schema, Name: k.Table}, len(names), plural(len(names)))
	}
	table := catalog.TableName{Schema: keys[0].Schema, Name: keys[0].Table}
	var notFound *graph.TableNotFoundError
	if _, err := graph.ResolveTable(s, ident.DisplayQualified(table.Schema, table.Name)); errors.As(err, &notFound) {
		return " (" + err.Error() + ")"
	}
	return ""
}

// hasColumn reports whether k, read as schema.table.column, names a column
// of a table in s.
func hasColumn(s *catalog.Snapshot, k catalog.ConstraintKey) bool {
	t := s.Table(catalog.TableName{Schema: k.Schema, Name: k.Table})
	return t != nil && t.Column(k.Name) != nil
}
