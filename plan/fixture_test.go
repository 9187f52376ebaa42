package plan

import (
	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
)

// fixture is a hand-built schema with identifiers that need quoting
// (mixed case, spaces, a double quote) and findings of every kind.
func fixture() (*catalog.Snapshot, []check.Finding) {
	s := &catalog.Snapshot{
		ServerVersion: 150000,
		Tables: []catalog.Table{
			{Schema: "Sales", Name: "Order Lines", RowEstimate: 5_000_000,
				Columns:    []catalog.Column{{Name: "id", Type: "bigint", NotNull: true}, {Name: "User ID", Type: "bigint", NotNull: true}},
				PrimaryKey: []string{"id"}},
			{Schema: "public", Name: "comments", RowEstimate: 100,
				Columns:    []catalog.Column{{Name: "id", Type: "bigint", NotNull: true}, {Name: "user_id", Type: "bigint"}},
				PrimaryKey: []string{"id"}},
			{Schema: "public", Name: "users", RowEstimate: 10,
				Columns:    []catalog.Column{{Name: "id", Type: "bigint", NotNull: true}},
				PrimaryKey: []string{"id"}, Indexes: []catalog.Index{{Name: "users_pkey", Columns: []string{"id"}, Unique: true, Primary: true, Valid: true}}},
			{Schema: "public", Name: `weird"name`, RowEstimate: -1,
				Columns: []catalog.Column{{Name: "owner", Type: "bigint"}}},
		},
		ForeignKeys: []catalog.ForeignKey{
			{Schema: "Sales", Table: "Order Lines", Name: "Order Lines_User ID_fkey", Columns: []string{"User ID"},
				RefSchema: "public", RefTable: "users", RefColumns: []string{"id"}, OnDelete: catalog.NoAction, OnUpdate: catalog.NoAction,
				Validated: true, Match: "simple", NotNull: true, ConventionalName: true, RowEstimate: 5_000_000, RefRowEstimate: 10},
			{Schema: "public", Table: "comments", Name: "comments_user_fk", Columns: []string{"user_id"},
				RefSchema: "public", RefTable: "users", RefColumns: []string{"id"}, OnDelete: catalog.NoAction, OnUpdate: catalog.NoAction,
				Validated: false, Match: "simple", Indexed: true, RowEstimate: 100, RefRowEstimate: 10},
			{Schema: "public", Table: `weird"name`, Name: `weird"name_owner_fkey`, Columns: []string{"owner"},
				RefSchema: "public", RefTable: "users", RefColumns: []string{"id"}, OnDelete: catalog.Cascade, OnUpdate: catalog.NoAction,
				Validated: false, Match: "simple", Indexed: true, ConventionalName: true, RowEstimate: -1, RefRowEstimate: 10},
		},
	}
	finding := func(rule, code, schema, table, constraint string, cols ...string) check.Finding {
		return check.Finding{Rule: rule, Code: code, Severity: policy.Error, Schema: schema, Table: table, Constraint: constraint, Columns: cols}
	}
	lines := finding(policy.LintBlockedRootDelete, "OD001", "Sales", "Order Lines", "Order Lines_User ID_fkey", "User ID")
	linesRule := finding("lines-cascade", policy.RuleCode, "Sales", "Order Lines", "Order Lines_User ID_fkey", "User ID")
	linesRule.Want = &check.Change{OnDelete: catalog.Cascade, Index: true}
	commentsRule := finding("comments-keep", policy.RuleCode, "public", "comments", "comments_user_fk", "user_id")
	commentsRule.Want = &check.Change{OnDelete: catalog.SetNull}
	return s, []check.Finding{
		lines, linesRule, commentsRule,
		finding(policy.LintNotValid, "OD005", "public", "comments", "comments_user_fk", "user_id"),
		finding(policy.LintNonconventionalName, "OD006", "public", "comments", "comments_user_fk", "user_id"),
		finding(policy.LintNotValid, "OD005", "public", `weird"name`, `weird"name_owner_fkey`, "owner"),
		finding(policy.LintOrphanOwnerColumn, "OD007", "public", "audit", "", "user_id"),
	}
}
