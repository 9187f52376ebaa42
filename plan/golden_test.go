package plan

import (
	"encoding/json"
	"testing"

	"gotest.tools/v3/assert"
	"gotest.tools/v3/golden"
)

// Run `go test ./plan -update` (gotest.tools' golden flag) to rewrite the
// golden files after an intended change, then review the diff.

func TestGoldenPlans(t *testing.T) {
	for _, strategy := range []Strategy{Inline, Online, Auto} {
		t.Run(string(strategy), func(t *testing.T) {
			s, findings := fixture()
			p, err := Generate(s, findings, Options{Strategy: strategy})
			assert.NilError(t, err)
			got, err := json.MarshalIndent(p, "", "  ")
			assert.NilError(t, err)
			got = append(got, '\n')
			golden.Assert(t, string(got), string(strategy)+".golden.json")
		})
	}
}
