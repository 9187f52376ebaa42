package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/ondelete/ondelete/verify"
)

// VerifyFormats are the --format values of `ondelete verify`.
var VerifyFormats = []string{"text", "json"}

// RenderVerify writes r in format ("text" or "json").
func RenderVerify(w io.Writer, r *verify.Report, format string, st Style) error {
	switch format {
	case "text":
		return VerifyText(w, r, st)
	case "json":
		return VerifyJSON(w, r)
	}
	return &UnknownFormatError{Format: format, Known: VerifyFormats}
}

// VerifyJSON writes the report as the documented JSON object
// (docs/json.md), indented, with a final newline.
func VerifyJSON(w io.Writer, r *verify.Report) error {
	out := *r
	if out.Tables == nil {
		out.Tables = []verify.TableResult{}
	}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding verify report: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// VerifyText writes one line per check — status, table, the constraint it
// went through, expected and observed — then the reason of every FAIL and
// SKIPPED (one line each, kept out of the table so a long reason does not
// widen every row), the warnings and the totals.
func VerifyText(w io.Writer, r *verify.Report, st Style) error {
	fmt.Fprintf(w, "%s %s (canary rows inserted in %s mode, all rolled back)\n\n", st.Bold("Verifying deletes from"), termName(r.Root), r.Mode)
	rows := make([][]cell, 0, len(r.Tables))
	var reasons []string
	for _, t := range r.Tables {
		status := cell{text: strings.ToUpper(string(t.Status))}
		switch t.Status {
		case verify.StatusPass:
			status.sgr = sgrGreen
		case verify.StatusFail:
			status.sgr = sgrRed
		case verify.StatusSkipped:
			status.sgr = sgrYellow
		}
		via := string(t.Check)
		if t.Constraint != "" {
			via = termText(t.Constraint)
			if t.Check == verify.CheckConditional {
				via += " (conditional)"
			}
		}
		observed := t.Observed
		if observed == "" {
			observed = "-"
		}
		rows = append(rows, []cell{status, {text: termName(t.TableName())}, {text: via}, {text: termText(t.Expected)}, {text: termText(observed)}})
		if t.Status != verify.StatusPass && t.Reason != "" {
			reasons = append(reasons, fmt.Sprintf("%s %s via %s: %s", st.Paint(status.sgr, status.text), termName(t.TableName()), via, termText(t.Reason)))
		}
	}
	if err := writeTable(w, []string{"STATUS", "TABLE", "VIA", "EXPECTED", "OBSERVED"}, rows, st); err != nil {
		return err
	}
	var b strings.Builder
	if len(reasons) > 0 {
		b.WriteString("\n")
		for _, r := range reasons {
			b.WriteString(r + "\n")
		}
	}
	for _, warn := range r.Warnings {
		fmt.Fprintf(&b, "%s %s\n", st.Yellow("warning:"), termText(warn))
	}
	s := r.Summary
	verdict := st.Bold(fmt.Sprintf("\n%d passed, %d failed, %d skipped", s.Pass, s.Fail, s.Skipped))
	if s.Fail > 0 {
		verdict = st.Red(fmt.Sprintf("\n%d passed, %d failed, %d skipped", s.Pass, s.Fail, s.Skipped))
	}
	b.WriteString(verdict + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}
