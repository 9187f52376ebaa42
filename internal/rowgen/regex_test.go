package rowgen

import (
	"regexp"
	"testing"
)

func TestExampleForMatches(t *testing.T) {
	patterns := []string{`^[A-Z][A-Z0-9]{1,9}$`, `^[0-9]{4}$`, `^[A-Z]{2}$`, `^[a-z_]+\.[a-z_]+$`,
		`^#[0-9a-f]{6}$`, `^[a-z0-9][a-z0-9-]*$`, `^(foo|bar)-\d+$`}
	for _, p := range patterns {
		seen := map[string]bool{}
		for seed := int64(0); seed < 20; seed++ {
			s, ok := exampleFor(p, seed*7919+13)
			if !ok {
				t.Fatalf("%s: no example", p)
			}
			if !regexp.MustCompile(p).MatchString(s) {
				t.Errorf("%s: example %q does not match", p, s)
			}
			seen[s] = true
		}
		if len(seen) < 2 {
			t.Errorf("%s: examples never vary", p)
		}
	}
}
