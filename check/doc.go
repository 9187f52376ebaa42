// Package check evaluates a policy (package policy) against a catalog
// snapshot: the policy's own rules and the built-in lints, each finding
// with a stable code, a severity, what was found versus expected and a
// concrete fix. Evaluate is pure; Run inspects a live database first, so a
// team can keep the check inside `go test`.
package check
