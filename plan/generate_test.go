package plan

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
	"gotest.tools/v3/assert"
)

func migrationNames(p *Plan) []string {
	var out []string
	for _, m := range p.Migrations {
		out = append(out, m.Name)
	}
	return out
}

func TestAutoChoosesByRowEstimate(t *testing.T) {
	s, findings := fixture()
	// Order Lines has 5,000,000 rows, comments 100, weird"name was never analyzed.
	cases := []struct {
		threshold int64
		want      []string
	}{
		{10_000_000, []string{"add_index_order_lines_user_id_idx", inlineName, validateName}},
		{1_000, []string{"add_index_order_lines_user_id_idx", inlineName, addName, validateName, dropName, renameName}},
		{50, []string{"add_index_order_lines_user_id_idx", addName, validateName, dropName, renameName}},
	}
	for _, c := range cases {
		p, err := Generate(s, findings, Options{OnlineThreshold: c.threshold})
		assert.NilError(t, err)
		assert.Equal(t, p.Strategy, Auto)
		assert.DeepEqual(t, migrationNames(p), c.want)
	}
}

func TestAutoThresholdBoundary(t *testing.T) {
	o := Options{Strategy: Auto, OnlineThreshold: 100}
	assert.Assert(t, o.online(100))
	assert.Assert(t, !o.online(99))
	assert.Assert(t, o.online(-1), "a table never analyzed is treated as big")
	assert.Assert(t, !Options{Strategy: Inline}.online(-1))
	assert.Assert(t, Options{Strategy: Online}.online(0))
}

func TestUnfixables(t *testing.T) {
	s, _ := fixture()
	f := func(rule, code, table, constraint string) check.Finding {
		return check.Finding{Rule: rule, Code: code, Schema: "public", Table: table, Constraint: constraint}
	}
	wantsNotValid := f("keep-not-valid", policy.RuleCode, "comments", "comments_user_fk")
	wantsNotValid.Want = &check.Change{Unsupported: "the rule wants the constraint NOT VALID"}
	cascade := f("a", policy.RuleCode, "comments", "comments_user_fk")
	cascade.Want = &check.Change{OnDelete: catalog.Cascade}
	setNull := f("b", policy.RuleCode, "comments", "comments_user_fk")
	setNull.Want = &check.Change{OnDelete: catalog.SetNull}
	baselined := f(policy.LintNotValid, "OD005", `weird"name`, `weird"name_owner_fkey`)
	baselined.Baselined = true
	findings := []check.Finding{
		f(policy.LintCascadingSelfReference, "OD003", "users", "users_parent_fkey"),
		f(policy.LintOverlappingFKs, "OD008", "comments", "comments_user_fk"),
		f("no-want", policy.RuleCode, "comments", "comments_user_fk"),
		wantsNotValid, cascade, setNull, baselined,
		f(policy.LintNotValid, "OD005", "comments", "gone_fkey"),
	}
	p, err := Generate(s, findings, Options{Strategy: Inline})
	assert.NilError(t, err)
	assert.Assert(t, p.Empty(), "conflicting rules leave the key unchanged: %v", migrationNames(p))
	var rules []string
	for _, u := range p.Unfixable {
		assert.Assert(t, u.Reason != "")
		rules = append(rules, u.Rule)
	}
	assert.DeepEqual(t, rules, []string{"b", "keep-not-valid", "no-want", policy.LintOverlappingFKs, policy.LintNotValid, policy.LintCascadingSelfReference})
}

func TestSetNullOnNotNullColumnsIsUnfixable(t *testing.T) {
	s, _ := fixture()
	f := check.Finding{Rule: "r", Code: policy.RuleCode, Schema: "Sales", Table: "Order Lines", Constraint: "Order Lines_User ID_fkey",
		Want: &check.Change{OnDelete: catalog.SetNull}}
	p, err := Generate(s, []check.Finding{f}, Options{})
	assert.NilError(t, err)
	assert.Assert(t, p.Empty())
	assert.Equal(t, len(p.Unfixable), 1)
	assert.Equal(t, p.Unfixable[0].Rule, "r")
}

func TestEmptyPlanMarshalsEmptyLists(t *testing.T) {
	s, _ := fixture()
	p, err := Generate(s, nil, Options{})
	assert.NilError(t, err)
	b, err := json.Marshal(p)
	assert.NilError(t, err)
	assert.Equal(t, string(b), `{"version":1,"strategy":"auto","dialect":"postgres","migrations":[],"unfixable":[]}`)
}

func TestUnsupportedOptions(t *testing.T) {
	s, findings := fixture()
	_, err := Generate(s, findings, Options{Dialect: "mysql"})
	assert.Assert(t, errors.Is(err, ErrUnsupported), "%v", err)
	_, err = Generate(s, findings, Options{Strategy: "fast"})
	assert.Assert(t, errors.Is(err, ErrUnsupported), "%v", err)
}

func TestLockTimeoutOption(t *testing.T) {
	s, findings := fixture()
	p, err := Generate(s, findings, Options{Strategy: Online, LockTimeout: 500 * time.Millisecond})
	assert.NilError(t, err)
	for _, m := range p.Migrations {
		for _, st := range append(append([]Statement{}, m.Up...), m.Down...) {
			assert.Assert(t, st.LockTimeout != nil, st.SQL)
			assert.Equal(t, st.LockTimeout.String(), "500ms")
		}
	}
}

func TestDurationJSON(t *testing.T) {
	for d, want := range map[time.Duration]string{0: `"0"`, 2 * time.Second: `"2s"`, 90 * time.Second: `"90s"`, 1500 * time.Millisecond: `"1500ms"`} {
		b, err := json.Marshal(Duration(d))
		assert.NilError(t, err)
		assert.Equal(t, string(b), want)
		var back Duration
		assert.NilError(t, json.Unmarshal(b, &back))
		assert.Equal(t, time.Duration(back), d)
	}
}

func TestSlug(t *testing.T) {
	assert.Equal(t, slug(`Order Lines_User ID_idx`), "order_lines_user_id_idx")
	assert.Equal(t, slug(`"weird""name"`), "weird_name")
	assert.Equal(t, slug("ünï"), "n")
	assert.Equal(t, slug("ü"), "x")
}

func TestPartitionedTableIsChangedInlineAndValidated(t *testing.T) {
	s, _ := fixture()
	s.Tables[0].Partitioned = true // "Sales"."Order Lines", 5,000,000 rows
	f := check.Finding{Rule: policy.LintBlockedRootDelete, Code: "OD001", Schema: "Sales", Table: "Order Lines", Constraint: "Order Lines_User ID_fkey"}
	p, err := Generate(s, []check.Finding{f}, Options{Strategy: Online})
	assert.NilError(t, err)
	assert.DeepEqual(t, migrationNames(p), []string{inlineName})
	for _, st := range append(append([]Statement{}, p.Migrations[0].Up...), p.Migrations[0].Down...) {
		assert.Assert(t, !strings.Contains(st.SQL, "NOT VALID"), st.SQL)
	}
	down := p.Migrations[0].Down
	assert.Equal(t, len(down), 2)
	assert.Equal(t, down[1].Hazards[1].Type, BlocksWrites)
}

func TestConflictKeepsOtherChangesAndSetNullNotNullResolvedByAction(t *testing.T) {
	s, _ := fixture()
	f := func(rule, code string, want *check.Change) check.Finding {
		return check.Finding{Rule: rule, Code: code, Schema: "public", Table: "comments", Constraint: "comments_user_fk", Want: want}
	}
	p, err := Generate(s, []check.Finding{
		f("a", policy.RuleCode, &check.Change{OnDelete: catalog.Cascade}),
		f("b", policy.RuleCode, &check.Change{OnDelete: catalog.Restrict}),
		f(policy.LintNotValid, "OD005", nil),
	}, Options{Strategy: Inline})
	assert.NilError(t, err)
	assert.Equal(t, len(p.Migrations), 1)
	assert.Equal(t, p.Migrations[0].Up[0].SQL, `ALTER TABLE "public"."comments" VALIDATE CONSTRAINT "comments_user_fk";`)
	assert.Equal(t, len(p.Unfixable), 1)
	assert.Equal(t, p.Unfixable[0].Rule, "b")

	snn := f(policy.LintSetNullNotNull, "OD002", nil)
	p, err = Generate(s, []check.Finding{snn, f("a", policy.RuleCode, &check.Change{OnDelete: catalog.Cascade})}, Options{Strategy: Inline})
	assert.NilError(t, err)
	assert.Equal(t, len(p.Unfixable), 0, "the rule's new action resolves set-null-not-null")
	p, err = Generate(s, []check.Finding{snn}, Options{Strategy: Inline})
	assert.NilError(t, err)
	assert.Equal(t, len(p.Unfixable), 1)
	assert.Assert(t, p.Empty())
}
