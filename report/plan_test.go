package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gotest.tools/v3/assert"
	"gotest.tools/v3/golden"

	"github.com/ondelete/ondelete/plan"
)

// Run `go test ./report -run Plan -update` to rewrite the golden files.

func planFixture() *plan.Plan {
	two, zero := plan.Duration(2*time.Second), plan.Duration(0)
	return &plan.Plan{Version: plan.Version, Strategy: plan.Online, Dialect: plan.Postgres,
		Migrations: []plan.Migration{
			{Name: "add_index_orders_user_id_idx", Transactional: false,
				Up: []plan.Statement{{SQL: `CREATE INDEX CONCURRENTLY IF NOT EXISTS "orders_user_id_idx" ON "public"."orders" ("user_id");`,
					LockTimeout: &two, StatementTimeout: &zero,
					Hazards: []plan.Hazard{{Type: plan.ValidationScansTable, Message: "the index build reads every row of public.orders (about 5000000 rows)"}}}},
				Down: []plan.Statement{{SQL: `DROP INDEX CONCURRENTLY IF EXISTS "public"."orders_user_id_idx";`, LockTimeout: &two}}},
			{Name: "fix_foreign_keys", Transactional: true,
				Up:   []plan.Statement{{SQL: "ALTER TABLE \"public\".\"bad\x1b[31m\" DROP CONSTRAINT IF EXISTS \"x\";", LockTimeout: &two}},
				Down: []plan.Statement{}},
		},
		Unfixable: []plan.Unfixable{{Rule: "orphan-owner-column", Constraint: "public.audit(user_id)", Reason: "the column has no foreign key"}},
	}
}

func TestPlanGolden(t *testing.T) {
	for _, format := range PlanFormats {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			assert.NilError(t, RenderPlan(&b, planFixture(), format, Style{}))
			golden.Assert(t, b.String(), "plan."+format)
		})
	}
	t.Run("empty", func(t *testing.T) {
		var b bytes.Buffer
		assert.NilError(t, PlanText(&b, &plan.Plan{Version: 1, Strategy: plan.Auto, Dialect: plan.Postgres}, Style{}))
		assert.Equal(t, b.String(), "Nothing to change: every fixable finding is resolved.\n")
	})
}

// TestPlanTextTerminalSafe: an escape sequence in an identifier is shown,
// never sent to the terminal.
func TestPlanTextTerminalSafe(t *testing.T) {
	var b bytes.Buffer
	assert.NilError(t, PlanText(&b, planFixture(), Style{}))
	assert.Assert(t, !strings.Contains(b.String(), "\x1b"), b.String())
}

func TestPlanJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	assert.NilError(t, PlanJSON(&b, planFixture()))
	var back plan.Plan
	assert.NilError(t, json.Unmarshal(b.Bytes(), &back))
	assert.DeepEqual(t, &back, planFixture())
	err := RenderPlan(&b, planFixture(), "yaml", Style{})
	assert.ErrorContains(t, err, "yaml")
}
