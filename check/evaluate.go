package check

import (
	"errors"
	"fmt"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/policy"
)

// Version is the version of the check result contract (the JSON printed by
// `ondelete check --format json`). New fields may appear within a version;
// listed ones keep their meaning.
const Version = 1

// ErrInvalidPolicy is wrapped by Evaluate when a policy built in code
// holds a value no policy file could (an unknown severity).
var ErrInvalidPolicy = errors.New("invalid policy")

// Evaluate checks s against p: the policy's rules, then every built-in
// lint not configured off. It is pure and deterministic: the same snapshot
// and policy always give the same Result.
//
// Roots are resolved with p.Resolve; names that select nothing become
// Result.PolicyWarnings, a root that is ambiguous is an error. One
// graph.Builder indexes the snapshot once and builds each root's deletion
// graph. Findings exempted by an exception are dropped and counted in
// Summary.Exempted. Findings are sorted (severity, schema, table,
// constraint, rule) and deduplicated by Finding.Key.
func Evaluate(s *catalog.Snapshot, p *policy.Policy, opts Options) (*Result, error) {
	if s == nil || p == nil {
		return nil, errors.New("check: Evaluate needs a snapshot and a policy")
	}
	roots, warnings, err := p.Resolve(s)
	if err != nil {
		return nil, fmt.Errorf("resolving the policy's roots: %w", err)
	}
	if len(p.Roots) == 0 {
		warnings = append(warnings, "the policy names no roots: blocked-root-delete and orphan-owner-column have nothing to check (add roots: [users])")
	}
	// Findings quote one path per blocker (the shortest), so a single kept
	// path per table is enough and keeps large schemas fast.
	b, err := graph.NewBuilder(s, graph.Options{MaxPaths: 1})
	if err != nil {
		return nil, fmt.Errorf("indexing the schema: %w", err)
	}
	graphs := make([]*graph.Graph, len(roots))
	for i, r := range roots {
		if graphs[i], err = b.Build(r); err != nil {
			return nil, fmt.Errorf("building the deletion graph of %s: %w", r, err)
		}
	}
	base := newPass(s, p, roots, graphs)
	findings := checkRules(base)
	for _, a := range analyzers {
		info := a.Info()
		cfg := p.Lint(info.Name)
		sev := cfg.Severity
		if sev == "" {
			sev = info.Default
		}
		switch sev {
		case policy.Off:
			continue
		case policy.Error, policy.Warning:
		default:
			return nil, fmt.Errorf("%w: lint %s has severity %q (want off, warning or error)", ErrInvalidPolicy, info.Name, sev)
		}
		findings = append(findings, a.Analyze(base.forLint(info, cfg, sev))...)
	}
	kept, exempted := exempt(p, findings)
	r := &Result{Version: Version, Findings: dedupe(sortFindings(kept)), PolicyWarnings: warnings}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	r.Summary.Exempted = exempted
	r.summarize()
	return r, nil
}

// exempt drops the findings an exception of p covers and counts them. An
// orphan-owner-column finding has no constraint; an exception names its
// column in the constraint's place (schema.table.column).
func exempt(p *policy.Policy, fs []Finding) ([]Finding, int) {
	if len(p.Exceptions) == 0 {
		return fs, 0
	}
	out := fs[:0]
	n := 0
	for _, f := range fs {
		name := f.Constraint
		if name == "" && len(f.Columns) == 1 {
			name = f.Columns[0]
		}
		if _, ok := p.Exempt(f.Rule, catalog.ConstraintKey{Schema: f.Schema, Table: f.Table, Name: name}); ok {
			n++
			continue
		}
		out = append(out, f)
	}
	return out, n
}
