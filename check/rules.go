package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/policy"
)

// RuleSeverity is the severity of every finding of a policy rule. A rule
// is a decision the team wrote down for named tables, so breaking it fails
// the check; a rule that should only warn is better expressed as an
// exception with its reason.
const RuleSeverity = policy.Error

// checkRules evaluates every policy rule against every foreign key its
// match selects. A foreign key that breaks several expectations of one
// rule gets one finding listing all of them, with one fix.
func checkRules(p *pass) []Finding {
	var out []Finding
	for i := range p.policy.Rules {
		r := &p.policy.Rules[i]
		for j := range p.snap.ForeignKeys {
			fk := &p.snap.ForeignKeys[j]
			if !r.Match.MatchesFK(fk) {
				continue
			}
			if f, ok := p.ruleFinding(r, fk); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

// ruleFinding checks fk against r's expectations.
func (p *pass) ruleFinding(r *policy.Rule, fk *catalog.ForeignKey) (Finding, bool) {
	e := &r.Expect
	t := p.table(fk.TableName())
	var found, expected []string
	rd := redefineOf(fk)
	rebuild := false
	want := &Change{}
	if len(e.OnDelete) > 0 && !slices.Contains(e.OnDelete, fk.OnDelete) {
		found = append(found, "on_delete "+string(fk.OnDelete))
		expected = append(expected, "on_delete "+actionList(e.OnDelete))
		rd.onDelete, rebuild = e.OnDelete[0], true
		want.OnDelete = e.OnDelete[0]
	}
	if len(e.OnUpdate) > 0 && !slices.Contains(e.OnUpdate, fk.OnUpdate) {
		found = append(found, "on_update "+string(fk.OnUpdate))
		expected = append(expected, "on_update "+actionList(e.OnUpdate))
		rd.onUpdate, rebuild = e.OnUpdate[0], true
		want.OnUpdate = e.OnUpdate[0]
	}
	validate := false
	if e.Validated != nil && fk.Validated != *e.Validated {
		found = append(found, validity(fk.Validated))
		expected = append(expected, validity(*e.Validated))
		rd.validate = *e.Validated
		if *e.Validated {
			validate = true
			want.Validate = true
		} else {
			rebuild = true // only re-adding makes a constraint NOT VALID
			want.Unsupported = "the rule wants the constraint NOT VALID"
		}
	}
	rename := false
	if e.Name == policy.NameConventional && !fk.ConventionalName {
		conv := catalog.DefaultFKName(fk.Table, fk.Columns)
		found = append(found, "name "+ident.Display(fk.Name))
		expected = append(expected, "name "+ident.Display(conv))
		rd.name, rename = conv, true
		want.Name = conv
	}
	indexFix := ""
	if e.Indexed != nil && fk.Indexed != *e.Indexed {
		found = append(found, indexedWord(fk.Indexed))
		expected = append(expected, indexedWord(*e.Indexed))
		indexFix = p.indexFix(fk, t, *e.Indexed)
		if *e.Indexed {
			want.Index = true
		} else {
			want.Unsupported = "the rule wants no index on the referencing columns"
		}
	}
	if len(found) == 0 {
		return Finding{}, false
	}
	f := fkFinding(r.Name, policy.RuleCode, RuleSeverity, fk)
	f.Want = want
	f.Found = strings.Join(found, ", ")
	f.Expected = strings.Join(expected, ", ")
	f.Message = fmt.Sprintf("Rule %s%s (%s) expects %s of %s; it has %s.",
		r.Name, rulePos(r), matchDescription(r.Match), f.Expected, fk.Key(), f.Found)
	var fix []string
	switch {
	case rebuild:
		fix = append(fix, rebuildSQL(fk, t, rd))
	default:
		if rename {
			fix = append(fix, renameSQL(fk, rd.name))
		}
		if validate {
			fix = append(fix, validateSQL(fk.TableName(), rd.name))
		}
	}
	if indexFix != "" {
		fix = append(fix, indexFix)
	}
	f.Fix = strings.Join(fix, "\n")
	return f, true
}

// indexFix creates the index a rule wants, or names the indexes to drop
// when it wants none (leaving primary keys and unique constraints alone).
func (p *pass) indexFix(fk *catalog.ForeignKey, t *catalog.Table, want bool) string {
	if want {
		return createIndexSQL(p.names, fk.TableName(), t != nil && t.Partitioned, fk.Columns)
	}
	if t == nil {
		return ""
	}
	var out []string
	for i := range t.Indexes {
		ix := &t.Indexes[i]
		if !indexLeads(ix, fk.Columns) {
			continue
		}
		drop := "DROP INDEX CONCURRENTLY " + ident.QuoteQualified(t.Schema, ix.Name) + ";"
		if ix.Primary || ix.Unique {
			drop = "-- " + ident.Display(ix.Name) + " backs a primary key or unique constraint; drop that constraint if it is really unwanted:\n" + comment(drop)
		}
		out = append(out, drop)
	}
	return strings.Join(out, "\n")
}

// actionList spells one action or a list ("cascade or set null").
func actionList(as []catalog.Action) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = string(a)
	}
	return strings.Join(s, " or ")
}

func validity(v bool) string {
	if v {
		return "validated"
	}
	return "not valid"
}

func indexedWord(v bool) string {
	if v {
		return "indexed"
	}
	return "not indexed"
}

// rulePos is " at file:line" when the rule came from a file.
func rulePos(r *policy.Rule) string {
	if r.Pos.File == "" && r.Pos.Line == 0 {
		return ""
	}
	return " at " + r.Pos.String()
}

// matchDescription spells a rule's match the way the policy writes it.
func matchDescription(m policy.Match) string {
	var parts []string
	if m.References != "" {
		parts = append(parts, "references: "+m.References)
	}
	if m.Table != "" {
		parts = append(parts, "table: "+m.Table)
	}
	if len(m.Columns) > 0 {
		parts = append(parts, "columns: ["+strings.Join(m.Columns, ", ")+"]")
	}
	if m.Schema != "" {
		parts = append(parts, "schema: "+m.Schema)
	}
	return "match " + strings.Join(parts, ", ")
}
