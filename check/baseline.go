package check

import "sort"

// Key identifies a baseline entry the way Finding.Key identifies the
// finding it was recorded from.
func (e *BaselineEntry) Key() string {
	f := Finding{Rule: e.Rule, Schema: e.Schema, Table: e.Table, Constraint: e.Constraint, Columns: e.Columns}
	return f.Key()
}

// BaselineOf returns today's findings as baseline entries, sorted and
// without duplicates, for `--baseline` to record so that only new
// findings fail from then on. Messages, severities and fixes are not
// recorded: a finding stays baselined when its wording improves.
func BaselineOf(r *Result) []BaselineEntry {
	out := []BaselineEntry{}
	seen := map[string]bool{}
	for i := range r.Findings {
		f := &r.Findings[i]
		k := f.Key()
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, BaselineEntry{Rule: f.Rule, Schema: f.Schema, Table: f.Table, Constraint: f.Constraint,
			Columns: append([]string(nil), f.Columns...)})
	}
	sort.Slice(out, func(i, j int) bool { return entryLess(&out[i], &out[j]) })
	return out
}

// ApplyBaseline marks the findings of r that entries record as Baselined
// (reported, but not counted as errors or warnings, so they do not fail
// the check), lists the entries no longer found in r.Fixed (sorted) so a
// reader sees what was fixed since and can shrink the baseline, and
// recounts the summary. Applying a baseline again replaces the previous
// one's effect.
func ApplyBaseline(r *Result, entries []BaselineEntry) {
	recorded := make(map[string]bool, len(entries))
	for i := range entries {
		recorded[entries[i].Key()] = true
	}
	present := make(map[string]bool, len(r.Findings))
	for i := range r.Findings {
		f := &r.Findings[i]
		k := f.Key()
		present[k] = true
		f.Baselined = recorded[k]
	}
	r.Fixed = nil
	seen := map[string]bool{}
	for _, e := range entries {
		k := e.Key()
		if present[k] || seen[k] {
			continue
		}
		seen[k] = true
		r.Fixed = append(r.Fixed, e)
	}
	sort.Slice(r.Fixed, func(i, j int) bool { return entryLess(&r.Fixed[i], &r.Fixed[j]) })
	r.summarize()
}
