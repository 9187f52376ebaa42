package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
)

// CheckGitHub writes the result as GitHub Actions workflow commands, one
// annotation per finding: `::error file=F,line=L,title=T::message` for
// errors, `::warning` for warnings and `::notice` for baselined findings
// (reported, but they do not fail the run). A finding with a migration
// source is annotated at that file and line, so it shows on the pull
// request's diff; one without gets no file. Policy warnings and fixed
// baseline entries follow as annotations without a file, and the summary
// line ends the output as plain log text. Every property and message is
// escaped as the runner requires, so no identifier can end a command
// early or inject another; control characters other than line breaks are
// written as visible escapes (\x1b), as in the text format.
func CheckGitHub(w io.Writer, r *check.Result) error {
	var b strings.Builder
	for i := range r.Findings {
		f := &r.Findings[i]
		props := [][2]string{}
		if f.Source != nil && f.Source.File != "" {
			props = append(props, [2]string{"file", filepath.ToSlash(f.Source.File)})
			if f.Source.Line > 0 {
				props = append(props, [2]string{"line", fmt.Sprint(f.Source.Line)})
			}
		}
		title := f.Code + " " + f.Rule
		msg := termLines(checkLongMessage(f, termText(checkSubject(f))))
		if f.Baselined {
			title += " (baselined)"
		}
		props = append(props, [2]string{"title", termLines(title)})
		githubCommand(&b, githubCommandName(f), props, msg)
	}
	for _, pw := range r.PolicyWarnings {
		githubCommand(&b, "warning", [][2]string{{"title", "ondelete policy"}}, termLines(pw))
	}
	for i := range r.Fixed {
		e := &r.Fixed[i]
		githubCommand(&b, "notice", [][2]string{{"title", "ondelete baseline: fixed"}},
			termLines(e.Rule+" no longer reports "+termText(baselineSubject(e))+"; remove it from the baseline"))
	}
	b.WriteString(checkSummaryLine(r.Summary) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// githubCommandName is the annotation level of a finding.
func githubCommandName(f *check.Finding) string {
	switch {
	case f.Baselined:
		return "notice"
	case f.Severity == policy.Warning:
		return "warning"
	case f.Severity == policy.Error:
		return "error"
	}
	return "notice"
}

// githubCommand writes one workflow command line: ::name k=v,k=v::data.
func githubCommand(b *strings.Builder, name string, props [][2]string, data string) {
	b.WriteString("::" + name)
	for i, p := range props {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(p[0] + "=" + githubEscapeProperty(p[1]))
	}
	b.WriteString("::" + githubEscapeData(data) + "\n")
}

// githubEscapeData escapes a command's message the way the Actions
// runner unescapes it: '%' first, so an escape in the input is not
// mistaken for one of ours, then CR and LF, which would end the command.
var githubEscapeData = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace

// githubEscapeProperty escapes a property value: as data, plus ':' and
// ',' which would end the value early.
var githubEscapeProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace

// termLines is termText applied line by line: line breaks (LF or CRLF)
// stay, since a multi-line annotation is fine once escaped, but every
// other control character becomes a visible escape.
func termLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = termText(strings.TrimSuffix(l, "\r"))
	}
	return strings.Join(lines, "\n")
}
