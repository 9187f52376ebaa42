package check_test

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/ondelete/ondelete/policy"
)

// rulesDoc is docs/rules.md, relative to this package's directory (where
// go test runs).
const rulesDoc = "../docs/rules.md"

// ruleHeading matches a rule's section heading: "## OD001 blocked-root-delete".
var ruleHeading = regexp.MustCompile(`^## (OD\d{3}) (.+)$`)

// docSection is one "## ODnnn name" section of docs/rules.md.
type docSection struct {
	name string
	body string
}

// readRulesDoc returns the sections of docs/rules.md by code, and the text
// before the first of them (the index table).
func readRulesDoc(t *testing.T) (map[string]docSection, string) {
	t.Helper()
	f, err := os.Open(rulesDoc)
	if err != nil {
		t.Fatalf("opening the rules documentation: %v", err)
	}
	defer f.Close()
	sections := map[string]docSection{}
	var head, body strings.Builder
	code := ""
	flush := func() {
		if code != "" {
			s := sections[code]
			s.body = body.String()
			sections[code] = s
		}
		body.Reset()
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			flush()
			code = ""
			if m := ruleHeading.FindStringSubmatch(line); m != nil {
				if _, dup := sections[m[1]]; dup {
					t.Errorf("%s: %s has two sections", rulesDoc, m[1])
				}
				code = m[1]
				sections[code] = docSection{name: m[2]}
			}
			continue
		}
		if code != "" {
			body.WriteString(line + "\n")
		} else if len(sections) == 0 {
			head.WriteString(line + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading %s: %v", rulesDoc, err)
	}
	flush()
	return sections, head.String()
}

// anchor is the GitHub anchor of a "## code name" heading whose name is
// lower-case words and hyphens.
func anchor(code, name string) string {
	return "#" + strings.ToLower(code) + "-" + strings.ReplaceAll(name, " ", "-")
}

// TestRulesDocCoversEveryLint keeps docs/rules.md in step with the lint
// registry: every lint has a "## <code> <name>" section stating its default
// severity, with an example finding of that code, and a row in the index
// table linking to it; policy rules (OD100) have theirs; and the document
// describes no code the registry does not have.
func TestRulesDocCoversEveryLint(t *testing.T) {
	sections, head := readRulesDoc(t)
	want := map[string]bool{policy.RuleCode: true}
	for _, l := range policy.Lints {
		want[l.Code] = true
		s, ok := sections[l.Code]
		if !ok {
			t.Errorf("%s: lint %s has no section headed %q", rulesDoc, l.Name, "## "+l.Code+" "+l.Name)
			continue
		}
		if s.name != l.Name {
			t.Errorf("%s: %s is headed with name %q, the registry calls it %q", rulesDoc, l.Code, s.name, l.Name)
		}
		if sev := "**Default severity:** " + string(l.Default); !strings.Contains(s.body, sev) {
			t.Errorf("%s: section %s does not state %q", rulesDoc, l.Code, sev)
		}
		if example := "  " + l.Code + "  " + l.Name + "  "; !strings.Contains(s.body, example) {
			t.Errorf("%s: section %s shows no finding of %s (want a line containing %q)", rulesDoc, l.Code, l.Name, example)
		}
		row := "| [" + l.Code + "](" + anchor(l.Code, l.Name) + ") | `" + l.Name + "` | " + string(l.Default)
		if !strings.Contains(head, row) {
			t.Errorf("%s: the index table has no row starting %q", rulesDoc, row)
		}
	}
	if s, ok := sections[policy.RuleCode]; !ok {
		t.Errorf("%s: policy rules have no section headed %q", rulesDoc, "## "+policy.RuleCode+" policy-rules")
	} else if !strings.Contains(head, "| ["+policy.RuleCode+"]("+anchor(policy.RuleCode, s.name)+")") {
		t.Errorf("%s: the index table does not link %s", rulesDoc, policy.RuleCode)
	}
	for code := range sections {
		if !want[code] {
			t.Errorf("%s: documents %s, which is neither a lint in policy.Lints nor policy.RuleCode", rulesDoc, code)
		}
	}
}
