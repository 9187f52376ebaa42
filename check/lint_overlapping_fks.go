package check

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/policy"
)

// overlappingFKs reports two or more foreign keys of one table over the
// same set of columns (in any order) to the same table, typically left
// over from a half-finished replacement (ADD the new key, forget to DROP
// the old one under its other name). PostgreSQL enforces every one of
// them: with different ON DELETE actions the strictest wins or the result
// depends on trigger order, and even identical keys double the checking
// on every write.
//
// One key of each group is kept: the one with the conventional name (what
// a migration would DROP or re-create), else a validated one, else the
// first by name. Each of the others gets a finding with the DROP that
// removes it.
type overlappingFKs struct{}

func (overlappingFKs) Info() policy.LintInfo { return lintInfo(policy.LintOverlappingFKs) }

// overlapKey groups foreign keys by table, column set and referenced table.
type overlapKey struct {
	table, ref catalog.TableName
	columns    string
}

func (overlappingFKs) Analyze(p *pass) []Finding {
	groups := map[overlapKey][]*catalog.ForeignKey{}
	var order []overlapKey
	for i := range p.snap.ForeignKeys {
		fk := &p.snap.ForeignKeys[i]
		cols := slices.Clone(fk.Columns)
		sort.Strings(cols)
		k := overlapKey{fk.TableName(), fk.RefTableName(), strings.Join(cols, "\x00")}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], fk)
	}
	var out []Finding
	for _, k := range order {
		g := groups[k]
		if len(g) < 2 {
			continue
		}
		sort.SliceStable(g, func(i, j int) bool { return keepBefore(g[i], g[j]) })
		keep := g[0]
		for _, fk := range g[1:] {
			out = append(out, p.overlapFinding(fk, keep, g))
		}
	}
	return out
}

// keepBefore orders the keys of a group, the one to keep first.
func keepBefore(a, b *catalog.ForeignKey) bool {
	if a.ConventionalName != b.ConventionalName {
		return a.ConventionalName
	}
	if a.Validated != b.Validated {
		return a.Validated
	}
	return a.Name < b.Name
}

// overlapFinding reports fk as overlapping keep, in group g.
func (p *pass) overlapFinding(fk, keep *catalog.ForeignKey, g []*catalog.ForeignKey) Finding {
	f := p.finding(fk)
	var names []string
	for _, o := range g {
		names = append(names, fmt.Sprintf("%s (ON DELETE %s)", ident.Display(o.Name), o.OnDelete.SQL()))
	}
	f.Found = fmt.Sprintf("%d foreign keys over (%s) to %s: %s", len(g), columnsDisplay(fk.Columns), fk.RefTableName(), strings.Join(names, ", "))
	f.Expected = "one foreign key, " + ident.Display(keep.Name)
	drop := "ALTER TABLE " + fk.TableName().Quoted() + " DROP CONSTRAINT " + ident.Quote(fk.Name) + ";"
	if fk.OnDelete == keep.OnDelete && fk.OnUpdate == keep.OnUpdate {
		f.Message = fmt.Sprintf("%s duplicates %s (same columns, same referenced table, same actions): PostgreSQL checks both on every write for nothing.",
			fk.Key(), ident.Display(keep.Name))
		f.Fix = drop
		return f
	}
	f.Message = fmt.Sprintf("%s overlaps %s with different actions (ON DELETE %s vs %s, ON UPDATE %s vs %s): PostgreSQL enforces both, so a DELETE does what the stricter key allows, or depends on trigger order.",
		fk.Key(), ident.Display(keep.Name), fk.OnDelete.SQL(), keep.OnDelete.SQL(), fk.OnUpdate.SQL(), keep.OnUpdate.SQL())
	f.Fix = fmt.Sprintf("-- keep %s (ON DELETE %s) and drop this one:\n%s\n-- or, if this one's actions are the intended ones, drop %s instead:\n%s",
		ident.Display(keep.Name), keep.OnDelete.SQL(), drop, ident.Display(keep.Name),
		comment("ALTER TABLE "+keep.TableName().Quoted()+" DROP CONSTRAINT "+ident.Quote(keep.Name)+";"))
	return f
}
