package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/ident"
)

// CheckFormats lists the formats RenderCheck accepts, for the --format
// flag's help and validation.
var CheckFormats = []string{"text", "json", "sarif", "github", "junit"}

// RenderCheck writes r in the named format (one of CheckFormats), so the
// CLI maps --format to a renderer in one call. st applies to the text
// format only: the other formats are read by machines and never carry
// escape codes. SARIF is written with default SARIFOptions (the tool
// version comes from the binary's build information); call CheckSARIF
// directly to set them.
func RenderCheck(w io.Writer, r *check.Result, format string, st Style) error {
	switch format {
	case "text":
		return CheckText(w, r, st)
	case "json":
		return CheckJSON(w, r)
	case "sarif":
		return CheckSARIF(w, r, SARIFOptions{})
	case "github":
		return CheckGitHub(w, r)
	case "junit":
		return CheckJUnit(w, r)
	}
	return &UnknownFormatError{Format: format, Known: CheckFormats}
}

// checkSubject names what a finding is about in display form:
// schema.table.constraint, or schema.table(columns) for a finding about
// columns without a constraint (orphan-owner-column). It is not yet made
// safe for any output medium: each renderer escapes it its own way.
func checkSubject(f *check.Finding) string {
	if f.Constraint != "" {
		return catalog.ConstraintKey{Schema: f.Schema, Table: f.Table, Name: f.Constraint}.String()
	}
	t := ident.DisplayQualified(f.Schema, f.Table)
	if len(f.Columns) == 0 {
		return t
	}
	cols := make([]string, len(f.Columns))
	for i, c := range f.Columns {
		cols[i] = ident.Display(c)
	}
	return t + "(" + strings.Join(cols, ", ") + ")"
}

// baselineSubject is checkSubject for a baseline entry, so a fixed entry
// reads exactly like the finding it used to be.
func baselineSubject(e *check.BaselineEntry) string {
	return checkSubject(&check.Finding{Schema: e.Schema, Table: e.Table, Constraint: e.Constraint, Columns: e.Columns})
}

// checkSummaryLine is the one-line count every human-facing format ends
// with, e.g. "3 errors, 5 warnings (2 more baselined), 1 fixed".
// Baselined findings are counted apart because they do not fail the
// check; fixed entries are baseline entries that no longer occur.
func checkSummaryLine(s check.Summary) string {
	line := graphCount(s.Errors, "error") + ", " + graphCount(s.Warnings, "warning")
	if s.Baselined > 0 {
		line += fmt.Sprintf(" (%d more baselined)", s.Baselined)
	}
	if s.Fixed > 0 {
		line += fmt.Sprintf(", %d fixed", s.Fixed)
	}
	return line
}

// checkLongMessage is a finding as one multi-line message, for formats
// that have a single text per finding (SARIF, GitHub annotations, JUnit
// failures): the subject and message, what was found against what was
// expected, and the fix. subject is checkSubject(f) as the format needs
// it escaped.
func checkLongMessage(f *check.Finding, subject string) string {
	var b strings.Builder
	b.WriteString(subject)
	if f.Message != "" {
		b.WriteString(": " + f.Message)
	}
	if f.Found != "" {
		b.WriteString("\nFound: " + f.Found)
	}
	if f.Expected != "" {
		b.WriteString("\nExpected: " + f.Expected)
	}
	if f.Fix != "" {
		b.WriteString("\nFix:\n" + strings.TrimRight(f.Fix, "\n"))
	}
	return b.String()
}
