package plan

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gotest.tools/v3/assert"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/policy"
)

// One test per difference docs/cockroachdb.md documents; each fails if
// its rule is removed from the CockroachDB planner.

func crdbPlan(t *testing.T, s *catalog.Snapshot, findings []check.Finding, o Options) *Plan {
	t.Helper()
	o.Dialect = CockroachDB
	p, err := Generate(s, findings, o)
	assert.NilError(t, err)
	return p
}

func allStatements(p *Plan) []Statement {
	var out []Statement
	for _, m := range p.Migrations {
		out = append(append(out, m.Up...), m.Down...)
	}
	return out
}

func TestCockroachDialectIsAccepted(t *testing.T) {
	s, _ := fixture()
	p := crdbPlan(t, s, nil, Options{})
	b, err := json.Marshal(p)
	assert.NilError(t, err)
	assert.Equal(t, string(b), `{"version":1,"strategy":"auto","dialect":"cockroachdb","migrations":[],"unfixable":[]}`)
}

// Rule: one schema change per transaction. Every migration holds one
// statement in up and at most one in down, and is non-transactional.
func TestCockroachOneSchemaChangePerMigration(t *testing.T) {
	for _, strategy := range []Strategy{Inline, Online, Auto} {
		s, findings := fixture()
		p := crdbPlan(t, s, findings, Options{Strategy: strategy})
		assert.Assert(t, len(p.Migrations) > 0)
		for _, m := range p.Migrations {
			assert.Equal(t, len(m.Up), 1, "%s %s", strategy, m.Name)
			assert.Assert(t, len(m.Down) <= 1, "%s %s", strategy, m.Name)
			assert.Assert(t, !m.Transactional, "%s %s", strategy, m.Name)
		}
	}
}

// Rule: no lock_timeout, whatever Options.LockTimeout says.
func TestCockroachSetsNoLockTimeout(t *testing.T) {
	s, findings := fixture()
	for _, st := range allStatements(crdbPlan(t, s, findings, Options{Strategy: Online, LockTimeout: 500 * time.Millisecond})) {
		assert.Assert(t, st.LockTimeout == nil, st.SQL)
	}
}

// Rule: no statement blocks writes, even the validating ADD of the inline
// strategy and the validated re-add of a down, which do in PostgreSQL.
func TestCockroachNeverBlocksWrites(t *testing.T) {
	s, findings := fixture()
	scans := 0
	for _, st := range allStatements(crdbPlan(t, s, findings, Options{Strategy: Inline})) {
		for _, h := range st.Hazards {
			assert.Assert(t, h.Type != BlocksWrites, st.SQL)
			if h.Type == ValidationScansTable {
				scans++
				assert.Assert(t, strings.Contains(h.Message, "does not block reads or writes"), h.Message)
			}
		}
	}
	assert.Assert(t, scans > 0)
}

// Rule: inline validates in the ADD itself; online adds NOT VALID and
// validates in its own migration; auto picks by row estimate.
func TestCockroachStrategiesPlaceValidation(t *testing.T) {
	s, findings := fixture()
	names := func(p *Plan) []string { return migrationNames(p) }

	inline := crdbPlan(t, s, findings, Options{Strategy: Inline})
	add := inline.Migrations[1].Up[0]
	assert.Assert(t, strings.HasPrefix(inline.Migrations[1].Name, "add_foreign_key_"))
	assert.Assert(t, !strings.HasSuffix(add.SQL, "NOT VALID;"), add.SQL)
	assert.Assert(t, add.StatementTimeout != nil && *add.StatementTimeout == 0)
	assert.Equal(t, add.Hazards[0].Type, ValidationScansTable)
	assert.Assert(t, !strings.Contains(strings.Join(names(inline), " "), "validate_foreign_key_order_lines"))

	online := crdbPlan(t, s, findings, Options{Strategy: Online})
	add = online.Migrations[1].Up[0]
	assert.Assert(t, strings.HasSuffix(add.SQL, "NOT VALID;"), add.SQL)
	assert.Assert(t, add.StatementTimeout == nil)
	assert.Assert(t, strings.Contains(strings.Join(names(online), " "), "validate_foreign_key_order_lines_user_id_fkey_new"))

	// Order Lines has 5,000,000 rows, comments 100.
	auto := crdbPlan(t, s, findings, Options{OnlineThreshold: 1_000})
	assert.DeepEqual(t, names(auto), []string{
		"add_index_order_lines_user_id_idx",
		"add_foreign_key_order_lines_user_id_fkey_new", "add_foreign_key_comments_user_id_fkey",
		"validate_foreign_key_order_lines_user_id_fkey_new", "validate_foreign_key_weird_name_owner_fkey",
		"drop_foreign_key_order_lines_user_id_fkey", "drop_foreign_key_comments_user_fk",
		"rename_foreign_key_order_lines_user_id_fkey",
	})
}

// Rule: the new key is added before the old one is dropped, with
// ADD CONSTRAINT IF NOT EXISTS, and the old one is re-added by its down
// in one statement.
func TestCockroachAddsBeforeDropping(t *testing.T) {
	s, findings := fixture()
	p := crdbPlan(t, s, findings, Options{Strategy: Online})
	firstDrop, lastAdd := -1, -1
	for i, m := range p.Migrations {
		switch {
		case strings.HasPrefix(m.Name, "add_foreign_key_"):
			lastAdd = i
			assert.Assert(t, strings.Contains(m.Up[0].SQL, " ADD CONSTRAINT IF NOT EXISTS "), m.Up[0].SQL)
		case strings.HasPrefix(m.Name, "drop_foreign_key_"):
			if firstDrop < 0 {
				firstDrop = i
			}
			assert.Assert(t, strings.Contains(m.Down[0].SQL, " ADD CONSTRAINT IF NOT EXISTS "), m.Down[0].SQL)
		}
	}
	assert.Assert(t, lastAdd >= 0 && firstDrop > lastAdd, "adds end at %d, drops start at %d", lastAdd, firstDrop)
	old := p.Migrations[firstDrop].Down[0]
	assert.Assert(t, !strings.Contains(old.SQL, "NOT VALID"), "the validated old key comes back validated: %s", old.SQL)
	assert.Equal(t, old.Hazards[0].Type, ValidationScansTable)
}

// Rule: a rename is a re-add under the new name, since CockroachDB has no
// RENAME CONSTRAINT IF EXISTS and no DDL in a DO block: no rename step.
func TestCockroachRenameReaddsUnderNewName(t *testing.T) {
	s, _ := fixture()
	f := check.Finding{Rule: policy.LintNonconventionalName, Code: "OD006", Schema: "public", Table: "comments", Constraint: "comments_user_fk"}
	p := crdbPlan(t, s, []check.Finding{f}, Options{Strategy: Online})
	assert.DeepEqual(t, migrationNames(p), []string{"add_foreign_key_comments_user_id_fkey", "drop_foreign_key_comments_user_fk"})
	assert.Equal(t, p.Migrations[0].Up[0].SQL,
		`ALTER TABLE "public"."comments" ADD CONSTRAINT IF NOT EXISTS "comments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") NOT VALID;`)
	for _, st := range allStatements(p) {
		assert.Assert(t, !strings.Contains(st.SQL, "RENAME") && !strings.HasPrefix(st.SQL, "DO "), st.SQL)
		assert.Equal(t, len(st.Hazards), 0, "same actions: nothing changes while both keys exist")
	}
}

// Rule: a key only validated is validated in place, with no down.
func TestCockroachValidatesInPlace(t *testing.T) {
	s, _ := fixture()
	f := check.Finding{Rule: policy.LintNotValid, Code: "OD005", Schema: "public", Table: "comments", Constraint: "comments_user_fk"}
	p := crdbPlan(t, s, []check.Finding{f}, Options{Strategy: Inline})
	assert.DeepEqual(t, migrationNames(p), []string{"validate_foreign_key_comments_user_fk"})
	assert.Equal(t, p.Migrations[0].Up[0].SQL, `ALTER TABLE "public"."comments" VALIDATE CONSTRAINT "comments_user_fk";`)
	assert.Equal(t, len(p.Migrations[0].Down), 0)
}

// Rule: indexes are built without CONCURRENTLY and dropped as
// table@index, and a runner needs no lone query for them.
func TestCockroachBuildsIndexesOnline(t *testing.T) {
	s, findings := fixture()
	p := crdbPlan(t, s, findings, Options{Strategy: Online})
	m := p.Migrations[0]
	assert.Equal(t, m.Up[0].SQL, `CREATE INDEX IF NOT EXISTS "Order Lines_User ID_idx" ON "Sales"."Order Lines" ("User ID");`)
	assert.Equal(t, m.Down[0].SQL, `DROP INDEX IF EXISTS "Sales"."Order Lines"@"Order Lines_User ID_idx";`)
	for _, m := range p.Migrations {
		assert.Assert(t, !m.NeedsOwnQuery(), m.Name)
	}
}

// Rule: PostgreSQL's partitioned-table restrictions do not apply: the
// index is built and the key is added NOT VALID, nothing is unfixable.
func TestCockroachIgnoresPostgresPartitioning(t *testing.T) {
	s, findings := fixture()
	s.Tables[0].Partitioned = true // "Sales"."Order Lines"
	p := crdbPlan(t, s, findings, Options{Strategy: Online})
	assert.Equal(t, p.Migrations[0].Name, "add_index_order_lines_user_id_idx")
	assert.Assert(t, strings.HasSuffix(p.Migrations[1].Up[0].SQL, "NOT VALID;"))
	assert.Equal(t, len(p.Unfixable), 1) // the fixture's orphan-owner-column
}

// Rule: keys CockroachDB's grammar cannot write (DEFERRABLE, a column
// list after SET NULL) are not re-added; the index and an in-place
// validation are still planned.
func TestCockroachUnsupportedKeysAreUnfixable(t *testing.T) {
	cases := []struct {
		name   string
		change func(fk *catalog.ForeignKey)
		reason string
	}{
		{"deferrable", func(fk *catalog.ForeignKey) { fk.Deferrable, fk.InitiallyDeferred = true, true }, "DEFERRABLE"},
		{"set null columns", func(fk *catalog.ForeignKey) {
			fk.OnDelete, fk.OnDeleteColumns = catalog.SetNull, []string{"User ID"}
		}, `instead of ("User ID")`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, findings := fixture()
			c.change(&s.ForeignKeys[0]) // "Sales"."Order Lines", rebuilt to CASCADE and indexed
			p := crdbPlan(t, s, findings, Options{Strategy: Online})
			var found bool
			for _, u := range p.Unfixable {
				if u.Constraint == s.ForeignKeys[0].Key().String() {
					found = true
					assert.Assert(t, strings.Contains(u.Reason, c.reason), u.Reason)
					assert.Equal(t, u.Rule, "lines-cascade")
				}
			}
			assert.Assert(t, found, "%+v", p.Unfixable)
			for _, st := range allStatements(p) {
				assert.Assert(t, !strings.Contains(st.SQL, "DEFERRABLE") && !strings.Contains(st.SQL, `SET NULL ("`), st.SQL)
				assert.Assert(t, !strings.Contains(st.SQL, `"Order Lines_User ID_fkey`), st.SQL)
			}
			assert.Equal(t, p.Migrations[0].Name, "add_index_order_lines_user_id_idx")
		})
	}
}

// Rule: a rename-only fix of an unsupported key names the rule that asked
// for the rename.
func TestCockroachUnfixableRenameNamesItsRule(t *testing.T) {
	s, _ := fixture()
	s.ForeignKeys[1].Deferrable = true
	f := check.Finding{Rule: policy.LintNonconventionalName, Code: "OD006", Schema: "public", Table: "comments", Constraint: "comments_user_fk"}
	p := crdbPlan(t, s, []check.Finding{f}, Options{})
	assert.Assert(t, p.Empty())
	assert.Equal(t, len(p.Unfixable), 1)
	assert.Equal(t, p.Unfixable[0].Rule, policy.LintNonconventionalName)
}

// Rule: while both keys exist the hazard says CockroachDB applies the key
// defined first, not PostgreSQL's trigger order.
func TestCockroachCoexistHazard(t *testing.T) {
	s, findings := fixture()
	p := crdbPlan(t, s, findings, Options{Strategy: Online})
	h := p.Migrations[1].Up[0].Hazards[0]
	assert.Equal(t, h.Type, ConstraintsCoexist)
	assert.Assert(t, strings.Contains(h.Message, "CockroachDB applies the action of the foreign key defined first"), h.Message)
	assert.Assert(t, !strings.Contains(h.Message, "trigger"), h.Message)
}

// Rule: scripts set timeouts with SET and RESET, never SET LOCAL and
// never BEGIN … COMMIT, in every layout, and ask runners that can be told
// not to open a transaction.
func TestCockroachScriptsUseSessionSettings(t *testing.T) {
	now := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	s, findings := fixture()
	p := crdbPlan(t, s, findings, Options{Strategy: Online})
	for _, layout := range []string{"flat", "flyway", "golang-migrate", "goose", "dbmate", "prisma", "diesel"} {
		d, err := migrate.Load(filepath.Join("..", "migrate", "testdata", layout), migrate.LayoutAuto)
		assert.NilError(t, err)
		files, err := Files(p, d, now)
		assert.NilError(t, err)
		var all strings.Builder
		for _, f := range files {
			all.WriteString(f.Content)
		}
		text := all.String()
		assert.Assert(t, !strings.Contains(text, "SET LOCAL") && !strings.Contains(text, "BEGIN;"), layout)
		assert.Equal(t, strings.Count(text, "SET statement_timeout = '0';"), strings.Count(text, "RESET statement_timeout;"), layout)
		assert.Assert(t, strings.Contains(text, "RESET statement_timeout;"), layout)
		switch layout {
		case "goose":
			assert.Equal(t, strings.Count(text, "-- +goose NO TRANSACTION"), len(p.Migrations))
		case "dbmate":
			assert.Equal(t, strings.Count(text, "-- migrate:up transaction:false"), len(p.Migrations))
		}
	}
}
