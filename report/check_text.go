package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
)

// checkIndent lines up a finding's details under its subject, past the
// widest severity label ("warning") and its two-space gap.
const checkIndent = "         "

// CheckText writes the check result for a person at a terminal: each
// finding in the order given (the check sorts them, errors first) with
// its severity, code, rule and constraint on one line, then what was
// found against what was expected, the message, the fix indented below
// it and the migration file:line to edit. Baselined findings are marked,
// so a reader sees why they do not fail the run; fixed baseline entries
// and problems with the policy itself follow, then a one-line summary.
// Colour is used only when st.Color is set; identifiers and messages are
// made terminal-safe (control characters written as escapes) so a table
// name can never drive the terminal.
func CheckText(w io.Writer, r *check.Result, st Style) error {
	var b strings.Builder
	for i := range r.Findings {
		if i > 0 {
			b.WriteByte('\n')
		}
		checkTextFinding(&b, &r.Findings[i], st)
	}
	if len(r.Fixed) > 0 {
		b.WriteString("\n" + st.Bold("Fixed since the baseline") + "\n")
		for i := range r.Fixed {
			e := &r.Fixed[i]
			fmt.Fprintf(&b, "  %s  %s  %s\n", st.Paint(sgrGreen, "fixed"), termText(e.Rule), st.Bold(termText(baselineSubject(e))))
		}
	}
	if len(r.PolicyWarnings) > 0 {
		b.WriteString("\n" + st.Bold("Policy warnings") + "\n")
		for _, pw := range r.PolicyWarnings {
			fmt.Fprintf(&b, "  %s  %s\n", st.Yellow("warning"), termText(pw))
		}
	}
	if len(r.Findings)+len(r.Fixed)+len(r.PolicyWarnings) > 0 {
		b.WriteByte('\n')
	}
	b.WriteString(st.Bold(checkSummaryLine(r.Summary)) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// checkTextFinding writes one finding: a heading line, then its details
// indented under the subject.
func checkTextFinding(b *strings.Builder, f *check.Finding, st Style) {
	sev := string(f.Severity)
	pad := strings.Repeat(" ", max(len(checkIndent)-2-len(sev), 0))
	head := []string{checkSeverity(st, f.Severity) + pad, termText(f.Code), termText(f.Rule), st.Bold(termText(checkSubject(f)))}
	if f.Baselined {
		head = append(head, st.Dim("(baselined)"))
	}
	b.WriteString(strings.Join(head, "  ") + "\n")
	switch {
	case f.Found != "" && f.Expected != "":
		fmt.Fprintf(b, "%sfound %s → expected %s\n", checkIndent, termText(f.Found), termText(f.Expected))
	case f.Found != "":
		fmt.Fprintf(b, "%sfound %s\n", checkIndent, termText(f.Found))
	case f.Expected != "":
		fmt.Fprintf(b, "%sexpected %s\n", checkIndent, termText(f.Expected))
	}
	if f.Message != "" {
		b.WriteString(checkIndent + termText(f.Message) + "\n")
	}
	if f.Fix != "" {
		b.WriteString(checkIndent + st.Dim("fix:") + "\n")
		for _, line := range strings.Split(strings.TrimRight(f.Fix, "\n"), "\n") {
			b.WriteString(checkIndent + "  " + termText(strings.TrimSuffix(line, "\r")) + "\n")
		}
	}
	if f.Source != nil {
		b.WriteString(checkIndent + st.Dim("source:") + " " + termText(checkSourceText(f)) + "\n")
	}
}

// checkSeverity paints a severity label: errors bold red, warnings
// yellow, anything else as it is.
func checkSeverity(st Style, s policy.Severity) string {
	switch s {
	case policy.Error:
		return st.Paint(sgrBoldRed, string(s))
	case policy.Warning:
		return st.Yellow(string(s))
	}
	return string(s)
}

// checkSourceText is the finding's source as file:line, or just the file
// when the line is unknown.
func checkSourceText(f *check.Finding) string {
	if f.Source.Line > 0 {
		return fmt.Sprintf("%s:%d", f.Source.File, f.Source.Line)
	}
	return f.Source.File
}
