package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ondelete/ondelete/catalog"
)

func TestExpectedOnDelete(t *testing.T) {
	p, err := Parse([]byte(`version: 1
rules:
  - {name: user-data, match: {references: users}, expect: {on_delete: [cascade, set null]}}
  - {name: posts-cascade, match: {table: posts}, expect: {on_delete: cascade}}
  - {name: indexed, match: {references: users}, expect: {indexed: true}}
exceptions:
  - {constraint: public.audit.audit_user_id_fkey, rule: user-data, reason: kept}
`), "ondelete.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fk := func(table, ref string) *catalog.ForeignKey {
		return &catalog.ForeignKey{Schema: "public", Table: table, Name: table + "_user_id_fkey", Columns: []string{"user_id"}, RefSchema: "public", RefTable: ref}
	}
	cases := []struct {
		name    string
		fk      *catalog.ForeignKey
		allowed []catalog.Action
		rule    string
		ok      bool
	}{
		{"one rule", fk("comments", "users"), []catalog.Action{catalog.Cascade, catalog.SetNull}, "user-data", true},
		{"two rules intersect", fk("posts", "users"), []catalog.Action{catalog.Cascade}, "user-data", true},
		{"exempt", fk("audit", "users"), nil, "", false},
		{"no rule", fk("comments", "teams"), nil, "", false},
	}
	for _, c := range cases {
		allowed, rule, ok := p.ExpectedOnDelete(c.fk)
		if !cmp.Equal(allowed, c.allowed) || rule != c.rule || ok != c.ok {
			t.Errorf("%s: got %v %q %v, want %v %q %v", c.name, allowed, rule, ok, c.allowed, c.rule, c.ok)
		}
	}
}
