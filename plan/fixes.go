package plan

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
)

// fix is everything the plan changes on one foreign key, merged from all
// its findings.
type fix struct {
	fk       *catalog.ForeignKey
	table    *catalog.Table
	onDelete catalog.Action // target actions (the current ones when unchanged)
	onUpdate catalog.Action
	name     string // target name
	validate bool   // validate a NOT VALID key
	index    bool   // create an index leading with the key's columns
	// byRule remembers whether onDelete came from a policy rule, which
	// overrides the blocked-root-delete default (CASCADE).
	byRule bool
	// actionRule is the rule or lint that set onDelete.
	actionRule string
	// conflict is set when two rules want different actions: the key is
	// then left unchanged rather than one rule's wish guessed.
	conflict bool
}

func (f *fix) rebuild() bool {
	return f.onDelete != f.fk.OnDelete || f.onUpdate != f.fk.OnUpdate
}

func (f *fix) rename() bool { return f.name != f.fk.Name }

// unfixableReasons explains, per lint, why its findings are left to a person.
var unfixableReasons = map[string]string{
	policy.LintOrphanOwnerColumn:      "the column has no foreign key; adding one needs a decision on the referenced table and on rows that reference nothing",
	policy.LintCascadingSelfReference: "a cascading self-reference can delete a whole tree; whether that is intended is a modelling decision",
	policy.LintOverlappingFKs:         "which of the overlapping keys to keep is a decision the policy does not make",
}

// setNullNotNullReason explains a set-null-not-null finding that no other
// finding resolves by changing the key's action.
const setNullNotNullReason = "SET NULL on NOT NULL columns: either make the columns nullable or change the action, a decision the policy does not make"

// collect merges findings into fixes per foreign key, sorted by key, and
// lists the findings it cannot plan. Baselined findings are accepted
// debt and left alone.
func collect(s *catalog.Snapshot, findings []check.Finding) ([]*fix, []Unfixable) {
	byKey := map[catalog.ConstraintKey]*fix{}
	var unfixable []Unfixable
	reject := func(f *check.Finding, reason string) {
		unfixable = append(unfixable, Unfixable{Rule: f.Rule, Constraint: constraintDisplay(f), Reason: reason})
	}
	var setNullNotNull []*check.Finding // decided once every change is known
	for i := range findings {
		f := &findings[i]
		if f.Baselined {
			continue
		}
		if f.Rule == policy.LintSetNullNotNull {
			setNullNotNull = append(setNullNotNull, f)
			continue
		}
		if r, ok := unfixableReasons[f.Rule]; ok {
			reject(f, r)
			continue
		}
		key := catalog.ConstraintKey{Schema: f.Schema, Table: f.Table, Name: f.Constraint}
		fk := lookup(s, key)
		if fk == nil {
			reject(f, "the constraint is not in the schema snapshot")
			continue
		}
		x := byKey[key]
		if x == nil {
			x = &fix{fk: fk, table: s.Table(fk.TableName()), onDelete: fk.OnDelete, onUpdate: fk.OnUpdate, name: fk.Name}
		}
		if reason := x.apply(s, f); reason != "" {
			reject(f, reason)
			continue
		}
		byKey[key] = x
	}
	var out []*fix
	for k, x := range byKey {
		if x.conflict {
			x.onDelete = x.fk.OnDelete // the conflicting finding is listed as unfixable
		}
		if x.onDelete == catalog.SetNull && x.onDelete != x.fk.OnDelete && !setNullPossible(x) {
			unfixable = append(unfixable, Unfixable{Rule: x.actionRule, Constraint: k.String(),
				Reason: "SET NULL would write NULL into NOT NULL columns; making them nullable is a decision the plan does not make"})
			x.onDelete = x.fk.OnDelete
		}
		if !x.rebuild() && !x.rename() && !x.index && !(x.validate && !x.fk.Validated) {
			continue
		}
		out = append(out, x)
	}
	for _, f := range setNullNotNull {
		x := byKey[catalog.ConstraintKey{Schema: f.Schema, Table: f.Table, Name: f.Constraint}]
		if x == nil || x.onDelete == x.fk.OnDelete {
			reject(f, setNullNotNullReason)
		}
	}
	slices.SortFunc(out, func(a, b *fix) int { return compareKeys(a.fk.Key(), b.fk.Key()) })
	slices.SortStableFunc(unfixable, func(a, b Unfixable) int {
		if a.Constraint != b.Constraint {
			return cmp.Compare(a.Constraint, b.Constraint)
		}
		return cmp.Compare(a.Rule, b.Rule)
	})
	return out, unfixable
}

const conflictReason = "rules disagree on the ON DELETE action of this key; it is left unchanged"

// apply merges one finding into x, or says why it cannot.
func (x *fix) apply(s *catalog.Snapshot, f *check.Finding) string {
	switch f.Rule {
	case policy.LintBlockedRootDelete:
		if !x.byRule {
			x.onDelete, x.actionRule = catalog.Cascade, f.Rule
		}
	case policy.LintNotValid:
		x.validate = true
	case policy.LintUnindexedCascade:
		x.index = true
	case policy.LintNonconventionalName:
		want := catalog.DefaultFKName(x.fk.Table, x.fk.Columns)
		if other := lookup(s, catalog.ConstraintKey{Schema: x.fk.Schema, Table: x.fk.Table, Name: want}); other != nil {
			return fmt.Sprintf("another foreign key of the table is already named %q (see overlapping-fks)", want)
		}
		x.name = want
	default:
		if f.Code != policy.RuleCode {
			return fmt.Sprintf("the plan has no fix for %s findings", f.Rule)
		}
		w := f.Want
		if w == nil {
			return "the finding does not say what the key should become"
		}
		if w.Unsupported != "" {
			return w.Unsupported
		}
		if w.OnDelete != "" {
			if x.byRule && x.onDelete != w.OnDelete {
				x.conflict = true
				return conflictReason
			}
			x.onDelete, x.byRule, x.actionRule = w.OnDelete, true, f.Rule
		}
		if w.OnUpdate != "" {
			x.onUpdate = w.OnUpdate
		}
		if w.Name != "" {
			if other := lookup(s, catalog.ConstraintKey{Schema: x.fk.Schema, Table: x.fk.Table, Name: w.Name}); other != nil && other != x.fk {
				return fmt.Sprintf("another foreign key of the table is already named %q (see overlapping-fks)", w.Name)
			}
			x.name = w.Name
		}
		x.validate = x.validate || w.Validate
		x.index = x.index || w.Index
	}
	return ""
}

// setNullPossible reports whether no column SET NULL writes is NOT NULL.
func setNullPossible(x *fix) bool {
	cols := x.fk.Columns
	if len(x.fk.OnDeleteColumns) > 0 {
		cols = x.fk.OnDeleteColumns
	}
	if x.table == nil {
		return !x.fk.NotNull
	}
	for _, c := range cols {
		if col := x.table.Column(c); col != nil && col.NotNull {
			return false
		}
	}
	return true
}

func lookup(s *catalog.Snapshot, k catalog.ConstraintKey) *catalog.ForeignKey {
	for i := range s.ForeignKeys {
		if s.ForeignKeys[i].Key() == k {
			return &s.ForeignKeys[i]
		}
	}
	return nil
}

// constraintDisplay names a finding's object: schema.table.constraint, or
// schema.table(columns) for a finding about columns without a key.
func constraintDisplay(f *check.Finding) string {
	if f.Constraint != "" {
		return catalog.ConstraintKey{Schema: f.Schema, Table: f.Table, Name: f.Constraint}.String()
	}
	t := catalog.TableName{Schema: f.Schema, Name: f.Table}.String()
	return t + "(" + joinDisplay(f.Columns) + ")"
}

func compareKeys(a, b catalog.ConstraintKey) int {
	if a.Schema != b.Schema {
		return cmp.Compare(a.Schema, b.Schema)
	}
	if a.Table != b.Table {
		return cmp.Compare(a.Table, b.Table)
	}
	return cmp.Compare(a.Name, b.Name)
}
