package policy

import (
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ondelete/ondelete/catalog"
)

// TestLintRegistry pins names, codes and defaults: they are a public
// contract (findings, baselines, SARIF rule ids, docs).
func TestLintRegistry(t *testing.T) {
	want := []struct {
		name, code string
		sev        Severity
	}{
		{"blocked-root-delete", "OD001", Error},
		{"set-null-not-null", "OD002", Error},
		{"cascading-self-reference", "OD003", Warning},
		{"unindexed-cascade", "OD004", Warning},
		{"not-valid", "OD005", Warning},
		{"nonconventional-name", "OD006", Warning},
		{"orphan-owner-column", "OD007", Warning},
		{"overlapping-fks", "OD008", Warning},
	}
	if len(Lints) != len(want) {
		t.Fatalf("%d lints, want %d", len(Lints), len(want))
	}
	kebab := regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)
	for i, w := range want {
		l := Lints[i]
		if l.Name != w.name || l.Code != w.code || l.Default != w.sev {
			t.Errorf("Lints[%d] = %s %s %s, want %s %s %s", i, l.Name, l.Code, l.Default, w.name, w.code, w.sev)
		}
		if !kebab.MatchString(l.Name) || l.Summary == "" {
			t.Errorf("lint %q: name not kebab-case or summary empty", l.Name)
		}
		got, ok := LintByName(w.name)
		if !ok || got != l {
			t.Errorf("LintByName(%q) = %+v, %v", w.name, got, ok)
		}
	}
	if _, ok := LintByName("Blocked-Root-Delete"); ok {
		t.Error("LintByName is case-insensitive; names are exact")
	}
	if RuleCode != "OD100" {
		t.Errorf("RuleCode = %s", RuleCode)
	}
}

func TestBlockerSeverity(t *testing.T) {
	cases := []struct {
		configured Severity
		definite   bool
		want       Severity
	}{
		{Error, true, Error},
		{Error, false, Warning},
		{Warning, true, Warning},
		{Warning, false, Warning},
		{Off, true, Off},
		{Off, false, Off},
	}
	for _, c := range cases {
		if got := BlockerSeverity(c.configured, c.definite); got != c.want {
			t.Errorf("BlockerSeverity(%s, definite=%v) = %s, want %s", c.configured, c.definite, got, c.want)
		}
	}
}

func TestSeverityRank(t *testing.T) {
	if !(Error.Rank() > Warning.Rank() && Warning.Rank() > Off.Rank()) {
		t.Errorf("ranks: error %d, warning %d, off %d", Error.Rank(), Warning.Rank(), Off.Rank())
	}
}

func TestDefaultOwnerColumns(t *testing.T) {
	cases := []struct {
		tables []string
		want   []string
	}{
		{[]string{"users"}, []string{"user_id", "*_user_id", "userId", "*UserId"}},
		{[]string{"User"}, []string{"user_id", "*_user_id", "userId", "*UserId"}},
		{[]string{"accounts", "users"}, []string{"account_id", "*_account_id", "accountId", "*AccountId", "user_id", "*_user_id", "userId", "*UserId"}},
		{[]string{"companies"}, []string{"company_id", "*_company_id", "companyId", "*CompanyId"}},
		{[]string{"addresses"}, []string{"address_id", "*_address_id", "addressId", "*AddressId"}},
		{[]string{"boxes"}, []string{"box_id", "*_box_id", "boxId", "*BoxId"}},
		{[]string{"status"}, []string{"status_id", "*_status_id", "statusId", "*StatusId"}},
		{[]string{"people"}, []string{"person_id", "*_person_id", "personId", "*PersonId"}},
		{[]string{"customer"}, []string{"customer_id", "*_customer_id", "customerId", "*CustomerId"}},
		{[]string{"user_accounts"}, []string{"user_account_id", "*_user_account_id", "userAccountId", "*UserAccountId"}},
		{[]string{"UserAccount"}, []string{"user_account_id", "*_user_account_id", "userAccountId", "*UserAccountId"}},
		{[]string{"users", "Users"}, []string{"user_id", "*_user_id", "userId", "*UserId"}},
		{[]string{"odd*name"}, []string{`odd\*name_id`, `*_odd\*name_id`, `odd\*nameId`, `*Odd\*nameId`}},
		{nil, nil},
	}
	for _, c := range cases {
		roots := make([]catalog.TableName, len(c.tables))
		for i, t := range c.tables {
			roots[i] = catalog.TableName{Schema: "public", Name: t}
		}
		got := DefaultOwnerColumns(roots)
		if !cmp.Equal(got, c.want) {
			t.Errorf("DefaultOwnerColumns(%q) = %q, want %q", c.tables, got, c.want)
		}
		for _, g := range got {
			if _, err := singlePattern(g); err != nil {
				t.Errorf("derived pattern %q is invalid: %v", g, err)
			}
		}
	}
	// The derived patterns find what they are meant to, and only that.
	m := Match{Columns: []string{"*_user_id"}}
	if !m.MatchesFK(fk("public", "t", []string{"owner_user_id"}, "public", "x")) || m.MatchesFK(fk("public", "t", []string{"user_id"}, "public", "x")) {
		t.Error("*_user_id: wrong matches")
	}
	m = Match{Columns: []string{`*Odd\*nameId`}}
	if !m.MatchesFK(fk("public", "t", []string{"myOdd*nameId"}, "public", "x")) || m.MatchesFK(fk("public", "t", []string{"myOddXnameId"}, "public", "x")) {
		t.Error(`*Odd\*nameId: wrong matches`)
	}
}
