package plan

import (
	"strings"
	"testing"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
	"gotest.tools/v3/assert"
)

// TestFromCheckFindings plans from the findings the check engine really
// produces, so the wiring of check.Finding.Want and the lint names stays
// in step with package check.
func TestFromCheckFindings(t *testing.T) {
	s, _ := fixture()
	pol, err := policy.Parse([]byte(`version: 1
roots: [users]
rules:
  - name: comments-keep
    match: {table: comments}
    expect: {on_delete: set null, name: conventional}
`), "ondelete.yaml")
	assert.NilError(t, err)
	res, err := check.Evaluate(s, pol, check.Options{})
	assert.NilError(t, err)
	p, err := Generate(s, res.Findings, Options{Strategy: Inline})
	assert.NilError(t, err)
	var sql []string
	for _, m := range p.Migrations {
		for _, st := range m.Up {
			sql = append(sql, st.SQL)
		}
	}
	all := strings.Join(sql, "\n")
	for _, want := range []string{
		`ALTER TABLE "public"."comments" ADD CONSTRAINT "comments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE SET NULL;`,
		`ALTER TABLE "Sales"."Order Lines" ADD CONSTRAINT "Order Lines_User ID_fkey" FOREIGN KEY ("User ID") REFERENCES "public"."users" ("id") ON DELETE CASCADE;`,
		`ALTER TABLE "public"."weird""name" VALIDATE CONSTRAINT "weird""name_owner_fkey";`,
	} {
		assert.Assert(t, strings.Contains(all, want), "missing %s in\n%s", want, all)
	}
}

// TestPlanThenCheckConverges applies each planned change to the snapshot
// (as the migrations would to the catalog) and checks again: only the
// unfixable findings remain, and a second plan is empty.
func TestPlanThenCheckConverges(t *testing.T) {
	s, _ := fixture()
	pol, err := policy.Parse([]byte(`version: 1
roots: [users]
rules:
  - name: comments-keep
    match: {table: comments}
    expect: {on_delete: set null, name: conventional, indexed: true}
`), "ondelete.yaml")
	assert.NilError(t, err)
	res, err := check.Evaluate(s, pol, check.Options{})
	assert.NilError(t, err)
	assert.Assert(t, len(res.Findings) > 0)
	fixes, _ := collect(s, res.Findings)
	for _, x := range fixes {
		fk := x.fk // points into s.ForeignKeys
		fk.OnDelete, fk.OnUpdate, fk.Name = x.onDelete, x.onUpdate, x.name
		fk.Validated = fk.Validated || x.validate || x.rebuild()
		fk.Indexed = fk.Indexed || x.index
		fk.ConventionalName = fk.Name == catalog.DefaultFKName(fk.Table, fk.Columns)
	}
	res, err = check.Evaluate(s, pol, check.Options{})
	assert.NilError(t, err)
	p, err := Generate(s, res.Findings, Options{})
	assert.NilError(t, err)
	assert.Assert(t, p.Empty(), "findings after applying the plan: %+v", res.Findings)
}
