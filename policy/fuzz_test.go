package policy

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/ondelete/ondelete/catalog"
)

// errorLine is the shape of every Parse error: file:line:col: then text,
// on one line.
var errorLine = regexp.MustCompile(`^fuzz\.yaml:[1-9][0-9]*:[1-9][0-9]*: [^\n\r]+$`)

// FuzzParse feeds arbitrary bytes to Parse. It must never panic; every
// error is one line starting with file:line:col; every accepted policy is
// complete (version 1, every lint configured with a valid severity, every
// pattern usable) and survives Resolve against an empty schema.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("testdata/issue-example.yaml"); err == nil {
		f.Add(data)
	}
	for _, s := range []string{
		"",
		"version: 1\n",
		"version: 1\nroots: [users, 'public.\"User\"']\n",
		"version: 1\nrules:\n  - {name: r, match: {references: '*.us[a-z]rs', columns: ['*_id']}, expect: {on_delete: [cascade, SET_NULL], indexed: true}}\n",
		"version: 1\nexceptions:\n  - {constraint: 'a.\"b.c\".\"d\"\"e\"', rule: not-valid, reason: r}\n",
		"version: 1\nlints: {orphan-owner-column: {severity: error, columns: [user_id]}, not-valid: off}\n",
		"version: 1\nrules: &a [*a]\n",
		"version: 1\nroots: [\"a\\nb\"]\n",
		"version: 1\n---\n",
		"{version: 1, lints: {x: y}}",
		"version: 1\nrules:\n  - name: a\n    match: {table: x}\n    expect: {on_delete: casacde}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data, "fuzz.yaml")
		if err != nil {
			if p != nil {
				t.Errorf("Parse returned a policy and an error")
			}
			if !errorLine.MatchString(err.Error()) {
				t.Fatalf("error not one file:line:col line: %q", err.Error())
			}
			return
		}
		if p.Version != Version {
			t.Fatalf("accepted version %d", p.Version)
		}
		for _, l := range Lints {
			c, ok := p.Lints[l.Name]
			if !ok || (c.Severity != Error && c.Severity != Warning && c.Severity != Off) {
				t.Fatalf("lint %s: config %+v", l.Name, c)
			}
		}
		if len(p.Lints) != len(Lints) {
			t.Fatalf("%d lint configs", len(p.Lints))
		}
		for _, r := range p.Rules {
			if r.Match.IsEmpty() || r.Match.compile().err != nil {
				t.Fatalf("rule %q: unusable match %+v", r.Name, r.Match)
			}
			r.Match.MatchesFK(&catalog.ForeignKey{Schema: "s", Table: "t", Columns: []string{"c"}, RefSchema: "s", RefTable: "u"})
		}
		for _, e := range p.Exceptions {
			if strings.TrimSpace(e.Reason) == "" || e.Rule == "" {
				t.Fatalf("exception without reason or rule: %+v", e)
			}
		}
		_, warnings, err := p.Resolve(&catalog.Snapshot{})
		if err != nil {
			t.Fatalf("Resolve on an empty schema: %v", err)
		}
		for _, w := range warnings {
			if !errorLine.MatchString(w) {
				t.Fatalf("warning not one file:line:col line: %q", w)
			}
		}
	})
}
