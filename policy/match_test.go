package policy

import (
	"errors"
	"testing"

	"github.com/ondelete/ondelete/catalog"
)

// fk builds a foreign key from schema.table(cols) to refschema.reftable.
func fk(schema, table string, cols []string, refSchema, refTable string) *catalog.ForeignKey {
	return &catalog.ForeignKey{Schema: schema, Table: table, Name: table + "_fkey", Columns: cols, RefSchema: refSchema, RefTable: refTable}
}

func TestMatchesFK(t *testing.T) {
	orders := fk("public", "orders", []string{"user_id"}, "public", "users")
	prisma := fk("public", "Session", []string{"userId"}, "public", "User")
	authSess := fk("auth", "sessions", []string{"user_id"}, "auth", "users")
	composite := fk("app", "issues", []string{"project_id", "epic_id"}, "app", "epics")
	dotted := fk("my schema", "x.y", []string{"a.b"}, "my schema", "x.y")
	slash := fk("public", "a/b", []string{"c"}, "public", "users")

	cases := []struct {
		name  string
		m     Match
		fk    *catalog.ForeignKey
		match bool
	}{
		{"references bare", Match{References: "users"}, orders, true},
		{"references bare any schema", Match{References: "users"}, authSess, true},
		{"references qualified", Match{References: "public.users"}, orders, true},
		{"references other schema", Match{References: "public.users"}, authSess, false},
		{"references glob schema", Match{References: "*.users"}, authSess, true},
		{"references glob table", Match{References: "user*"}, orders, true},
		{"references question mark", Match{References: "user?"}, orders, true},
		{"references class", Match{References: "[tu]sers"}, orders, true},
		{"references negated class", Match{References: "[^u]sers"}, orders, false},
		{"references not the child", Match{References: "orders"}, orders, false},
		{"unquoted folds", Match{References: "USERS"}, orders, true},
		{"unquoted keeps its spelling", Match{References: "User"}, prisma, true},
		{"unquoted lowercase misses mixed case", Match{References: "user"}, prisma, false},
		{"quoted exact", Match{References: `"User"`}, prisma, true},
		{"quoted does not fold", Match{References: `"USERS"`}, orders, false},
		{"quoted glob", Match{References: `public."Us*"`}, prisma, true},
		{"table", Match{Table: "orders"}, orders, true},
		{"table qualified", Match{Table: "auth.sessions"}, authSess, true},
		{"table wrong", Match{Table: "sessions"}, orders, false},
		{"table star", Match{Table: "*"}, composite, true},
		{"schema", Match{Schema: "auth"}, authSess, true},
		{"schema wrong", Match{Schema: "auth"}, orders, false},
		{"schema glob", Match{Schema: "a*"}, composite, true},
		{"columns", Match{Columns: []string{"user_id"}}, orders, true},
		{"columns glob", Match{Columns: []string{"*_id"}}, orders, true},
		{"columns camel", Match{Columns: []string{"*Id"}}, prisma, true},
		{"columns length differs", Match{Columns: []string{"*"}}, composite, false},
		{"columns in order", Match{Columns: []string{"project_id", "epic_id"}}, composite, true},
		{"columns wrong order", Match{Columns: []string{"epic_id", "project_id"}}, composite, false},
		{"all fields AND", Match{References: "users", Table: "orders", Schema: "public", Columns: []string{"user_id"}}, orders, true},
		{"one field fails", Match{References: "users", Table: "orders", Schema: "auth"}, orders, false},
		{"dots in quoted parts", Match{Table: `"my schema"."x.y"`, References: `"x.y"`}, dotted, true},
		{"column with a dot", Match{Columns: []string{"a.b"}}, dotted, true},
		{"quoted column", Match{Columns: []string{`"a.b"`}}, dotted, true},
		{"escaped star", Match{References: `user\*`}, orders, false},
		// path.Match's * does not cross a slash; a pattern can still name it.
		{"star stops at slash", Match{Table: "a*"}, slash, false},
		{"slash named", Match{Table: "a/*"}, slash, true},
		{"empty matches nothing", Match{}, orders, false},
		{"malformed matches nothing", Match{References: "users["}, orders, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.m.MatchesFK(c.fk); got != c.match {
				t.Errorf("%+v.MatchesFK(%s → %s) = %v, want %v", c.m, c.fk.TableName(), c.fk.RefTableName(), got, c.match)
			}
			// A parsed Match (compiled once) agrees with one built in code.
			compiled := c.m
			compiled.compiled = c.m.compile()
			if got := compiled.MatchesFK(c.fk); got != c.match {
				t.Errorf("compiled: MatchesFK = %v, want %v", got, c.match)
			}
		})
	}
}

func TestParseConstraintRef(t *testing.T) {
	key := func(s, t, n string) catalog.ConstraintKey { return catalog.ConstraintKey{Schema: s, Table: t, Name: n} }
	ok := []struct {
		in   string
		want catalog.ConstraintKey
	}{
		{"public.audit_log.audit_log_user_id_fkey", key("public", "audit_log", "audit_log_user_id_fkey")},
		{`public."User"."User_teamId_fkey"`, key("public", "User", "User_teamId_fkey")},
		{"Public.Orders.FK", key("public", "orders", "fk")},
		{`"my schema"."x.y"."a.b"`, key("my schema", "x.y", "a.b")},
		{`app."say ""hi"""."c"`, key("app", `say "hi"`, "c")},
		{` public . users . users_fkey `, key("public", "users", "users_fkey")},
		{"données.tâches.fk", key("données", "tâches", "fk")},
	}
	for _, c := range ok {
		got, err := ParseConstraintRef(c.in)
		if err != nil {
			t.Errorf("ParseConstraintRef(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("ParseConstraintRef(%q) = %#v, want %#v", c.in, got, c.want)
		}
		// The display form reads back as the same key.
		if again, err := ParseConstraintRef(got.String()); err != nil || again != got {
			t.Errorf("ParseConstraintRef(%q) = %#v, %v; want round trip to %#v", got.String(), again, err, got)
		}
	}
	bad := map[string]string{
		"":                   `invalid constraint reference "": empty name`,
		"users.fk":           `invalid constraint reference "users.fk": want schema.table.constraint, found 2 parts (quote parts that contain dots)`,
		"a.b.c.d":            `invalid constraint reference "a.b.c.d": want schema.table.constraint, found 4 parts (quote parts that contain dots)`,
		`public."users.fk`:   `invalid constraint reference "public.\"users.fk": unterminated quoted identifier`,
		`public."".fk`:       `invalid constraint reference "public.\"\".fk": zero-length quoted identifier`,
		"public..fk":         `invalid constraint reference "public..fk": empty part before a dot`,
		"public.users.":      `invalid constraint reference "public.users.": name ends with a dot`,
		`public.us"ers".fk`:  `invalid constraint reference "public.us\"ers\".fk": quote inside an unquoted identifier (quote the whole part)`,
		"public.my table.fk": `invalid constraint reference "public.my table.fk": expected a dot between name parts (quote names that contain blanks)`,
		`public."users"x.fk`: `invalid constraint reference "public.\"users\"x.fk": expected a dot between name parts (quote names that contain blanks)`,
	}
	for in, want := range bad {
		_, err := ParseConstraintRef(in)
		var cre *ConstraintRefError
		if !errors.As(err, &cre) || err.Error() != want {
			t.Errorf("ParseConstraintRef(%q) = %v, want %s", in, err, want)
		}
	}
}

func TestExempt(t *testing.T) {
	p, err := Parse([]byte(`version: 1
rules:
  - {name: cascades, match: {references: users}, expect: {on_delete: cascade}}
exceptions:
  - {constraint: public.audit_log.audit_log_user_id_fkey, rule: cascades, reason: audit rows outlive the user}
  - {constraint: 'public."User"."User_teamId_fkey"', rule: not-valid, reason: validated at night}
  - {constraint: public.Session.Session_userId_fkey, rule: cascades, reason: typed as seen}
  - constraint: public."User"."User_teamId_fkey"
    rule: cascades
    reason: quotes inside a plain YAML scalar
`), "ondelete.yaml")
	if err != nil {
		t.Fatal(err)
	}
	key := func(s, t, n string) catalog.ConstraintKey { return catalog.ConstraintKey{Schema: s, Table: t, Name: n} }
	cases := []struct {
		rule   string
		key    catalog.ConstraintKey
		reason string
	}{
		{"cascades", key("public", "audit_log", "audit_log_user_id_fkey"), "audit rows outlive the user"},
		{"not-valid", key("public", "audit_log", "audit_log_user_id_fkey"), ""}, // other rule
		{"cascades", key("public", "audit_log", "other_fkey"), ""},
		{"cascades", key("audit", "audit_log", "audit_log_user_id_fkey"), ""},
		{"not-valid", key("public", "User", "User_teamId_fkey"), "validated at night"},
		{"not-valid", key("public", "user", "user_teamid_fkey"), ""}, // quoted: exact only
		{"cascades", key("public", "User", "User_teamId_fkey"), "quotes inside a plain YAML scalar"},
		{"cascades", key("public", "Session", "Session_userId_fkey"), "typed as seen"},
		{"cascades", key("public", "session", "session_userid_fkey"), "typed as seen"},
		{"cascades", key("public", "Session", "session_userid_fkey"), ""}, // one meaning or the other, not a mix
	}
	for _, c := range cases {
		e, ok := p.Exempt(c.rule, c.key)
		if ok != (c.reason != "") || e.Reason != c.reason {
			t.Errorf("Exempt(%s, %s) = %q, %v; want %q", c.rule, c.key, e.Reason, ok, c.reason)
		}
	}
	// A policy built in code, with only Constraint set.
	built := &Policy{Exceptions: []Exception{{Constraint: `public."User".x`, Rule: "r", Reason: "why"}}}
	if _, ok := built.Exempt("r", key("public", "User", "x")); !ok {
		t.Error("built policy: exception not applied")
	}
	if _, ok := built.Exempt("r", key("public", "user", "x")); ok {
		t.Error("built policy: quoted part matched another spelling")
	}
}

func TestColumnPattern(t *testing.T) {
	cases := []struct {
		pattern, name string
		match         bool
	}{
		{"user_id", "user_id", true},
		{"*_user_id", "owner_user_id", true},
		{"*_user_id", "user_id", false},
		{"userId", "userId", true},
		{"userId", "userid", true},
		{"USER_ID", "user_id", true},
		{`"userId"`, "userid", false},
		{`"userId"`, "userId", true},
		{`"a""b"`, `a"b`, true},
		{"*UserId", "createdByUserId", true},
	}
	for _, c := range cases {
		p, err := ParseColumnPattern(c.pattern)
		if err != nil {
			t.Fatalf("ParseColumnPattern(%q): %v", c.pattern, err)
		}
		if got := p.Matches(c.name); got != c.match {
			t.Errorf("%q matches %q = %v, want %v", c.pattern, c.name, got, c.match)
		}
	}
	if _, err := ParseColumnPattern("a["); err == nil || err.Error() != `invalid column pattern "a[": malformed pattern (want *, ?, [class] or \ escapes; close every [ )` {
		t.Errorf("ParseColumnPattern(a[) = %v", err)
	}
}
