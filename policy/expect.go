package policy

import "github.com/ondelete/ondelete/catalog"

// ExpectedOnDelete returns the ON DELETE actions the policy allows for fk:
// the actions every rule that matches fk (and does not exempt it) accepts,
// and the name of the first such rule. ok is false when no rule says
// anything about fk's ON DELETE. verify uses it to fail a table whose
// observed behaviour the policy forbids, even when the schema does exactly
// what its foreign keys say.
func (p *Policy) ExpectedOnDelete(fk *catalog.ForeignKey) (allowed []catalog.Action, rule string, ok bool) {
	for i := range p.Rules {
		r := &p.Rules[i]
		if len(r.Expect.OnDelete) == 0 || !r.Match.MatchesFK(fk) {
			continue
		}
		if _, exempt := p.Exempt(r.Name, fk.Key()); exempt {
			continue
		}
		if !ok {
			allowed, rule, ok = append([]catalog.Action(nil), r.Expect.OnDelete...), r.Name, true
			continue
		}
		allowed = intersect(allowed, r.Expect.OnDelete)
	}
	return allowed, rule, ok
}

// intersect keeps the actions of a that b also lists.
func intersect(a, b []catalog.Action) []catalog.Action {
	var out []catalog.Action
	for _, x := range a {
		if containsAction(b, x) {
			out = append(out, x)
		}
	}
	return out
}
