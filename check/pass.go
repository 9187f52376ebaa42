package check

import (
	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/policy"
)

// analyzer is one built-in lint. Analyze reports every violation it finds
// in the pass with the pass's configured severity (or, for
// blocked-root-delete, a severity derived from it); exceptions, sorting
// and deduplication are the engine's job, so an analyzer only looks.
type analyzer interface {
	Info() policy.LintInfo
	Analyze(p *pass) []Finding
}

// analyzers lists the built-in lints in code order; TestAnalyzersMatchRegistry
// keeps it in step with policy.Lints.
var analyzers = []analyzer{
	blockedRootDelete{},
	setNullNotNull{},
	cascadingSelfReference{},
	unindexedCascade{},
	notValid{},
	nonconventionalName{},
	orphanOwnerColumn{},
	overlappingFKs{},
}

// lintInfo returns the registry entry of a built-in lint. The names are
// constants of package policy, so a miss is a programming error.
func lintInfo(name string) policy.LintInfo {
	info, ok := policy.LintByName(name)
	if !ok {
		panic("check: no built-in lint named " + name)
	}
	return info
}

// pass is what an analyzer reads: the snapshot with lookups built once,
// the resolved roots with their deletion graphs, and the configuration of
// the lint being run. Analyzers must not modify it.
type pass struct {
	snap   *catalog.Snapshot
	policy *policy.Policy
	// roots are the resolved roots in policy order; graphs[i] is the
	// deletion graph of roots[i].
	roots  []catalog.TableName
	graphs []*graph.Graph
	tables map[catalog.TableName]*catalog.Table
	fks    map[catalog.ConstraintKey]*catalog.ForeignKey
	// names is shared by every lint's copy of the pass.
	names *relationNames

	// info and config describe the lint being run; severity is the
	// configured severity (never off: disabled lints do not run).
	info     policy.LintInfo
	config   policy.LintConfig
	severity policy.Severity
}

// newPass indexes s for the analyzers.
func newPass(s *catalog.Snapshot, p *policy.Policy, roots []catalog.TableName, graphs []*graph.Graph) *pass {
	ps := &pass{
		snap: s, policy: p, roots: roots, graphs: graphs,
		tables: make(map[catalog.TableName]*catalog.Table, len(s.Tables)),
		fks:    make(map[catalog.ConstraintKey]*catalog.ForeignKey, len(s.ForeignKeys)),
		names:  &relationNames{snap: s},
	}
	for i := range s.Tables {
		ps.tables[s.Tables[i].TableName()] = &s.Tables[i]
	}
	for i := range s.ForeignKeys {
		ps.fks[s.ForeignKeys[i].Key()] = &s.ForeignKeys[i]
	}
	return ps
}

// forLint returns a copy of the pass configured for one lint.
func (p *pass) forLint(info policy.LintInfo, cfg policy.LintConfig, sev policy.Severity) *pass {
	c := *p
	c.info, c.config, c.severity = info, cfg, sev
	return &c
}

// table returns the catalog table, or nil when the snapshot does not list
// it (a foreign key into a schema that was not inspected).
func (p *pass) table(n catalog.TableName) *catalog.Table { return p.tables[n] }

// finding starts a finding of the running lint about fk, with the
// configured severity and the constraint's source.
func (p *pass) finding(fk *catalog.ForeignKey) Finding {
	return fkFinding(p.info.Name, p.info.Code, p.severity, fk)
}

// fkFinding starts a finding about fk.
func fkFinding(rule, code string, sev policy.Severity, fk *catalog.ForeignKey) Finding {
	f := Finding{
		Rule: rule, Code: code, Severity: sev,
		Schema: fk.Schema, Table: fk.Table, Constraint: fk.Name,
		Columns: append([]string(nil), fk.Columns...),
	}
	if fk.Source != nil {
		src := *fk.Source
		f.Source = &src
	}
	return f
}
