package check

import (
	"fmt"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/policy"
)

// blockedRootDelete reports every NO ACTION / RESTRICT foreign key in a
// root's deletion graph, however many hops away: deleting a root row fails
// as soon as such a referencing row exists. A definite blocker (its table
// is not deleted by the DELETE) gets the configured severity; a
// conditional one (its table is also deleted through another path, so
// only some rows block) one level lower, see policy.BlockerSeverity. A
// blocker reached from several roots is one finding naming each root.
//
// SET NULL / SET DEFAULT foreign keys that the graph lists as blockers
// because they would write NULL into a NOT NULL column are left to
// set-null-not-null, which reports them schema-wide, so one cause gives
// one finding.
type blockedRootDelete struct{}

func (blockedRootDelete) Info() policy.LintInfo { return lintInfo(policy.LintBlockedRootDelete) }

// rootBlock is one root's view of a blocker.
type rootBlock struct {
	root    catalog.TableName
	blocker *graph.Blocker
}

func (blockedRootDelete) Analyze(p *pass) []Finding {
	var order []catalog.ConstraintKey
	byKey := map[catalog.ConstraintKey][]rootBlock{}
	for i, g := range p.graphs {
		for j := range g.Blockers {
			b := &g.Blockers[j]
			if !b.Action.Blocks() {
				continue
			}
			k := b.Key()
			if _, ok := byKey[k]; !ok {
				order = append(order, k)
			}
			byKey[k] = append(byKey[k], rootBlock{p.roots[i], b})
		}
	}
	var out []Finding
	for _, k := range order {
		fk := p.fks[k]
		if fk == nil {
			continue // the graph only lists constraints of the snapshot
		}
		out = append(out, p.blockedFinding(fk, byKey[k]))
	}
	return out
}

// blockedFinding builds the finding for one blocking constraint reached
// from one or more roots.
func (p *pass) blockedFinding(fk *catalog.ForeignKey, blocks []rootBlock) Finding {
	f := p.finding(fk)
	f.Severity = policy.Off
	definite := false
	var roots, reasons []string
	for _, rb := range blocks {
		d := rb.blocker.Kind == graph.Definite
		definite = definite || d
		if s := policy.BlockerSeverity(p.severity, d); s.Rank() > f.Severity.Rank() {
			f.Severity = s
		}
		roots = append(roots, rb.root.String())
		reasons = append(reasons, fmt.Sprintf("From %s, a %s blocker (path %s): %s",
			rb.root, rb.blocker.Kind, strings.Join(rb.blocker.Path, " → "), rb.blocker.Reason))
	}
	kind := string(graph.Conditional)
	if definite {
		kind = string(graph.Definite)
	}
	f.Found = fmt.Sprintf("ON DELETE %s (%s blocker of %s)", fk.OnDelete.SQL(), kind, strings.Join(roots, ", "))
	f.Expected = "ON DELETE CASCADE or SET NULL (no blocker in a root's deletion graph)"
	f.Message = fmt.Sprintf("%s can make a DELETE of %s fail. %s.",
		fk.Key(), strings.Join(roots, " and "), strings.Join(reasons, ". "))
	f.Fix = actionFix(fk, p.table(fk.TableName()))
	return f
}

// actionFix rebuilds fk with ON DELETE CASCADE, and names SET NULL as the
// alternative when the referencing rows could keep existing with NULL
// keys (making NOT NULL columns nullable when needed; not when they are
// part of the primary key).
func actionFix(fk *catalog.ForeignKey, t *catalog.Table) string {
	cascade := redefineOf(fk)
	cascade.onDelete = catalog.Cascade
	fix := "-- delete the referencing rows with the referenced row:\n" + rebuildSQL(fk, t, cascade)
	if !canSetNull(fk, t) {
		return fix
	}
	setNull := redefineOf(fk)
	setNull.onDelete = catalog.SetNull
	alt := "-- or, to keep the referencing rows and clear their reference instead"
	if !nullable(fk, t) {
		alt += " (this makes the columns nullable)"
	}
	return fix + "\n" + alt + ":\n" + comment(rebuildSQL(fk, t, setNull))
}
