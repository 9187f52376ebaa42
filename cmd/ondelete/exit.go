package main

import (
	"errors"
	"os"
	"strings"

	"github.com/ondelete/ondelete/target"
)

// Exit codes. They are part of the CLI contract: scripts and CI branch on
// them.
const (
	// exitOK: the command did its job.
	exitOK = 0
	// exitFindings: the command ran and found what it reports as failure
	// (used by later commands such as check and verify).
	exitFindings = 1
	// exitBadInput: bad flags or input, connection or migration failure.
	exitBadInput = 2
	// exitInterrupted: stopped by SIGINT or SIGTERM (128 + SIGINT, as shells
	// report it), after cleaning up.
	exitInterrupted = 130
)

// exitError carries an exit code other than the default through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCodeOf(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitBadInput
}

// oneLine folds a multi-line error (driver messages sometimes carry a
// newline and a hint) into one line: errors are one line by contract.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// redactErr strips passwords from the error text, using the DSN the user
// gave (flag or environment) to find its literal password too.
func redactErr(err error) string {
	return target.Redact(err.Error(), os.Getenv("DATABASE_URL"), lastDSN)
}

// lastDSN is the --dsn value of the command that ran, kept for redaction.
var lastDSN string
