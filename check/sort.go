package check

import (
	"slices"
	"sort"
	"strings"

	"github.com/ondelete/ondelete/policy"
)

// sortFindings orders findings the way every output shows them: errors
// first, then by schema, table, constraint, rule, columns and code, so
// that output and golden files are stable.
func sortFindings(fs []Finding) []Finding {
	sort.SliceStable(fs, func(i, j int) bool { return findingLess(&fs[i], &fs[j]) })
	return fs
}

func findingLess(a, b *Finding) bool {
	if ra, rb := a.Severity.Rank(), b.Severity.Rank(); ra != rb {
		return ra > rb
	}
	if a.Schema != b.Schema {
		return a.Schema < b.Schema
	}
	if a.Table != b.Table {
		return a.Table < b.Table
	}
	if a.Constraint != b.Constraint {
		return a.Constraint < b.Constraint
	}
	if a.Rule != b.Rule {
		return a.Rule < b.Rule
	}
	if c := slices.Compare(a.Columns, b.Columns); c != 0 {
		return c < 0
	}
	return a.Code < b.Code
}

// dedupe keeps the first finding of each Finding.Key in sorted findings:
// the most severe one, since sorting puts errors first.
func dedupe(fs []Finding) []Finding {
	seen := make(map[string]bool, len(fs))
	out := fs[:0]
	for _, f := range fs {
		k := f.Key()
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	return out
}

// summarize recounts the summary from the findings and fixed entries,
// keeping Exempted, which only Evaluate knows.
func (r *Result) summarize() {
	s := Summary{Exempted: r.Summary.Exempted, Fixed: len(r.Fixed)}
	for i := range r.Findings {
		f := &r.Findings[i]
		switch {
		case f.Baselined:
			s.Baselined++
		case f.Severity == policy.Error:
			s.Errors++
		case f.Severity == policy.Warning:
			s.Warnings++
		}
	}
	r.Summary = s
}

// entryLess orders baseline entries by rule, schema, table, constraint and
// columns.
func entryLess(a, b *BaselineEntry) bool {
	if a.Rule != b.Rule {
		return a.Rule < b.Rule
	}
	if a.Schema != b.Schema {
		return a.Schema < b.Schema
	}
	if a.Table != b.Table {
		return a.Table < b.Table
	}
	if a.Constraint != b.Constraint {
		return a.Constraint < b.Constraint
	}
	return strings.Join(a.Columns, "\x00") < strings.Join(b.Columns, "\x00")
}
