package check

import "github.com/ondelete/ondelete/policy"

// Failed reports whether the check fails at the given threshold (the
// --fail-on flag): some finding not covered by the baseline is at least
// that severe. With threshold error only errors fail; with warning,
// warnings fail too. Off (or an unknown value) never fails, for a run that
// only reports.
func (r *Result) Failed(threshold policy.Severity) bool {
	least := threshold.Rank()
	if least == 0 {
		return false
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		if !f.Baselined && f.Severity.Rank() >= least {
			return true
		}
	}
	return false
}
