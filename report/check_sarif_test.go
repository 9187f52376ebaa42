package report

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
)

// sarifSchema compiles the official SARIF 2.1.0 schema kept in testdata
// (see testdata/sarif-schema-2.1.0.ORIGIN.md), with format assertions on
// so that URIs must be valid URI references.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("reading the SARIF schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(sarifSchemaURI, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(sarifSchemaURI)
	if err != nil {
		t.Fatalf("compiling the SARIF schema: %v", err)
	}
	return sch
}

func renderSARIF(t *testing.T, r *check.Result, opts SARIFOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := CheckSARIF(&b, r, opts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckSARIFValidatesAgainstSchema(t *testing.T) {
	sch := sarifSchema(t)
	absolute := weirdCheck()
	absolute.Findings[0].Source = &catalog.Source{File: "/work/repo/db/migrations/003 x.sql", Line: 12}
	absolute.Findings[1].Source = &catalog.Source{File: "/elsewhere/100%/ü.sql", Line: 1}
	cases := map[string]struct {
		r    *check.Result
		opts SARIFOptions
	}{
		"weird":    {weirdCheck(), sarifTestOptions},
		"clean":    {cleanCheck(), SARIFOptions{}},
		"absolute": {absolute, SARIFOptions{SrcRoot: "/work/repo", Rules: map[string]RuleDoc{"blocked-root-delete": {Summary: "s", Help: "h", HelpURI: "https://example.com/rules#blocked-root-delete"}}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(renderSARIF(t, tc.r, tc.opts)))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Errorf("SARIF output does not validate:\n%v", err)
			}
		})
	}
}

// TestSARIFSchemaRejects proves the validation above can fail: logs that
// break the standard in ways a renderer might are rejected.
func TestSARIFSchemaRejects(t *testing.T) {
	sch := sarifSchema(t)
	good := string(renderSARIF(t, weirdCheck(), sarifTestOptions))
	for name, bad := range map[string]string{
		"level":   strings.Replace(good, `"level": "error"`, `"level": "fatal"`, 1),
		"version": strings.Replace(good, `"version": "2.1.0"`, `"version": "2.0.0"`, 1),
		"uri":     strings.Replace(good, `"uri": "db/migrations/003_comments.sql"`, `"uri": "db/migrations/100%.sql"`, 1),
		"line":    strings.Replace(good, `"startLine": 12`, `"startLine": 0`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			if bad == good {
				t.Fatal("the replacement did not apply; update the test")
			}
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
			if err != nil {
				t.Fatal(err)
			}
			if sch.Validate(inst) == nil {
				t.Error("an invalid log validates")
			}
		})
	}
}

// sarifDoc is the part of a SARIF log the tests below inspect.
type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name, Version, InformationURI string
				Rules                         []struct {
					ID, Name             string
					DefaultConfiguration struct{ Level string }
				}
			}
		}
		OriginalURIBaseIDs map[string]struct{ URI string }
		Results            []struct {
			RuleID              string
			RuleIndex           int
			Level               string
			BaselineState       string
			PartialFingerprints map[string]string
			Locations           []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct{ URI, URIBaseID string }
					Region           *struct{ StartLine int }
				}
				LogicalLocations []struct{ FullyQualifiedName string }
			}
		}
	}
}

func decodeSARIF(t *testing.T, data []byte) sarifDoc {
	t.Helper()
	var doc sarifDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	return doc
}

// TestCheckSARIFResults checks what code scanning relies on: each result
// points at its rule, carries a stable fingerprint and the right baseline
// state, and is located in its migration file or, without one, by name.
func TestCheckSARIFResults(t *testing.T) {
	r := weirdCheck()
	run := decodeSARIF(t, renderSARIF(t, r, sarifTestOptions)).Runs[0]
	if d := run.Tool.Driver; d.Name != "ondelete" || d.Version != "1.2.3" || d.InformationURI != DefaultInformationURI {
		t.Errorf("driver %+v", d)
	}
	if len(run.Results) != len(r.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(r.Findings))
	}
	seen := map[string]bool{}
	for i, res := range run.Results {
		f := &r.Findings[i]
		rule := run.Tool.Driver.Rules[res.RuleIndex]
		if rule.ID != res.RuleID || rule.Name != f.Rule || !strings.HasPrefix(res.RuleID, f.Code) {
			t.Errorf("result %d: ruleId %q, rule %+v, finding %s/%s", i, res.RuleID, rule, f.Code, f.Rule)
		}
		if want := map[policy.Severity]string{policy.Error: "error", policy.Warning: "warning"}[f.Severity]; res.Level != want {
			t.Errorf("result %d: level %q, want %q", i, res.Level, want)
		}
		if want := map[bool]string{false: "new", true: "unchanged"}[f.Baselined]; res.BaselineState != want {
			t.Errorf("result %d: baselineState %q, want %q", i, res.BaselineState, want)
		}
		fp := res.PartialFingerprints[sarifFingerprintKey]
		if fp == "" || seen[fp] {
			t.Errorf("result %d: fingerprint %q missing or repeated", i, fp)
		}
		seen[fp] = true
		loc := res.Locations[0]
		if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].FullyQualifiedName != checkSubject(f) {
			t.Errorf("result %d: logical locations %+v", i, loc.LogicalLocations)
		}
		if (f.Source == nil) != (loc.PhysicalLocation == nil) {
			t.Errorf("result %d: physical location %+v for source %v", i, loc.PhysicalLocation, f.Source)
			continue
		}
		if p := loc.PhysicalLocation; p != nil {
			if p.ArtifactLocation.URIBaseID != "%SRCROOT%" {
				t.Errorf("result %d: uriBaseId %q", i, p.ArtifactLocation.URIBaseID)
			}
			// Stricter than the schema's format check (Go's URL parser
			// takes spaces): a relative reference, fully escaped, that
			// decodes back to the source path.
			u, err := url.Parse(p.ArtifactLocation.URI)
			if err != nil || u.Scheme != "" || strings.ContainsAny(p.ArtifactLocation.URI, " #?,") || u.Path != f.Source.File {
				t.Errorf("result %d: uri %q for %q (%v)", i, p.ArtifactLocation.URI, f.Source.File, err)
			}
			if (f.Source.Line > 0) != (p.Region != nil) || (p.Region != nil && p.Region.StartLine != f.Source.Line) {
				t.Errorf("result %d: region %+v for line %d", i, p.Region, f.Source.Line)
			}
		}
	}
	// The policy rules share OD100 but keep apart; the default level is
	// the most severe one seen.
	ids := []string{}
	for _, rule := range run.Tool.Driver.Rules {
		ids = append(ids, rule.ID)
	}
	if got, want := strings.Join(ids, " "), "OD001 OD004 OD007 OD100/epics-keep-children OD100/user-data-cascades"; got != want {
		t.Errorf("rules %s, want %s", got, want)
	}
}

// TestCheckSARIFFingerprintStable: a finding whose line, message and fix
// change between runs keeps its fingerprint; another constraint does not.
func TestCheckSARIFFingerprintStable(t *testing.T) {
	fingerprint := func(f check.Finding) string {
		res := decodeSARIF(t, renderSARIF(t, &check.Result{Version: 1, Findings: []check.Finding{f}}, sarifTestOptions)).Runs[0].Results[0]
		return res.PartialFingerprints[sarifFingerprintKey]
	}
	base := weirdCheck().Findings[0]
	moved := base
	moved.Source = &catalog.Source{File: "db/migrations/009_other.sql", Line: 40}
	moved.Message, moved.Fix, moved.Severity = "reworded", "another fix", policy.Warning
	other := base
	other.Constraint = "comments_other_fkey"
	if fingerprint(base) != fingerprint(moved) {
		t.Error("fingerprint changed with line, message, fix or severity")
	}
	if fingerprint(base) == fingerprint(other) {
		t.Error("two constraints share a fingerprint")
	}
}

func TestSARIFFileURI(t *testing.T) {
	for _, tc := range []struct {
		file, root, uri, base string
	}{
		{"db/migrations/001.sql", "", "db/migrations/001.sql", "%SRCROOT%"},
		{"./db//migrations/../m/001.sql", "", "db/m/001.sql", "%SRCROOT%"},
		{"db/001 init: 100%, #1?.sql", "", "db/001%20init%3A%20100%25%2C%20%231%3F.sql", "%SRCROOT%"},
		{"a:b/c.sql", "", "a%3Ab/c.sql", "%SRCROOT%"},
		{"données/ü.sql", "", "donn%C3%A9es/%C3%BC.sql", "%SRCROOT%"},
		{"/repo/db/001.sql", "/repo", "db/001.sql", "%SRCROOT%"},
		{"/repo/db/001.sql", "/repo/", "db/001.sql", "%SRCROOT%"},
		{"/repository/001.sql", "/repo", "file:///repository/001.sql", ""},
		{"/other/a b.sql", "/repo", "file:///other/a%20b.sql", ""},
		{"/other/a.sql", "", "file:///other/a.sql", ""},
	} {
		uri, base := sarifFileURI(tc.file, tc.root)
		if uri != tc.uri || base != tc.base {
			t.Errorf("sarifFileURI(%q, %q) = %q, %q; want %q, %q", tc.file, tc.root, uri, base, tc.uri, tc.base)
		}
	}
	for root, want := range map[string]string{"/repo": "file:///repo/", "/": "file:///", "/a b/": "file:///a%20b/", "rel": ""} {
		got, ok := sarifRootURI(root)
		if got != want || ok != (want != "") {
			t.Errorf("sarifRootURI(%q) = %q, %v; want %q", root, got, ok, want)
		}
	}
}

// TestCheckSARIFSrcRoot: absolute sources below SrcRoot become relative,
// and %SRCROOT% is recorded; sources elsewhere stay absolute.
func TestCheckSARIFSrcRoot(t *testing.T) {
	r := weirdCheck()
	r.Findings[0].Source = &catalog.Source{File: "/work/repo/db/migrations/003.sql", Line: 12}
	r.Findings[1].Source = &catalog.Source{File: "/elsewhere/004.sql", Line: 3}
	run := decodeSARIF(t, renderSARIF(t, r, SARIFOptions{SrcRoot: "/work/repo"})).Runs[0]
	if got := run.OriginalURIBaseIDs["%SRCROOT%"].URI; got != "file:///work/repo/" {
		t.Errorf("originalUriBaseIds %q", got)
	}
	if a := run.Results[0].Locations[0].PhysicalLocation.ArtifactLocation; a.URI != "db/migrations/003.sql" || a.URIBaseID != "%SRCROOT%" {
		t.Errorf("below the root: %+v", a)
	}
	if a := run.Results[1].Locations[0].PhysicalLocation.ArtifactLocation; a.URI != "file:///elsewhere/004.sql" || a.URIBaseID != "" {
		t.Errorf("outside the root: %+v", a)
	}
}
