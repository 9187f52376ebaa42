package report

import (
	"encoding/xml"
	"io"
	"path/filepath"
	"sort"

	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
)

// CheckJUnit writes the result as JUnit XML, the test report format CI
// systems (GitLab, Jenkins, CircleCI, Azure Pipelines) display without a
// plugin. There is one test suite per rule, named after it, in name order,
// and one test case per finding, named after its constraint: an error is
// a failure, a warning passes with the warning in its output (JUnit has no
// warning state) and a baselined finding is skipped. Fixed baseline
// entries are passing cases of a "baseline" suite and policy warnings the
// output of a "policy" suite. A clean run is one passing case, so a CI
// that refuses empty reports still shows the check ran. Text is escaped by
// encoding/xml; characters XML cannot carry become U+FFFD.
func CheckJUnit(w io.Writer, r *check.Result) error {
	doc := junitSuites{Name: "ondelete check"}
	byRule := map[string]*junitSuite{}
	for i := range r.Findings {
		f := &r.Findings[i]
		s := byRule[f.Rule]
		if s == nil {
			s = &junitSuite{Name: f.Rule}
			byRule[f.Rule] = s
		}
		s.add(junitCaseOf(f))
	}
	rules := make([]string, 0, len(byRule))
	for name := range byRule {
		rules = append(rules, name)
	}
	sort.Strings(rules)
	for _, name := range rules {
		doc.Suites = append(doc.Suites, *byRule[name])
	}
	if len(r.Fixed) > 0 {
		s := junitSuite{Name: "baseline"}
		for i := range r.Fixed {
			e := &r.Fixed[i]
			s.add(junitCase{Name: "fixed: " + baselineSubject(e), ClassName: "ondelete." + e.Rule})
		}
		doc.Suites = append(doc.Suites, s)
	}
	if len(r.PolicyWarnings) > 0 {
		s := junitSuite{Name: "policy"}
		out := ""
		for _, pw := range r.PolicyWarnings {
			out += "warning: " + pw + "\n"
		}
		s.add(junitCase{Name: "policy file", ClassName: "ondelete.policy", SystemOut: out})
		doc.Suites = append(doc.Suites, s)
	}
	if len(r.Findings) == 0 {
		s := junitSuite{Name: "ondelete"}
		s.add(junitCase{Name: "no findings", ClassName: "ondelete", SystemOut: checkSummaryLine(r.Summary) + "\n"})
		doc.Suites = append(doc.Suites, s)
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitCaseOf is the test case of one finding.
func junitCaseOf(f *check.Finding) junitCase {
	c := junitCase{Name: checkSubject(f), ClassName: "ondelete." + f.Rule}
	if f.Source != nil && f.Source.File != "" {
		c.File, c.Line = filepath.ToSlash(f.Source.File), f.Source.Line
	}
	msg := checkLongMessage(f, checkSubject(f))
	switch {
	case f.Baselined:
		c.Skipped = &junitSkipped{Message: "baselined: " + f.Code + " " + f.Message}
		c.SystemOut = msg + "\n"
	case f.Severity.Rank() >= policy.Error.Rank():
		c.Failure = &junitFailure{Message: f.Code + " " + f.Message, Type: f.Code, Text: msg}
	default:
		c.SystemOut = string(f.Severity) + ": " + f.Code + " " + msg + "\n"
	}
	return c
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

// add appends c and keeps the suite's counts in step.
func (s *junitSuite) add(c junitCase) {
	s.Cases = append(s.Cases, c)
	s.Tests++
	if c.Failure != nil {
		s.Failures++
	}
	if c.Skipped != nil {
		s.Skipped++
	}
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure"`
	Skipped   *junitSkipped `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}
