package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"gotest.tools/v3/golden"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
)

// Run `go test ./report -run Check -update` to rewrite the golden files
// after an intended change, then review the diff.

// weirdCheck is a result whose every field a renderer escapes holds
// something that needs escaping: quotes, spaces, non-ASCII, commas,
// colons, percent signs, CR and LF, a terminal escape sequence and XML
// markup; with policy rules sharing a code, a baselined finding, a fixed
// baseline entry and a policy warning.
func weirdCheck() *check.Result {
	return &check.Result{
		Version: 1,
		Findings: []check.Finding{
			{
				Rule: "blocked-root-delete", Code: "OD001", Severity: policy.Error,
				Schema: "public", Table: "comments", Constraint: "comments_document_id_fkey", Columns: []string{"document_id"},
				Found: "NO ACTION", Expected: "CASCADE or SET NULL",
				Message: "deleting a row of users fails while public.comments references it (users → documents → comments)",
				Fix:     "ALTER TABLE public.comments\n  DROP CONSTRAINT comments_document_id_fkey,\n  ADD CONSTRAINT comments_document_id_fkey FOREIGN KEY (document_id) REFERENCES public.documents(id) ON DELETE CASCADE;\n",
				Source:  &catalog.Source{File: "db/migrations/003_comments.sql", Line: 12},
			},
			{
				Rule: "user-data-cascades", Code: "OD100", Severity: policy.Error,
				Schema: "My Schema", Table: `order "items"`, Constraint: "fk, with: colon", Columns: []string{"user id"},
				Found: "SET NULL", Expected: "CASCADE",
				Message: "100% of <order> rows keep a user's data,\r\nafter the user is gone: %0A is not a newline",
				Fix:     `ALTER TABLE "My Schema"."order ""items""" DROP CONSTRAINT "fk, with: colon";`,
				Source:  &catalog.Source{File: "db/migrations/004 add: 100%, ünïcode #1.sql", Line: 3},
			},
			{
				Rule: "epics-keep-children", Code: "OD100", Severity: policy.Error,
				Schema: "public", Table: "epics", Constraint: "line\nbreak\x1b[31m", Columns: []string{"parent_id"},
				Found: "CASCADE", Expected: "SET NULL",
				Message: "deleting an epic deletes its children & grandchildren",
				Fix:     `ALTER TABLE public.epics DROP CONSTRAINT "line` + "\n" + `break` + "\x1b" + `[31m";`,
				Source:  &catalog.Source{File: "migrations/20240101_epics.up.sql"},
			},
			{
				Rule: "unindexed-cascade", Code: "OD004", Severity: policy.Warning,
				Schema: "public", Table: "données", Constraint: "données_fk", Columns: []string{"propriétaire"},
				Found: "no index leading with (propriétaire)", Expected: "an index leading with (propriétaire)",
				Message: "every delete of a parent row scans public.données",
				Fix:     "CREATE INDEX CONCURRENTLY ON public.données (propriétaire);",
			},
			{
				Rule: "orphan-owner-column", Code: "OD007", Severity: policy.Warning,
				Schema: "public", Table: "events", Columns: []string{"user_id"},
				Found: "no foreign key", Expected: "a foreign key to public.users",
				Message:   "rows of public.events outlive the user they belong to",
				Fix:       "ALTER TABLE public.events ADD FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE NOT VALID;",
				Baselined: true,
			},
		},
		Fixed:          []check.BaselineEntry{{Rule: "not-valid", Schema: "public", Table: "t,1", Constraint: "c:1"}},
		Summary:        check.Summary{Errors: 3, Warnings: 1, Baselined: 1, Fixed: 1},
		PolicyWarnings: []string{`ondelete.yaml:3:9: root "usres" names no table; did you mean users?`},
	}
}

// cleanCheck is a run without findings.
func cleanCheck() *check.Result { return &check.Result{Version: 1} }

// sarifTestOptions pins what SARIF would otherwise take from the build.
var sarifTestOptions = SARIFOptions{ToolVersion: "1.2.3"}

var checkRenderers = map[string]func(*bytes.Buffer, *check.Result) error{
	"txt":       func(b *bytes.Buffer, r *check.Result) error { return CheckText(b, r, Style{}) },
	"color.txt": func(b *bytes.Buffer, r *check.Result) error { return CheckText(b, r, Style{Color: true}) },
	"json":      func(b *bytes.Buffer, r *check.Result) error { return CheckJSON(b, r) },
	"sarif":     func(b *bytes.Buffer, r *check.Result) error { return CheckSARIF(b, r, sarifTestOptions) },
	"github":    func(b *bytes.Buffer, r *check.Result) error { return CheckGitHub(b, r) },
	"junit.xml": func(b *bytes.Buffer, r *check.Result) error { return CheckJUnit(b, r) },
}

func TestCheckGolden(t *testing.T) {
	results := map[string]*check.Result{"weird": weirdCheck(), "clean": cleanCheck()}
	for name, r := range results {
		for ext, fn := range checkRenderers {
			t.Run(name+"."+ext, func(t *testing.T) {
				var b bytes.Buffer
				if err := fn(&b, r); err != nil {
					t.Fatal(err)
				}
				golden.Assert(t, b.String(), "check_"+name+"."+ext)
			})
		}
	}
}

func TestRenderCheckFormats(t *testing.T) {
	for _, format := range CheckFormats {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := RenderCheck(&b, weirdCheck(), format, Style{}); err != nil {
				t.Fatal(err)
			}
			if b.Len() == 0 {
				t.Fatal("no output")
			}
			if strings.Contains(b.String(), "\x1b") {
				t.Error("output contains a raw escape character")
			}
		})
	}
	var unknown *UnknownFormatError
	if err := RenderCheck(&bytes.Buffer{}, weirdCheck(), "yaml", Style{}); !errors.As(err, &unknown) || unknown.Format != "yaml" {
		t.Errorf("unknown format: got %v", err)
	}
}

func TestCheckTextSummary(t *testing.T) {
	for _, tc := range []struct {
		s    check.Summary
		want string
	}{
		{check.Summary{}, "0 errors, 0 warnings"},
		{check.Summary{Errors: 1, Warnings: 1}, "1 error, 1 warning"},
		{check.Summary{Errors: 3, Warnings: 5, Baselined: 2, Fixed: 1}, "3 errors, 5 warnings (2 more baselined), 1 fixed"},
	} {
		if got := checkSummaryLine(tc.s); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.s, got, tc.want)
		}
	}
}

// TestCheckJSONContract decodes the output into the contract's shape:
// every field the contract names is present, findings is an array even
// when empty, and the text survives the round trip byte for byte.
func TestCheckJSONContract(t *testing.T) {
	for name, r := range map[string]*check.Result{"weird": weirdCheck(), "clean": cleanCheck()} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := CheckJSON(&b, r); err != nil {
				t.Fatal(err)
			}
			var doc map[string]json.RawMessage
			if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"version", "findings", "summary"} {
				if _, ok := doc[k]; !ok {
					t.Errorf("missing %q", k)
				}
			}
			var findings []map[string]json.RawMessage
			if err := json.Unmarshal(doc["findings"], &findings); err != nil || findings == nil {
				t.Fatalf("findings is not an array: %s (%v)", doc["findings"], err)
			}
			for i, f := range findings {
				for _, k := range []string{"rule", "code", "severity", "schema", "table", "constraint", "found", "expected", "message", "fix", "source"} {
					if _, ok := f[k]; !ok {
						t.Errorf("finding %d: missing %q", i, k)
					}
				}
			}
			var summary map[string]int
			if err := json.Unmarshal(doc["summary"], &summary); err != nil {
				t.Fatal(err)
			}
			if summary["errors"] != r.Summary.Errors || summary["warnings"] != r.Summary.Warnings {
				t.Errorf("summary %v, want %+v", summary, r.Summary)
			}
			var back check.Result
			if err := json.Unmarshal(b.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			if len(back.Findings) != len(r.Findings) {
				t.Fatalf("%d findings back, want %d", len(back.Findings), len(r.Findings))
			}
			for i := range r.Findings {
				if got, want := back.Findings[i].Message, r.Findings[i].Message; got != want {
					t.Errorf("finding %d message %q, want %q", i, got, want)
				}
				if (back.Findings[i].Source == nil) != (r.Findings[i].Source == nil) {
					t.Errorf("finding %d source %v, want %v", i, back.Findings[i].Source, r.Findings[i].Source)
				}
			}
		})
	}
}
