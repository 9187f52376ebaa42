package report

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
)

// nastyStrings are what identifiers, paths and messages may hold that a
// workflow command must not take literally.
var nastyStrings = []struct{ in, data, prop string }{
	{"plain", "plain", "plain"},
	{"100%", "100%25", "100%25"},
	{"%0A is not a newline", "%250A is not a newline", "%250A is not a newline"},
	{"%25", "%2525", "%2525"},
	{"a\nb", "a%0Ab", "a%0Ab"},
	{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
	{"a\rb", "a%0Db", "a%0Db"},
	{"key: value", "key: value", "key%3A value"},
	{"::error::injected", "::error::injected", "%3A%3Aerror%3A%3Ainjected"},
	{"a,b=c", "a,b=c", "a%2Cb=c"},
	{"db/001 add: 100%, ü.sql", "db/001 add: 100%25, ü.sql", "db/001 add%3A 100%25%2C ü.sql"},
	{"\n::warning::x", "%0A::warning::x", "%0A%3A%3Awarning%3A%3Ax"},
	{"", "", ""},
}

func TestGitHubEscape(t *testing.T) {
	for _, tc := range nastyStrings {
		if got := githubEscapeData(tc.in); got != tc.data {
			t.Errorf("data %q: got %q, want %q", tc.in, got, tc.data)
		}
		if got := githubEscapeProperty(tc.in); got != tc.prop {
			t.Errorf("property %q: got %q, want %q", tc.in, got, tc.prop)
		}
		if got := githubUnescapeData(tc.data); got != tc.in {
			t.Errorf("data %q does not round-trip: %q", tc.in, got)
		}
		if got := githubUnescapeProperty(tc.prop); got != tc.in {
			t.Errorf("property %q does not round-trip: %q", tc.in, got)
		}
	}
}

// githubUnescapeData and githubUnescapeProperty undo the escaping as the
// Actions runner does.
var (
	githubUnescapeData     = strings.NewReplacer("%25", "%", "%0D", "\r", "%0A", "\n").Replace
	githubUnescapeProperty = strings.NewReplacer("%25", "%", "%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",").Replace
)

// githubAnnotation is one parsed workflow command.
type githubAnnotation struct {
	command string
	props   map[string]string
	data    string
}

// parseGitHubCommand reads a line the way the runner does: the command
// name and properties run to the first "::", properties are split at ","
// and at the first "=", and everything after is the data.
func parseGitHubCommand(t *testing.T, line string) githubAnnotation {
	t.Helper()
	rest, ok := strings.CutPrefix(line, "::")
	if !ok {
		t.Fatalf("not a command: %q", line)
	}
	head, data, ok := strings.Cut(rest, "::")
	if !ok {
		t.Fatalf("unterminated command: %q", line)
	}
	a := githubAnnotation{props: map[string]string{}, data: githubUnescapeData(data)}
	name, props, _ := strings.Cut(head, " ")
	a.command = name
	if props != "" {
		for _, p := range strings.Split(props, ",") {
			k, v, ok := strings.Cut(p, "=")
			if !ok {
				t.Fatalf("property without '=' in %q", line)
			}
			a.props[k] = githubUnescapeProperty(v)
		}
	}
	return a
}

// TestCheckGitHubRoundTrip parses every annotation of the weird result
// back and finds each finding's file, line, title and message intact.
func TestCheckGitHubRoundTrip(t *testing.T) {
	r := weirdCheck()
	var b bytes.Buffer
	if err := CheckGitHub(&b, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if want := len(r.Findings) + len(r.PolicyWarnings) + len(r.Fixed) + 1; len(lines) != want {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), want, b.String())
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		a := parseGitHubCommand(t, lines[i])
		want := map[policy.Severity]string{policy.Error: "error", policy.Warning: "warning"}[f.Severity]
		if f.Baselined {
			want = "notice"
		}
		if a.command != want {
			t.Errorf("finding %d: command %q, want %q", i, a.command, want)
		}
		if f.Source == nil {
			if _, ok := a.props["file"]; ok {
				t.Errorf("finding %d without a source has a file", i)
			}
		} else {
			if a.props["file"] != f.Source.File {
				t.Errorf("finding %d: file %q, want %q", i, a.props["file"], f.Source.File)
			}
			if line, ok := a.props["line"]; ok != (f.Source.Line > 0) || (ok && line != strconv.Itoa(f.Source.Line)) {
				t.Errorf("finding %d: line %q for %d", i, line, f.Source.Line)
			}
		}
		if !strings.HasPrefix(a.props["title"], f.Code+" "+f.Rule) {
			t.Errorf("finding %d: title %q", i, a.props["title"])
		}
		if msg := termLines(f.Message); !strings.Contains(a.data, msg) {
			t.Errorf("finding %d: message %q not in %q", i, msg, a.data)
		}
	}
	if last := lines[len(lines)-1]; last != checkSummaryLine(r.Summary) {
		t.Errorf("last line %q", last)
	}
}

// TestCheckGitHubNastySources puts each nasty string in a file name and a
// message: every annotation stays on one line and parses back to it.
func TestCheckGitHubNastySources(t *testing.T) {
	for _, tc := range nastyStrings {
		f := check.Finding{Rule: "r", Code: "OD001", Severity: policy.Error, Schema: "public", Table: "t", Constraint: "c",
			Message: tc.in, Source: &catalog.Source{File: "m/" + tc.in, Line: 7}}
		var b bytes.Buffer
		if err := CheckGitHub(&b, &check.Result{Findings: []check.Finding{f}, Summary: check.Summary{Errors: 1}}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if len(lines) != 2 {
			t.Fatalf("%q: %d lines:\n%s", tc.in, len(lines), b.String())
		}
		a := parseGitHubCommand(t, lines[0])
		if a.command != "error" || a.props["file"] != "m/"+tc.in || a.props["line"] != "7" {
			t.Errorf("%q: parsed %+v", tc.in, a)
		}
		want := "public.t.c"
		if tc.in != "" {
			want += ": " + termLines(tc.in)
		}
		if a.data != want {
			t.Errorf("%q: data %q, want %q", tc.in, a.data, want)
		}
	}
}
