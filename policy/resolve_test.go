package policy

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ondelete/ondelete/catalog"
)

// snapshot builds a schema: tables by schema.name, and foreign keys.
func snapshot(tables []catalog.TableName, fks ...catalog.ForeignKey) *catalog.Snapshot {
	s := &catalog.Snapshot{}
	for _, t := range tables {
		s.Tables = append(s.Tables, catalog.Table{Schema: t.Schema, Name: t.Name})
	}
	s.ForeignKeys = fks
	return s
}

func TestResolve(t *testing.T) {
	tn := func(s, n string) catalog.TableName { return catalog.TableName{Schema: s, Name: n} }
	s := snapshot(
		[]catalog.TableName{tn("public", "users"), tn("public", "orders"), tn("public", "audit_log"),
			tn("public", "User"), tn("public", "Session"), tn("a", "teams"), tn("b", "teams")},
		catalog.ForeignKey{Schema: "public", Table: "orders", Name: "orders_user_id_fkey", Columns: []string{"user_id"}, RefSchema: "public", RefTable: "users"},
		catalog.ForeignKey{Schema: "public", Table: "audit_log", Name: "audit_log_user_id_fkey", Columns: []string{"user_id"}, RefSchema: "public", RefTable: "users"},
		catalog.ForeignKey{Schema: "public", Table: "Session", Name: "Session_userId_fkey", Columns: []string{"userId"}, RefSchema: "public", RefTable: "User"},
	)
	p, err := Parse([]byte(`version: 1
roots: [usrs, users, public.users, User]
rules:
  - {name: cascades, match: {references: users}, expect: {on_delete: cascade}}
  - {name: typo, match: {references: userz}, expect: {on_delete: cascade}}
  - {name: pattern, match: {references: 'nothing*'}, expect: {on_delete: cascade}}
  - {name: columns, match: {references: users, columns: [owner_id]}, expect: {on_delete: cascade}}
exceptions:
  - {constraint: public.audit_log.audit_log_user_id_fkey, rule: cascades, reason: kept}
  - {constraint: public.audit_log.audit_log_usr_id_fkey, rule: not-valid, reason: typo}
  - {constraint: public.audit_logs.audit_log_user_id_fkey, rule: not-valid, reason: table typo}
  - {constraint: public.orders.zzzzzzzzzzzzzzzz, rule: not-valid, reason: far}
  - {constraint: public.Session.Session_userId_fkey, rule: not-valid, reason: typed as seen}
  - {constraint: public.Session.Session_userId_fkey, rule: cascades, reason: never applies}
`), "ondelete.yaml")
	if err != nil {
		t.Fatal(err)
	}
	roots, warnings, err := p.Resolve(s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]catalog.TableName{tn("public", "users"), tn("public", "User")}, roots); diff != "" {
		t.Errorf("roots (-want +got):\n%s", diff)
	}
	want := []string{
		`ondelete.yaml:2:9: roots[0]: root ignored: table usrs not found; did you mean public.users or public."User"?`,
		`ondelete.yaml:2:22: roots[2]: public.users is the same table as roots[1]`,
		`ondelete.yaml:5:5: rules[1]: rule "typo" matches no foreign key (references: table userz not found; did you mean public."User" or public.users?)`,
		`ondelete.yaml:6:5: rules[2]: rule "pattern" matches no foreign key`,
		`ondelete.yaml:7:5: rules[3]: rule "columns" matches no foreign key`,
		`ondelete.yaml:10:5: exceptions[1]: constraint public.audit_log.audit_log_usr_id_fkey not found; did you mean public.audit_log.audit_log_user_id_fkey?`,
		`ondelete.yaml:11:5: exceptions[2]: constraint public.audit_logs.audit_log_user_id_fkey not found (table public.audit_logs not found; did you mean public.audit_log?)`,
		`ondelete.yaml:12:5: exceptions[3]: constraint public.orders.zzzzzzzzzzzzzzzz not found (table public.orders has 1 foreign key)`,
		`ondelete.yaml:14:5: exceptions[5]: exception never applies: rule "cascades" does not match public."Session"."Session_userId_fkey"`,
	}
	if diff := cmp.Diff(want, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	// An ambiguous root is an error: checking the wrong table is worse
	// than stopping.
	p, err = Parse([]byte("version: 1\nroots: [users, teams]\n"), "ondelete.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = p.Resolve(s)
	var pe *ParseError
	if !errors.As(err, &pe) || err.Error() != "ondelete.yaml:2:16: roots[1]: table name teams is ambiguous: it matches a.teams, b.teams; qualify it with a schema" {
		t.Errorf("ambiguous root: err = %v", err)
	}
	p, err = Parse([]byte("version: 1\nroots: [b.teams]\n"), "ondelete.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if roots, warnings, err := p.Resolve(s); err != nil || len(warnings) != 0 || !cmp.Equal(roots, []catalog.TableName{tn("b", "teams")}) {
		t.Errorf("qualified root: %v, %q, %v", roots, warnings, err)
	}
}

// TestResolveOrphanColumnException: orphan-owner-column findings have no
// constraint, so their exceptions name schema.table.column; an existing
// column is no warning, a missing one is.
func TestResolveOrphanColumnException(t *testing.T) {
	s := &catalog.Snapshot{Tables: []catalog.Table{
		{Schema: "public", Name: "users", Columns: []catalog.Column{{Name: "id"}}},
		{Schema: "public", Name: "documents", Columns: []catalog.Column{{Name: "id"}, {Name: "user_id"}}},
	}}
	p, err := Parse([]byte(`version: 1
roots: [users]
exceptions:
  - {constraint: public.documents.user_id, rule: orphan-owner-column, reason: legacy import}
  - {constraint: public.documents.owner_id, rule: orphan-owner-column, reason: typo}
`), "ondelete.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, warnings, err := p.Resolve(s)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`ondelete.yaml:5:5: exceptions[1]: column public.documents.owner_id not found`}
	if diff := cmp.Diff(want, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestPurgeThrough: purge.through entries resolve to the constraints they
// name, in either spelling; a name that matches nothing is a warning and
// is left out, so purge never deletes through a constraint nobody named.
func TestPurgeThrough(t *testing.T) {
	tn := func(s, n string) catalog.TableName { return catalog.TableName{Schema: s, Name: n} }
	s := snapshot(
		[]catalog.TableName{tn("public", "users"), tn("public", "audit_log"), tn("public", "User"), tn("public", "Session")},
		catalog.ForeignKey{Schema: "public", Table: "audit_log", Name: "audit_log_user_id_fkey", Columns: []string{"user_id"}, RefSchema: "public", RefTable: "users"},
		catalog.ForeignKey{Schema: "public", Table: "Session", Name: "Session_userId_fkey", Columns: []string{"userId"}, RefSchema: "public", RefTable: "User"},
	)
	p, err := Parse([]byte(`version: 1
purge:
  through:
    - {constraint: public.audit_log.audit_log_user_id_fkey, reason: audit copies go with the user}
    - {constraint: public.Session.Session_userId_fkey, reason: typed as seen}
    - {constraint: public.audit_log.audit_log_usr_id_fkey, reason: typo}
`), "ondelete.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.ConstraintKey{
		{Schema: "public", Table: "audit_log", Name: "audit_log_user_id_fkey"},
		{Schema: "public", Table: "Session", Name: "Session_userId_fkey"},
	}
	if diff := cmp.Diff(want, p.PurgeThroughKeys(s)); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	_, warnings, err := p.Resolve(s)
	if err != nil {
		t.Fatal(err)
	}
	wantWarnings := []string{`ondelete.yaml:6:7: purge.through[2]: constraint public.audit_log.audit_log_usr_id_fkey not found; did you mean public.audit_log.audit_log_user_id_fkey?`}
	if diff := cmp.Diff(wantWarnings, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
