package plan

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gotest.tools/v3/assert"

	"github.com/ondelete/ondelete/ident"
)

// dialects lists every dialect Generate supports; the conformance test
// below holds each to the contract the plan's consumers rely on.
var dialects = []Dialect{Postgres, CockroachDB}

var migrationName = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)

// TestDialectConformance checks, for every dialect and strategy over the
// fixture: deterministic output that round-trips through JSON, file-safe
// migration names, statements that end with ";" and name a table of the
// snapshot's schemas in quoted form, a lifted statement_timeout exactly where a
// statement scans a table, known hazard types with messages, and
// unfixable findings in order.
func TestDialectConformance(t *testing.T) {
	known := []HazardType{ValidationScansTable, NewCascadeDeletesRows, NewSetNullClearsRows, BlocksWrites, ConstraintsCoexist}
	for _, dialect := range dialects {
		for _, strategy := range []Strategy{Inline, Online, Auto} {
			t.Run(string(dialect)+"/"+string(strategy), func(t *testing.T) {
				s, findings := fixture()
				o := Options{Strategy: strategy, Dialect: dialect}
				p, err := Generate(s, findings, o)
				assert.NilError(t, err)
				again, err := Generate(s, findings, o)
				assert.NilError(t, err)
				assert.DeepEqual(t, p, again)
				assert.Equal(t, p.Dialect, dialect)

				b, err := json.Marshal(p)
				assert.NilError(t, err)
				var back Plan
				assert.NilError(t, json.Unmarshal(b, &back))
				assert.DeepEqual(t, &back, p)

				// Every statement names its object schema-qualified and quoted
				// ("schema"."table" or "schema"."index").
				var schemas []string
				for i := range s.Tables {
					schemas = append(schemas, ident.Quote(s.Tables[i].Schema)+`."`)
				}
				for _, m := range p.Migrations {
					assert.Assert(t, migrationName.MatchString(m.Name), m.Name)
					assert.Assert(t, len(m.Up) > 0, m.Name)
					for _, st := range append(slices.Clone(m.Up), m.Down...) {
						assert.Assert(t, strings.HasSuffix(st.SQL, ";"), st.SQL)
						assert.Assert(t, slices.ContainsFunc(schemas, func(q string) bool { return strings.Contains(st.SQL, q) }), st.SQL)
						scans := slices.ContainsFunc(st.Hazards, func(h Hazard) bool { return h.Type == ValidationScansTable })
						lifted := st.StatementTimeout != nil && *st.StatementTimeout == 0
						assert.Equal(t, scans, lifted, st.SQL)
						for _, h := range st.Hazards {
							assert.Assert(t, slices.Contains(known, h.Type), h.Type)
							assert.Assert(t, h.Message != "", h.Type)
						}
					}
				}
				assert.Assert(t, slices.IsSortedFunc(p.Unfixable, func(a, b Unfixable) int {
					return strings.Compare(a.Constraint+"\x00"+a.Rule, b.Constraint+"\x00"+b.Rule)
				}))
			})
		}
	}
}
