package check_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
)

// A team keeps the check inside `go test`: after the test suite has
// applied the migrations to its database, one test runs the policy
// against it. In a real test, replace log.Fatal with t.Fatal and the
// final check with t.Errorf.
func ExampleRun() {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close(ctx)

	p, err := policy.Load("ondelete.yaml")
	if err != nil {
		log.Fatal(err) // a *policy.ParseError says file:line:col and what was expected
	}
	res, err := check.Run(ctx, conn, p, check.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range res.PolicyWarnings {
		log.Print("policy: ", w)
	}
	for _, f := range res.Findings {
		fmt.Printf("%s %s %s %s.%s: %s\n  fix:\n%s\n", f.Severity, f.Code, f.Rule, f.Table, f.Constraint, f.Message, f.Fix)
	}
	if res.Failed(policy.Error) {
		log.Fatalf("foreign-key policy: %d errors", res.Summary.Errors)
	}
}

// Evaluate needs no database: here a snapshot written by hand, where a
// post keeps its author's account from being deleted.
func ExampleEvaluate() {
	snap := &catalog.Snapshot{
		ServerVersion: 150000,
		Tables: []catalog.Table{
			{Schema: "public", Name: "posts", PrimaryKey: []string{"id"}, Columns: []catalog.Column{
				{Name: "id", Type: "bigint", NotNull: true}, {Name: "user_id", Type: "bigint", NotNull: true}}},
			{Schema: "public", Name: "users", PrimaryKey: []string{"id"}, Columns: []catalog.Column{
				{Name: "id", Type: "bigint", NotNull: true}}},
		},
		ForeignKeys: []catalog.ForeignKey{{
			Schema: "public", Table: "posts", Name: "posts_user_id_fkey", Columns: []string{"user_id"},
			RefSchema: "public", RefTable: "users", RefColumns: []string{"id"},
			OnDelete: catalog.NoAction, OnUpdate: catalog.NoAction, Match: "simple",
			Validated: true, NotNull: true, Indexed: true, ConventionalName: true,
		}},
	}
	p, err := policy.Parse([]byte(`version: 1
roots: [users]
rules:
  - name: user-data-cascades
    match: {references: users}
    expect: {on_delete: cascade}
`), "ondelete.yaml")
	if err != nil {
		log.Fatal(err)
	}
	res, err := check.Evaluate(snap, p, check.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range res.Findings {
		fmt.Printf("%s %s %s: %s → %s\n", f.Severity, f.Code, f.Rule, f.Found, f.Expected)
	}
	fmt.Printf("errors %d, warnings %d, fails CI: %v\n", res.Summary.Errors, res.Summary.Warnings, res.Failed(policy.Error))
	// Output:
	// error OD001 blocked-root-delete: ON DELETE NO ACTION (definite blocker of public.users) → ON DELETE CASCADE or SET NULL (no blocker in a root's deletion graph)
	// error OD100 user-data-cascades: on_delete no action → on_delete cascade
	// errors 2, warnings 0, fails CI: true
}
