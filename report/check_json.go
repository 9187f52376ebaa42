package report

import (
	"encoding/json"
	"io"

	"github.com/ondelete/ondelete/check"
)

// CheckJSON writes the result as the versioned JSON contract of
// `ondelete check --format json`: {"version", "findings": [{"rule",
// "code", "severity", "schema", "table", "constraint", "found",
// "expected", "message", "fix", "source": {"file", "line"}}], "summary":
// {"errors", "warnings"}}, plus the additive fields of check.Result
// (columns, baselined, fixed, policy_warnings, summary counts of
// baselined and fixed). findings is always an array, never null, so
// consumers can iterate without a nil check; source is null when the
// finding has no migration file. Indented by two spaces, ending in a
// newline, with <, > and & left unescaped so identifiers read as they are.
func CheckJSON(w io.Writer, r *check.Result) error {
	out := *r
	if out.Findings == nil {
		out.Findings = []check.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&out)
}
