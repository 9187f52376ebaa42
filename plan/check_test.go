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

// TestPlanThenCheckConverges applies each change planned from the
// converged findings to the snapshot
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
	// The new cascade on "Order Lines" has no index: unindexed-cascade
	// reports it only once the action changed, which Converge sees.
	findings, err := Converge(s, res.Findings, func(s *catalog.Snapshot) ([]check.Finding, error) {
		res, err := check.Evaluate(s, pol, check.Options{})
		if err != nil {
			return nil, err
		}
		return res.Findings, nil
	})
	assert.NilError(t, err)
	fixes, _ := collect(s, findings)
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

// TestConvergeReachesNewTables: turning a key into a cascade brings a
// table into the deletion graph whose own NO ACTION key then blocks the
// delete. Converge finds it, so one plan leaves nothing for a second.
func TestConvergeReachesNewTables(t *testing.T) {
	fk := func(table, name, col, ref string, onDelete catalog.Action) catalog.ForeignKey {
		return catalog.ForeignKey{Schema: "public", Table: table, Name: name, Columns: []string{col}, RefSchema: "public",
			RefTable: ref, RefColumns: []string{"id"}, OnDelete: onDelete, OnUpdate: catalog.NoAction, Validated: true,
			Match: "simple", Indexed: true, ConventionalName: true, RowEstimate: 10}
	}
	table := func(name string, cols ...string) catalog.Table {
		t := catalog.Table{Schema: "public", Name: name, PrimaryKey: []string{"id"}, Columns: []catalog.Column{{Name: "id", Type: "bigint", NotNull: true}}}
		for _, c := range cols {
			t.Columns = append(t.Columns, catalog.Column{Name: c, Type: "bigint"})
		}
		return t
	}
	s := &catalog.Snapshot{ServerVersion: 150000,
		Tables: []catalog.Table{table("users"), table("accounts", "user_id"), table("invoices", "account_id"), table("audit", "user_id")},
		ForeignKeys: []catalog.ForeignKey{
			// accounts is in users' graph only once (a NO ACTION key blocks,
			// and the tables behind it are not reached).
			fk("accounts", "accounts_user_id_fkey", "user_id", "users", catalog.NoAction),
			fk("invoices", "invoices_account_id_fkey", "account_id", "accounts", catalog.NoAction),
			fk("audit", "audit_user_id_fkey", "user_id", "users", catalog.Cascade),
		}}
	pol, err := policy.Parse([]byte("version: 1\nroots: [users]\n"), "ondelete.yaml")
	assert.NilError(t, err)
	evaluate := func(s *catalog.Snapshot) ([]check.Finding, error) {
		res, err := check.Evaluate(s, pol, check.Options{})
		if err != nil {
			return nil, err
		}
		return res.Findings, nil
	}
	first, err := evaluate(s)
	assert.NilError(t, err)
	once, err := Generate(s, first, Options{Strategy: Inline})
	assert.NilError(t, err)
	all, err := Converge(s, first, evaluate)
	assert.NilError(t, err)
	p, err := Generate(s, all, Options{Strategy: Inline})
	assert.NilError(t, err)
	count := func(p *Plan) int {
		n := 0
		for _, st := range p.Migrations[len(p.Migrations)-1].Up {
			if strings.Contains(st.SQL, "ADD CONSTRAINT") {
				n++
			}
		}
		return n
	}
	// Without Converge only accounts is fixed; with it invoices too.
	assert.Equal(t, count(once), 1)
	assert.Equal(t, count(p), 2)
	fixes, _ := collect(s, all)
	sim, _ := simulate(s, fixes)
	after, err := evaluate(sim)
	assert.NilError(t, err)
	again, err := Generate(sim, after, Options{})
	assert.NilError(t, err)
	assert.Assert(t, again.Empty(), "second plan: %+v", again.Migrations)
	assert.Equal(t, s.ForeignKeys[0].OnDelete, catalog.NoAction, "Converge modified its input")
}
