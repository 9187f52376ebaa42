package check

import "github.com/ondelete/ondelete/catalog"

// Options tunes a check. The zero value is ready to use: every setting
// that decides what is reported lives in the policy, so that the command
// line, a CI job and a Go test all report the same findings.
type Options struct {
	// Inspect narrows what Run reads from the database (for instance to
	// the application's schemas). Evaluate ignores it: it checks whatever
	// snapshot it is given.
	Inspect catalog.Options
}
