package policy

import (
	"fmt"
	"strings"
)

// closest returns the candidate nearest to s by case-insensitive edit
// distance, if it is close enough to be a plausible typo (at most a third of
// its length, and at least 2 edits allowed), else the first candidate that
// s abbreviates (warn for warning, at least 3 characters), else "".
func closest(s string, candidates []string) string {
	want := strings.ToLower(strings.TrimSpace(s))
	limit := max(2, len([]rune(want))/3)
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := distance(want, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" && len(want) >= 3 {
		for _, c := range candidates {
			if strings.HasPrefix(strings.ToLower(c), want) {
				return c
			}
		}
	}
	return best
}

// didYouMean returns "; did you mean "x"?" for the closest candidate, or "".
func didYouMean(s string, candidates []string) string {
	if c := closest(s, candidates); c != "" {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	return ""
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// distance is the Levenshtein distance between a and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
