package graph

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ondelete/ondelete/catalog"
)

func TestResolveTable(t *testing.T) {
	s := newSchema(
		"public.users", "public.User", "auth.users", "auth.sessions",
		"billing.sessions", "my schema.x.y", "public.order", "app.Invoice", "app.invoice_lines",
		"public.données", "Mixed.Case",
	).snap()
	name := func(schema, table string) catalog.TableName { return catalog.TableName{Schema: schema, Name: table} }
	cases := []struct {
		in   string
		want catalog.TableName
	}{
		{"users", name("public", "users")},
		{"USERS", name("public", "users")},
		{"public.users", name("public", "users")},
		{"auth.users", name("auth", "users")},
		{"  auth . users ", name("auth", "users")},
		{`"User"`, name("public", "User")},
		{`public."User"`, name("public", "User")},
		{`"public"."User"`, name("public", "User")},
		{`"my schema"."x.y"`, name("my schema", "x.y")},
		{`"order"`, name("public", "order")},
		{"order", name("public", "order")},
		{"Invoice", name("app", "Invoice")},     // unquoted exact case, since "invoice" does not exist
		{"app.Invoice", name("app", "Invoice")}, // same, qualified
		{"invoice_lines", name("app", "invoice_lines")},
		{"données", name("public", "données")},
		{"Mixed.Case", name("Mixed", "Case")},
		{`"Mixed"."Case"`, name("Mixed", "Case")},
	}
	for _, c := range cases {
		got, err := ResolveTable(s, c.in)
		if err != nil {
			t.Errorf("ResolveTable(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("ResolveTable(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestResolveTableErrors(t *testing.T) {
	s := newSchema("public.users", "public.user_roles", "auth.sessions", "billing.sessions", "app.Invoice").snap()

	_, err := ResolveTable(s, "sessions")
	var amb *AmbiguousTableError
	if !errors.As(err, &amb) {
		t.Fatalf("sessions: err = %v, want *AmbiguousTableError", err)
	}
	if diff := cmp.Diff([]catalog.TableName{tn("auth.sessions"), tn("billing.sessions")}, amb.Candidates); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
	if got, want := err.Error(), "table name sessions is ambiguous: it matches auth.sessions, billing.sessions; qualify it with a schema"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}

	notFound := []struct {
		in          string
		suggestions []catalog.TableName
	}{
		{"usrs", []catalog.TableName{tn("users")}},
		{"public.user", []catalog.TableName{tn("users"), tn("user_roles")}},
		{`"Users"`, []catalog.TableName{tn("users")}},
		{"INVOICE", []catalog.TableName{tn("app.Invoice")}}, // neither invoice nor INVOICE exists
		{"app.invoice", []catalog.TableName{tn("app.Invoice")}},
		{"session", []catalog.TableName{tn("auth.sessions"), tn("billing.sessions")}},
		{"zzzzzzzz", []catalog.TableName{}},
	}
	for _, c := range notFound {
		_, err := ResolveTable(s, c.in)
		var nf *TableNotFoundError
		if !errors.As(err, &nf) {
			t.Errorf("%s: err = %v, want *TableNotFoundError", c.in, err)
			continue
		}
		if diff := cmp.Diff(c.suggestions, nf.Suggestions); diff != "" {
			t.Errorf("%s: suggestions (-want +got):\n%s", c.in, diff)
		}
	}
	_, err = ResolveTable(s, "usrs")
	if got, want := err.Error(), "table usrs not found; did you mean public.users?"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}

	for _, bad := range []string{"", "  ", `"unterminated`, `""`, "a.", ".a", "a..b", "a.b.c", `a"b"`, `"a"b`, "a b"} {
		_, err := ResolveTable(s, bad)
		var inv *InvalidTableNameError
		if !errors.As(err, &inv) {
			t.Errorf("%q: err = %v, want *InvalidTableNameError", bad, err)
		}
	}
}
