package plan

import (
	"encoding/json"
	"testing"

	"gotest.tools/v3/assert"
	"gotest.tools/v3/golden"
)

// Run `go test ./plan -update` to rewrite the cockroachdb-* golden files
// after an intended change, then review the diff.

func TestCockroachGoldenPlans(t *testing.T) {
	for _, strategy := range []Strategy{Inline, Online, Auto} {
		t.Run(string(strategy), func(t *testing.T) {
			s, findings := fixture()
			p, err := Generate(s, findings, Options{Strategy: strategy, Dialect: CockroachDB})
			assert.NilError(t, err)
			got, err := json.MarshalIndent(p, "", "  ")
			assert.NilError(t, err)
			golden.Assert(t, string(got)+"\n", "cockroachdb-"+string(strategy)+".golden.json")
		})
	}
}

// TestCockroachGoldenFiles lays the online CockroachDB plan of the
// fixture out in four layouts of package migrate's fixtures: flat (psql,
// statement by statement), golang-migrate (a file as one query), goose
// and dbmate (told not to open a transaction).
func TestCockroachGoldenFiles(t *testing.T) {
	s, findings := fixture()
	p, err := Generate(s, findings, Options{Strategy: Online, Dialect: CockroachDB})
	assert.NilError(t, err)
	for _, layout := range []string{"flat", "golang-migrate", "goose", "dbmate"} {
		t.Run(layout, func(t *testing.T) { assertFiles(t, p, layout, "cockroachdb-files-"+layout+".golden") })
	}
}
