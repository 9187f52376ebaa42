package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
)

// junitDoc is the report as a CI tool reads it.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			ClassName string `xml:"classname,attr"`
			File      string `xml:"file,attr"`
			Line      int    `xml:"line,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped   *struct{} `xml:"skipped"`
			SystemOut string    `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func renderJUnit(t *testing.T, r *check.Result) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := CheckJUnit(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCheckJUnitWellFormed reads every token with a strict decoder, so
// any unescaped markup or character XML forbids fails the test.
func TestCheckJUnitWellFormed(t *testing.T) {
	for name, r := range map[string]*check.Result{"weird": weirdCheck(), "clean": cleanCheck()} {
		t.Run(name, func(t *testing.T) {
			d := xml.NewDecoder(bytes.NewReader(renderJUnit(t, r)))
			d.Strict = true
			for {
				_, err := d.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed XML: %v", err)
				}
			}
		})
	}
}

// TestCheckJUnitContent: errors fail, baselined findings are skipped,
// warnings pass with the warning in their output, counts add up, and
// names survive escaping.
func TestCheckJUnitContent(t *testing.T) {
	r := weirdCheck()
	var doc junitDoc
	if err := xml.Unmarshal(renderJUnit(t, r), &doc); err != nil {
		t.Fatal(err)
	}
	type outcome struct{ failed, skipped bool }
	got := map[string]outcome{}
	tests, failures, skipped := 0, 0, 0
	for _, s := range doc.Suites {
		if s.Tests != len(s.Cases) {
			t.Errorf("suite %q: tests=%d for %d cases", s.Name, s.Tests, len(s.Cases))
		}
		tests, failures, skipped = tests+s.Tests, failures+s.Failures, skipped+s.Skipped
		for _, c := range s.Cases {
			got[s.Name+"|"+c.Name] = outcome{c.Failure != nil, c.Skipped != nil}
		}
	}
	if doc.Tests != tests || doc.Failures != failures || doc.Skipped != skipped {
		t.Errorf("totals %d/%d/%d, suites add up to %d/%d/%d", doc.Tests, doc.Failures, doc.Skipped, tests, failures, skipped)
	}
	wantFailures := 0
	for i := range r.Findings {
		f := &r.Findings[i]
		// XML cannot carry the escape character: it becomes U+FFFD.
		name := strings.ReplaceAll(checkSubject(f), "\x1b", "\uFFFD")
		o, ok := got[f.Rule+"|"+name]
		if !ok {
			t.Errorf("finding %d: no test case %q in suite %q", i, name, f.Rule)
			continue
		}
		want := outcome{failed: !f.Baselined && f.Severity == policy.Error, skipped: f.Baselined}
		if want.failed {
			wantFailures++
		}
		if o != want {
			t.Errorf("finding %d: %+v, want %+v", i, o, want)
		}
	}
	if doc.Failures != wantFailures {
		t.Errorf("%d failures, want %d", doc.Failures, wantFailures)
	}
	if _, ok := got["baseline|fixed: "+baselineSubject(&r.Fixed[0])]; !ok {
		t.Error("no test case for the fixed baseline entry")
	}
}

// TestCheckJUnitClean: a run without findings still reports one passing
// test, so CI tools that reject empty reports accept it.
func TestCheckJUnitClean(t *testing.T) {
	var doc junitDoc
	if err := xml.Unmarshal(renderJUnit(t, cleanCheck()), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 1 || doc.Failures != 0 || len(doc.Suites) != 1 {
		t.Errorf("clean run: %+v", doc)
	}
}
